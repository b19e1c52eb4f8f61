import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from '../write/cacheFiles.js';

/** Enough for many releases of a large addons tree; the oldest entries go first. */
const MAX = 200_000;

export interface ReleaseCache {
  /** XML and Python files (`xml|py <sha256>`) that passed the release checks here before. */
  known: Set<string>;
  /** sha256 of git objects read before (object id → sha256): content-addressed, so one map serves every repository. */
  hashes: Map<string, string>;
  save(): void;
}

/**
 * What blink-deploy remembers about release files between runs, in blink's
 * cache folder, so a deploy of a small change reads and checks only the files
 * that changed. A check's result depends on the content and on this
 * machine's python3. A cache that cannot be read or written only costs time.
 */
export function releaseCache(cwd: string, env: Record<string, string | undefined>): ReleaseCache {
  const dir = cacheDir(cwd, env);
  const checks = cacheLines(dir, 'release-checks.txt', /^(xml|py) [0-9a-f]{64}$/);
  const objects = cacheLines(dir, 'git-sha256.txt', /^([0-9a-f]{40}|[0-9a-f]{64}) [0-9a-f]{64}$/);
  const known = new Set(checks.lines);
  const hashes = new Map(objects.lines.map((l) => l.split(' ') as [string, string]));
  const sizes = [known.size, hashes.size];
  return {
    known,
    hashes,
    save() {
      if (known.size !== sizes[0]) checks.save([...known]);
      if (hashes.size !== sizes[1]) objects.save([...hashes].map(([o, s]) => `${o} ${s}`));
    },
  };
}

function cacheLines(dir: string | undefined, name: string, valid: RegExp): { lines: string[]; save(lines: readonly string[]): void } {
  const file = dir ? join(dir, name) : undefined;
  let lines: string[] = [];
  try {
    if (file) lines = readFileSync(file, 'utf8').split('\n').filter((l) => valid.test(l));
  } catch {
    /* first run, or no cache */
  }
  return {
    lines,
    save(all) {
      if (!file) return;
      try {
        mkdirSync(dir!, { recursive: true });
        const tmp = `${file}.${process.pid}`;
        writeFileSync(tmp, all.slice(-MAX).join('\n') + '\n');
        renameSync(tmp, file);
      } catch {
        /* best effort */
      }
    },
  };
}
