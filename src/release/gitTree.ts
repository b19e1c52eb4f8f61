/**
 * Reading one commit's tree from git object by object, for a release that
 * reads only what it lacks (readGitRelease). Like git.ts: argument vectors
 * only, and git's answers parsed as data.
 */
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { gitReason, runGit } from './runGit.js';

export interface TreeEntry {
  /** git's octal mode: 100644, 100755, 120000 (symlink), 160000 (submodule). */
  mode: string;
  oid: string;
  /** Bytes; 0 for a submodule. */
  size: number;
  /** From the repository's root. */
  path: string;
}

const ENTRY = /^([0-7]{6}) (blob|commit|tree) ([0-9a-f]{40}|[0-9a-f]{64}) +(-|\d+)\t/s;

/** Every file of a commit (`git ls-tree -r -l`), paths from the repository's root. */
export function listTree(repo: string, commit: string): { entries?: TreeEntry[]; error?: string } {
  const r = runGit(repo, ['ls-tree', '-r', '-z', '-l', '--full-tree', commit]);
  if (!r.ok) return { error: gitReason(r) };
  const entries: TreeEntry[] = [];
  for (const record of r.stdout.toString('utf8').split('\0')) {
    if (record === '') continue;
    const m = ENTRY.exec(record);
    if (!m) return { error: `git ls-tree printed a line blink does not know: ${JSON.stringify(record.slice(0, 80))}` };
    entries.push({ mode: m[1]!, oid: m[3]!, size: m[4] === '-' ? 0 : Number(m[4]), path: record.slice(m[0].length) });
  }
  return { entries };
}

/** The bytes of git objects by id (`git cat-file --batch`, one process for all). */
export function readBlobs(repo: string, oids: readonly string[]): { blobs?: Map<string, Buffer>; error?: string } {
  const blobs = new Map<string, Buffer>();
  const wanted = [...new Set(oids)];
  if (wanted.length === 0) return { blobs };
  if (wanted.some((o) => !/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(o))) return { error: 'not an object id' };
  const r = runGit(repo, ['cat-file', '--batch'], wanted.join('\n') + '\n');
  if (!r.ok) return { error: gitReason(r) };
  const out = r.stdout;
  let at = 0;
  for (const oid of wanted) {
    const nl = out.indexOf(10, at);
    const head = nl < 0 ? '' : out.subarray(at, nl).toString('latin1');
    const m = /^([0-9a-f]+) blob (\d+)$/.exec(head);
    if (!m || m[1] !== oid) return { error: `git cat-file gave no blob for ${oid}: ${JSON.stringify(head.slice(0, 80))}` };
    const start = nl + 1;
    const end = start + Number(m[2]);
    if (end + 1 > out.length || out[end] !== 10) return { error: `git cat-file cut ${oid} short` };
    blobs.set(oid, out.subarray(start, end));
    at = end + 1;
  }
  return { blobs };
}

/**
 * Why `git archive` could give other bytes than the objects hold, or
 * undefined when it cannot. Archive applies gitattributes (export-ignore,
 * export-subst, eol and filters) and core.autocrlf; any of them, in the tree
 * or in this machine's git setup, sends the release through `git archive`.
 */
export function archiveMayConvert(repo: string, entries: readonly TreeEntry[], env: Record<string, string | undefined> = process.env): string | undefined {
  const inTree = entries.find((e) => e.path === '.gitattributes' || e.path.endsWith('/.gitattributes'));
  if (inTree) return `${inTree.path} in the commit`;
  const c = runGit(repo, ['config', '-z', '--get-regexp', '^core\\.(autocrlf|attributesfile)$']);
  for (const item of c.stdout.toString('utf8').split('\0')) {
    const [key, value = ''] = item.split('\n');
    if (key === 'core.attributesfile' && value !== '') return 'core.attributesFile is set';
    if (key === 'core.autocrlf' && /^(true|yes|on|1)$/i.test(value)) return 'core.autocrlf is true';
  }
  const info = runGit(repo, ['rev-parse', '--git-path', 'info/attributes']);
  const files = [
    ...(info.ok ? [resolve(repo, info.stdout.toString('utf8').trim())] : []),
    join(env['XDG_CONFIG_HOME'] || join(env['HOME'] || homedir(), '.config'), 'git', 'attributes'),
    '/etc/gitattributes',
  ];
  const used = files.find((f) => existsSync(f) && statSync(f).size > 0);
  return used ? `${used} exists` : undefined;
}
