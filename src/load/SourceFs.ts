import { lstatSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';

/** What a folder entry is, links not followed. `other`: a FIFO, socket or device, which a read could hang on. */
export type EntryKind = 'file' | 'dir' | 'link' | 'other';

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
  /**
   * What is at `path` without following a link; undefined when nothing is.
   * Optional: a tree that has only files and folders (memoryFs) need not say.
   */
  kind?(path: string): EntryKind | undefined;
  /** `path` with every link on the way resolved; undefined when a link dangles or links loop. */
  realPath?(path: string): string | undefined;
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
  kind(path) {
    try {
      const st = lstatSync(path);
      return st.isSymbolicLink() ? 'link' : st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
    } catch {
      return undefined;
    }
  },
  realPath(path) {
    try {
      return realpathSync.native(path);
    } catch {
      return undefined;
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
