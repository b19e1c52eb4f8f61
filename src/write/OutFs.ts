import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readlinkSync,
  readSync,
  renameSync,
  rmdirSync,
  symlinkSync,
  unlinkSync,
  writeSync,
} from 'node:fs';

export type EntryType = 'file' | 'dir' | 'link' | 'other';

export interface OutEntry {
  type: EntryType;
  /** Permission bits (`& 0o7777`). */
  mode: number;
  /** For symlinks. */
  linkTarget?: string;
}

/**
 * Everything writeOut and checkOut do to the disk, so tests can run them
 * against memory and inject failures. Queries return undefined for "absent";
 * the mutating calls throw the OS error (with its `code`), which writeOut
 * turns into a diagnostic.
 */
export interface OutFs {
  /**
   * Bytes and permission bits of a regular file, from one open; undefined
   * when there is no regular file. When `into` is large enough the bytes are
   * read into it and alias it (valid until its next use): comparing a whole
   * tree then allocates nothing per file.
   */
  read(path: string, into?: Buffer): { bytes: Uint8Array; mode: number } | undefined;
  /** What is at path, without following a symlink; undefined when nothing is. */
  lstat(path: string): OutEntry | undefined;
  /** Every entry below dir, recursively, keyed by POSIX path relative to dir; undefined when dir is not a folder. */
  list(dir: string): Map<string, EntryType> | undefined;
  mkdirp(path: string): void;
  /**
   * Creates or truncates; the mode is exact, whatever the umask. A write
   * that fails (disk full, file too large) leaves nothing at `path`: callers
   * only write new files (temp files, or a fresh tree), so a half-written
   * one is never worth keeping.
   */
  writeFile(path: string, bytes: Uint8Array, mode: number): void;
  symlink(target: string, path: string): void;
  /** Replaces a file at `to`, or an empty folder when `from` is a folder. */
  rename(from: string, to: string): void;
  unlink(path: string): void;
  rmdir(path: string): void;
}

// Never write or read through a symlink someone left where a file of ours goes.
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const WRITE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | NOFOLLOW;
const READ_FLAGS = constants.O_RDONLY | NOFOLLOW;

export const nodeOutFs: OutFs = {
  read(path, into) {
    let fd: number;
    try {
      fd = openSync(path, READ_FLAGS);
    } catch {
      return undefined;
    }
    try {
      // One open gives both the mode and the bytes: no separate stat per file.
      const st = fstatSync(fd);
      if (!st.isFile()) return undefined;
      const bytes = into && into.length >= st.size ? into.subarray(0, st.size) : Buffer.allocUnsafe(st.size);
      let off = 0;
      while (off < bytes.length) {
        const n = readSync(fd, bytes, off, bytes.length - off, off);
        if (n === 0) break;
        off += n;
      }
      return { bytes: off === bytes.length ? bytes : bytes.subarray(0, off), mode: st.mode & 0o7777 };
    } catch {
      return undefined;
    } finally {
      closeSync(fd);
    }
  },

  lstat(path) {
    try {
      const st = lstatSync(path);
      const mode = st.mode & 0o7777;
      if (st.isSymbolicLink()) return { type: 'link', mode, linkTarget: readlinkSync(path) };
      return { type: st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other', mode };
    } catch {
      return undefined;
    }
  },

  list(dir) {
    const out = new Map<string, EntryType>();
    const walk = (abs: string, rel: string): boolean => {
      let entries;
      try {
        entries = readdirSync(abs, { withFileTypes: true });
      } catch {
        return false;
      }
      for (const e of entries) {
        const r = rel === '' ? e.name : `${rel}/${e.name}`;
        // Dirent types come from readdir itself: no stat per entry.
        const type: EntryType = e.isFile() ? 'file' : e.isDirectory() ? 'dir' : e.isSymbolicLink() ? 'link' : 'other';
        out.set(r, type);
        if (type === 'dir') walk(`${abs}/${e.name}`, r);
      }
      return true;
    };
    return walk(dir, '') ? out : undefined;
  },

  mkdirp(path) {
    mkdirSync(path, { recursive: true });
  },

  writeFile(path, bytes, mode) {
    const fd = openSync(path, WRITE_FLAGS, mode);
    try {
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      // open() applies the umask; out/ must carry exactly the mode we compare against next run.
      fchmodSync(fd, mode);
    } catch (err) {
      closeSync(fd);
      try {
        unlinkSync(path);
      } catch {
        // Reported below: the write's own error is the one that matters.
      }
      throw err;
    }
    closeSync(fd);
  },

  symlink(target, path) {
    symlinkSync(target, path);
  },
  rename(from, to) {
    renameSync(from, to);
  },
  unlink(path) {
    unlinkSync(path);
  },
  rmdir(path) {
    rmdirSync(path);
  },
};
