import { createHash, type Hash } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { cacheDir, cacheFileFor } from './cacheFiles.js';
import type { Diagnostic } from '../diagnostics/Diagnostic.js';
import { listSourceTree } from '../load/listSourceTree.js';
import { nodeFs } from '../load/SourceFs.js';

/**
 * An incremental-build record, like tsc's .tsbuildinfo: the fingerprint of
 * every input of the last successful render, and the exact state (inode,
 * ctime, size, mode) of every file and folder it left in out/. When both
 * still match, rendering again would write nothing, so it can be skipped.
 * ctime is used rather than mtime because nothing short of a change can set
 * it (`touch -d` cannot), and a folder's ctime moves when an entry is added
 * or removed, which catches stray files.
 */
export interface RenderCache {
  version: number;
  key: string;
  files: number;
  instances: number;
  servers: number;
  /** Warnings of that render: a cached run repeats them. */
  diagnostics: Diagnostic[];
  /** `[rel, ino, ctimeMs, size, mode]`, folders with a trailing `/`; '' is out/ itself. */
  entries: [string, number, number, number, number][];
}

export interface CacheInputs {
  configDir: string;
  addonsDir: string;
  templatesDir: string;
  cwd: string;
  /** The blink-fleet package folder: its compiled code is an input too. */
  packageDir: string;
}

/**
 * Part of every fingerprint, so bumping it retires every earlier render record
 * and compiled-fleet cache (src/cli/cachedBuild.ts keys the fleet by the same
 * fingerprint): bump it whenever the cached Fleet's shape changes.
 * 2: Fleet.deploy, Instance.releaseDir, ServerCommands.backup.
 * 3: Instance.iniSources relative to the config folder.
 */
const FORMAT = 3;

/** Where the record for `outDir` lives: one per out/ folder, so the fingerprint need not name it. */
export function cachePath(cwd: string, outDir: string, env: Record<string, string | undefined> = {}): string | undefined {
  const dir = cacheDir(cwd, env);
  return dir ? cacheFileFor(dir, 'render', cwd, outDir) : undefined;
}

/**
 * Fingerprint of everything a render reads: config files and templates by
 * content, custom addons by their manifests' content and the names of their
 * files (nothing else of an addon is read: a code change, which is most of
 * what a deploy ships, keeps the key), blink-fleet's own code by name, size
 * and time, and where things are (paths appear in diagnostics). Folders are
 * listed the loader's way (`listSourceTree`): the same files, links taken or
 * refused alike, editor leftovers skipped; what it refuses goes into the key
 * (the render that follows reports it), and a file that cannot be read counts
 * as such, so a fingerprint never throws.
 */
export function fingerprint(inputs: CacheInputs): string {
  return fingerprintParts(inputs).key;
}

/**
 * `fingerprint`, and beside it the part that is blink-fleet's own code and
 * schema (`code`): a per-server render cache is keyed by that and by what it
 * renders, so an edit of one client leaves the other servers' files valid.
 */
export function fingerprintParts(inputs: CacheInputs): { key: string; code: string } {
  const code = codeFingerprint(inputs.packageDir);
  const h = createHash('sha256');
  h.update(code);
  h.update(JSON.stringify([FORMAT, inputs.cwd, resolve(inputs.cwd, inputs.configDir), resolve(inputs.cwd, inputs.addonsDir), resolve(inputs.cwd, inputs.templatesDir)]));
  hashTree(h, resolve(inputs.cwd, inputs.configDir), true);
  hashTree(h, resolve(inputs.cwd, inputs.templatesDir), true, false);
  hashTree(h, resolve(inputs.cwd, inputs.addonsDir), 'manifests');
  return { key: h.digest('hex'), code };
}

/** blink-fleet's compiled code by name, size and time, its schema by content, and the cache FORMAT. */
function codeFingerprint(packageDir: string): string {
  const h = createHash('sha256');
  h.update(`blink-fleet cache format ${FORMAT}`);
  hashTree(h, join(packageDir, 'dist'), false);
  hashTree(h, join(packageDir, 'schema'), true);
  return h.digest('hex');
}

/** content: every file by content; false: by size and time; 'manifests': manifests by content, other files by name. */
function hashTree(h: Hash, dir: string, content: boolean | 'manifests', recursive = true): void {
  if (!nodeFs.isDirectory(dir)) {
    h.update(`\0missing ${dir}`);
    return;
  }
  const tree = listSourceTree(nodeFs, dir, dir, { recursive });
  for (const d of tree.diagnostics) h.update(`\0refused ${d.code} ${d.message}`);
  h.update(`\0dirs\0${tree.dirs.join('\0')}`);
  for (const rel of tree.files) {
    const p = join(dir, rel);
    h.update(`\0${rel}\0`);
    try {
      if (content === true || (content === 'manifests' && basename(rel) === '__manifest__.py')) h.update(readFileSync(p));
      else if (content === false) {
        const st = statSync(p);
        h.update(`${st.size}\0${st.mtimeMs}`);
      }
    } catch {
      h.update('\0unreadable');
    }
  }
}

/** The cache, if it is for this key and out/ is exactly as that render left it. */
export function validCache(file: string | undefined, key: string, outDir: string): RenderCache | undefined {
  if (!file) return undefined;
  let cache: RenderCache;
  try {
    cache = JSON.parse(readFileSync(file, 'utf8')) as RenderCache;
  } catch {
    return undefined;
  }
  if (cache.version !== FORMAT || cache.key !== key) return undefined;
  for (const [rel, ino, ctime, size, mode] of cache.entries) {
    try {
      const st = lstatSync(rel === '' ? outDir : join(outDir, rel));
      if (st.ino !== ino || st.ctimeMs !== ctime || st.size !== size || st.mode !== mode) return undefined;
    } catch {
      return undefined;
    }
  }
  return cache;
}

/** Records out/ as it is now. Best effort: a cache that cannot be written only costs speed next time. */
export function saveCache(file: string | undefined, outDir: string, record: Omit<RenderCache, 'version' | 'entries'>, files: readonly string[]): void {
  if (!file) return;
  try {
    const dirs = new Set<string>(['']);
    for (const f of files) for (let d = dirname(f); d !== '.' && !dirs.has(d + '/'); d = dirname(d)) dirs.add(d + '/');
    const entries: RenderCache['entries'] = [];
    for (const rel of [...dirs, ...files]) {
      const st = lstatSync(rel === '' ? outDir : join(outDir, rel));
      entries.push([rel, st.ino, st.ctimeMs, st.size, st.mode]);
    }
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}`;
    writeFileSync(tmp, JSON.stringify({ version: FORMAT, ...record, entries }));
    renameSync(tmp, file);
  } catch {
    // Not worth failing a render over.
  }
}
