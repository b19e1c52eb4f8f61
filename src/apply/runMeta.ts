import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { hostname, userInfo } from 'node:os';

/** A run id that sorts by time and is safe in a file name. */
export function newRunId(now = new Date()): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z') + '-' + randomBytes(2).toString('hex');
}

/** `user@host pid N`: who holds a lock, who wrote a journal. */
export function runOwner(env: Record<string, string | undefined>): string {
  let user = env['USER'] ?? env['LOGNAME'];
  if (!user) {
    try {
      user = userInfo().username;
    } catch {
      user = 'unknown';
    }
  }
  return `${user}@${hostname()} pid ${process.pid}`;
}

/** The config folder's git commit (with `-dirty` for uncommitted changes), for the audit line. */
export function configCommit(configDir: string): string | undefined {
  const head = spawnSync('git', ['-C', configDir, 'rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8' });
  if (head.status !== 0) return undefined;
  const dirty = spawnSync('git', ['-C', configDir, 'status', '--porcelain', '--', '.'], { encoding: 'utf8' });
  return head.stdout.trim() + (dirty.stdout.trim() ? '-dirty' : '');
}
