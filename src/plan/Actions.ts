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
  /** Every instance restarted or started, checked after the actions. */
  health: HealthTarget[];
  /** Hosts served by their bootstrap vhost until certbot has run. */
  certbot: string[];
}

export interface HealthTarget {
  instance: string;
  service: string;
  port: number;
}

export function noActions(): Actions {
  return { daemonReload: false, disable: [], enable: [], restart: [], nginxReload: false, health: [], certbot: [] };
}

export function hasActions(a: Actions): boolean {
  return a.daemonReload || a.nginxReload || a.postgresReload === true || a.disable.length + a.enable.length + a.restart.length + a.certbot.length > 0;
}
