import { error, type Diagnostic } from '../diagnostics/Diagnostic.js';
import { byCodeUnit } from './byCodeUnit.js';
import { compareOut, exactMode, type OutChange, type OutComparison } from './compareOut.js';
import type { OutFile } from './outFiles.js';
import type { EntryType, OutFs } from './OutFs.js';
import { resolveWriteOptions, type WriteOptions } from './WriteOptions.js';
import { utf8Scratch } from './utf8Scratch.js';
import { validateOutFiles } from './validateOutFiles.js';

export { checkOut, type CheckResult } from './checkOut.js';
export type { WriteOptions } from './WriteOptions.js';

/** Paths relative to out/, sorted. `removed` lists files and links; emptied folders go too but are not listed. */
export interface WriteResult {
  written: string[];
  unchanged: string[];
  removed: string[];
  diagnostics: Diagnostic[];
}

/**
 * Make outDir hold exactly `files`, touching only what differs: a file whose
 * bytes, mode and link target are already right keeps its mtime, and files
 * not in the set are removed, then emptied folders. out/ is entirely ours,
 * but nothing outside it is touched, and a non-empty folder without
 * fleet.json is refused rather than emptied.
 *
 * All or nothing: every new or changed file is first staged as a temp file in
 * its target's folder, so the rename into place is atomic; only when all of
 * them are staged are they renamed and stale files removed. If staging fails,
 * the temp files and the folders made for them are removed and out/ is as it
 * was. A fresh out/ is built as a sibling folder and renamed in one step.
 */
export function writeOut(outDir: string, files: readonly OutFile[], options?: OutFs | WriteOptions): WriteResult {
  const { fs, scope } = resolveWriteOptions(options);
  const root = trimSlashes(outDir);
  const result: WriteResult = { written: [], unchanged: [], removed: [], diagnostics: validateOutFiles(root, files) };
  if (result.diagnostics.length > 0) return result;
  const cmp = compareOut(root, files, fs, exactMode, scope);
  if (cmp.refusal) return { ...result, diagnostics: [cmp.refusal] };
  if (cmp.state === 'absent' || cmp.state === 'empty') {
    const sibling = `${root}.tmp-${process.pid}`;
    // A leftover of an interrupted run whose pid we now have: it is outside
    // out/, so leave it alone and take the staged path instead.
    if (!fs.lstat(sibling)) return writeFresh(root, sibling, files, fs);
  }
  return writeStaged(root, cmp, files, fs, scope);
}

/** Everything into a sibling folder, then one rename (which also replaces an empty out/). */
function writeFresh(root: string, sibling: string, files: readonly OutFile[], fs: OutFs): WriteResult {
  const dirs = new Dirs(fs, sibling);
  const encode = utf8Scratch();
  const done: string[] = [];
  let current = root;
  try {
    dirs.ensure('');
    for (const f of files) {
      current = `${root}/${f.path}`;
      dirs.ensure(parentOf(f.path));
      put(fs, `${sibling}/${f.path}`, f, encode);
      done.push(f.path);
    }
    current = root;
    fs.rename(sibling, root);
  } catch (err) {
    for (const p of done.reverse()) quietly(() => fs.unlink(`${sibling}/${p}`));
    dirs.undo();
    return { written: [], unchanged: [], removed: [], diagnostics: [writeFailed(current, err)] };
  }
  return { written: files.map((f) => f.path).sort(byCodeUnit), unchanged: [], removed: [], diagnostics: [] };
}

interface Staged {
  change: OutChange;
  temp: string;
  /** Something that must go before the rename: a folder where the file goes, or a file where a folder goes. */
  blocked: boolean;
}

