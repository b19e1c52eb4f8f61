import type { PostgresInput } from '../model/ClientsFile.js';
import type { PostgresSetting, PostgresSettings } from '../model/Fleet.js';

/**
 * Defaults of `servers.<name>.postgres`. 15 is the PostgreSQL of Debian 12
 * (bookworm's `postgresql` package depends on `postgresql-15`); 100 and 3 are
 * PostgreSQL's own defaults for max_connections and superuser_reserved_connections.
 */
export const POSTGRES_DEFAULTS = {
  version: 15,
  max_connections: 100,
  superuser_reserved_connections: 3,
  databases: true,
};

/** Largest maintenance_work_mem the rule derives: more rarely helps a VACUUM or CREATE INDEX. */
const MAINTENANCE_CAP_MB = 2048;

/** Where Debian's postgresql-common keeps a cluster's conf.d (its postgresql.conf has `include_dir = 'conf.d'`). */
export function postgresConfPath(version: number): string {
  return `/etc/postgresql/${version}/main/conf.d/blink.conf`;
}

/**
 * The server's PostgreSQL settings: each one clients.yaml sets, else derived
 * from memory_mb by PGTune's rule for a web application (the server runs
 * Odoo too, so these are upper bounds, not a database-only machine's):
 *   shared_buffers        = RAM / 4
 *   effective_cache_size  = RAM × 3 / 4
 *   maintenance_work_mem  = RAM / 16, at most 2 GB
 *   work_mem              = (RAM − shared_buffers) / (3 × max_connections), at least 1 MB
 * listen_addresses is always 'localhost': the database is never reachable
 * from the network, whatever clients.yaml says.
 */
export function postgresSettings(input: PostgresInput | undefined, memoryMb: number): PostgresSettings {
  const p = input ?? {};
  const version = p.version ?? POSTGRES_DEFAULTS.version;
  const maxConnections = p.max_connections ?? POSTGRES_DEFAULTS.max_connections;
  const reserved = p.superuser_reserved_connections ?? POSTGRES_DEFAULTS.superuser_reserved_connections;
  const set = (mb: number): PostgresSetting => ({ value: `${mb}MB`, why: 'set in clients.yaml' });
  const derived = (mb: number, why: string): PostgresSetting => ({ value: `${mb}MB`, why: `${why} of memory_mb ${memoryMb}` });
  const sharedMb = p.shared_buffers_mb ?? Math.floor(memoryMb / 4);
  const shared = p.shared_buffers_mb !== undefined ? set(sharedMb) : derived(sharedMb, '1/4');
  const cache = p.effective_cache_size_mb !== undefined ? set(p.effective_cache_size_mb) : derived(Math.floor((memoryMb * 3) / 4), '3/4');
  const maintenance =
    p.maintenance_work_mem_mb !== undefined ? set(p.maintenance_work_mem_mb) : derived(Math.min(MAINTENANCE_CAP_MB, Math.floor(memoryMb / 16)), '1/16 (at most 2048MB)');
  const workMb = Math.max(1, Math.floor(Math.max(0, memoryMb - sharedMb) / (3 * maxConnections)));
  const work =
    p.work_mem_mb !== undefined
      ? set(p.work_mem_mb)
      : { value: `${workMb}MB`, why: `(memory_mb ${memoryMb} - shared_buffers ${sharedMb}MB) / (3 × max_connections ${maxConnections}), at least 1MB` };
  const count = (n: number, key: keyof PostgresInput): PostgresSetting => ({ value: String(n), why: p[key] !== undefined ? 'set in clients.yaml' : 'default' });
  return {
    version,
    confPath: postgresConfPath(version),
    maxConnections,
    superuserReservedConnections: reserved,
    databases: p.databases ?? POSTGRES_DEFAULTS.databases,
    settings: [
      { name: 'listen_addresses', setting: { value: "'localhost'", why: 'local only: Odoo and the backups connect on this machine' } },
      { name: 'max_connections', setting: count(maxConnections, 'max_connections') },
      { name: 'superuser_reserved_connections', setting: count(reserved, 'superuser_reserved_connections') },
      { name: 'shared_buffers', setting: shared },
      { name: 'effective_cache_size', setting: cache },
      { name: 'maintenance_work_mem', setting: maintenance },
      { name: 'work_mem', setting: work },
    ],
  };
}

/**
 * Settings PostgreSQL reads only at server start (context `postmaster` in
 * pg_settings): a reload leaves them as they were, with a log line saying
 * a restart is needed.
 */
export const POSTGRES_RESTART_SETTINGS: ReadonlySet<string> = new Set(['listen_addresses', 'max_connections', 'superuser_reserved_connections', 'shared_buffers']);
