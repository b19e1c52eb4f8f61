import type { CliIo } from '../../src/cli/CliIo.js';

/** A CliIo that records what the CLI prints; not a terminal unless asked. */
export function recordingIo(cwd: string, opts: { tty?: boolean; env?: Record<string, string> } = {}): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s), isTTY: opts.tty ?? false },
    stderr: { write: (s: string) => (err += s), isTTY: opts.tty ?? false },
    env: opts.env ?? {},
    cwd,
    out: () => out,
    err: () => err,
  };
}
