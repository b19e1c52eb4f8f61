import { posix } from 'node:path';
import type { ArtifactKind } from '../model/Artifact.js';
import { instancePaths, SERVER_PATHS, type InstancePaths } from './serverPaths.js';

/** What blink writes at a path, and the instance or host its name carries. */
export interface ManagedPath {
  kind: ArtifactKind;
  instance?: string;
  host?: string;
}

// The acme vhost is staged in place of the TLS vhost, never installed under its own name.
const INSTANCE_KINDS: Partial<Record<keyof InstancePaths, ArtifactKind>> = {
  odooConf: 'odoo-conf',
  unit: 'unit',
  vhost: 'vhost',
  vhostLink: 'vhost-link',
  logrotate: 'logrotate',
  cron: 'cron',
  backupEnv: 'backup-env',
  backupKey: 'backup-key',
};
const SERVER_KINDS: Record<keyof typeof SERVER_PATHS, ArtifactKind> = {
  websocketMap: 'nginx-map',
  staticCspMap: 'nginx-map',
  backupScript: 'script',
  restoreScript: 'script',
  backupLogrotate: 'logrotate',
  fail2banFilter: 'fail2ban',
  fail2banJail: 'fail2ban',
  certbotDeployHook: 'script',
  configBackupEnv: 'backup-env',
  configBackupCron: 'cron',
  configBackupKey: 'backup-key',
};

/** An instance id (`<client>-<env>`, names of clients.yaml) and an RFC 1123 host name, as the schema allows them. */
export const INSTANCE_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
const ID = '[a-z0-9][a-z0-9-]{0,62}';
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const HOST = `${LABEL}(?:\\.${LABEL})*`;
export const HOST_NAME = new RegExp(`^(?=.{1,253}$)${HOST}$`);

// Built from serverPaths itself, with markers in place of the id and the host,
// so a path render writes and a path apply accepts can never drift apart.
const MARK_ID = '\u0001';
const MARK_HOST = '\u0002';
const SHAPES: { kind: ArtifactKind; re: RegExp }[] = (() => {
  const marked = instancePaths({ id: MARK_ID, host: MARK_HOST });
  const out = Object.entries(INSTANCE_KINDS).map(([key, kind]) => {
    const parts = marked[key as keyof InstancePaths].split(/([\u0001\u0002])/);
    const src = parts.map((p) => (p === MARK_ID ? `(?<instance>${ID})` : p === MARK_HOST ? `(?<host>${HOST})` : escape(p))).join('');
    return { kind, re: new RegExp(`^${src}$`) };
  });
  for (const [key, kind] of Object.entries(SERVER_KINDS)) out.push({ kind, re: new RegExp(`^${escape(SERVER_PATHS[key as keyof typeof SERVER_PATHS])}$`) });
  // The PostgreSQL conf.d file's folder names the server's PostgreSQL version (postgresSettings).
  out.push({ kind: 'postgres-conf', re: /^\/etc\/postgresql\/\d{1,3}(?:\.\d{1,3})?\/main\/conf\.d\/blink\.conf$/ });
  return out;
})();

/**
 * The exact shape of a path blink writes on a server (before any root), or
 * undefined: what a manifest or journal read back from a server may name.
 */
export function managedPath(path: string): ManagedPath | undefined {
  for (const { kind, re } of SHAPES) {
    const m = re.exec(path);
    if (!m) continue;
    const host = m.groups?.['host'];
    if (host !== undefined && !HOST_NAME.test(host)) return undefined;
    const instance = m.groups?.['instance'];
    return { kind, ...(instance !== undefined ? { instance } : {}), ...(host !== undefined ? { host } : {}) };
  }
  return undefined;
}

/** The folders every managed path lives in (sorted): none of them, nor any folder above them, may be a link. */
export const MANAGED_DIRS: readonly string[] = (() => {
  const marked = instancePaths({ id: MARK_ID, host: MARK_HOST });
  const dirs = new Set<string>();
  for (const key of Object.keys(INSTANCE_KINDS)) dirs.add(posix.dirname(marked[key as keyof InstancePaths]));
  for (const p of Object.values(SERVER_PATHS)) dirs.add(posix.dirname(p));
  // A folder named after an instance would need checking per instance: not what this list can say.
  if ([...dirs].some((d) => d.includes(MARK_ID) || d.includes(MARK_HOST))) throw new Error('managedPath: a managed folder depends on the instance');
  return [...dirs].sort();
})();

/** Where a vhost link points: the only target blink gives one. */
export function vhostLinkTarget(host: string): string {
  return instancePaths({ id: 'x', host }).vhost;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
