/** What a CLI needs from the process, injected so tests run it in-process. */
export interface CliIo {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  env: Record<string, string | undefined>;
  cwd: string;
}

/** Exit codes shared by both CLIs. */
export const EXIT = { OK: 0, ERROR: 1, USAGE: 2 } as const;

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColor(io: CliIo, noColorFlag: boolean | undefined): boolean {
  return !noColorFlag && !io.env['NO_COLOR'] && io.stdout.isTTY === true;
}

