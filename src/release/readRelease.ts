import { createHash } from 'node:crypto';
import { error, type Diagnostic } from '../diagnostics/Diagnostic.js';
import { parsePythonLiteral, type PyValue } from '../load/parsePythonLiteral.js';
import type { Release, ReleaseFile, ReleaseModule } from './Release.js';
import { readTar } from './readTar.js';

const KINDS: Record<string, string> = { '1': 'hard link', '2': 'symlink', '3': 'character device', '4': 'block device', '6': 'FIFO' };

/** The release in a `git archive` tar of `<addonsDir>` at `commit` (see releaseFromItems). */
export function readRelease(commit: string, tar: Buffer, addonsDir: string): { release?: Release; diagnostics: Diagnostic[] } {
  const dir = addonsDir.replace(/\/+$/, '');
  const label = commit.slice(0, 8);
  const read = readTar(tar);
  if (read.broken) {
    return { diagnostics: [refuse(`archive of ${dir} at ${label} is unreadable: ${read.broken}`, undefined, AGAIN)] };
  }
  const diagnostics: Diagnostic[] = [];
  if (read.comment !== undefined && read.comment !== commit) {
    diagnostics.push(refuse(`archive is of commit ${read.comment.slice(0, 8)}, not ${label}`, undefined, 'run blink-deploy again'));
  }
  const r = releaseFromItems(commit, read.items.map((i) => ({ ...i, size: i.content.length })), addonsDir);
  return diagnostics.length ? { diagnostics: [...diagnostics, ...r.diagnostics] } : r;
}

/** One entry of a commit's tree, from `git archive` or `git ls-tree`, before the release's rules are applied. */
export interface TreeItem {
  /** From the repository's root (`custom-addons/my_module/x.py`). */
  path: string;
  /** As a tar type flag: '0' file, '1' hard link, '2' symlink, '5' folder, … */
  type: string;
  mode: number;
  linkTarget: string;
  size: number;
  /** Hex sha256 of the content, when known without it. */
  sha256?: string;
  /** Absent when its hash is known and nothing needs the bytes yet (see readGitRelease). */
  content?: Buffer;
  /** git's object id of the content. */
  blob?: string;
}

/**
 * The release made of a tree's entries. A release is data that ends up on
 * servers, so anything but plain files at plain paths is refused (BLINK616);
 * with any refusal there is no release, so nothing downstream can ship part
 * of a tree by mistake.
 */
export function releaseFromItems(commit: string, items: readonly TreeItem[], addonsDir: string): { release?: Release; diagnostics: Diagnostic[] } {
  const dir = addonsDir.replace(/\/+$/, '');
  const label = commit.slice(0, 8);
  const diagnostics: Diagnostic[] = [];
  const files: ReleaseFile[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const shown = printable(item.path);
    const unsafe = unsafePath(item.path);
    if (unsafe) {
      diagnostics.push(refuse(`release entry '${shown}' at ${label} ${unsafe}`, shown, 'rename it in the repository; a release holds only plain relative paths'));
      continue;
    }
    if (item.type === '5') continue;
    const path = item.path.startsWith(`${dir}/`) ? item.path.slice(dir.length + 1) : undefined;
    if (path === undefined || path === '') {
      diagnostics.push(refuse(`release entry '${shown}' at ${label} is outside ${dir}/`, shown, AGAIN));
      continue;
    }
    if (item.type !== '0' && item.type !== '7') {
      const kind = KINDS[item.type] ?? `entry of tar type '${printable(item.type)}'`;
      const target = item.type === '1' || item.type === '2' ? ` -> ${printable(item.linkTarget)}` : '';
      diagnostics.push(refuse(`${kind} ${shown}${target} at ${label} is refused`, shown, 'commit a copy of the file instead; a release holds only regular files, never links'));
      continue;
    }
    if (seen.has(path)) {
      diagnostics.push(refuse(`release entry '${shown}' at ${label} appears twice`, shown, AGAIN));
      continue;
    }
    seen.add(path);
    const sha256 = item.sha256 ?? (item.content ? createHash('sha256').update(item.content).digest('hex') : undefined);
    if (sha256 === undefined) throw new Error(`release entry ${shown} has neither content nor hash`);
    files.push({ path, mode: item.mode & 0o111 ? 0o755 : 0o644, sha256, size: item.size, ...(item.content ? { content: item.content } : {}), ...(item.blob ? { blob: item.blob } : {}) });
  }
  if (diagnostics.length > 0) return { diagnostics };

  files.sort((a, b) => byPath(a.path, b.path));
  const modules = new Map<string, ReleaseModule>();
  const names = files.filter((f) => MANIFEST.test(f.path)).map((f) => f.path.split('/')[0]!);
  for (const name of names.sort(byPath)) modules.set(name, describeModule(name, files));
  return { release: { commit, files, modules }, diagnostics };
}

/** A module's manifest, relative to the addons folder: always read, whatever else is. */
export const MANIFEST = /^[^/]+\/__manifest__\.py$/;

const AGAIN = 'run blink-deploy again; if it repeats, check git archive of that commit by hand';

function refuse(message: string, file: string | undefined, hint: string): Diagnostic {
  return error('BLINK616', message, file === undefined ? undefined : { file }, hint);
}

function describeModule(name: string, files: readonly ReleaseFile[]): ReleaseModule {
  const own = files.filter((f) => f.path.startsWith(`${name}/`));
  const lines = own
    .map((f) => `${f.path.slice(name.length + 1)}\0${f.mode.toString(8)}\0${f.sha256}\n`)
    .sort(byPath);
  const module: ReleaseModule = { name, hash: createHash('sha256').update(lines.join('')).digest('hex'), depends: [] };
  const manifest = own.find((f) => f.path === `${name}/__manifest__.py`)!;
  let v: PyValue;
  try {
    v = parsePythonLiteral(manifest.content!.toString('utf8'));
  } catch {
    return module;
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return module;
  if (typeof v['version'] === 'string') module.version = v['version'];
  const depends = v['depends'];
  if (Array.isArray(depends) && depends.every((d) => typeof d === 'string')) module.depends = depends as string[];
  const auto = v['auto_install'];
  if (typeof auto === 'boolean') module.autoInstall = auto;
  else if (Array.isArray(auto) && auto.every((d) => typeof d === 'string')) module.autoInstall = auto as string[];
  if (v['installable'] === false) module.installable = false;
  return module;
}

/** Why a path may not be in a release, or undefined when it may. */
function unsafePath(path: string): string | undefined {
  if (/[\u0000-\u001f\u007f-\u009f]/.test(path)) return 'has control characters in its name';
  if (path.startsWith('/')) return 'is an absolute path';
  const parts = path.replace(/\/$/, '').split('/');
  if (parts.includes('..')) return "climbs out with '..'";
  if (parts.some((p) => p === '' || p === '.')) return 'has an empty or \'.\' path segment';
  return undefined;
}

/** Code-unit order, the same on every machine (localeCompare is not). */
function byPath(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Control characters shown escaped, so a hostile name cannot rewrite the terminal. */
function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
