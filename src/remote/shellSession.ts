import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { ExecResult } from './Transport.js';
import { childEnv } from './childEnv.js';

/**
 * One long-lived shell on the server that runs scripts one after another:
 * the master ssh connection's own session. A step then costs a few bytes on
 * an open channel instead of a new ssh process and a new session (a process
 * and a login shell on the server) — most of what a diff waits for.
 *
 * Each request is `RUN <nonce> <length>` and that many bytes of script;
 * `head -c` reads exactly those, so a script never sees the next one. The
 * script runs from a file with its own stdin, stdout and stderr files, so
 * nothing it does (read stdin, exit, a syntax error) can touch the loop, and
 * it runs whole or not at all. The answer is `@@<nonce> <code> <out> <err>`
 * and that many bytes. When this process dies the loop reads EOF and ends
 * after the running script, and with it the session and the master.
 */
const LOOP = `T=$(mktemp -d "\${TMPDIR:-/tmp}/blink.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
echo READY
while IFS=' ' read -r tag n len; do
  [ "$tag" = RUN ] || exit 2
  head -c "$len" > "$T/s" || exit 2
  sh "$T/s" < /dev/null > "$T/o" 2> "$T/e"; c=$?
  printf '@@%s %s %s %s\\n' "$n" "$c" $(($(wc -c < "$T/o"))) $(($(wc -c < "$T/e")))
  cat "$T/o" "$T/e"
done`;

const READY_LINE = Buffer.from('READY\n');
const NL_READY_LINE = Buffer.from('\nREADY\n');

export interface ShellSession {
  /** Resolves once the loop runs (undefined), or with why it never did. */
  ready: Promise<string | undefined>;
  /** Runs `text` (a whole `sh` script) after any earlier request; 255 + `unreachable` once the session is gone. */
  run(text: string): Promise<ExecResult>;
  /** Ends the loop and waits for the process. */
  close(): Promise<void>;
  /** Ends the process now, handshake or not (a connection nobody will use), and waits for it. */
  kill(): Promise<void>;
}

interface Pending {
  nonce: string;
  resolve(r: ExecResult): void;
}

/** `cmd args…` must end by running the shell command it is given as its last argument (ssh: the remote command). */
export function shellSession(cmd: string, args: string[], wrap: (script: string) => string): ShellSession {
  const child = spawn(cmd, [...args, wrap(LOOP)], { stdio: ['pipe', 'pipe', 'pipe'], env: childEnv() });
  let buf: Buffer = Buffer.alloc(0);
  let err = '';
  let started = false;
  let gone: string | undefined;
  const queue: Pending[] = [];
  let markReady!: (e: string | undefined) => void;
  const ready = new Promise<string | undefined>((r) => (markReady = r));
  const closed = new Promise<void>((r) => child.on('close', () => r()));

  const fail = (why: string): void => {
    gone ??= why;
    markReady(gone);
    for (const p of queue.splice(0)) p.resolve({ code: 255, stdout: Buffer.alloc(0), stderr: gone, unreachable: true });
  };
  const drain = (): void => {
    if (!started) {
      // A login script may print before the loop starts: everything up to READY is not ours.
      let at = 0;
      if (!buf.subarray(0, READY_LINE.length).equals(READY_LINE)) {
        const i = buf.indexOf(NL_READY_LINE);
        if (i < 0) return;
        at = i + 1;
      }
      buf = buf.subarray(at + READY_LINE.length);
      started = true;
      markReady(undefined);
    }
    while (queue.length) {
      const nl = buf.indexOf(10);
      if (nl < 0) return;
      const m = /^@@(\S+) (\d+) (\d+) (\d+)$/.exec(buf.subarray(0, nl).toString('latin1'));
      if (!m || m[1] !== queue[0]!.nonce) return void (child.kill(), fail('the remote shell answered out of turn'));
      const [o, e] = [Number(m[3]), Number(m[4])];
      if (buf.length < nl + 1 + o + e) return;
      const body = buf.subarray(nl + 1, nl + 1 + o + e);
      buf = buf.subarray(nl + 1 + o + e);
      queue.shift()!.resolve({ code: Number(m[2]), stdout: Buffer.from(body.subarray(0, o)), stderr: body.subarray(o).toString('utf8') });
    }
  };
  child.stdout.on('data', (c: Buffer) => {
    buf = buf.length ? Buffer.concat([buf, c]) : c;
    drain();
  });
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  child.stdin.on('error', () => undefined);
  child.on('error', (e) => fail(e.message));
  child.on('close', (code) => fail(err.trim() || `${cmd} exited (${code ?? 'signal'})`));

  return {
    ready,
    run(text) {
      if (gone) return Promise.resolve({ code: 255, stdout: Buffer.alloc(0), stderr: gone, unreachable: true });
      const nonce = randomBytes(8).toString('hex');
      const body = Buffer.from(text);
      return new Promise((resolve) => {
        queue.push({ nonce, resolve });
        child.stdin.write(`RUN ${nonce} ${body.length}\n`);
        child.stdin.write(body);
      });
    },
    async close() {
      child.stdin.end();
      await closed;
    },
    async kill() {
      child.kill();
      await closed;
    },
  };
}
