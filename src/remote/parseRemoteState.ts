import { error, type DiagnosticCode } from '../diagnostics/Diagnostic.js';
import type { ArtifactKind } from '../model/Artifact.js';
import { HOST_NAME, INSTANCE_ID, managedPath, vhostLinkTarget } from '../render/managedPath.js';
import type { Actions, HealthTarget } from '../plan/Actions.js';
import type { Failure } from './Remote.js';
import { BLINK_DIR, type LiveFile, type Manifest, type ManifestEntry, type RemoteState, type ResourceEntry } from './RemoteState.js';
import { FOLDER_PATH, ROLE_NAME } from '../plan/DesiredResources.js';
import type { FileOp, Journal, JournalPhase } from './Journal.js';

/** A run id: sortable, a plain file name (never `.` or `..`). */
export const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const SHA256 = /^[0-9a-f]{64}$/;
const OWNER = /^[a-z_][a-z0-9_-]{0,31}:[a-z_][a-z0-9_-]{0,31}$/;
const PHASES: readonly JournalPhase[] = ['swapping', 'swapped', 'rolling-back'];
const SERVICE = /^odoo-([a-z0-9][a-z0-9-]{0,62})$/;
/** A database name as clients.yaml allows `db` (the schema's pattern). */
const DB_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** The raw sections `apply-read.sh` printed. */
export interface RawRemoteState {
  /** `link <folder>` or `file <folder>` lines: a folder on the way to managed files that is not a real folder. */
  unsafe: string;
  /** Lines of manifest.paths that are not plain absolute paths (never looked at). */
  badpaths: string;
  /** blink's own state files that exist but are not regular files. */
  odd: string;
  /** NUL-separated pairs: `<type> <mode> <owner> ./<path>`, then the link target. */
  stat: string;
  /** The owner's names for the owner printed (`uid:gid`; `ownerNames`); as printed without it. */
  ownerOf?: (printed: string) => string;
  /** sha256sum lines of the regular files. */
  sha: string;
  /** Hashing did not finish in time. */
  timeout: boolean;
  manifest: string;
  journal: string;
  phase: string;
  /** NUL-separated names in the staging folder. */
  staging: string;
}

/**
 * Server state is data: accept exactly what blink writes (managed paths of
 * the right kind, units blink renders, run ids, modes, owners) and refuse the
 * whole state otherwise, naming the server, the file and the entry. Nothing
 * refused is ever acted on. `asked`: the paths the read was asked about;
 * anything else it reports came from manifest.paths.
 */
