import { posix } from 'node:path';
import type { EntryType, OutEntry, OutFs } from './OutFs.js';

export type OutFsOp = 'read' | 'lstat' | 'list' | 'mkdirp' | 'writeFile' | 'symlink' | 'rename' | 'unlink' | 'rmdir';

type Node =
  | { type: 'dir'; mode: number }
  | { type: 'file'; mode: number; bytes: Uint8Array; version: number }
  | { type: 'link'; target: string };

/** What a test may put in the tree: text, bytes, or either with a mode, or a symlink. */
export type MemoryEntry = string | Uint8Array | { content: string | Uint8Array; mode?: number } | { link: string } | { dir: true };

export interface MemoryOutFs extends OutFs {
  /** Calls made so far, per operation. */
  readonly calls: Record<OutFsOp, number>;
  /** Make the nth call of op from now (1-based) throw an OS-like error with this code. */
  failOn(op: OutFsOp, nth: number, code?: string): void;
  /**
   * The whole tree as one line per entry (`path dir`, `path file 644 v<version> <content>`,
   * `path link -> target`), sorted: equal snapshots mean a byte-identical tree.
   * The version counts writes, so a rewrite with the same bytes still shows.
   */
  snapshot(): string[];
}

/**
 * An in-memory POSIX tree with the semantics writeOut relies on: parents must
 * exist, rename replaces files and empty folders, rmdir refuses non-empty ones.
 */
export function memoryOutFs(initial: Record<string, MemoryEntry> = {}): MemoryOutFs {
  const nodes = new Map<string, Node>([['/', { type: 'dir', mode: 0o755 }]]);
  const calls = Object.fromEntries(
    (['read', 'lstat', 'list', 'mkdirp', 'writeFile', 'symlink', 'rename', 'unlink', 'rmdir'] as const).map((op) => [op, 0]),
  ) as Record<OutFsOp, number>;
  const failures: { op: OutFsOp; at: number; code: string }[] = [];
  let version = 0;

  const norm = (p: string): string => posix.resolve('/', p);
  const fail = (code: string, op: string, p: string): never => {
    throw Object.assign(new Error(`${code}: ${op} '${p}'`), { code, path: p });
  };
  const count = (op: OutFsOp, p: string): void => {
    calls[op]++;
    const f = failures.find((x) => x.op === op && x.at === calls[op]);
    if (f) fail(f.code, op, p);
  };
  const needParentDir = (op: string, p: string): void => {
    const parent = nodes.get(posix.dirname(p));
    if (!parent) fail('ENOENT', op, p);
    if (parent!.type !== 'dir') fail('ENOTDIR', op, p);
  };
  const children = (dir: string): string[] => {
    const prefix = dir === '/' ? '/' : dir + '/';
    return [...nodes.keys()].filter((k) => k !== dir && k.startsWith(prefix));
  };
  const mkdirs = (p: string): void => {
    if (p === '/') return;
    const n = nodes.get(p);
    if (n?.type === 'dir') return;
    if (n) fail('EEXIST', 'mkdir', p);
    mkdirs(posix.dirname(p));
    nodes.set(p, { type: 'dir', mode: 0o755 });
  };

  for (const [raw, entry] of Object.entries(initial)) {
    const p = norm(raw);
    mkdirs(posix.dirname(p));
    if (typeof entry === 'string' || entry instanceof Uint8Array) {
      nodes.set(p, { type: 'file', mode: 0o644, bytes: toBytes(entry), version: 0 });
    } else if ('link' in entry) {
      nodes.set(p, { type: 'link', target: entry.link });
    } else if ('dir' in entry) {
      mkdirs(p);
    } else {
      nodes.set(p, { type: 'file', mode: entry.mode ?? 0o644, bytes: toBytes(entry.content), version: 0 });
    }
  }

  return {
    calls,
    failOn(op, nth, code = 'EIO') {
      failures.push({ op, at: calls[op] + nth, code });
    },
    snapshot() {
      return [...nodes.entries()]
        .map(([p, n]) => {
          if (n.type === 'dir') return `${p} dir`;
          if (n.type === 'link') return `${p} link -> ${n.target}`;
          return `${p} file ${n.mode.toString(8)} v${n.version} ${Buffer.from(n.bytes).toString('utf8')}`;
        })
        .sort();
    },

    read(path) {
      const p = norm(path);
      count('read', p);
      const n = nodes.get(p);
      return n?.type === 'file' ? { bytes: n.bytes, mode: n.mode } : undefined;
    },
    lstat(path) {
      const p = norm(path);
      count('lstat', p);
      const n = nodes.get(p);
      if (!n) return undefined;
      const e: OutEntry = n.type === 'link' ? { type: 'link', mode: 0o777, linkTarget: n.target } : { type: n.type, mode: n.mode };
      return e;
    },
    list(dir) {
      const d = norm(dir);
      count('list', d);
      if (nodes.get(d)?.type !== 'dir') return undefined;
      const cut = d === '/' ? 1 : d.length + 1;
      return new Map(children(d).map((k): [string, EntryType] => [k.slice(cut), nodes.get(k)!.type]));
    },
    mkdirp(path) {
      const p = norm(path);
      count('mkdirp', p);
      mkdirs(p);
    },
    writeFile(path, bytes, mode) {
      const p = norm(path);
      count('writeFile', p);
      needParentDir('open', p);
      const n = nodes.get(p);
      if (n?.type === 'dir') fail('EISDIR', 'open', p);
      if (n?.type === 'link') fail('ELOOP', 'open', p);
      nodes.set(p, { type: 'file', mode, bytes: Uint8Array.from(bytes), version: ++version });
    },
    symlink(target, path) {
      const p = norm(path);
      count('symlink', p);
      needParentDir('symlink', p);
      if (nodes.has(p)) fail('EEXIST', 'symlink', p);
      nodes.set(p, { type: 'link', target });
    },
    rename(from, to) {
      const f = norm(from);
      const t = norm(to);
      count('rename', f);
      const src = nodes.get(f);
      if (!src) fail('ENOENT', 'rename', f);
      needParentDir('rename', t);
      const dst = nodes.get(t);
      if (src!.type === 'dir') {
        if (dst && dst.type !== 'dir') fail('ENOTDIR', 'rename', t);
        if (dst && children(t).length > 0) fail('ENOTEMPTY', 'rename', t);
        if (t === f || t.startsWith(f + '/')) fail('EINVAL', 'rename', t);
        const moved = children(f);
        nodes.delete(t);
        nodes.set(t, src!);
        nodes.delete(f);
        for (const k of moved) {
          nodes.set(t + k.slice(f.length), nodes.get(k)!);
          nodes.delete(k);
        }
        return;
      }
      if (dst?.type === 'dir') fail('EISDIR', 'rename', t);
      nodes.delete(f);
      nodes.set(t, src!);
    },
    unlink(path) {
      const p = norm(path);
      count('unlink', p);
      const n = nodes.get(p);
      if (!n) fail('ENOENT', 'unlink', p);
      if (n!.type === 'dir') fail('EISDIR', 'unlink', p);
      nodes.delete(p);
    },
    rmdir(path) {
      const p = norm(path);
      count('rmdir', p);
      const n = nodes.get(p);
      if (!n) fail('ENOENT', 'rmdir', p);
      if (n!.type !== 'dir') fail('ENOTDIR', 'rmdir', p);
      if (children(p).length > 0) fail('ENOTEMPTY', 'rmdir', p);
      nodes.delete(p);
    },
  };
}

function toBytes(v: string | Uint8Array): Uint8Array {
  return typeof v === 'string' ? new TextEncoder().encode(v) : v;
}
