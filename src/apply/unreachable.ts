import { error, type Diagnostic } from '../diagnostics/Diagnostic.js';

/**
 * BLINK510: a server that could not be reached, with what ssh said. When the
 * other side closed the connection before the handshake (ssh's
 * "kex_exchange_identification"), the usual cause is an sshd refusing more
 * unauthenticated connections than its MaxStartups (10 by default): one jump
 * host in front of many servers sees every handshake of the run at once.
 */
export function unreachable(server: string, target: string, why: string): Diagnostic {
  const hint = /kex_exchange_identification/.test(why)
    ? 'the server, or a jump host on the way, closed the connection before the handshake: an sshd drops handshakes beyond its MaxStartups (10 at once by default); run again with fewer at once, e.g. --parallel 4'
    : undefined;
  return error('BLINK510', `${server} (${target}) is unreachable: ${why}`, undefined, hint);
}
