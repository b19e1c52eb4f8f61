import { posix } from 'node:path';
import { SERVICE_USER_HOME } from '../compile/defaults.js';
import type { FirewallSettings, Instance, Server } from '../model/Fleet.js';
import type { ResourceQuery } from '../remote/RemoteState.js';

/** Why blink makes a folder: what it holds decides whether it may ever be dropped (never, for data and backups). */
export type FolderPurpose = 'data' | 'log' | 'backup';

/** A folder an instance needs before its service starts (systemd refuses a missing ReadWritePaths=). */
export interface DesiredFolder {
  path: string;
  mode: number;
  /** `user:group`; absent on a server with `set_owners: false`. */
  owner?: string;
  purpose: FolderPurpose;
  /** The instance it belongs to; absent for a folder instances share (the log folder). */
  instance?: string;
  host?: string;
}

/** The PostgreSQL role an instance connects as (its odoo.conf `db_user`). */
export interface DesiredRole {
  name: string;
}

/** An instance's database, created once and never dropped. */
export interface DesiredDatabase {
  name: string;
  owner: string;
  encoding: 'UTF8';
  /** LC_CTYPE. */
  locale: string;
  /** LC_COLLATE. */
  collation: string;
  instance: string;
  host: string;
}

/** The OS user an instance's service runs as. */
export interface DesiredUser {
  name: string;
  home: string;
}

/**
 * What one server's instances need beside their files: folders, the role and
 * database of each, the service users, and the server's firewall. Derived
 * from the compiled fleet alone (pure), like the files.
 */
export interface DesiredResources {
  folders: DesiredFolder[];
  roles: DesiredRole[];
  databases: DesiredDatabase[];
  users: DesiredUser[];
  /** `--create-users`: a missing user is created, not a reason to stop. */
  createUsers: boolean;
  /** psql on the server, when blink manages its roles and databases (`postgres.databases`). */
  psql?: string;
  /** ufw on the server, when `firewall` is on. */
  ufw?: string;
  firewall?: FirewallSettings;
  /** Why some instance's role or database is not blink's to make, said in the plan. */
  notes: string[];
}

/** A role name blink creates: what Odoo's configs use (letters, digits, _ . -), quoted by PostgreSQL wherever it goes. */
export const ROLE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}$/;
/** A folder blink creates: a plain absolute path without a `.` or `..` segment (`/opt/odoo/.local/share/Odoo-x` is one). */
export const FOLDER_PATH = /^(\/(?!\.\.?(?:\/|$))[A-Za-z0-9._+-]+)+$/;
/** A service user name, as the schema allows `system_user`. */
export const USER_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;

/** db_host values that mean this server's own PostgreSQL: unset, the local socket (a folder), or loopback. */
const LOCAL_DB_HOST = /^(|False|localhost|127\.0\.0\.1|::1|\/.*)$/;

/**
 * The folders, roles, databases and users `instances` (one server's, in the
 * run's selection) need on `server`. Folders instances share (the log folder)
 * and roles are listed once.
 */
export function desiredResources(server: Server, instances: readonly Instance[], o: { createUsers?: boolean } = {}): DesiredResources {
  const folders = new Map<string, DesiredFolder>();
  const roles = new Map<string, DesiredRole>();
  const databases: DesiredDatabase[] = [];
  const users = new Map<string, DesiredUser>();
  const notes: string[] = [];
  const owned = (user: string): { owner?: string } => (server.setOwners ? { owner: `${user}:${user}` } : {});
  const folder = (f: DesiredFolder): void => {
    if (FOLDER_PATH.test(f.path) && !folders.has(f.path)) folders.set(f.path, f);
  };
  for (const i of instances) {
    if (i.server !== server.name) continue;
    if (server.setOwners) users.set(i.systemUser, { name: i.systemUser, home: SERVICE_USER_HOME });
    // Odoo writes its filestore and sessions here, and its log there, as the service user.
    folder({ path: i.dataDir, mode: 0o750, ...owned(i.systemUser), purpose: 'data', instance: i.id, host: i.host });
    folder({ path: posix.dirname(i.logfile), mode: 0o750, ...owned(i.systemUser), purpose: 'log' });
    // blink-backup runs as root and keeps each instance's backups in a folder of root's alone.
    folder({ path: posix.join(i.backup.dir, i.id), mode: 0o700, ...(server.setOwners ? { owner: 'root:root' } : {}), purpose: 'backup', instance: i.id, host: i.host });
    if (!server.postgres.databases) continue;
    const option = (key: string): string | undefined => i.options.find((x) => x.key === key)?.value;
    const dbHost = option('db_host') ?? 'False';
    if (!LOCAL_DB_HOST.test(dbHost)) {
      notes.push(`${i.id}: its database is on db_host ${dbHost}, not this server's PostgreSQL: blink neither creates nor checks it`);
      continue;
    }
    // Odoo's db_user False means libpq's default: the OS user the service runs as.
    const dbUser = option('db_user');
    const role = dbUser === undefined || dbUser === 'False' || dbUser === '' ? i.systemUser : dbUser;
    if (!ROLE_NAME.test(role)) {
      notes.push(`${i.id}: db_user ${/\$\{/.test(role) ? 'is a secret reference' : 'is not a plain role name'}: blink neither creates nor checks its role and database`);
      continue;
    }
    roles.set(role, { name: role });
    databases.push({ name: i.db, owner: role, encoding: 'UTF8', locale: i.dbLocale, collation: i.dbCollation, instance: i.id, host: i.host });
  }
  return {
    folders: [...folders.values()].sort((a, b) => a.path.localeCompare(b.path)),
    roles: [...roles.values()].sort((a, b) => a.name.localeCompare(b.name)),
    databases: databases.sort((a, b) => a.name.localeCompare(b.name)),
    users: [...users.values()].sort((a, b) => a.name.localeCompare(b.name)),
    createUsers: o.createUsers === true,
    ...(server.postgres.databases ? { psql: server.commands.psql } : {}),
    ...(server.firewall ? { ufw: server.commands.ufw, firewall: server.firewall } : {}),
    notes,
  };
}

/** What a read must ask the server about these resources, and about the owners of these files and folders. */
export function resourceQuery(r: DesiredResources, files: readonly { owner?: string }[] = []): ResourceQuery {
  const owners = [...new Set([...r.folders, ...files].flatMap((f) => (f.owner !== undefined ? [f.owner] : [])))];
  return { folders: r.folders.map((f) => f.path), users: r.users.map((u) => u.name), ...(owners.length ? { owners } : {}), ...(r.psql !== undefined ? { psql: r.psql } : {}), ...(r.ufw !== undefined ? { ufw: r.ufw } : {}) };
}
