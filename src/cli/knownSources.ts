import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from '../write/renderCache.js';

/** Enough for many releases of a large addons tree; the oldest entries go first. */
const MAX = 200_000;

/**
 * The XML and Python files (by kind and content hash) that passed the
 * release checks on this machine before, kept in blink's cache folder, so a
 * deploy of a small change checks only the files that changed. A result
 * depends on the content and on this machine's python3; a cache that cannot
 * be read or written only costs time.
 */
export function knownSources(cwd: string, env: Record<string, string | undefined>): { known: Set<string>; save(): void } {
  const dir = cacheDir(cwd, env);
  const file = dir ? join(dir, 'release-checks.txt') : undefined;
  const known = new Set<string>();
  if (file) {
    try {
      for (const line of readFileSync(file, 'utf8').split('\n')) if (/^(xml|py) [0-9a-f]{64}$/.test(line)) known.add(line);
    } catch {
      /* first run, or no cache */
    }
  }
  const loaded = known.size;
  return {
    known,
    save() {
      if (!file || known.size === loaded) return;
      try {
        mkdirSync(dir!, { recursive: true });
        const tmp = `${file}.${process.pid}`;
        writeFileSync(tmp, [...known].slice(-MAX).join('\n') + '\n');
        renameSync(tmp, file);
      } catch {
        /* best effort */
      }
    },
  };
}
