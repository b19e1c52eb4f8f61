import { error, type Diagnostic, type SourcePos } from '../diagnostics/Diagnostic.js';
import type { YamlSource } from '../load/YamlSource.js';
import type { ClientsFile } from '../model/ClientsFile.js';
import type { Fleet, Instance, ResolvedOption } from '../model/Fleet.js';
import { instanceFileSpecs } from '../render/fileSpecs.js';
import { instanceSecretEnv, SECRET_REF } from '../secrets/secretRef.js';

/**
 * One instance, one identity. An instance id is `<client>-<env>`, so client
 * `a-b` env `c` and client `a` env `b-c` are both `a-b-c`: the same service,
 * database, data_dir, unit, cron, env and logrotate files. Every other name
 * derived from an instance must be its own too, including the ones that
 * differ only by a suffix (host `x.com.acme` is host `x.com`'s ACME vhost
 * file) or by an override in clients.yaml (`db:`, a shared `db_host`, a
 * loose `dbfilter`, a `pidfile`). Each clash is one error where the instance
 * later in clients.yaml claims the name, naming the other's file:line:column.
 * The checks kept in checkFleet (ports, hosts, a database or data_dir per
 * server) are not repeated here.
 */
export function checkIdentities(fleet: Fleet, clients: YamlSource): Diagnostic[] {
  const out: Diagnostic[] = [];
  const ids = checkInstanceIds(clients, out);
  // Two environments with one id clash on every derived name; the id error says it all.
  const instances = fleet.instances.filter((i) => !ids.has(i.id));
  out.push(...checkDerivedNames(fleet, instances, clients), ...checkSharedDatabases(instances));
  return out;
}

const where = (p: SourcePos): string => `${p.file}:${p.line}:${p.column}`;
/** Order within one file (clients.yaml). */
const before = (a: SourcePos, b: SourcePos): boolean => a.line < b.line || (a.line === b.line && a.column <= b.column);

/** Ids claimed by more than one environment, after reporting each clash. */
function checkInstanceIds(clients: YamlSource, out: Diagnostic[]): Set<string> {
  const file = clients.data as ClientsFile;
  const first = new Map<string, { name: string; pos: SourcePos }>();
  const clashing = new Set<string>();
  for (const client of Object.keys(file.clients)) {
    for (const env of Object.keys(file.clients[client]!.environments)) {
      const id = `${client}-${env}`;
      const me = { name: `clients.${client}.environments.${env}`, pos: clients.pos(['clients', client, 'environments', env], true) };
      const prev = first.get(id);
      if (!prev) {
        first.set(id, me);
        continue;
      }
      clashing.add(id);
      const [a, b] = before(prev.pos, me.pos) ? [prev, me] : [me, prev];
      out.push(
        error(
          'BLINK250',
          `${b.name} and ${a.name} (${where(a.pos)}) are both instance ${id}`,
          b.pos,
          `rename a client or an environment: an instance id is <client>-<env>, and its service, database, data_dir and files are all named after it, so two instances with one id would silently share them`,
        ),
      );
    }
  }
  return clashing;
}

interface Claim {
  instance: Instance;
  what: string;
  pos: SourcePos;
}

/** A namespace of names where each may belong to one instance only. */
function claimer(out: Diagnostic[], hint: (name: string) => string) {
  const claims = new Map<string, Claim>();
  return (name: string, claim: Claim): void => {
    const prev = claims.get(name);
    if (!prev) return void claims.set(name, claim);
    if (prev.instance === claim.instance) return;
    // The instance later in clients.yaml is usually the one just added: the error is its.
    const [a, b] = before(prev.instance.source, claim.instance.source) ? [prev, claim] : [claim, prev];
    out.push(error('BLINK251', `${b.what} of ${b.instance.id} is also ${a.what} of ${a.instance.id} (${where(a.pos)})`, b.pos, hint(name)));
  };
}

/** nginx upstream names, as templates/vhost.conf.hbs gives them: one http namespace per server. */
const upstreams = (id: string): [string, string][] => [
  [`odoo-${id}`, 'the nginx upstream'],
  [`odoo-${id}-ws`, 'the websocket upstream'],
];

/** Options whose value is a file the instance writes: a shared one is overwritten by both. */
const WRITTEN_FILES = ['pidfile', 'import_partial'];

function option(i: Instance, key: string): ResolvedOption | undefined {
  return i.options.find((o) => o.key === key);
}

function setAt(o: ResolvedOption): SourcePos {
  return o.chain[o.chain.length - 1]!.pos;
}