export function parseRemoteState(server: string, root: string, asked: ReadonlySet<string>, raw: RawRemoteState): RemoteState | Failure {
  const refuse = (code: DiagnosticCode, file: string, message: string, hint: string): Failure => {
    const d = error(code, message, { file: `${server}:${file}` }, hint);
    return { error: `${d.file}: ${message}`, refused: d };
  };

  for (const line of lines(raw.unsafe)) {
    const [what, dir] = [line.slice(0, 4), line.slice(5)];
    const shown = printable(dir);
    return refuse('BLINK505', shown, `${what === 'link' ? 'a symbolic link' : 'not a folder'} on the way to the files blink writes; blink never writes through it`, `make ${shown} a real folder on the server (or move what is in its place aside), then run blink-apply again; blink never follows a link inside the server's root`);
  }
  for (const f of lines(raw.odd)) {
    return refuse('BLINK504', printable(f), 'not a regular file; blink keeps its state in regular files', 'look at it on the server, move it aside, and run blink-apply again');
  }
  const stateHint = (file: string): string =>
    file.endsWith('journal.json') || file.endsWith('journal.phase')
      ? 'nothing on this server is acted on: look at the journal there; once the files it names are as they should be, move journal.json and journal.phase aside and run blink-apply again'
      : 'nothing on this server is acted on: look at the file there and restore what blink wrote, or move manifest.json and manifest.paths aside (blink then sees every managed file as new, and forgets the orphans it would have pruned)';
  const refuseEntry = (file: string, entry: string, why: string): Failure =>
    refuse('BLINK503', file, `not what blink writes: ${show(entry)}: ${why}`, stateHint(file));

  const MANIFEST = `${BLINK_DIR}/manifest.json`;
  const PATHS = `${BLINK_DIR}/manifest.paths`;
  const JOURNAL = `${BLINK_DIR}/journal.json`;
  const PHASE = `${BLINK_DIR}/journal.phase`;

  const state: RemoteState = { server, files: new Map(), problems: [] };
  const manifestText = raw.manifest.trim();
  if (manifestText) {
    const m = parseJson(manifestText);
    if (m === undefined) return refuse('BLINK503', MANIFEST, 'not valid JSON', stateHint(MANIFEST));
    const v = validManifest(m);
    if ('why' in v) return refuseEntry(MANIFEST, v.entry, v.why);
    state.manifest = v.manifest;
  }
  const journalText = raw.journal.trim();
  if (journalText) {
    const j = parseJson(journalText);
    if (j === undefined) return refuse('BLINK503', JOURNAL, 'not valid JSON', stateHint(JOURNAL));
    const v = validJournal(j);
    if ('why' in v) return refuseEntry(JOURNAL, v.entry, v.why);
    const phase = raw.phase.trim() || 'swapping';
    if (!PHASES.includes(phase as JournalPhase)) return refuseEntry(PHASE, phase, `not one of ${PHASES.join(', ')}`);
    state.journal = v.journal;
    state.journalPhase = phase as JournalPhase;
  }

  for (const line of lines(raw.badpaths)) return refuseEntry(PATHS, line, 'not a plain absolute path');

  const hashes = new Map<string, string>();
  for (const line of lines(raw.sha)) {
    const m = /^([0-9a-f]{64}) [ *]\.(\/.*)$/.exec(line);
    if (m) hashes.set(m[2]!, m[1]!);
  }
  const odd: string[] = [];
  const fields = raw.stat.split('\0');
  const R = root.replace(/\/+$/, '');
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const m = /^(\S) (\d+) (\S+) \.(\/.*)$/s.exec(fields[i]!.replace(/^\n/, ''));
    if (!m) continue;
    const [, type, mode, owner, path] = m as unknown as [string, string, string, string, string];
    if (!asked.has(path) && !managedPath(path)) return refuseEntry(PATHS, path, 'not a path blink writes');
    if (type !== 'f' && type !== 'l') {
      odd.push(`${printable(path)} (${TYPES[type] ?? 'not a regular file'})`);
      continue;
    }
    const f: LiveFile = { type: type === 'f' ? 'file' : 'link', mode: parseInt(mode, 8), owner: printable(raw.ownerOf ? raw.ownerOf(owner) : owner) };
    if (type === 'f') {
      const sha = hashes.get(path);
      if (sha) f.sha256 = sha;
    } else {
      const target = fields[i + 1]!;
      if (CONTROL.test(target)) odd.push(`${printable(path)} (a link to a name with control characters)`);
      f.linkTarget = R && target.startsWith(R + '/') ? target.slice(R.length) : target;
    }
    state.files.set(path, f);
  }
  if (odd.length) {
    return refuse('BLINK504', odd[0]!.replace(/ \(.*$/, ''), `not a regular file where blink writes one: ${odd.slice(0, 5).join(', ')}${odd.length > 5 ? ` and ${odd.length - 5} more` : ''}`, 'blink writes regular files (and vhost links) there: look at each on the server, move it aside, and run blink-apply again');
  }
  if (raw.timeout) return { error: 'reading the server failed: hashing the managed files did not finish in time' };
  const stale = raw.staging.split('\0').filter((n) => n.trim() !== '').map((n) => printable(n).slice(0, 100)).sort();
  if (stale.length) state.staleStaging = stale;
  return state;
}

const TYPES: Record<string, string> = { d: 'a folder', p: 'a FIFO', c: 'a device', b: 'a device', s: 'a socket' };
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** A manifest exactly as blink writes one, or the first entry that is not. */
export function validManifest(x: unknown): { manifest: Manifest } | { entry: string; why: string } {
  if (!isObj(x) || x['version'] !== 1) return { entry: 'version', why: 'not version 1' };
  if (!line(x['server']) || !line(x['time']) || !isRun(x['run'])) return { entry: 'server, run or time', why: 'missing or not plain text' };
  if (x['commit'] !== undefined && !line(x['commit'])) return { entry: 'commit', why: 'not plain text' };
  if (!isObj(x['files'])) return { entry: 'files', why: 'not an object' };
  const files: Record<string, ManifestEntry> = {};
  for (const [path, e] of Object.entries(x['files'])) {
    const why = entryProblem(path, e);
    if (why) return { entry: path, why };
    files[path] = pick(e as ManifestEntry, ['kind', 'sha256', 'linkTarget', 'mode', 'owner', 'instance', 'host', 'sensitive']);
  }
  let resources: Record<string, ResourceEntry> | undefined;
  if (x['resources'] !== undefined) {
    if (!isObj(x['resources'])) return { entry: 'resources', why: 'not an object' };
    resources = {};
    for (const [key, e] of Object.entries(x['resources'])) {
      const why = resourceProblem(key, e);
      if (why) return { entry: key, why };
      resources[key] = pick(e as ResourceEntry, ['kind', 'purpose', 'instance', 'host']);
    }
  }
  return { manifest: { version: 1, server: x['server'], run: x['run'], time: x['time'], ...(x['commit'] !== undefined ? { commit: x['commit'] as string } : {}), files, ...(resources ? { resources } : {}) } };
}

