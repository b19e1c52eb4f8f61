import { posix } from 'node:path';
import { addonsPathOf } from '../compile/defaults.js';
import { serverMode } from '../compile/serverMode.js';
import type { Instance } from '../model/Fleet.js';
import { instancePaths } from './serverPaths.js';
import { staticFolders } from './staticFolders.js';
import type { InstanceTemplateContext, InstanceView, ServerView } from './TemplateContext.js';

/** Odoo 18's built-in `limit_time_real`, used when odoo.conf does not set it. */
const ODOO_LIMIT_TIME_REAL = 120;
/** Seconds systemd waits beyond Odoo's own graceful-stop wait before it kills. */
const STOP_MARGIN = 30;
/** Odoo's deployment guide's nginx proxy timeouts. */
const GUIDE_PROXY_TIMEOUT = 720;
/** What `ProtectHome=` hides or makes read-only. */
const HOME_DIRS = ['/home', '/root', '/run/user'];

/** Everything an instance template sees. */
export function buildInstanceContext(
  instance: Instance,
  server: ServerView,
  extra: { header: string; root: string },
): InstanceTemplateContext {
  return {
    header: extra.header,
    root: extra.root,
    instance: buildInstanceView(instance),
    options: instance.options.map((o) => ({ key: o.key, value: o.value })),
    server,
  };
}

/** The template-facing view of one instance: flat, every field set, nothing left to compute in Handlebars. */
export function buildInstanceView(instance: Instance): InstanceView {
  const b = instance.backup;
  const logDir = posix.dirname(instance.logfile);
  const mode = serverMode(instance);
  const statics = staticFolders(instance);
  return {
    id: instance.id,
    client: instance.client,
    clientName: instance.clientName,
    env: instance.env,
    host: instance.host,
    server: instance.server,
    branch: instance.branch,
    kind: instance.kind,
    production: instance.production,
    port: instance.port,
    geventPort: instance.geventPort,
    db: instance.db,
    service: instance.service,
    dataDir: instance.dataDir,
    logfile: instance.logfile,
    configPath: instancePaths(instance).odooConf,
    workers: instance.workers ?? 0,
    // An unknown mode never renders (renderFleet refuses the instance); the gevent port is only a placeholder.
    serverMode: mode.mode === 'unknown' ? 'prefork' : mode.mode,
    websocketPort: mode.websocket?.port ?? instance.geventPort,
    websocketRule: mode.rule,
    proxyReadTimeout: Math.max(GUIDE_PROXY_TIMEOUT, limitTimeReal(instance)),
    staticFolders: statics.folders,
    staticNote: statics.why ?? '',
    tls: instance.tls,
    letsencrypt: instance.tls === 'letsencrypt',
    systemUser: instance.systemUser,
    odooBin: instance.odooBin,
    python: instance.python,
    addonsPath: addonsPathOf(instance).join(','),
    logKeepDays: instance.logKeepDays,
    timeoutStopSec: limitTimeReal(instance) + STOP_MARGIN,
    logDir,
    protectHome: ![instance.dataDir, logDir].some(isUnderHome),
    backup: {
      enabled: b.enabled,
      schedule: b.schedule,
      keepDays: b.keepDays,
      keepDaily: b.keep?.daily ?? 0,
      keepWeekly: b.keep?.weekly ?? 0,
      keepMonthly: b.keep?.monthly ?? 0,
      gfs: b.keep !== undefined,
      dir: b.dir,
      encryptMethod: b.encrypt?.method ?? '',
      encryptFile: b.encrypt?.file ?? '',
      upload: b.upload ?? '',
      envFile: instancePaths(instance).backupEnv,
      authKey: b.authKey,
    },
  };
}

function limitTimeReal(instance: Instance): number {
  const value = instance.options.find((o) => o.key === 'limit_time_real')?.value;
  // Anything but a positive integer gives systemd no usable bound: fall back to Odoo's default.
  return value !== undefined && /^\d+$/.test(value) && Number(value) > 0 ? Number(value) : ODOO_LIMIT_TIME_REAL;
}

function isUnderHome(path: string): boolean {
  return HOME_DIRS.some((dir) => path === dir || path.startsWith(dir + '/'));
}
