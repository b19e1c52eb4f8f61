import { error, type Diagnostic } from '../diagnostics/Diagnostic.js';
import type { Fleet, Instance } from '../model/Fleet.js';

// Odoo 18's code defaults (odoo/tools/config.py), used when no layer sets them.
const DEFAULT_DB_MAXCONN = 64;
const DEFAULT_MAX_CRON_THREADS = 2;
const POOL_KEYS = new Set(['db_maxconn', 'db_maxconn_gevent', 'workers', 'max_cron_threads']);

/** An instance's effective integer option, or `fallback` when no layer sets it (or sets it to False). */
function intOption(i: Instance, key: string, fallback: number): number {
  const v = i.options.find((o) => o.key === key)?.value;
  const n = v === undefined ? NaN : Number(v);
  return Number.isInteger(n) ? n : fallback;
}

/**
 * How many PostgreSQL connections one instance may open at most. Each Odoo
 * process has its own pool of db_maxconn connections (odoo/sql_db.py, one
 * ConnectionPool per process). Threaded (workers 0): one process. Prefork:
 * `workers` HTTP processes, `max_cron_threads` cron processes, and the one
 * gevent process, whose pool is db_maxconn_gevent when set
 * (odoo/sql_db.py `db_connect`), else db_maxconn. The second, read-only
 * pool exists only with db_replica_host, whose connections go to the replica.
 */
export function instanceConnections(i: Instance): { total: number; detail: string } {
  const maxconn = intOption(i, 'db_maxconn', DEFAULT_DB_MAXCONN);
  const workers = intOption(i, 'workers', 0);
  if (workers <= 0) return { total: maxconn, detail: `1 process × db_maxconn ${maxconn}` };
  const cron = Math.max(0, intOption(i, 'max_cron_threads', DEFAULT_MAX_CRON_THREADS));
  // sql_db.db_connect: `odoo.evented and db_maxconn_gevent or db_maxconn`, so 0 and False mean db_maxconn.
  const gevent = intOption(i, 'db_maxconn_gevent', 0) || maxconn;
  const total = (workers + cron) * maxconn + gevent;
  return { total, detail: `(${workers} workers + ${cron} cron) × db_maxconn ${maxconn} + gevent ${gevent}` };
}

/**
 * Odoo's pools on one server must fit in what PostgreSQL lets ordinary roles
 * open: past that, a busy moment ends in "FATAL: sorry, too many clients
 * already" for whichever process asks next. An error, not a warning like the
 * memory check: the failure is certain once every pool fills, and
 * silent until then.
 */
export function checkPostgresCapacity(fleet: Fleet): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const s of fleet.servers) {
    const mine = fleet.instances.filter((i) => i.server === s.name);
    // A count set by a reference is known only at apply: no sum to hold against the limit here.
    if (!mine.length || mine.some((i) => i.options.some((o) => POOL_KEYS.has(o.key) && o.value.includes('${')))) continue;
    const per = mine.map((i) => ({ id: i.id, ...instanceConnections(i) }));
    const sum = per.reduce((n, p) => n + p.total, 0);
    const usable = s.postgres.maxConnections - s.postgres.superuserReservedConnections;
    if (sum <= usable) continue;
    const parts = per.map((p) => `${p.id} ${p.total} = ${p.detail}`).join('; ');
    out.push({
      ...error(
        'BLINK280',
        `server ${s.name}: Odoo may open ${sum} PostgreSQL connections, more than max_connections ${s.postgres.maxConnections} - superuser_reserved_connections ${s.postgres.superuserReservedConnections} = ${usable} (${parts})`,
        s.source,
        `lower db_maxconn or workers in the instances' odoo.conf layers, or raise servers.${s.name}.postgres.max_connections to at least ${sum + s.postgres.superuserReservedConnections}`,
      ),
      server: s.name,
    });
  }
  return out;
}
