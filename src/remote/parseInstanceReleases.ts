import type { DeployJournal, DeployPhase, DeployState, InstanceReleases, ReleaseFileEntry, ReleaseRecord } from './DeployState.js';

const COMMIT = /^[0-9a-f]{40}$/;
const SHA256 = /^[0-9a-f]{64}$/;
const MODULE = /^[a-z0-9_]+$/;
const RUN = /^[A-Za-z0-9._-]{1,100}$/;
const PHASES: readonly DeployPhase[] = ['prepared', 'updating', 'switching', 'rolling-back'];

/** The raw sections `deploy-read.sh` printed for one instance. */
export interface RawInstanceReleases {
  unsafe?: boolean;
  current?: string;
  state?: string;
  journal?: string;
  /** NUL-separated `<type> <name>` entries of the release folder. */
  entries?: string;
  record?: string;
  files?: string;
}

/**
 * Server state is data: accept exactly the shapes blink writes (commit ids,
 * module names, relative paths without `..` or control characters) and
 * report anything else as a problem, never as something to act on.
 */
/** `withFiles`: the running release's record and file list were asked for. */
export function parseInstanceReleases(instance: string, raw: RawInstanceReleases, withFiles = false): InstanceReleases {
  const out: InstanceReleases = { releases: [], problems: [] };
  if (raw.unsafe) {
    out.problems.push('a folder on the way to the release folder is a symbolic link or not a folder');
    return out;
  }
  const current = (raw.current ?? '').trim();
  if (current) {
    if (COMMIT.test(current)) out.current = current;
    else out.problems.push(`current is ${current === '(not a link)' ? 'not a symbolic link' : `a link to '${printable(current)}', not to a release`}`);
  }
  for (const e of (raw.entries ?? '').split('\0')) {
    const m = /^f ([0-9a-f]{40})\.json$/.exec(e.trim());
    if (m) out.releases.push(m[1]!);
  }
  // Only a release whose tree is there too is complete.
  const dirs = new Set((raw.entries ?? '').split('\0').map((e) => e.trim()).filter((e) => /^d [0-9a-f]{40}$/.test(e)).map((e) => e.slice(2)));
  out.releases = out.releases.filter((c) => dirs.has(c)).sort();
  const state = parseJson(raw.state, 'state.json', out.problems);
  if (state !== undefined) {
    const s = validState(instance, state);
    if (s) out.state = s;
    else out.problems.push('state.json is not a deploy state blink wrote');
  }
  const journal = parseJson(raw.journal, 'journal.json', out.problems);
  if (journal !== undefined) {
    const j = validJournal(instance, journal);
    if (j) out.journal = j;
    else out.problems.push('journal.json is not a deploy journal blink wrote');
  }
  const filesOf = out.current;
  if (withFiles && filesOf !== undefined) {
    const record = parseJson(raw.record, `${filesOf}.json`, out.problems);
    if (record !== undefined) {
      const r = validRecord(instance, filesOf, record);
      if (r) out.record = r;
      else out.problems.push(`${filesOf}.json is not a release record blink wrote`);
    }
    if (raw.files !== undefined && raw.files.length) {
      const files = parseFileList(raw.files);
      if (files) out.files = files;
      else out.problems.push(`${filesOf}.files is not a file list blink wrote`);
    }
  }
  return out;
}

/** `<sha256> <mode> <path>` lines; undefined if any line is off. */
export function parseFileList(text: string): ReleaseFileEntry[] | undefined {
  const out: ReleaseFileEntry[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const m = /^([0-9a-f]{64}) (644|755) (.+)$/.exec(line);
    if (!m || !isReleasePath(m[3]!)) return undefined;
    out.push({ sha256: m[1]!, mode: parseInt(m[2]!, 8), path: m[3]! });
  }
  return out;
}

/**
 * A path inside a release: relative, plain segments, no control characters
 * or tabs (what a release may hold; a backslash is an ordinary character).
 */
export function isReleasePath(p: string): boolean {
  if (!p || p.startsWith('/') || /[\u0000-\u001f\u007f]/.test(p)) return false;
  return p.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

export function isCommit(s: unknown): s is string {
  return typeof s === 'string' && COMMIT.test(s);
}

function parseJson(text: string | undefined, name: string, problems: string[]): unknown {
  const t = (text ?? '').trim();
  if (!t) return undefined;
  try {
    return JSON.parse(t);
  } catch {
    problems.push(`${name} is not valid JSON`);
    return undefined;
  }
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const line = (x: unknown, max = 300): x is string => typeof x === 'string' && x.length <= max && !/[\u0000-\u001f\u007f]/.test(x);
const modules = (x: unknown): x is string[] => Array.isArray(x) && x.length <= 5000 && x.every((m) => typeof m === 'string' && MODULE.test(m));

function validState(instance: string, x: unknown): DeployState | undefined {
  if (!isObj(x) || x['version'] !== 1 || x['instance'] !== instance || !isCommit(x['commit'])) return undefined;
  if (x['previous'] !== undefined && !isCommit(x['previous'])) return undefined;
  if (!line(x['branch']) || !line(x['time']) || !line(x['owner']) || typeof x['run'] !== 'string' || !RUN.test(x['run'])) return undefined;
  if (!modules(x['listed']) || !modules(x['owed'])) return undefined;
  return {
    version: 1,
    instance,
    commit: x['commit'],
    ...(x['previous'] !== undefined ? { previous: x['previous'] as string } : {}),
    branch: x['branch'],
    time: x['time'],
    owner: x['owner'],
    run: x['run'],
    listed: x['listed'],
    owed: x['owed'],
  };
}

function validJournal(instance: string, x: unknown): DeployJournal | undefined {
  if (!isObj(x) || x['version'] !== 1 || x['instance'] !== instance || !isCommit(x['to'])) return undefined;
  if (x['from'] !== undefined && !isCommit(x['from'])) return undefined;
  if (typeof x['run'] !== 'string' || !RUN.test(x['run']) || !line(x['owner']) || !line(x['time']) || !line(x['branch'])) return undefined;
  if (!PHASES.includes(x['phase'] as DeployPhase) || !modules(x['update']) || !modules(x['install'])) return undefined;
  if (x['backup'] !== undefined && !(typeof x['backup'] === 'string' && /^[0-9TZ]{1,40}$/.test(x['backup']))) return undefined;
  return {
    version: 1,
    run: x['run'],
    owner: x['owner'],
    time: x['time'],
    instance,
    branch: x['branch'],
    ...(x['from'] !== undefined ? { from: x['from'] as string } : {}),
    to: x['to'],
    phase: x['phase'] as DeployPhase,
    update: x['update'],
    install: x['install'],
    ...(x['backup'] !== undefined ? { backup: x['backup'] as string } : {}),
  };
}

function validRecord(instance: string, commit: string, x: unknown): ReleaseRecord | undefined {
  if (!isObj(x) || x['version'] !== 1 || x['instance'] !== instance || x['commit'] !== commit) return undefined;
  if (!line(x['branch']) || !line(x['time']) || !line(x['owner']) || !isObj(x['modules'])) return undefined;
  const mods = x['modules'];
  if (!Object.entries(mods).every(([k, v]) => MODULE.test(k) && typeof v === 'string' && SHA256.test(v))) return undefined;
  return { version: 1, instance, commit, branch: x['branch'], time: x['time'], owner: x['owner'], modules: mods as Record<string, string> };
}

function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?').slice(0, 80);
}
