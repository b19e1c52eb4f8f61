import { posix } from 'node:path';
import { error, type Diagnostic } from '../diagnostics/Diagnostic.js';
import type { YamlPath, YamlSource } from '../load/YamlSource.js';
import type { ClientsFile } from '../model/ClientsFile.js';
import type { Fleet, Instance } from '../model/Fleet.js';
import { instanceFileSpecs } from '../render/fileSpecs.js';

/** Linux NAME_MAX: bytes in one path component. */
export const NAME_MAX = 255;
/** Linux PATH_MAX, less its NUL. */
export const PATH_MAX = 4095;
/**
 * What blink adds to a file's name for the sibling it writes first: apply's
 * `.blink-tmp.<name>.<run id>` (src/remote/shellRemote.ts; run ids are 21
 * characters). render's `.<name>.blink-tmp-<pid>` in out/ is shorter.
 */
const TEMP_EXTRA = '.blink-tmp.'.length + '.'.length + 21;
/** ustar header fields, as src/remote/tar.ts fills them: it has no pax or GNU long names. */
const TAR_NAME = 100;
const TAR_PREFIX = 155;
const TAR_LINK = 100;
/** Folder the staging archive puts every file under (src/remote/shellRemote.ts `stage`). */
const TAR_TOP = 'tree';

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
const ASCII = /^[\x00-\x7f]*$/;

/**
 * Why a file blink writes on a server cannot be written there, or undefined.
 * Checked at compile time because each limit otherwise shows up late, in
 * blink-apply: tar refuses the name, or the server says ENAMETOOLONG.
 */
export function serverPathProblem(path: string, linkTarget?: string): string | undefined {
  // The usual path: ASCII (a byte a character) and short enough for the ustar name field, so short enough for every limit below.
  if (linkTarget === undefined && path.length + TAR_TOP.length <= TAR_NAME && ASCII.test(path)) return undefined;
  if (bytes(path) > PATH_MAX) return `${path.slice(0, 40)}… is ${bytes(path)} bytes, more than a path may have (${PATH_MAX})`;
  const parts = path.split('/').filter((p) => p !== '');
  for (const part of parts) {
    if (bytes(part) > NAME_MAX) return `${part} is ${bytes(part)} bytes, more than a file name may have (${NAME_MAX})`;
  }
  const base = parts[parts.length - 1] ?? '';
  if (bytes(base) + TEMP_EXTRA > NAME_MAX) {
    return `blink-apply first writes ${path} as .blink-tmp.${base}.<run>, ${bytes(base) + TEMP_EXTRA} bytes: more than a file name may have (${NAME_MAX})`;
  }
  if (!fitsUstar(TAR_TOP + path)) return `${path} does not fit the ustar archive blink-apply uploads (at most ${TAR_NAME} bytes after a / and ${TAR_PREFIX} before it)`;
  if (linkTarget !== undefined) {
    const rel = posix.relative(posix.dirname(path), linkTarget);
    if (bytes(rel) > TAR_LINK) return `the link ${path} → ${rel} is ${bytes(rel)} bytes, more than a ustar link target may have (${TAR_LINK})`;
  }
  return undefined;
}

/** src/remote/tar.ts `splitName`: the whole path in the name field, or split at one / into prefix and name. */
function fitsUstar(path: string): boolean {
  if (bytes(path) <= TAR_NAME) return true;
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
    if (bytes(path.slice(0, i)) <= TAR_PREFIX && bytes(path.slice(i + 1)) <= TAR_NAME) return true;
  }
  return false;
}

/**
 * Every name the fleet derives must fit where it goes: file names and paths
 * on Linux, the ustar archive apply uploads, systemd unit names (a unit file
 * name; 255 at most, like any file name). Database names and ids are held to
 * PostgreSQL's 63 bytes elsewhere: the schema for `db:`, BLINK014 for the id
 * that is the default database. Long host names are the usual cause, so the
 * error says how long a host may be.
 */
