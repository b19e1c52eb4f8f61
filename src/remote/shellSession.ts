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
 * script runs from a file with its own stdin (/dev/null) and stderr file, so
 * nothing it does (read stdin, exit, a syntax error) can touch the loop, and
 * it runs whole or not at all. Its stdout goes straight to the channel, with
 * no copy and no count (a count costs `wc` processes on every step): the
 * answer is `@@<nonce>`, the script's stdout, `\n@@<nonce> <exit code>`,
 * its stderr (`cat` only when there is some) and `\n@@<nonce> end`, each
 * marker on a line of its own. The nonce is random per request and never
 * reaches the script (its stdin is /dev/null, the loop's variables are not
 * exported), so nothing a script prints, nor any file it copies, can end
 * its answer early. When this process dies the loop reads EOF and ends after
 * the running script, and with it the session and the master. A process a
 * script leaves behind with its stdout (a daemon a configured restart
 * command starts without redirecting it) would keep the channel open after
 * the loop ends: close() waits for the loop's BYE, then a little, then
 * ends the session without it.
 *
 * Scripts get a scratch folder of the session's in $BLINK_SCRATCH, so a step
 * needs no mktemp and rm of its own; it is shared by every script of the
 * session, one at a time, so a script truncates each file before it uses
 * it. Scripts run another way (`sh -s`, the local transport) have none. It
 * is the session's own folder, where the loop keeps the running script and
 * its stderr under names that start with a dot: a script's scratch files
 * never do.
 *
 * The folder goes with the loop however the loop ends: at the end of its
 * input, or by a signal (the connection lost: SIGHUP, or SIGPIPE on its next
 * write), which would otherwise end the shell without its EXIT trap and
 * leave the last script, the payload of a stage with its secrets included,
 * in the server's temporary folder.
 *
 * The folder is made by one mkdir (the loop starts on every server of every
 * diff: a mktemp and a second mkdir were two more processes). Its name is
 * random, chosen here and given as the loop's first line of input, never as
 * script text; mkdir fails on a name that exists, link or not, so the
 * folder is always the loop's own, mode 0700, as mktemp -d makes it.
 *
 * It is made in the login's runtime folder ($XDG_RUNTIME_DIR: /run/user/UID,
 * which pam_systemd gives an ssh login on a systemd server) when there is
 * one that is a real folder of the user's own, else in $TMPDIR or /tmp. The
 * runtime folder is memory (tmpfs): a stage's secrets never reach a disk,
 * and a read's scratch files cost no disk inodes. (On an ext4 without
 * a journal, each file created soon after others were deleted searches past
 * every one of them: with the bench's twenty servers on one such disk, a
 * tenth of a diff's CPU.)
 */
const LOOP = `IFS= read -r name || exit 1
case $name in ''|*[!0-9a-f]*) exit 1 ;; esac
T=
d=\${XDG_RUNTIME_DIR:-}
case $d in
  /*) [ -d "$d" ] && [ ! -h "$d" ] && [ -O "$d" ] && mkdir -m 700 -- "$d/blink.$name" 2>/dev/null && T=$d/blink.$name ;;
esac
if [ -z "$T" ]; then
  T=\${TMPDIR:-/tmp}/blink.$name
  mkdir -m 700 -- "$T" || exit 1
fi
trap 'rm -rf "$T"' EXIT
trap 'exit 1' HUP INT PIPE TERM
BLINK_SCRATCH=$T
export BLINK_SCRATCH
echo READY
while IFS=' ' read -r tag n len; do
  [ "$tag" = RUN ] || exit 2
  head -c "$len" > "$T/.script" || exit 2
  printf '@@%s\\n' "$n"
  sh "$T/.script" < /dev/null 2> "$T/.stderr"; c=$?
  printf '\\n@@%s %s\\n' "$n" "$c"
  [ ! -s "$T/.stderr" ] || cat "$T/.stderr"
  printf '\\n@@%s end\\n' "$n"
done
echo BYE`;

const READY_LINE = Buffer.from('READY\n');
const NL_READY_LINE = Buffer.from('\nREADY\n');
const BYE_LINE = Buffer.from('BYE\n');
const NL_BYE_LINE = Buffer.from('\nBYE\n');
/** How long close() waits for the session to end once the loop has. */
const CLOSE_GRACE_MS = 2000;

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
  /** `@@<nonce>\n`: where its answer starts. */
  head: Buffer;
  /** `\n@@<nonce> `: its stdout ends here; the exit code and a line break follow. */
  trailer: Buffer;
  /** `\n@@<nonce> end\n`: its stderr ends here, and with it the answer. */
  end: Buffer;
  resolve(r: ExecResult): void;
}

/** Where the parse of the first waiting answer is: each byte is searched once, however many chunks it comes in. */
type Progress = { at: 'head' } | { at: 'out'; from: number } | { at: 'err'; from: number; outEnd: number; errStart: number; code: number };

/**
 * What the session printed and no answer has taken yet. Chunks are copied
 * into one buffer that doubles when full, so a large answer (a fetch of
 * several MiB) costs one copy per byte, not one per chunk.
 */