function checkDerivedNames(fleet: Fleet, instances: readonly Instance[], clients: YamlSource): Diagnostic[] {
  const out: Diagnostic[] = [];
  const files = claimer(out, (name) => `both would write ${name.slice(name.indexOf(':') + 1)} on one server: rename a host or an environment`);
  const names = claimer(out, () => 'nginx upstream names are odoo-<instance> and odoo-<instance>-ws: rename an environment so neither instance id is the other one plus -ws');
  const written = claimer(out, (name) => `both would write ${name.slice(name.indexOf(':') + 1)}: give each instance its own (or leave the option unset)`);
  const secrets = claimer(out, (name) => `${name} names no instance or key alone (ids and keys are joined with _): rename one of the keys`);
  for (const i of instances) {
    // File names come from the host and the id; the host is the one to point at when it is part of the name.
    const hostAt = clients.pos(['clients', i.client, 'environments', i.env, 'host']);
    for (const spec of instanceFileSpecs(fleet, i)) files(`${i.server}:${spec.path}`, { instance: i, what: `the file ${spec.path}`, pos: spec.path.includes(i.host) ? hostAt : i.source });
    for (const [name, what] of upstreams(i.id)) names(`${i.server}:${name}`, { instance: i, what: `${what} ${name}`, pos: i.source });
    for (const key of WRITTEN_FILES) {
      const o = option(i, key);
      if (!o || /^(|False|None)$/.test(o.value.trim()) || o.value.includes('${')) continue;
      written(`${i.server}:${o.value.trim()}`, { instance: i, what: `the ${key} ${o.value.trim()}`, pos: setAt(o) });
    }
    for (const o of i.options) {
      // matchAll makes an iterator and a copy of the pattern: most of a large fleet's fifty thousand values have no reference.
      if (!o.value.includes('${')) continue;
      for (const m of o.value.matchAll(SECRET_REF)) {
        if (!m[1]!.startsWith('secret:')) continue;
        const key = m[1]!.slice('secret:'.length);
        const env = instanceSecretEnv(i.id, key);
        secrets(env, { instance: i, what: `the secret variable ${env} (\${secret:${key}})`, pos: setAt(o) });
      }
    }
  }
  return out;
}

/** The PostgreSQL an instance's database lives in: its own server's unless db_host names another machine. */
function cluster(i: Instance): { key: string; remote: boolean } {
  // Empty and False leave a setting to libpq's default, as Odoo reads them.
  const setting = (key: string): string | undefined => {
    const v = option(i, key)?.value.trim();
    return v === undefined || v === '' || v === 'False' ? undefined : v;
  };
  const host = setting('db_host') ?? '';
  const port = setting('db_port') ?? '5432';
  const user = setting('db_user') ?? i.systemUser;
  const local = host === '' || host === 'localhost' || host === '127.0.0.1' || host === '::1' || host.startsWith('/');
  // Databases are visible to a role; Odoo lists those its db_user owns.
  return { key: local ? `server ${i.server} port ${port} role ${user}` : `${host}:${port} role ${user}`, remote: !local };
}

/**
 * Two instances in one PostgreSQL share a database when their names clash
 * (checkFleet reports that per server; here for a db_host other servers use
 * too), or when one's dbfilter, as Odoo applies it, also lets it open the
 * other's: Odoo picks the database from the session or the list of those
 * the filter matches, so a loose filter serves another client's data.
 */
function checkSharedDatabases(instances: readonly Instance[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const dbAt = (i: Instance): SourcePos => (option(i, 'db_name') ? setAt(option(i, 'db_name')!) : i.source);
  const byCluster = new Map<string, Instance[]>();
  for (const i of instances) {
    const c = cluster(i);
    if (!c.remote) continue;
    byCluster.set(c.key, [...(byCluster.get(c.key) ?? []), i]);
  }
  const dbs = claimerFor(out);
  for (const [key, list] of byCluster) for (const i of list) dbs(`${key}:${i.db}`, i, dbAt(i), `the database ${i.db} on ${key.replace(/ role .*/, '')}`);

  const all = new Map<string, Instance[]>();
  for (const i of instances) {
    const c = cluster(i).key;
    all.set(c, [...(all.get(c) ?? []), i]);
  }
  for (const list of all.values()) {
    for (const i of list) {
      const f = option(i, 'dbfilter');
      if (!f || f.value === `^${i.db}$` || f.value.includes('${')) continue;
      const re = odooDbFilter(f.value, i.host);
      if (!re) continue;
      const other = list.find((o) => o !== i && re.test(o.db));
      if (!other) continue;
      out.push(
        error(
          'BLINK301',
          `dbfilter ${f.value} of ${i.id} also matches ${other.db}, the database of ${other.id} (${where(dbAt(other))}) in the same PostgreSQL`,
          setAt(f),
          `write dbfilter = ^${i.db}$, or remove this line: ${i.id} could open ${other.id}'s data`,
        ),
      );
    }
  }
  return out;
}

function claimerFor(out: Diagnostic[]) {
  const claims = new Map<string, { i: Instance; pos: SourcePos }>();
  return (name: string, i: Instance, pos: SourcePos, what: string): void => {
    const prev = claims.get(name);
    if (!prev) return void claims.set(name, { i, pos });
    // On one server checkFleet has said it already.
    if (prev.i.server === i.server) return;
    const [a, b] = before(prev.i.source, i.source) ? [prev, { i, pos }] : [{ i, pos }, prev];
    out.push(error('BLINK301', `${what} is used by both ${b.i.id} and ${a.i.id} (${where(a.pos)})`, b.pos, 'set a distinct db: these instances share one PostgreSQL (db_host)'));
  };
}

/**
 * The filter as Odoo 18 applies it (odoo/http.py `db_filter`): `%h` is the
 * request's host without a leading `www.`, `%d` its first label, both
 * escaped, and the pattern must match at the start of the name (`re.match`).
 * undefined when JavaScript cannot read the pattern as Python would.
 */
export function odooDbFilter(pattern: string, host: string): RegExp | undefined {
  const h = host.startsWith('www.') ? host.slice(4) : host;
  const d = h.split('.')[0]!;
  const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
  try {
    return new RegExp(`^(?:${pattern.replaceAll('%h', esc(h)).replaceAll('%d', esc(d))})`);
  } catch {
    return undefined;
  }
}
