/** Run blink-apply in-process (fast) or as its own process (to kill it). */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { applyCli } from '../../src/cli/apply.js';
import { tempDir } from '../support/tmp.js';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export async function applyInProcess(args: string[], env: Record<string, string>, cwd: string): Promise<CliResult> {
  let out = '';
  let err = '';
  const code = await applyCli(args, { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, env, cwd });
  return { code, out, err };
}

/** The real bin, through tsx; the caller owns the returned child and its PID. */
export function spawnApply(args: string[], env: Record<string, string>, cwd: string): { child: ChildProcess; done: Promise<CliResult & { signal: NodeJS.Signals | null }> } {
  const repo = process.cwd();
  // --import resolves from the cwd (a temp folder): name tsx by its URL.
  // A temp folder of its own (a short path: ssh's control socket goes in it), removed once it exits:
  // a killed apply cannot remove its ssh control folder itself.
  const tmp = tempDir('blink-k-');
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(repo, 'src/cli/blink-apply.ts'), ...args], {
    cwd,
    // Its cache stays in the test's folder, not the user's ~/.cache.
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/root', BLINK_CACHE_DIR: join(cwd, '.blink-cache'), TMPDIR: tmp.dir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.on('close', () => tmp.cleanup());
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const done = new Promise<CliResult & { signal: NodeJS.Signals | null }>((r) => child.on('close', (code, signal) => r({ code: code ?? -1, signal, out, err })));
  return { child, done };
}
