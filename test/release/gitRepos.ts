/**
 * Throwaway git repositories for the release tests: a bare "remote" and a
 * clone with main, test and hotfix/x branches, all pushed. Works on a bare
 * machine: identity and default branch come from the environment, and the
 * user's own git config is not read.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tempDir } from '../support/tmp.js';

const ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Blink Test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'Blink Test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
  GIT_AUTHOR_DATE: '2025-01-01T00:00:00Z',
  GIT_COMMITTER_DATE: '2025-01-01T00:00:00Z',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

/** Runs git for the test's own setup; a failure is a broken test, so it throws. */
export function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', ['-c', 'init.defaultBranch=main', '-c', 'core.symlinks=true', ...args], { cwd, env: ENV, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed in ${cwd}: ${r.stderr}`);
  return r.stdout.trim();
}

/** Writes files (paths relative to `root`); a value of `{ link }` makes a symlink, `{ exec }` an executable. */
export function put(root: string, files: Record<string, string | { link: string } | { exec: string }>): void {
  for (const [path, v] of Object.entries(files)) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    rmSync(full, { force: true });
    if (typeof v === 'string') writeFileSync(full, v);
    else if ('link' in v) symlinkSync(v.link, full);
    else {
      writeFileSync(full, v.exec);
      chmodSync(full, 0o755);
    }
  }
}

export function commitAll(repo: string, message: string): string {
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', message);
  return git(repo, 'rev-parse', 'HEAD');
}

export const MANIFEST = (name: string, depends: string[] = ['base'], extra = ''): string =>
  `{\n    'name': '${name}',\n    'version': '18.0.1.0.0',\n    'license': 'LGPL-3',\n    'depends': [${depends.map((d) => `'${d}'`).join(', ')}],\n${extra}}\n`;

export interface Repos {
  /** The bare repository the clone pushes to. */
  remote: string;
  clone: string;
  /** Makes another clone of the remote (for pushing behind the first clone's back). */
  cloneAgain: (name: string) => string;
  cleanup: () => void;
}

let template: string | undefined;

/** Built once per test process and copied for each test: building it takes twenty git runs. */
function buildTemplate(): string {
  const { dir, cleanup } = tempDir('blink-release-template-');
  process.once('exit', cleanup);
  const remote = join(dir, 'remote.git');
  const seed = join(dir, 'seed');
  git(dir, 'init', '-q', '--bare', remote);
  git(dir, 'init', '-q', seed);
  put(seed, {
    'README.md': 'addons\n',
    'custom-addons/blink_base/__init__.py': '',
    'custom-addons/blink_base/__manifest__.py': MANIFEST('blink_base'),
  });
  commitAll(seed, 'main');
  git(seed, 'remote', 'add', 'origin', remote);
  git(seed, 'push', '-q', 'origin', 'main');
  git(seed, 'checkout', '-q', '-b', 'test');
  put(seed, { 'custom-addons/blink_base/models.py': 'X = 1\n' });
  commitAll(seed, 'test');
  git(seed, 'push', '-q', 'origin', 'test');
  git(seed, 'checkout', '-q', '-b', 'hotfix/x', 'main');
  put(seed, { 'custom-addons/blink_base/fix.py': 'FIX = 1\n' });
  commitAll(seed, 'hotfix');
  git(seed, 'push', '-q', 'origin', 'hotfix/x');
  // The clone has a local main only: test and hotfix/x are remote-tracking, as in a CI checkout.
  git(dir, 'clone', '-q', remote, join(dir, 'clone'));
  return dir;
}

export function makeRepos(): Repos {
  template ??= buildTemplate();
  const { dir, cleanup } = tempDir('blink-release-');
  cpSync(template, dir, { recursive: true });
  const remote = join(dir, 'remote.git');
  const clone = join(dir, 'clone');
  git(clone, 'remote', 'set-url', 'origin', remote);
  const cloneAgain = (name: string): string => {
    const c = join(dir, name);
    git(dir, 'clone', '-q', remote, c);
    return c;
  };
  return { remote, clone, cloneAgain, cleanup };
}
