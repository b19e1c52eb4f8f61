import { error, warning, type Diagnostic } from '../diagnostics/Diagnostic.js';
import { didYouMean } from '../diagnostics/didYouMean.js';
import type { FleetSource } from '../load/loadFleetSource.js';
import type { Fleet, Instance, ResolvedOption } from '../model/Fleet.js';
import { checkModules } from './checkModules.js';
import { checkPostgresCapacity } from './checkPostgresCapacity.js';

const SECRET_REF = /^\$\{(secret:)?[A-Za-z0-9_.-]+\}$/;
const MIB = 1024 * 1024;
// Odoo 18's code defaults, used when no layer sets them.
const DEFAULT_LIMIT_MEMORY_SOFT = 2048 * MIB;
const DEFAULT_MAX_CRON_THREADS = 2;

/** Checks that need the whole fleet: collisions, production policy, modules, capacity (memory, workers, PostgreSQL connections). */
export function checkFleet(fleet: Fleet, source: FleetSource): Diagnostic[] {
  return [...checkCollisions(fleet), ...fleet.instances.flatMap(checkPolicy), ...checkModules(fleet, source), ...checkCapacity(fleet), ...checkPostgresCapacity(fleet), ...checkHostFiles(fleet, source)];
}

function checkCollisions(fleet: Fleet): Diagnostic[] {
  const out: Diagnostic[] = [];
  // Hostnames are unique fleet-wide: out/hosts/<host> and DNS both need it.
  const claims = new Map<string, Instance>();
  const claim = (key: string, inst: Instance, code: Diagnostic['code'], what: string, hint: string) => {
    const prev = claims.get(key);
    if (prev && prev.id !== inst.id) {
      // Point at the later of the two in clients.yaml: usually the one just added.
      const [first, second] = prev.source.line <= inst.source.line ? [prev, inst] : [inst, prev];
      out.push(error(code, `${what} is used by both ${first.id} and ${second.id}`, second.source, `${hint} (${first.id} is at ${first.source.file}:${first.source.line})`));
    }
    else if (!prev) claims.set(key, inst);
  };
  // A port clash points at the port that clashes, and says which of each instance's two ports it is.
  const ports = new Map<string, Instance>();
  const role = (i: Instance, p: number): string => (p === i.port ? 'its http port' : i.geventPort === i.port + 3 ? 'its gevent port, port + 3' : 'its gevent_port');
  const portAt = (i: Instance, p: number) => whereSet(i, option(i, p === i.port ? 'http_port' : 'gevent_port'));
  const claimPort = (i: Instance, p: number): void => {
    const key = `${i.server}:${p}`;
    const prev = ports.get(key);
    if (!prev) return void ports.set(key, i);
    if (prev.id === i.id) return;
    const [first, second] = prev.source.line <= i.source.line ? [prev, i] : [i, prev];
    const at = portAt(first, p);
    out.push(error('BLINK300', `port ${p} on server ${i.server} is used by both ${first.id} (${role(first, p)}) and ${second.id} (${role(second, p)})`, portAt(second, p), `give each instance its own pair of ports: http port and gevent port, port + 3 unless set (${first.id}'s is at ${at.file}:${at.line})`));
  };
  for (const i of fleet.instances) {
    claim(`host:${i.host}`, i, 'BLINK303', `host ${i.host}`, 'each instance needs its own hostname');
    const ports = new Set([i.port, i.geventPort]);
    if (ports.size === 1) out.push(error('BLINK300', `${i.id}: http port and gevent port are both ${i.port}`, i.source, 'set gevent_port to a free port'));
    for (const p of ports) claimPort(i, p);
    claim(`db:${i.server}:${i.db}`, i, 'BLINK301', `database ${i.db} on server ${i.server}`, 'set a distinct db');
    claim(`data:${i.server}:${i.dataDir}`, i, 'BLINK302', `data_dir ${i.dataDir} on server ${i.server}`, 'each instance needs its own data_dir');
  }
  return out;
}

function option(i: Instance, key: string): ResolvedOption | undefined {
  return i.options.find((o) => o.key === key);
}

function whereSet(i: Instance, o: ResolvedOption | undefined) {
  return o ? o.chain[o.chain.length - 1]!.pos : i.source;
}

