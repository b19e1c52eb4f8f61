/** Where blink's per-server files live on a server (absolute, before any `root` relocation). */
export const SERVER_PATHS = {
  websocketMap: '/etc/nginx/conf.d/blink-websocket-map.conf',
  /** `$content_type_csp`, for the static files vhosts serve from disk. */
  staticCspMap: '/etc/nginx/conf.d/blink-static-csp-map.conf',
  backupScript: '/usr/local/sbin/blink-backup',
  restoreScript: '/usr/local/sbin/blink-restore',
  /** The backup scripts' own log (/var/log/blink/backup.log). */
  backupLogrotate: '/etc/logrotate.d/blink-backup',
  /** fail2ban's filter for Odoo's failed-login lines, and the jail over the server's Odoo logs (servers with fail2ban only). */
  fail2banFilter: '/etc/fail2ban/filter.d/odoo-login.conf',
  fail2banJail: '/etc/fail2ban/jail.d/odoo.conf',
  /**
   * certbot runs every executable file of this folder after each certificate
   * it renews (`certbot renew`, the package's timer): this one checks nginx's
   * configuration and reloads it, so nginx serves the renewed certificate
   * (servers with a letsencrypt host only).
   */
  certbotDeployHook: '/etc/letsencrypt/renewal-hooks/deploy/blink-reload-nginx',
  /** The settings of `blink-backup --server-config` (servers with config_backup only). */
  configBackupEnv: '/etc/blink/server.env',
  /** Its weekly cron job; no dot in the name: cron skips files in /etc/cron.d whose name has one. */
  configBackupCron: '/etc/cron.d/blink-config-backup',
  /** Its key (root only, 0600), beside the instances' in /etc/blink/backup-keys; `_server-config` is no instance id. */
  configBackupKey: '/etc/blink/backup-keys/_server-config.key',
} as const;

/**
 * The folder of the configuration backups under `backup_dir`: no instance id
 * has an underscore, so it is never an instance's folder (nor its lock's name).
 */
export const CONFIG_BACKUP_NAME = '_server-config';

/** Folder of the instances' backup keys (root only): never inside a backup folder. */
export const BACKUP_KEY_DIR = '/etc/blink/backup-keys';

export interface InstancePaths {
  odooConf: string;
  unit: string;
  vhost: string;
  vhostLink: string;
  acmeVhost: string;
  logrotate: string;
  /** No dot in the name: cron skips files in /etc/cron.d whose name has one. */
  cron: string;
  backupEnv: string;
  /** The key that authenticates the instance's backups (a resolved secret, 0600). */
  backupKey: string;
}

/** Where one instance's files live on its server. */
export function instancePaths(instance: { id: string; host: string }): InstancePaths {
  const { id, host } = instance;
  return {
    odooConf: `/etc/odoo/${host}.conf`,
    unit: `/etc/systemd/system/odoo-${id}.service`,
    vhost: `/etc/nginx/sites-available/${host}`,
    vhostLink: `/etc/nginx/sites-enabled/${host}`,
    acmeVhost: `/etc/nginx/sites-available/${host}.acme`,
    logrotate: `/etc/logrotate.d/odoo-${id}`,
    cron: `/etc/cron.d/odoo-backup-${id}`,
    backupEnv: `/etc/blink/instances/${id}.env`,
    backupKey: `${BACKUP_KEY_DIR}/${id}.key`,
  };
}