class Inbox {
  private buf = Buffer.alloc(INBOX_SIZE);
  private used = 0;
  get bytes(): Buffer {
    return this.buf.subarray(0, this.used);
  }
  push(c: Buffer): void {
    if (this.used + c.length > this.buf.length) {
      const bigger = Buffer.alloc(Math.max(this.buf.length * 2, this.used + c.length));
      this.buf.copy(bigger, 0, 0, this.used);
      this.buf = bigger;
    }
    c.copy(this.buf, this.used);
    this.used += c.length;
  }
  /** Forget the first n bytes; a buffer grown for one large answer is let go once it is read. */
  drop(n: number): void {
    const rest = this.used - n;
    if (this.buf.length > INBOX_SIZE && rest <= INBOX_SIZE) {
      const small = Buffer.alloc(INBOX_SIZE);
      this.buf.copy(small, 0, n, this.used);
      this.buf = small;
    } else {
      this.buf.copyWithin(0, n, this.used);
    }
    this.used = rest;
  }
}

const INBOX_SIZE = 64 * 1024;

/** `cmd args…` must end by running the shell command it is given as its last argument (ssh: the remote command). */
export function shellSession(cmd: string, args: string[], wrap: (script: string) => string): ShellSession {
  const child = spawn(cmd, [...args, wrap(LOOP)], { stdio: ['pipe', 'pipe', 'pipe'], env: childEnv() });
  // The name of the session's folder: 24 random hex digits, the loop's first line of input.
  child.stdin.write(`${randomBytes(12).toString('hex')}\n`);
  const inbox = new Inbox();
  let progress: Progress = { at: 'head' };
  let err = '';
  let started = false;
  let closing = false;
  let gone: string | undefined;
  let sawBye!: () => void;
  const bye = new Promise<void>((r) => (sawBye = r));
  const queue: Pending[] = [];
  let markReady!: (e: string | undefined) => void;
  const ready = new Promise<string | undefined>((r) => (markReady = r));
  let ended = false;
  const closed = new Promise<void>((r) => child.on('close', () => ((ended = true), r())));

  const fail = (why: string): void => {
    gone ??= why;
    markReady(gone);
    for (const p of queue.splice(0)) p.resolve({ code: 255, stdout: Buffer.alloc(0), stderr: gone, unreachable: true });
  };
  const outOfTurn = (): void => {
    child.kill();
    fail('the remote shell answered out of turn');
  };
  const drain = (): void => {
    if (!started) {
      // A login script may print before the loop starts: everything up to READY is not ours.
      const b = inbox.bytes;
      let at = 0;
      if (!b.subarray(0, READY_LINE.length).equals(READY_LINE)) {
        const i = b.indexOf(NL_READY_LINE);
        if (i < 0) return;
        at = i + 1;
      }
      inbox.drop(at + READY_LINE.length);
      started = true;
      markReady(undefined);
    }
    while (queue.length) {
      const p = queue[0]!;
      const b = inbox.bytes;
      if (progress.at === 'head') {
        // Anything but this request's head (stray output after the last answer, another request's answer) desynchronises the session.
        const n = Math.min(b.length, p.head.length);
        if (!b.subarray(0, n).equals(p.head.subarray(0, n))) return outOfTurn();
        if (n < p.head.length) return;
        progress = { at: 'out', from: p.head.length };
      }
      if (progress.at === 'out') {
        const i = b.indexOf(p.trailer, progress.from);
        if (i < 0) {
          // The next search starts where a trailer cut by the chunk's end could begin.
          progress.from = Math.max(progress.from, b.length - p.trailer.length + 1);
          return;
        }
        const nl = b.indexOf(10, i + p.trailer.length);
        if (nl < 0) {
          progress.from = i;
          return;
        }
        const code = b.subarray(i + p.trailer.length, nl).toString('latin1');
        if (!/^\d{1,3}$/.test(code)) return outOfTurn();
        progress = { at: 'err', from: nl + 1, outEnd: i, errStart: nl + 1, code: Number(code) };
      }
      const j = b.indexOf(p.end, progress.from);
      if (j < 0) {
        progress.from = Math.max(progress.from, b.length - p.end.length + 1);
        return;
      }
      const r: ExecResult = { code: progress.code, stdout: Buffer.from(b.subarray(p.head.length, progress.outEnd)), stderr: b.subarray(progress.errStart, j).toString('utf8') };
      inbox.drop(j + p.end.length);
      progress = { at: 'head' };
      queue.shift()!.resolve(r);
    }
    if (closing) {
      const b = inbox.bytes;
      if (b.subarray(0, BYE_LINE.length).equals(BYE_LINE) || b.includes(NL_BYE_LINE)) sawBye();
    }
  };
  child.stdout.on('data', (c: Buffer) => {
    inbox.push(c);
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
        queue.push({ head: Buffer.from(`@@${nonce}\n`), trailer: Buffer.from(`\n@@${nonce} `), end: Buffer.from(`\n@@${nonce} end\n`), resolve });
        child.stdin.write(`RUN ${nonce} ${body.length}\n`);
        child.stdin.write(body);
      });
    },
    async close() {
      closing = true;
      child.stdin.end();
      drain();
      await Promise.race([closed, bye.then(() => new Promise((r) => setTimeout(r, CLOSE_GRACE_MS).unref()))]);
      if (!ended) {
        // The loop is over, yet something still holds its output: let go of it.
        child.kill();
        child.stdout.destroy();
        child.stderr.destroy();
      }
      await closed;
    },
    async kill() {
      child.kill();
      await closed;
    },
  };
}
