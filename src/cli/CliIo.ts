/** What a CLI needs from the process, injected so tests run it in-process. */
export interface CliIo {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  env: Record<string, string | undefined>;
  cwd: string;
}

/** Exit codes shared by both CLIs. */
/** Exit codes shared by the CLIs; 2 means "changes pending" in blink-apply and blink-deploy --diff, so a usage mistake is 1. */
export const EXIT = { OK: 0, ERROR: 1 } as const;

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColor(io: CliIo, noColorFlag: boolean | undefined): boolean {
  return !noColorFlag && !io.env['NO_COLOR'] && io.stdout.isTTY === true;
}


/**
 * The real process's streams. A reader that goes away (`blink-apply --diff |
 * head`) must not crash the run with EPIPE, least of all in the middle of an
 * apply: output to a closed pipe is dropped and the run carries on to its
 * exit code.
 */
export function processIo(): CliIo & { stdin: NodeJS.ReadStream } {
  const quiet = (stream: NodeJS.WriteStream): CliIo['stdout'] => {
    let closed = false;
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
      closed = true;
    });
    return { write: (s: string) => closed || stream.write(s), isTTY: stream.isTTY };
  };
  return { stdout: quiet(process.stdout), stderr: quiet(process.stderr), stdin: process.stdin, env: process.env, cwd: process.cwd() };
}
