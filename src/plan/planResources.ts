import { error } from '../diagnostics/Diagnostic.js';
import type { Server } from '../model/Fleet.js';
import type { ResourceOps } from '../remote/Remote.js';
import type { LiveResources, ResourceEntry } from '../remote/RemoteState.js';
import { fillCommand, shellQuote } from '../remote/shellQuote.js';
import type { DesiredResources, DesiredUser } from './DesiredResources.js';
import { planFirewall } from './planFirewall.js';
import { instanceRuntime } from '../compile/defaults.js';
import type { ResourcePlan, ResourcesPlan } from './ResourcePlan.js';

const SYSTEM_DATABASES = new Set(['postgres', 'template0', 'template1']);

export interface ResourcePlanInput {
  server: Pick<Server, 'name' | 'root' | 'transport' | 'commands'>;
  desired: DesiredResources;
  /** What the read found; undefined when it was not asked (nothing is planned then). */
  live?: LiveResources;
  /** The manifest's resources: what blink made before. */
  recorded?: Record<string, ResourceEntry>;
  /** Which recorded entries this run answers for (narrowed by --host). */
  owns(key: string, entry: ResourceEntry): boolean;
  /** Instances whose service this plan stops for good (their unit is deleted: --prune). */
  pruned: readonly string[];
}

/**
 * Folders, users, roles, databases and the firewall: desired vs live, like
 * the files. Pure. Something missing is made, a folder's mode or owner is
 * set, a role gets LOGIN CREATEDB and a database its owner; nothing is ever
 * dropped or emptied. A database or data folder that is no longer wanted is
 * kept and listed, with the commands that drop it once its backup is checked.
 */
