import { spawn } from 'node:child_process';
import type { Transport } from './Transport.js';
import { holdChild, runChild } from './localTransport.js';
import { httpOverStream } from './httpOverStream.js';
import { shellQuote } from './shellQuote.js';
import { scriptWithInput } from './scriptWithInput.js';
import { childEnv } from './childEnv.js';

export interface SshTransportOptions {
  server: string;
  /** `user@host`, `user@host:port` or an ssh_config alias. */
  destination: string;
  sshOptions?: string[];
  /** Passed as `-F`. */
  sshConfig?: string;
  /** Private folder (0700) for the master's socket. */
  controlDir: string;
  /** @default 10 */
  connectTimeoutSec?: number;
}

/**
 * The system OpenSSH client with one master connection per server: every
 * later step is a new channel on it, so a server costs one handshake. The
 * user's ssh_config, agent and known_hosts apply as they would by hand.
 */
export function sshTransport(o: SshTransportOptions): Transport {
  const dest = toSshDestination(o.destination);
  const base = [
    ...(o.sshConfig ? ['-F', o.sshConfig] : []),
    '-o', 'BatchMode=yes',
    '-o', `ControlPath=${o.controlDir}/%C`,
    ...(o.sshOptions ?? []).flatMap((opt) => ['-o', opt]),
  ];
  // The first command of a run becomes the master (auto), so connecting costs
  // no round trip of its own; ControlPersist keeps it for every later step and
  // bounds how long it outlives an apply that was killed.
  const channel = [...base, '-o', 'ControlMaster=auto', '-o', 'ControlPersist=60', '-o', `ConnectTimeout=${o.connectTimeoutSec ?? 10}`];
  const remote = (script: string): string => `sh -c ${shellQuote(script)}`;
  return {
    server: o.server,
    target: o.destination,
    // Nothing to do before the first command: see `channel`.
    open: async () => undefined,
    exec: async (script, stdin) => {
      const r = await runChild('ssh', [...channel, dest, 'sh -s'], scriptWithInput(script, stdin));
      // 255 is ssh's own failure (connect, auth, host key); our scripts never exit with it.
      return r.code === 255 ? { ...r, unreachable: true } : r;
    },
    hold: (script) => holdChild('ssh', [...channel, dest, remote(script)]),
    httpGet(url, timeoutMs) {
      let u: URL;
      try {
        u = new URL(url);
      } catch {
        return Promise.resolve({ error: `invalid URL ${url}` });
      }
      const child = spawn('ssh', [...channel, '-W', `${u.hostname}:${u.port || 80}`, dest], { stdio: ['pipe', 'pipe', 'ignore'], env: childEnv() });
      return httpOverStream(child.stdin, child.stdout, u, timeoutMs, () => child.kill());
    },
    async close() {
      await runChild('ssh', [...base, '-O', 'exit', dest]);
    },
  };
}

/** `user@host:port` is not something ssh parses; its URI form is. */
export function toSshDestination(d: string): string {
  const m = /^([^@:/\s]+@)?([^@:/\s]+):(\d+)$/.exec(d);
  return m ? `ssh://${m[1] ?? ''}${m[2]}:${m[3]}` : d;
}
