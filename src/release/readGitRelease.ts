import { createHash } from 'node:crypto';
import { error, type Diagnostic } from '../diagnostics/Diagnostic.js';
import { archiveAddons } from './git.js';
import { archiveMayConvert, listTree, readBlobs } from './gitTree.js';
import type { ReadFile, Release, ReleaseFile } from './Release.js';
import { MANIFEST, readRelease, releaseFromItems, type TreeItem } from './readRelease.js';

export interface GitReleaseOptions {
  /**
   * sha256 of git objects seen before (object id → hex sha256); what is read
   * now is added. With it, a release of a small change reads a few objects
   * instead of the whole tree.
   */
  hashes?: Map<string, string>;
  /** Whether the release checks need a file's bytes (an XML or Python file not known to pass). */
  mustRead?(path: string, sha256: string): boolean;
  env?: Record<string, string | undefined>;
}

/**
 * The release of `<addonsDir>` at `commit`, reading from git only what the
 * hashes do not already tell: the tree listing, the manifests, the objects
 * never seen, and the files the checks need. Other files carry their hash
 * and size; their bytes are read (withContents) only if a server lacks them.
 * The bytes are the ones `git archive` would give; when gitattributes or
 * this machine's git setup could make them differ, the release is read from
 * `git archive` instead, whole.
 */
export function readGitRelease(repo: string, commit: string, addonsDir: string, o: GitReleaseOptions = {}): { release?: Release; diagnostics: Diagnostic[] } {
  const whole = (): { release?: Release; diagnostics: Diagnostic[] } => {
    const a = archiveAddons(repo, commit, addonsDir);
    return a.tar ? readRelease(commit, a.tar, addonsDir) : { diagnostics: a.diagnostics };
  };
  const dir = addonsDir.replace(/\/+$/, '');
  // archiveAddons validates the folder and the commit, and says what is wrong with them.
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(commit) || dir === '' || dir.startsWith('/') || dir.split('/').includes('..')) return whole();
  const tree = listTree(repo, commit);
  if (!tree.entries) return whole();
  const entries = tree.entries.filter((e) => e.path.startsWith(`${dir}/`));
  if (entries.length === 0 || archiveMayConvert(repo, tree.entries, o.env)) return whole();

  const hashes = o.hashes ?? new Map<string, string>();
  const needs = (e: (typeof entries)[number]): boolean => {
    if (e.mode !== '100644' && e.mode !== '100755') return e.mode === '120000';
    const rel = e.path.slice(dir.length + 1);
    const sha = hashes.get(e.oid);
    return sha === undefined || MANIFEST.test(rel) || (o.mustRead?.(rel, sha) ?? false);
  };
  const read = readBlobs(repo, entries.filter(needs).map((e) => e.oid));
  if (!read.blobs) return { diagnostics: [error('BLINK600', `reading ${dir} at ${commit.slice(0, 8)} from git failed: ${read.error}`, undefined, 'check the repository with git fsck')] };

  const items: TreeItem[] = entries.map((e) => {
    const content = read.blobs!.get(e.oid);
    const kind = e.mode === '100644' || e.mode === '100755' ? '0' : e.mode === '120000' ? '2' : e.mode === '160000' ? '5' : `mode ${e.mode}`;
    let sha256 = hashes.get(e.oid);
    if (content && kind === '0') {
      sha256 = createHash('sha256').update(content).digest('hex');
      hashes.set(e.oid, sha256);
    }
    return { path: e.path, type: kind, mode: parseInt(e.mode, 8) & 0o777, linkTarget: kind === '2' ? (content?.toString('utf8') ?? '') : '', size: e.size, blob: e.oid, ...(sha256 ? { sha256 } : {}), ...(content ? { content } : {}) };
  });
  return releaseFromItems(commit, items, addonsDir);
}

/**
 * The files with their bytes: those read without them are read from git now,
 * and each must hash to what the release recorded (a stale hash is an error,
 * never a wrong file on a server).
 */
export function withContents(repo: string, files: readonly ReleaseFile[]): ReadFile[] | { error: string } {
  const missing = files.filter((f) => !f.content);
  if (missing.some((f) => !f.blob)) return { error: 'a file has neither its bytes nor a git object id' };
  const read = readBlobs(repo, missing.map((f) => f.blob!));
  if (!read.blobs) return { error: read.error ?? 'git cat-file failed' };
  const out: ReadFile[] = [];
  for (const f of files) {
    const content = f.content ?? read.blobs.get(f.blob!)!;
    if (!f.content && createHash('sha256').update(content).digest('hex') !== f.sha256) return { error: `${f.path} does not hash to what blink recorded for git object ${f.blob}; clear blink's cache folder` };
    out.push({ ...f, content });
  }
  return out;
}
