import { serverMode } from '../compile/serverMode.js';
import type { HealthUrlValues } from '../compile/healthUrls.js';
import type { Instance } from '../model/Fleet.js';

/** What a server owes once its files are in place, derived from the plan. */
export interface Actions {
  daemonReload: boolean;
  /** Services stopped and disabled before their unit file goes (prune). */
  disable: string[];
  /** New services: enabled and started. */
  enable: string[];
  /** Services whose conf or unit changed. */
  restart: string[];
  /** A vhost, its link or the websocket map changed. */
  nginxReload: boolean;
  /** The PostgreSQL conf.d file was added or changed: PostgreSQL reloads it. */
  postgresReload?: boolean;
  /** Of its settings, those that take effect only on a restart of PostgreSQL (`blink-apply --restart-postgres`). */
  postgresRestart?: string[];
  /** fail2ban's jail or filter changed; runs after the health checks (the jail reads the instances' logs). Absent in journals written before fail2ban. */
  fail2banReload?: boolean;
  /** Every instance restarted or started, checked after the actions. */
  health: HealthTarget[];
  /** Hosts served by their bootstrap vhost until certbot has run. */
  certbot: string[];
}

/**
 * One instance to check. `geventPort` is set only when the instance runs
 * workers (prefork): its gevent process then serves /websocket/health there,
 * seconds after the HTTP port is up. Journals written before it existed lack it.
 */
export type HealthTarget = HealthUrlValues;

/** What the health check of one instance needs: its ports, and whether a gevent process runs. */
export function healthTarget(i: Instance): HealthTarget {
  // The server mode of the rendered odoo.conf (any layer may set workers): only prefork runs a gevent process.
  return { instance: i.id, service: i.service, port: i.port, ...(serverMode(i).mode === 'prefork' ? { geventPort: i.geventPort } : {}) };
}

export function noActions(): Actions {
  return { daemonReload: false, disable: [], enable: [], restart: [], nginxReload: false, fail2banReload: false, health: [], certbot: [] };
}

export function hasActions(a: Actions): boolean {
  return a.daemonReload || a.nginxReload || a.postgresReload === true || a.fail2banReload === true || a.disable.length + a.enable.length + a.restart.length + a.certbot.length > 0;
}
