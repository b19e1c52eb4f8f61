import { spawnSync } from 'node:child_process';
import { error, type Diagnostic } from '../diagnostics/Diagnostic.js';

export interface GitResult {
  ok: boolean;
  stdout: Buffer;
  stderr: string;
  /** Set when git itself could not be started. */
  missing: boolean;
  /** git's exit status (null when it did not exit on its own). */
  status: number | null;
}

// git archive of a large addons tree easily passes spawnSync's 1 MiB default.
const MAX_OUTPUT = 1024 * 1024 * 1024;

/** `git -C <repo> …` with an argument vector (never a shell string), optionally fed `input`. */
export function runGit(repo: string, args: readonly string[], input?: Buffer | string): GitResult {
  const r = spawnSync('git', ['-C', repo, ...args], {
    maxBuffer: MAX_OUTPUT,
    // A fetch must fail, not wait for a password nobody will type; status must not take locks.
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' },
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    ...(input === undefined ? {} : { input }),
  });
  return {
    ok: r.error === undefined && r.status === 0,
    stdout: r.stdout ?? Buffer.alloc(0),
    stderr: (r.stderr ?? Buffer.alloc(0)).toString('utf8').trim(),
    missing: (r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT',
    status: r.status,
  };
}

export const gitText = (r: GitResult): string => r.stdout.toString('utf8').trim();

/** The last line git wrote to stderr, which is the one that says what went wrong. */
export const gitReason = (r: GitResult): string => r.stderr.split('\n').filter(Boolean).at(-1)?.replace(/^(fatal|error): /, '') ?? 'no message';

export const NO_GIT = (): Diagnostic => error('BLINK600', 'git is not installed or not on PATH', undefined, 'install git; blink-deploy takes releases from a git checkout');