function writeStaged(root: string, cmp: OutComparison, files: readonly OutFile[], fs: OutFs, scope: ((rel: string) => boolean) | undefined): WriteResult {
  const { existing } = cmp;
  const dirs = new Dirs(fs, root);
  const encode = utf8Scratch();
  for (const [p, t] of existing) if (t === 'dir') dirs.known.add(p);
  if (cmp.state !== 'absent') dirs.known.add('');
  const pid = process.pid;
  const freeName = (base: string): string => {
    let name = base;
    for (let n = 1; existing.has(name); n++) name = `${base}-${n}`;
    return name;
  };
  const blockers = new Set<string>();
  const staged: Staged[] = [];
  let stageDir: string | undefined;
  let current = root;

  try {
    for (const change of cmp.changed) {
      const { path } = change.file;
      current = `${root}/${path}`;
      const blocking = blockersOf(path, existing);
      let temp: string;
      if (blocking.length === 0) {
        const dir = parentOf(path);
        dirs.ensure(dir);
        temp = freeName(`${dir === '' ? '' : dir + '/'}.${baseOf(path)}.blink-tmp-${pid}`);
      } else {
        // The target's folder cannot exist until the blocker is gone, which
        // only happens at commit; stage in a folder of our own at the top.
        stageDir ??= freeName(`.blink-stage-${pid}`);
        dirs.ensure(stageDir);
        temp = `${stageDir}/${staged.length}`;
        for (const b of blocking) blockers.add(b);
      }
      put(fs, `${root}/${temp}`, change.file, encode);
      staged.push({ change, temp, blocked: blocking.length > 0 });
    }
  } catch (err) {
    for (const s of staged.reverse()) quietly(() => fs.unlink(`${root}/${s.temp}`));
    dirs.undo();
    return { written: [], unchanged: [], removed: [], diagnostics: [writeFailed(current, err)] };
  }

  // Commit. Each step is a rename or a removal of a single entry; a failure
  // here is reported and the rest still runs, so the next run has less to repair.
  const diagnostics: Diagnostic[] = [];
  const written: string[] = [];
  const removed = new Set<string>();
  const attempt = (path: string, fn: () => void): boolean => {
    try {
      fn();
      return true;
    } catch (err) {
      diagnostics.push(writeFailed(`${root}/${path}`, err));
      return false;
    }
  };
  const stuck = new Set<string>();
  const remove = (path: string): void => {
    if (stuck.has(path)) return;
    const ok = existing.get(path) === 'dir' ? attempt(path, () => fs.rmdir(`${root}/${path}`)) : attempt(path, () => fs.unlink(`${root}/${path}`));
    if (ok && existing.get(path) !== 'dir') removed.add(path);
    // Its folders cannot be emptied now; one report is enough.
    if (!ok) for (let d = parentOf(path); d !== '' && !stuck.has(d); d = parentOf(d)) stuck.add(d);
  };

  for (const b of [...blockers].sort(byCodeUnit)) {
    // Everything below a blocking folder is stale: no new file lives under a new file's path.
    const below = [...existing.keys()].filter((p) => p.startsWith(b + '/')).sort(deepestFirst);
    for (const p of [...below, b]) remove(p);
    dirs.known.delete(b);
    for (const p of below) dirs.known.delete(p);
  }
  for (const s of staged) {
    const { path } = s.change.file;
    if (s.blocked && !attempt(path, () => dirs.ensure(parentOf(path)))) continue;
    if (attempt(path, () => fs.rename(`${root}/${s.temp}`, `${root}/${path}`))) written.push(path);
  }
  if (stageDir !== undefined) attempt(stageDir, () => fs.rmdir(`${root}/${stageDir}`));
  for (const p of cmp.stale) if (!removed.has(p) && !blockers.has(p)) remove(p);

  // A folder goes when nothing is left in it: no new file, and no entry that
  // stays because it is outside the scope.
  const needed = new Set<string>();
  const keep = (path: string): void => {
    for (let d = parentOf(path); d !== '' && !needed.has(d); d = parentOf(d)) needed.add(d);
  };
  for (const f of files) keep(f.path);
  if (scope !== undefined) for (const [p, t] of existing) if (t !== 'dir' && !scope(p)) keep(p);
  const gone = (p: string): boolean => blockers.size > 0 && [...blockers].some((b) => p === b || p.startsWith(b + '/'));
  const emptied: string[] = [];
  for (const [p, t] of existing) {
    if (t === 'dir' && !needed.has(p) && !gone(p) && (scope === undefined || scope(p + '/'))) emptied.push(p);
  }
  for (const d of emptied.sort(deepestFirst)) remove(d);

  return {
    written: written.sort(byCodeUnit),
    unchanged: [...cmp.unchanged].sort(byCodeUnit),
    removed: [...removed].sort(byCodeUnit),
    diagnostics,
  };
}

/** Existing entries in the way of a new file: a non-folder at one of its folders, or a folder at its path. */
function blockersOf(path: string, existing: Map<string, EntryType>): string[] {
  const found: string[] = [];
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) {
    const type = existing.get(path.slice(0, i));
    if (type === undefined) break;
    if (type !== 'dir') found.push(path.slice(0, i));
  }
  if (existing.get(path) === 'dir') found.push(path);
  return found;
}

/** Folders below a root, each made once; remembers which it made so a failure can take them back. */
class Dirs {
  /** `''` is the root itself. */
  readonly known = new Set<string>();
  private readonly made: string[] = [];
  constructor(
    private readonly fs: OutFs,
    private readonly root: string,
  ) {}

  ensure(rel: string): void {
    if (this.known.has(rel)) return;
    if (rel !== '') this.ensure(parentOf(rel));
    // For the root this also makes any missing parents of out/; those stay.
    this.fs.mkdirp(rel === '' ? this.root : `${this.root}/${rel}`);
    this.known.add(rel);
    this.made.push(rel);
  }

  undo(): void {
    for (const rel of this.made.reverse()) quietly(() => this.fs.rmdir(rel === '' ? this.root : `${this.root}/${rel}`));
    this.made.length = 0;
  }
}

function put(fs: OutFs, abs: string, f: OutFile, encode: (s: string) => Buffer): void {
  if (f.linkTarget !== undefined) fs.symlink(f.linkTarget, abs);
  else fs.writeFile(abs, encode(f.content), f.mode);
}

function writeFailed(path: string, err: unknown): Diagnostic {
  const reason = err instanceof Error ? err.message : String(err);
  return error('BLINK402', `could not write ${path}: ${reason}`, { file: path });
}

function quietly(fn: () => void): void {
  try {
    fn();
  } catch {
    // Best effort: we are already reporting the error that brought us here.
  }
}

function parentOf(rel: string): string {
  const i = rel.lastIndexOf('/');
  return i === -1 ? '' : rel.slice(0, i);
}

function baseOf(rel: string): string {
  return rel.slice(rel.lastIndexOf('/') + 1);
}

function deepestFirst(a: string, b: string): number {
  return b.split('/').length - a.split('/').length || byCodeUnit(a, b);
}

function trimSlashes(dir: string): string {
  return dir.length > 1 ? dir.replace(/\/+$/, '') : dir;
}