/** A journal exactly as blink writes one, or the first entry that is not. */
export function validJournal(x: unknown): { journal: Journal } | { entry: string; why: string } {
  if (!isObj(x) || x['version'] !== 1) return { entry: 'version', why: 'not version 1' };
  if (!isRun(x['run'])) return { entry: String(x['run']), why: 'not a run id' };
  if (!line(x['owner']) || !line(x['time'])) return { entry: 'owner or time', why: 'not plain text' };
  const m = validManifest(x['manifest']);
  if ('why' in m) return { entry: `manifest: ${m.entry}`, why: m.why };
  if (!Array.isArray(x['files'])) return { entry: 'files', why: 'not a list' };
  const files: FileOp[] = [];
  for (const op of x['files'] as unknown[]) {
    const path = isObj(op) && typeof op['path'] === 'string' ? op['path'] : JSON.stringify(op);
    const why = fileOpProblem(op);
    if (why) return { entry: path, why };
    files.push(pick(op as unknown as FileOp, ['path', 'op', 'hadOld', 'mode', 'owner', 'linkTarget']));
  }
  // A service is one blink renders a unit for, in this very journal: never a name to obey.
  const units = new Set([...Object.keys(m.manifest.files), ...files.map((f) => f.path)].filter((p) => managedPath(p)?.kind === 'unit'));
  const hosts = new Set(Object.values(m.manifest.files).map((e) => e.host).filter((h): h is string => h !== undefined));
  const a = validActions(x['actions'], units, hosts);
  if ('why' in a) return a;
  return { journal: { version: 1, run: x['run'], owner: x['owner'], time: x['time'], files, actions: a.actions, manifest: m.manifest } };
}

function entryProblem(path: string, e: unknown): string | undefined {
  const mp = managedPath(path);
  if (!mp) return 'not a path blink writes';
  if (!isObj(e)) return 'not an object';
  if (e['kind'] !== mp.kind) return `kind ${show(String(e['kind']))}, but blink writes a ${mp.kind} there`;
  // No owner: a server with set_owners: false, whose files belong to whoever applies.
  if (!isMode(e['mode']) || (e['owner'] !== undefined && (typeof e['owner'] !== 'string' || !OWNER.test(e['owner'])))) return 'mode or owner not as blink writes them';
  if (e['instance'] !== undefined && !(typeof e['instance'] === 'string' && INSTANCE_ID.test(e['instance']) && (mp.instance === undefined || mp.instance === e['instance']))) return 'instance does not match the path';
  // Set by blink when the file held a secret: the diff keeps masking its old lines.
  if (e['sensitive'] !== undefined && e['sensitive'] !== true) return 'sensitive is not true';
  if (e['host'] !== undefined && !(typeof e['host'] === 'string' && HOST_NAME.test(e['host']) && (mp.host === undefined || mp.host === e['host']))) return 'host does not match the path';
  return contentProblem(mp.kind, mp.host, e['sha256'], e['linkTarget']);
}

/** A folder, role or database as blink records one: its name of the right shape for its kind, and nothing else. */
function resourceProblem(key: string, e: unknown): string | undefined {
  const [kind, name] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
  const shape = kind === 'folder' ? FOLDER_PATH : kind === 'role' ? ROLE_NAME : kind === 'database' ? DB_NAME : undefined;
  if (!shape || !shape.test(name)) return 'not a folder, role or database blink makes';
  if (!isObj(e) || e['kind'] !== kind) return 'kind does not match its name';
  if (e['purpose'] !== undefined && !(kind === 'folder' && (e['purpose'] === 'data' || e['purpose'] === 'log' || e['purpose'] === 'backup'))) return 'not a purpose blink records';
  if (e['instance'] !== undefined && !(typeof e['instance'] === 'string' && INSTANCE_ID.test(e['instance']))) return 'not an instance id';
  if (e['host'] !== undefined && !(typeof e['host'] === 'string' && HOST_NAME.test(e['host']))) return 'not a host name';
  return undefined;
}

