import { lstatSync, readFileSync, readlinkSync } from 'node:fs';
import fg from 'fast-glob';

export interface Snapshot {
  [rel: string]: { content: string; mtimeMs: number; mode: number };
}

/** Every file and link under dir with content (or link target), mtime and mode. */
export function snapshot(dir: string): Snapshot {
  const out: Snapshot = {};
  for (const rel of fg.sync('**/*', { cwd: dir, dot: true, onlyFiles: false, followSymbolicLinks: false }).sort()) {
    const st = lstatSync(`${dir}/${rel}`);
    if (st.isDirectory()) continue;
    out[rel] = { content: st.isSymbolicLink() ? `-> ${readlinkSync(`${dir}/${rel}`)}` : readFileSync(`${dir}/${rel}`, 'utf8'), mtimeMs: st.mtimeMs, mode: st.mode & 0o777 };
  }
  return out;
}

export const contents = (s: Snapshot): Record<string, string> => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v.content]));
