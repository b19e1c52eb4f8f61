import { readFileSync, readdirSync, statSync } from 'node:fs';

/**
 * The only way load reads the disk, so the whole pipeline runs in tests
 * against an in-memory tree.
 */
export interface SourceFs {
  /** File bytes, or undefined when there is no such file. */
  read(path: string): Uint8Array | undefined;
  /** Entries of a folder (names only, sorted), or undefined when it does not exist. */
  list(path: string): string[] | undefined;
  isDirectory(path: string): boolean;
}

export const nodeFs: SourceFs = {
  read(path) {
    try {
      return readFileSync(path);
    } catch {
      return undefined;
    }
  },
  list(path) {
    try {
      return readdirSync(path).sort();
    } catch {
      return undefined;
    }
  },
  isDirectory(path) {
    try {
      return statSync(path).isDirectory();
    } catch {
      return false;
    }
  },
};

/** In-memory tree keyed by POSIX path; folders are implied by the file paths. */
export function memoryFs(files: Record<string, string | Uint8Array>): SourceFs {
  const norm = (p: string): string => p.replace(/\/+$/, '');
  const map = new Map(Object.entries(files).map(([k, v]) => [norm(k), typeof v === 'string' ? new TextEncoder().encode(v) : v]));
  const children = (dir: string): string[] => {
    const prefix = norm(dir) + '/';
    const names = new Set<string>();
    for (const k of map.keys()) if (k.startsWith(prefix)) names.add(k.slice(prefix.length).split('/')[0]!);
    return [...names].sort();
  };
  return {
    read: (p) => map.get(norm(p)),
    list: (p) => {
      const c = children(p);
      return c.length ? c : undefined;
    },
    isDirectory: (p) => children(p).length > 0,
  };
}