function checkPolicy(i: Instance): Diagnostic[] {
  const out: Diagnostic[] = [];
  const dbUser = option(i, 'db_user');
  if (dbUser?.value === 'postgres') {
    out.push(error('BLINK304', `${i.id}: db_user = postgres: Odoo 18 refuses to start with the postgres superuser`, whereSet(i, dbUser), 'use a dedicated role such as odoo'));
  }
  if (!i.production) return out;
  const must: [string, string, string][] = [
    ['list_db', 'False', 'the database manager must be off in production'],
    ['proxy_mode', 'True', 'Odoo sits behind nginx'],
    ['http_interface', '127.0.0.1', 'Odoo must listen only on loopback behind nginx'],
  ];
  for (const [key, want, why] of must) {
    const o = option(i, key);
    if (o?.value !== want) {
      out.push(error('BLINK304', `${i.id} is production: ${key} must be ${want}, is ${o ? o.value : 'not set'}`, whereSet(i, o), `${why}; set ${key} = ${want}${o ? '' : ' in the production template'}`));
    }
  }
  const pw = option(i, 'admin_passwd');
  if (!pw) {
    out.push(error('BLINK305', `${i.id} is production: admin_passwd is not set (Odoo's default is 'admin')`, i.source, 'add admin_passwd = ${secret:admin_passwd} to the production template'));
  } else if (!SECRET_REF.test(pw.value)) {
    out.push(error('BLINK305', `${i.id} is production: admin_passwd must be a secret reference, not a literal`, whereSet(i, pw), 'write admin_passwd = ${secret:admin_passwd} and provide the value at apply time (see README, Secrets)'));
  }
  return out;
}

function num(i: Instance, key: string, fallback: number): number {
  const v = option(i, key)?.value;
  const n = v === undefined ? NaN : Number(v);
  return Number.isFinite(n) ? n : fallback;
}

function checkCapacity(fleet: Fleet): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const s of fleet.servers) {
    const mine = fleet.instances.filter((i) => i.server === s.name);
    if (!mine.length) continue;
    let bytes = 0;
    let workers = 0;
    const parts: string[] = [];
    for (const i of mine) {
      const w = num(i, 'workers', 0);
      // Threaded mode (workers 0) is one process; prefork adds cron workers.
      const processes = w > 0 ? w + num(i, 'max_cron_threads', DEFAULT_MAX_CRON_THREADS) : 1;
      const soft = num(i, 'limit_memory_soft', DEFAULT_LIMIT_MEMORY_SOFT);
      bytes += processes * soft;
      workers += w;
      parts.push(`${i.id} ${processes}×${Math.round(soft / MIB)}`);
    }
    const needMb = Math.round(bytes / MIB);
    if (needMb > s.memoryMb) {
      out.push({ ...warning('BLINK310', `server ${s.name}: processes × limit_memory_soft add up to ${needMb} MB, more than its ${s.memoryMb} MB (${parts.join(', ')} MB)`, s.source, 'lower workers or limit_memory_soft, or move an instance to another server'), server: s.name });
    }
    const max = 2 * s.cpus + 1;
    if (workers > max) {
      out.push({ ...warning('BLINK311', `server ${s.name}: ${workers} workers in all, more than 2 × ${s.cpus} CPUs + 1 = ${max}`, s.source, 'Odoo suggests (2 × CPUs) + 1 workers per machine; lower workers or add CPUs'), server: s.name });
    }
  }
  return out;
}

function checkHostFiles(fleet: Fleet, source: FleetSource): Diagnostic[] {
  // Every host clients.yaml names, not only the instances that compiled: an
  // instance left out by another error (a broken extends in this very file)
  // still owns its host file.
  const hosts = new Set(fleet.instances.map((i) => i.host));
  const clients = (source.clients?.data ?? {}) as { clients?: Record<string, { environments?: Record<string, { host?: unknown }> }> };
  for (const c of Object.values(clients.clients ?? {})) for (const e of Object.values(c?.environments ?? {})) if (typeof e?.host === 'string') hosts.add(e.host);
  const out: Diagnostic[] = [];
  for (const rel of source.ini.keys()) {
    const m = /^hosts\/(.+)\.conf$/.exec(rel);
    if (!m || hosts.has(m[1]!)) continue;
    // A host file can also serve as a parent of another; only flag leaves.
    const isParent = [...source.ini.values()].some((ini) => ini.sections.some((s) => s.entries.some((e) => e.key === 'extends' && e.value.endsWith(`${m[1]}.conf`))));
    if (isParent) continue;
    const guess = didYouMean(m[1]!, hosts);
    out.push(warning('BLINK312', `${source.configLabel}/${rel} matches no instance's host`, { file: `${source.configLabel}/${rel}`, line: 1, column: 1 }, guess ? `did you mean hosts/${guess}.conf?` : 'rename it after the host it configures, or remove it'));
  }
  return out;
}