export function checkNameLimits(fleet: Fleet, clients: YamlSource): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const i of fleet.instances) {
    const problem = firstProblem(fleet, i);
    if (!problem) continue;
    if (problem.path.includes(i.host) && !firstProblem(fleet, { ...i, host: 'h' })) {
      const max = longestHost(fleet, i);
      out.push(
        error('BLINK252', `host ${i.host} (${i.host.length} characters) is too long: ${problem.why}`, clients.pos(['clients', i.client, 'environments', i.env, 'host']), `use a host name of at most ${max} characters for this instance`),
      );
    } else {
      out.push(error('BLINK252', `${i.id}: ${problem.why}`, i.source, 'shorten the client or environment name'));
    }
  }
  out.push(...checkConfiguredPaths(clients));
  return out;
}

function firstProblem(fleet: Fleet, i: Instance): { path: string; why: string } | undefined {
  for (const spec of instanceFileSpecs(fleet, i)) {
    const why = serverPathProblem(spec.path, spec.linkTarget);
    if (why) return { path: spec.path, why };
  }
  return undefined;
}

/** The longest host this instance's files can carry: the limits only grow with its length. */
function longestHost(fleet: Fleet, i: Instance): number {
  let lo = 1;
  let hi = i.host.length - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (firstProblem(fleet, { ...i, host: 'h'.repeat(mid) })) hi = mid - 1;
    else lo = mid;
  }
  return lo;
}

/**
 * Folders and files named in clients.yaml that blink writes under or runs:
 * each component a file name, and room left below for what blink adds
 * (`<releases_dir>/<instance>/<commit>.json`, `<backup_dir>/<instance>/…`).
 */
function checkConfiguredPaths(clients: YamlSource): Diagnostic[] {
  const file = clients.data as ClientsFile;
  const out: Diagnostic[] = [];
  const check = (path: YamlPath, value: string | undefined): void => {
    if (value === undefined) return;
    const long = value.split('/').find((p) => bytes(p) > NAME_MAX);
    const why = long !== undefined ? `${long.slice(0, 40)}… is ${bytes(long)} bytes, more than a file name may have (${NAME_MAX})` : bytes(value) > PATH_MAX - NAME_MAX ? `${bytes(value)} bytes leave no room below it for what blink writes there (paths end at ${PATH_MAX} bytes)` : undefined;
    if (why) out.push(error('BLINK252', `${path.join('.')}: ${why}`, clients.pos(path), 'use a shorter path'));
  };
  const d = file.defaults;
  check(['defaults', 'odoo_bin'], d?.odoo_bin);
  check(['defaults', 'python'], d?.python);
  check(['defaults', 'backup_dir'], d?.backup_dir);
  d?.addons_paths?.forEach((p, k) => check(['defaults', 'addons_paths', k], p));
  check(['defaults', 'backup', 'encrypt', 'age_recipients_file'], d?.backup?.encrypt?.age_recipients_file);
  check(['defaults', 'backup', 'encrypt', 'gpg_passphrase_file'], d?.backup?.encrypt?.gpg_passphrase_file);
  check(['deploy', 'releases_dir'], file.deploy?.releases_dir);
  check(['deploy', 'repository'], file.deploy?.repository);
  for (const [name, s] of Object.entries(file.servers)) {
    check(['servers', name, 'root'], s.root);
    check(['servers', name, 'config_backup', 'encrypt', 'age_recipients_file'], s.config_backup?.encrypt?.age_recipients_file);
    check(['servers', name, 'config_backup', 'encrypt', 'gpg_passphrase_file'], s.config_backup?.encrypt?.gpg_passphrase_file);
  }
  for (const [client, c] of Object.entries(file.clients)) {
    for (const [env, e] of Object.entries(c.environments)) {
      const at = ['clients', client, 'environments', env, 'backup', 'encrypt'];
      check([...at, 'age_recipients_file'], e.backup?.encrypt?.age_recipients_file);
      check([...at, 'gpg_passphrase_file'], e.backup?.encrypt?.gpg_passphrase_file);
    }
  }
  return out;
}
