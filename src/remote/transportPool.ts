import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from '../model/Fleet.js';
import type { Transport } from './Transport.js';
import { localTransport } from './localTransport.js';
import { sshTransport, type SshTransport } from './sshTransport.js';

/** What an ssh connection to a server is made from: the same spec is the same master. */
export interface ConnectSpec {
  name: string;
  ssh: string;
  sshOptions: string[];
}

/** A server's ssh connection spec; undefined for a local one. */
export function connectSpec(s: Server): ConnectSpec | undefined {
  return s.transport === 'ssh' && s.ssh ? { name: s.name, ssh: s.ssh, sshOptions: s.sshOptions } : undefined;
}

/** One transport per server for a run; what `realRemotes` builds the remotes on. */
export interface TransportPool {
  /** The server's transport: the master started early for it when the spec is the same, else a new one. */
  transportFor(s: Server): Transport;
  /** Start these masters now, before the fleet is compiled. */
  preconnect(specs: readonly ConnectSpec[]): void;
  /** Close every master and remove the sockets' folder. */
  dispose(): Promise<void>;
}

/**
 * Transports for real servers: ssh (one master each, sockets in a private
 * folder) or local. `preconnect` starts ssh masters before the fleet is
 * compiled, from the specs an earlier run used; a server's transport is that
 * master only when the compiled server has exactly that spec, and the other
 * is closed unused. Nothing runs on a server before its transport is asked
 * for. Kept apart from the remotes built on it so that blink-apply can start
 * the masters before it loads the rest of itself.
 */
export function transportPool(options: { sshConfig?: string }): TransportPool {
  let controlDir: string | undefined;
  const transports = new Map<string, { t: Transport; spec: string; early?: SshTransport }>();
  const closing: Promise<void>[] = [];
  const ssh = (spec: ConnectSpec): SshTransport => {
    // mkdtemp makes it 0700: nobody else can reach our masters.
    controlDir ??= mkdtempSync(join(tmpdir(), 'blink-ssh-'));
    return sshTransport({ server: spec.name, destination: spec.ssh, sshOptions: spec.sshOptions, controlDir, ...(options.sshConfig ? { sshConfig: options.sshConfig } : {}) });
  };
  return {
    transportFor(s) {
      const want = connectSpec(s);
      const spec = JSON.stringify(want ?? { local: s.name, commandDir: s.commandDir });
      const had = transports.get(s.name);
      if (had?.spec === spec) {
        // Asked for: from now on it is closed as any other.
        delete had.early;
        return had.t;
      }
      // Started early for a server that compiled otherwise: never used.
      if (had) closing.push(had.early ? had.early.abandon() : had.t.close());
      const t = want ? ssh(want) : localTransport(s.name, s.commandDir);
      transports.set(s.name, { t, spec });
      return t;
    },
    preconnect(specs) {
      for (const spec of specs) {
        if (transports.has(spec.name)) continue;
        const t = ssh(spec);
        transports.set(spec.name, { t, early: t, spec: JSON.stringify({ name: spec.name, ssh: spec.ssh, sshOptions: spec.sshOptions }) });
        // Its outcome is the diff's to report, when (and if) the server is read.
        void t.open();
      }
    },
    async dispose() {
      // A master started early and never asked for (a compile error, another selection) is ended at once.
      await Promise.all([...closing, ...[...transports.values()].map(({ t, early }) => (early ? early.abandon() : t.close()))]);
      if (controlDir) rmSync(controlDir, { recursive: true, force: true });
    },
  };
}
