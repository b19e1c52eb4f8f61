import { spawn } from 'node:child_process';
import type { Transport } from './Transport.js';
import { shellSession, type ShellSession } from './shellSession.js';
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

/** An ssh transport can also be dropped unused: `abandon` ends its master at once, even mid-handshake. */
export interface SshTransport extends Transport {
  abandon(): Promise<void>;
}

/**
 * The system OpenSSH client with one master connection per server, opened by
 * `open()`: scripts run in its session, the lock and health checks are
 * channels on it, so a server costs one handshake. The user's ssh_config,
 * agent and known_hosts apply as they would by hand.
 */
export function sshTransport(o: SshTransportOptions): SshTransport {
  const dest = toSshDestination(o.destination);
  const base = [
    ...(o.sshConfig ? ['-F', o.sshConfig] : []),
    '-o', 'BatchMode=yes',
    '-o', `ControlPath=${o.controlDir}/%C`,
    '-o', `ConnectTimeout=${o.connectTimeoutSec ?? 10}`,
    ...(o.sshOptions ?? []).flatMap((opt) => ['-o', opt]),
  ];
  // Every step is a channel on the master when there is one; without it
  // (open() not called, or the master died) a step connects on its own.
  const channel = [...base, '-o', 'ControlMaster=no'];
  const remote = (script: string): string => `sh -c ${shellQuote(script)}`;
  let session: ShellSession | undefined;
  let opening: Promise<string | undefined> | undefined;
  let closing: Promise<void> | undefined;
  const connect = async (): Promise<string | undefined> => {
    // The master is our own child and its session runs our scripts (see
    // shellSession): it ends when we close it, or when this process dies
    // (even by SIGKILL), instead of lingering as ControlPersist masters do.
    // ssh listens on the control socket before it opens the session, so
    // once the session answers, other channels (lock, health) can use it.
    const s = shellSession('ssh', [...base, '-M', '-o', 'ControlPersist=no', dest], remote);
    // Scripts sent now wait in the channel until the loop starts: the first
    // one costs no round trip of its own. If the session never starts they
    // end as unreachable, as open() does.
    session = s;
    const e = await s.ready;
    if (e !== undefined) {
      if (session === s) session = undefined;
      await s.close();
    }
    return e;
  };
  return {
    server: o.server,
    target: o.destination,
    // Idempotent, and shared while in flight: blink-apply may start
    // connecting while it renders, and the diff then awaits the same master.
    open() {
      opening ??= connect();
      return opening;
    },
    exec: async (script, stdin) => {
      if (session) return session.run(scriptWithInput(script, stdin));
      // Not opened: a connection of its own (or a channel on someone else's master).
      const r = await runChild('ssh', [...channel, dest, 'sh -s'], scriptWithInput(script, stdin));
      // 255 is ssh's own failure (connect, auth, host key); our scripts never exit with it.
      return r.code === 255 ? { ...r, unreachable: true } : r;
    },
    hold: (script, input) => holdChild('ssh', [...channel, dest, remote(script)], input),
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
    close() {
      // A close while another is under way waits for that one: the caller may count on the master being gone.
      closing ??= (async () => {
        const pending = opening;
        opening = undefined;
        // A close while still connecting waits for the master, then ends it.
        await pending;
        const s = session;
        session = undefined;
        await s?.close();
      })().finally(() => (closing = undefined));
      return closing;
    },
    async abandon() {
      const s = session;
      opening = undefined;
      session = undefined;
      await s?.kill();
    },
  };
}

/** `user@host:port` is not something ssh parses; its URI form is. */
export function toSshDestination(d: string): string {
  const m = /^([^@:/\s]+@)?([^@:/\s]+):(\d+)$/.exec(d);
  return m ? `ssh://${m[1] ?? ''}${m[2]}:${m[3]}` : d;
}
