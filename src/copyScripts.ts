/**
 * Build step: the server-side shell scripts and the release checker are
 * files of their own under src/, loaded as text at run time; tsc does not
 * copy them, so this puts each beside its compiled module in dist/.
 */
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = dirname(fileURLToPath(import.meta.url));
const src = join(dist, '..', 'src');

function copy(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) copy(p);
    else if (/\.(sh|py)$/.test(e.name)) {
      const to = join(dist, relative(src, p));
      mkdirSync(dirname(to), { recursive: true });
      copyFileSync(p, to);
    }
  }
}
copy(src);