export function planResources(input: ResourcePlanInput): ResourcesPlan {
  const { server, desired, live } = input;
  const recorded = input.recorded ?? {};
  const out: ResourcesPlan = { items: [], blocked: [], notes: [...desired.notes], users: [], ops: { folders: [], roles: [], databases: [] }, manifest: {}, pruned: [...input.pruned], finalBackup: [] };
  if (desired.firewall) {
    const fw = planFirewall(desired.firewall, live?.firewall, { transport: server.transport, ...(live?.sshPort !== undefined ? { port: live.sshPort } : {}) }, server.name);
    if (fw) out.firewall = fw;
  }
  // Not asked (a caller without a resource query): what was recorded stays recorded.
  if (!live) return { ...out, manifest: { ...recorded } };
  const block = (code: Parameters<typeof error>[0], message: string, hint: string): void => void out.blocked.push(error(code, `${server.name}: ${message}`, undefined, hint));
  const wanted = new Set<string>();

  for (const u of desired.users) {
    if (live.users.has(u.name)) continue;
    if (desired.createUsers) {
      out.users.push(u);
      out.items.push({ kind: 'user', name: u.name, change: 'add', drift: false, orphan: false, after: `system user, home ${u.home}`, notes: [] });
    } else {
      block('BLINK550', `service user ${u.name} does not exist: its instances' services could not start, and their files and folders could not be given to it`, `create it on the server (${createUserCommand(server, u)}), or run blink-apply --create-users, which does that first`);
    }
  }

  for (const f of desired.folders) {
    const key = `folder:${f.path}`;
    wanted.add(key);
    const after = `${octal(f.mode)}${f.owner !== undefined ? ` ${f.owner}` : ''}`;
    const r: ResourcePlan = { kind: 'folder', name: f.path, purpose: f.purpose, change: 'none', drift: false, orphan: false, after, notes: [] };
    if (f.instance !== undefined) r.instance = f.instance;
    if (f.host !== undefined) r.host = f.host;
    const unsafe = live.unsafeFolders.get(f.path);
    const lf = live.folders.get(f.path);
    if (unsafe !== undefined || (lf && lf.type !== 'folder')) {
      const why = unsafe ?? `${f.path} is ${lf!.type === 'link' ? 'a symbolic link' : 'not a folder'}`;
      block('BLINK551', `folder ${f.path}: ${why}; blink makes and changes no folder through a link`, `make it a real folder (a mount point, not a link), or move what is there aside, then run blink-apply again`);
      continue;
    }
    if (!lf) {
      r.change = 'add';
      r.drift = recorded[key] !== undefined;
    } else if (lf.mode !== f.mode || (f.owner !== undefined && lf.owner !== f.owner)) {
      r.change = 'mode';
      r.before = `${octal(lf.mode)} ${lf.owner}`;
    }
    if (r.change !== 'none') out.ops.folders.push({ path: f.path, mode: f.mode, ...(f.owner !== undefined ? { owner: f.owner } : {}) });
    out.manifest[key] = { kind: 'folder', purpose: f.purpose, ...(f.instance !== undefined ? { instance: f.instance } : {}), ...(f.host !== undefined ? { host: f.host } : {}) };
    out.items.push(r);
  }

  const pg = desired.psql !== undefined ? live.postgres : undefined;
  const dbRecorded = Object.keys(recorded).some((k) => k.startsWith('database:'));
  if (pg && 'error' in pg && (desired.roles.length || desired.databases.length || dbRecorded)) {
    block('BLINK553', `PostgreSQL could not be read: ${pg.error}`, `check that PostgreSQL runs and that commands.psql (${desired.psql}) works as root on the server; roles and databases are neither checked nor made until it does`);
  }
  if (pg && !('error' in pg)) {
    for (const role of desired.roles) {
      const key = `role:${role.name}`;
      wanted.add(key);
      const lr = pg.roles.get(role.name);
      const r: ResourcePlan = { kind: 'role', name: role.name, change: 'none', drift: false, orphan: false, after: 'LOGIN CREATEDB', notes: [] };
      if (!lr) {
        r.change = 'add';
        r.drift = recorded[key] !== undefined;
        out.ops.roles.push({ name: role.name });
      } else if (!lr.login || !lr.createdb) {
        r.change = 'change';
        r.before = `${lr.login ? 'LOGIN' : 'NOLOGIN'} ${lr.createdb ? 'CREATEDB' : 'NOCREATEDB'}`;
        out.ops.roles.push({ name: role.name, grant: true });
      }
      if (lr?.superuser) r.notes.push('a superuser: Odoo needs only LOGIN CREATEDB');
      out.manifest[key] = { kind: 'role' };
      out.items.push(r);
    }
    for (const db of desired.databases) {
      const key = `database:${db.name}`;
      wanted.add(key);
      const ld = pg.databases.get(db.name);
      const r: ResourcePlan = { kind: 'database', name: db.name, instance: db.instance, host: db.host, change: 'none', drift: false, orphan: false, after: `owner ${db.owner}, ${db.encoding}, locale ${db.locale}, collation ${db.collation}`, notes: [] };
      const op = { name: db.name, owner: db.owner, encoding: db.encoding, locale: db.locale, collation: db.collation };
      if (!ld) {
        r.change = 'add';
        r.drift = recorded[key] !== undefined;
        if (r.drift) r.notes.push('the apply makes it again, empty: restore its data with blink-restore');
        out.ops.databases.push(op);
      } else {
        if (ld.owner !== db.owner) {
          r.change = 'change';
          r.before = `owner ${ld.owner}`;
          out.ops.databases.push({ ...op, setOwner: true });
        }
        const fixed = [
          ld.encoding !== db.encoding ? `encoding ${ld.encoding}` : '',
          !sameLocale(ld.ctype, db.locale) ? `locale ${ld.ctype}` : '',
          !sameLocale(ld.collate, db.collation) ? `collation ${ld.collate}` : '',
        ].filter(Boolean);
        if (fixed.length) r.notes.push(`it has ${fixed.join(', ')}: fixed when a database is made, so blink leaves it as it is`);
      }
      out.manifest[key] = { kind: 'database', instance: db.instance, host: db.host };
      out.items.push(r);
    }
  }

  if (out.ops.roles.length + out.ops.databases.length && desired.psql !== undefined) out.ops.psql = desired.psql;

  // What blink made before and no longer wants: data is kept (and listed), the rest forgotten.
  const psql = desired.psql ?? server.commands.psql;
  for (const [key, entry] of Object.entries(recorded).sort(([a], [b]) => a.localeCompare(b))) {
    if (wanted.has(key)) continue;
    if (!input.owns(key, entry)) {
      out.manifest[key] = entry;
      continue;
    }
    const name = key.slice(key.indexOf(':') + 1);
    const base = { name, orphan: true, change: 'none' as const, drift: false, after: 'kept', notes: [] as string[], ...(entry.instance !== undefined ? { instance: entry.instance } : {}), ...(entry.host !== undefined ? { host: entry.host } : {}) };
    if (entry.kind === 'database') {
      // Not readable now (or no longer blink's to read): kept on record, as it may well be there.
      if (!pg || 'error' in pg) {
        out.manifest[key] = entry;
        continue;
      }
      if (!pg.databases.has(name)) continue;
      out.manifest[key] = entry;
      // PostgreSQL's own databases are never an instance's, whatever a manifest says.
      if (SYSTEM_DATABASES.has(name)) continue;
      out.items.push({ ...base, kind: 'database', drop: [`echo 'DROP DATABASE "${name}";' | ${psql}`] });
    } else if (entry.kind === 'folder' && (entry.purpose === 'data' || entry.purpose === 'backup')) {
      if (live.folders.get(name)?.type !== 'folder') continue;
      out.manifest[key] = entry;
      // A command that removes a folder is offered only for the one folder an instance's data can be in (data_dir derives from its id alone).
      const isDataDir = entry.purpose === 'data' && entry.instance !== undefined && name === instanceRuntime(entry.instance).dataDir;
      out.items.push({ ...base, kind: 'folder', purpose: entry.purpose, ...(isDataDir ? { drop: [`rm -rf -- ${shellQuote(at(server.root, name))}`] } : { notes: [entry.purpose === 'backup' ? 'the backups, the final one included: keep them as long as you may need them' : 'it holds data'] }) });
    }
  }

  for (const instance of input.pruned) {
    const db = Object.entries(recorded).find(([k, e]) => k.startsWith('database:') && e.instance === instance)?.[0]?.slice('database:'.length);
    if (db !== undefined && pg && !('error' in pg) && !pg.databases.has(db)) {
      out.notes.push(`${instance}: no final backup: its database ${db} is not on the server`);
      continue;
    }
    out.finalBackup.push(instance);
  }
  const order = { user: 0, folder: 1, role: 2, database: 3 };
  out.items.sort((a, b) => order[a.kind] - order[b.kind] || a.name.localeCompare(b.name));
  return out;
}

/** Would an apply make or change something here? */
export function resourcesPending(r: Pick<ResourcesPlan, 'items' | 'firewall'>): boolean {
  return r.items.some((x) => x.change !== 'none') || (r.firewall?.steps.length ?? 0) > 0;
}

export function emptyOps(): ResourceOps {
  return { folders: [], roles: [], databases: [] };
}

function createUserCommand(server: Pick<Server, 'commands'>, u: DesiredUser): string {
  return fillCommand(server.commands.create_user, { user: u.name, home: u.home });
}

/** `C.UTF-8` and `C.utf8` are one locale: the codeset's case and dashes do not matter. */
function sameLocale(a: string, b: string): boolean {
  const norm = (s: string): string => s.replace(/\.(.*)$/, (_m, cs: string) => '.' + cs.toLowerCase().replace(/-/g, ''));
  return norm(a) === norm(b);
}

function at(root: string, path: string): string {
  return root === '/' ? path : root.replace(/\/+$/, '') + path;
}

function octal(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}