function fileOpProblem(op: unknown): string | undefined {
  if (!isObj(op) || typeof op['path'] !== 'string') return 'not a file operation';
  const mp = managedPath(op['path']);
  if (!mp) return 'not a path blink writes';
  if (op['op'] !== 'write' && op['op'] !== 'delete') return 'neither write nor delete';
  if (typeof op['hadOld'] !== 'boolean') return 'hadOld is not true or false';
  if (op['mode'] !== undefined && !isMode(op['mode'])) return 'not a mode blink writes';
  if (op['owner'] !== undefined && !(typeof op['owner'] === 'string' && OWNER.test(op['owner']))) return 'not an owner blink writes';
  if (op['linkTarget'] !== undefined && contentProblem(mp.kind, mp.host, undefined, op['linkTarget']) !== undefined) return 'a link blink does not make';
  return undefined;
}

/** Only a vhost link is a link, and it points at its own host's vhost; everything else has a content hash. */
function contentProblem(kind: ArtifactKind, host: string | undefined, sha: unknown, target: unknown): string | undefined {
  if (kind === 'vhost-link') {
    if (sha !== undefined || target !== (host !== undefined ? vhostLinkTarget(host) : undefined)) return 'a link blink does not make';
    return undefined;
  }
  if (target !== undefined) return 'a link where blink writes a file';
  if (sha !== undefined && !(typeof sha === 'string' && SHA256.test(sha))) return 'not a sha256';
  return undefined;
}

function validActions(x: unknown, units: ReadonlySet<string>, hosts: ReadonlySet<string>): { actions: Actions } | { entry: string; why: string } {
  if (!isObj(x) || typeof x['daemonReload'] !== 'boolean' || typeof x['nginxReload'] !== 'boolean') return { entry: 'actions', why: 'not the actions blink records' };
  const services = (k: string): string[] | { entry: string; why: string } => {
    const v = x[k];
    if (!Array.isArray(v)) return { entry: `actions.${k}`, why: 'not a list' };
    for (const s of v) if (!isService(s, units)) return { entry: `actions.${k}: ${typeof s === 'string' ? s : JSON.stringify(s)}`, why: 'not a service blink renders a unit for in this journal' };
    return v as string[];
  };
  const disable = services('disable');
  const enable = services('enable');
  const restart = services('restart');
  for (const l of [disable, enable, restart]) if (!Array.isArray(l)) return l;
  const health = x['health'];
  if (!Array.isArray(health)) return { entry: 'actions.health', why: 'not a list' };
  for (const h of health as unknown[]) {
    if (!isObj(h) || typeof h['instance'] !== 'string' || !INSTANCE_ID.test(h['instance']) || !isService(h['service'], units) || h['service'] !== `odoo-${h['instance']}` || !isPort(h['port'])) return { entry: `actions.health: ${JSON.stringify(h)}`, why: 'not a health check blink makes' };
  }
  const certbot = x['certbot'];
  if (!Array.isArray(certbot) || !certbot.every((h) => typeof h === 'string' && HOST_NAME.test(h) && hosts.has(h))) return { entry: 'actions.certbot', why: 'not hosts of this journal' };
  return { actions: { daemonReload: x['daemonReload'], nginxReload: x['nginxReload'], disable: disable as string[], enable: enable as string[], restart: restart as string[], health: health as HealthTarget[], certbot: certbot as string[] } };
}

function isService(s: unknown, units: ReadonlySet<string>): s is string {
  return typeof s === 'string' && SERVICE.test(s) && units.has(`/etc/systemd/system/${s}.service`);
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const line = (x: unknown, max = 300): x is string => typeof x === 'string' && x.length <= max && !CONTROL.test(x);
const isRun = (x: unknown): x is string => typeof x === 'string' && RUN_ID.test(x);
const isMode = (x: unknown): x is number => Number.isInteger(x) && (x as number) >= 0 && (x as number) <= 0o7777;
const isPort = (x: unknown): x is number => Number.isInteger(x) && (x as number) >= 1 && (x as number) <= 65535;

/** Only the fields blink writes, so nothing else a server adds is ever written back. */
function pick<T extends object>(x: T, keys: (keyof T)[]): T {
  const out = {} as T;
  for (const k of keys) if (x[k] !== undefined) out[k] = x[k];
  return out;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function lines(s: string): string[] {
  return s.split('\n').filter((l) => l !== '');
}

/** A value as it may be shown: quoted, control characters escaped, at most 120 characters. */
function show(s: string): string {
  const q = JSON.stringify(s).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return q.length > 120 ? q.slice(0, 117) + '…"' : q;
}

function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}
