import { error } from '../diagnostics/Diagnostic.js';
import { FOLDER_PATH } from '../plan/DesiredResources.js';
import type { Failure } from './Remote.js';
import type { LiveDatabase, LiveFirewall, LivePostgres, LiveResources, LiveRole, ResourceQuery } from './RemoteState.js';
import { parseUfwStatus } from './parseUfwStatus.js';

/** The sections `apply-read.sh` prints about folders, users, PostgreSQL, ufw and the ssh connection. */
export interface RawResources {
  /** NUL-separated `<type> <mode> <owner> .//<path>` entries of the folders found. */
  folders: string;
  /** The owner's names for the owner printed (`uid:gid`; `ownerNames`); as printed without it. */
  ownerOf?: (printed: string) => string;
  /** `<path> link <folder>` or `<path> file <folder>` lines: something other than a folder on the way. */
  unsafeFolders: string;
  /** Lines of manifest.folders that are not plain absolute paths (never looked at). */
  badFolders: string;
  /** `getent passwd` lines of the asked users that exist. */
  users: string;
  /** psql's answer: a `blink-pg {json}` line. */
  postgres: string;
  /** psql failed: its exit code and last words; undefined when it did not fail. */
  postgresFailed?: string;
  /** `ufw status verbose`, and its exit code (undefined: ufw not asked). */
  ufw: string;
  ufwExit?: number;
  /** $SSH_CONNECTION: `client-ip client-port server-ip server-port`, empty when not over ssh. */
  ssh: string;
}

const NAME_TEXT = /^[^\u0000-\u001f\u007f]{1,200}$/;

/**
 * What the server says about the folders, users, roles, databases and
 * firewall asked about, as data: every name is matched against what was
 * asked (or a plain path blink records), nothing in it is a path to follow
 * or a command to run. A line of manifest.folders that is not a plain path
 * refuses the whole state, as a bad line of manifest.paths does.
 */
export function parseResources(server: string, query: ResourceQuery, raw: RawResources): LiveResources | Failure {
  for (const line of lines(raw.badFolders)) {
    const d = error('BLINK556', `not what blink writes: ${JSON.stringify(printable(line).slice(0, 100))}: not a plain absolute path`, { file: `${server}:/var/lib/blink/manifest.folders` }, 'nothing on this server is acted on: look at the file there and restore what blink wrote, or move it aside (blink then forgets the folders of removed instances it kept)');
    return { error: `${d.file}: ${d.message}`, refused: d };
  }
  const asked = new Set(query.folders);
  const out: LiveResources = { folders: new Map(), unsafeFolders: new Map(), users: new Set() };
  const fields = raw.folders.split('\0');
  for (const f of fields) {
    const m = /^(\S) (\d+) (\S+) \.\/(\/.*)$/s.exec(f.replace(/^\n/, ''));
    if (!m) continue;
    const [, type, mode, owner, path] = m as unknown as [string, string, string, string, string];
    if (!asked.has(path) && !FOLDER_PATH.test(path)) continue;
    out.folders.set(path, { type: type === 'd' ? 'folder' : type === 'l' ? 'link' : 'other', mode: parseInt(mode, 8) & 0o7777, owner: printable(raw.ownerOf ? raw.ownerOf(owner) : owner).slice(0, 65) });
  }
  for (const line of lines(raw.unsafeFolders)) {
    const m = /^(\S+) (link|file) (\S+)$/.exec(line);
    if (!m || !(asked.has(m[1]!) || FOLDER_PATH.test(m[1]!))) continue;
    out.unsafeFolders.set(m[1]!, `${printable(m[3]!)} is ${m[2] === 'link' ? 'a symbolic link' : 'not a folder'}`);
  }
  const users = new Set(query.users);
  for (const line of lines(raw.users)) {
    const name = line.split(':')[0]!;
    if (users.has(name)) out.users.add(name);
  }
  if (query.psql !== undefined) out.postgres = raw.postgresFailed !== undefined ? { error: `psql failed: ${printable(raw.postgresFailed).trim().split('\n').slice(-3).join(' | ').slice(0, 300)}` } : postgresState(raw.postgres);
  if (query.ufw !== undefined) out.firewall = firewallState(raw.ufw, raw.ufwExit);
  const ssh = /^\S+ \d+ \S+ (\d{1,5})$/.exec(raw.ssh.trim());
  if (ssh && Number(ssh[1]) >= 1 && Number(ssh[1]) <= 65535) out.sshPort = Number(ssh[1]);
  return out;
}

/** The one line of JSON the read's query prints, checked field by field; anything else is an unreadable answer. */
function postgresState(text: string): LivePostgres {
  const at = text.indexOf('blink-pg {');
  if (at < 0) return { error: 'psql printed no answer (is commands.psql a psql that reads SQL on stdin?)' };
  let x: unknown;
  try {
    x = JSON.parse(text.slice(at + 'blink-pg '.length).split('\n')[0]!.trim());
  } catch {
    return { error: 'psql printed an unreadable answer' };
  }
  if (!isObj(x) || !Array.isArray(x['roles']) || !Array.isArray(x['databases'])) return { error: 'psql printed an unreadable answer' };
  const roles = new Map<string, LiveRole>();
  for (const r of x['roles'] as unknown[]) {
    if (!isObj(r) || !isName(r['name']) || typeof r['login'] !== 'boolean' || typeof r['createdb'] !== 'boolean' || typeof r['superuser'] !== 'boolean') continue;
    roles.set(r['name'], { login: r['login'], createdb: r['createdb'], superuser: r['superuser'] });
  }
  const databases = new Map<string, LiveDatabase>();
  for (const d of x['databases'] as unknown[]) {
    if (!isObj(d) || !isName(d['name']) || !isName(d['owner']) || !isName(d['encoding']) || !isName(d['collate']) || !isName(d['ctype'])) continue;
    databases.set(d['name'], { owner: d['owner'], encoding: d['encoding'], collate: d['collate'], ctype: d['ctype'] });
  }
  return { roles, databases };
}

function firewallState(text: string, code: number | undefined): LiveFirewall {
  // 127: the shell found no such command.
  if (code === 127) return { installed: false };
  const said = printable(text).trim().split('\n').slice(-2).join(' | ').slice(0, 200);
  if (code !== 0) return { installed: true, error: `ufw status verbose failed (exit ${code ?? 'unknown'})${said ? `: ${said}` : ''}` };
  const s = parseUfwStatus(text);
  return 'error' in s ? { installed: true, error: s.error } : { installed: true, ...s };
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isName = (x: unknown): x is string => typeof x === 'string' && NAME_TEXT.test(x);

function lines(s: string): string[] {
  return s.split('\n').filter((l) => l !== '');
}

function printable(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '?');
}
