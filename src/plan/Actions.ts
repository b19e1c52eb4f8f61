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
  /** fail2ban's jail or filter changed; runs after the health checks (the jail reads the instances' logs). Absent in journals written before fail2ban. */
  fail2banReload?: boolean;
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
  return { daemonReload: false, disable: [], enable: [], restart: [], nginxReload: false, fail2banReload: false, health: [], certbot: [] };
}

export function hasActions(a: Actions): boolean {
  return a.daemonReload || a.nginxReload || a.fail2banReload === true || a.disable.length + a.enable.length + a.restart.length + a.certbot.length > 0;
}
