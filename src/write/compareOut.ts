import { error, type Diagnostic } from '../diagnostics/Diagnostic.js';
import { byCodeUnit } from './byCodeUnit.js';
import { FLEET_JSON, type OutFile } from './outFiles.js';
import type { EntryType, OutFs } from './OutFs.js';
import { utf8Scratch } from './utf8Scratch.js';

export type ChangeReason = 'new' | 'content' | 'mode' | 'link';

export interface OutChange {
  file: OutFile;
  reason: ChangeReason;
}

export interface OutComparison {
  /** `foreign`: not empty and no fleet.json, so probably not an out/ folder at all. */
  state: 'absent' | 'empty' | 'out' | 'foreign' | 'not-a-folder';
  /** Why nothing may be written, for `foreign` and `not-a-folder`. */
  refusal?: Diagnostic;
  /** Everything below outDir, keyed by relative POSIX path. */
  existing: Map<string, EntryType>;
  /** New or different files, in the order given. */
  changed: OutChange[];
  unchanged: string[];
  /** Existing entries other than folders that are not in the new set (and are in scope), sorted. */
  stale: string[];
}

/** Whether an existing file's permission bits are as wanted. */
export type ModeMatch = (actual: number, wanted: number) => boolean;

export const exactMode: ModeMatch = (actual, wanted) => (actual & 0o7777) === wanted;
/** What git records of a mode: whether the owner may execute it. */
export const sameExecBit: ModeMatch = (actual, wanted) => (actual & 0o100) === (wanted & 0o100);

/**
 * The one comparison behind writeOut and checkOut. One listing of the tree
 * (entry types come with it), then one open per existing file for its bytes
 * and mode, compared directly: no hashing, and links read only where the
 * listing shows one.
 */
export function compareOut(
  outDir: string,
  files: readonly OutFile[],
  fs: OutFs,
  modeMatch: ModeMatch,
  scope?: (rel: string) => boolean,
): OutComparison {
  const empty = new Map<string, EntryType>();
  const allNew = (state: 'absent' | 'empty'): OutComparison => ({
    state,
    existing: empty,
    changed: files.map((file) => ({ file, reason: 'new' })),
    unchanged: [],
    stale: [],
  });
  const refused = (state: 'foreign' | 'not-a-folder', refusal: Diagnostic): OutComparison => ({
    state,
    refusal,
    existing: empty,
    changed: [],
    unchanged: [],
    stale: [],
  });

  const root = fs.lstat(outDir);
  if (!root) return allNew('absent');
  if (root.type !== 'dir') {
    return refused('not-a-folder', error('BLINK402', `${outDir} exists and is not a folder`, { file: outDir }, 'point --out at a folder blink-render may own'));
  }
  const listed = fs.list(outDir);
  if (!listed || listed.size === 0) return allNew('empty');
  if (listed.get(FLEET_JSON) !== 'file') {
    return refused(
      'foreign',
      error(
        'BLINK402',
        `${outDir} is not empty and has no ${FLEET_JSON}: it does not look like a blink-render output folder, so nothing was written`,
        { file: outDir },
        `check --out; if ${outDir} really is disposable, empty or remove it yourself`,
      ),
    );
  }

  const changed: OutChange[] = [];
  const unchanged: string[] = [];
  const wanted = new Set<string>();
  // Both sides of each comparison go through a reused buffer, so a tree of
  // unchanged files costs no allocation per file (and no GC of 2 × its size).
  const encode = utf8Scratch();
  const readBuf = Buffer.allocUnsafe(256 * 1024);
  for (const file of files) {
    wanted.add(file.path);
    const type = listed.get(file.path);
    const abs = `${outDir}/${file.path}`;
    if (type === undefined) {
      changed.push({ file, reason: 'new' });
    } else if (file.linkTarget !== undefined) {
      const target = type === 'link' ? fs.lstat(abs)?.linkTarget : undefined;
      if (target === file.linkTarget) unchanged.push(file.path);
      else changed.push({ file, reason: 'link' });
    } else if (type !== 'file') {
      changed.push({ file, reason: 'content' });
    } else {
      const current = fs.read(abs, readBuf);
      const same = current !== undefined && encode(file.content).equals(current.bytes);
      if (same && modeMatch(current.mode, file.mode)) unchanged.push(file.path);
      else changed.push({ file, reason: same ? 'mode' : 'content' });
    }
  }
  const stale: string[] = [];
  for (const [path, type] of listed) {
    if (type !== 'dir' && !wanted.has(path) && (scope === undefined || scope(path))) stale.push(path);
  }
  stale.sort(byCodeUnit);
  return { state: 'out', existing: listed, changed, unchanged, stale };
}
