import { resolve } from 'node:path';
import { transportPool, type TransportPool } from '../remote/transportPool.js';
import type { CliIo } from './CliIo.js';
import { applyUsage, runnable, type ApplyUsage } from './applyUsage.js';
import { connectHints, earlyServers, type ConnectHints } from './connectHints.js';

/** The ssh masters a blink-apply run started before it compiled, and the hints they came from. */
export interface EarlyConnections {
  pool: TransportPool;
  hints: ConnectHints;
}

/**
 * Starts the handshakes of the first servers the last run read (the hints),
 * as the first thing blink-apply does: its bin calls this before it loads
 * the rest of blink-apply, which is about half of its start-up, so the
 * handshakes (most of what a server costs a diff) go on meanwhile. Nothing
 * starts for a command line with a mistake or --help. A master is used only
 * by a compiled server with the same spec; the others are ended unused.
 */
export function connectEarly(argv: string[], io: CliIo & { stdin?: { isTTY?: boolean } }): EarlyConnections | undefined {
  const u = applyUsage(argv, io, false);
  return runnable(u) ? startConnecting(u, io) : undefined;
}

/** The pool of a run whose usage is already checked, with its first masters started. */
export function startConnecting(u: ApplyUsage, io: CliIo): EarlyConnections {
  const v = u.values;
  const pool = transportPool(v['ssh-config'] ? { sshConfig: resolve(io.cwd, v['ssh-config']) } : {});
  const hints = connectHints(io.cwd, io.env, resolve(io.cwd, v.config ?? 'config'));
  pool.preconnect(earlyServers(hints.specs, v.server ?? [], v.host ?? [], u.parallel.read));
  return { pool, hints };
}
