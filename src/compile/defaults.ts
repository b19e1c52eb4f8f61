import { posix } from 'node:path';
import type { ServerCommands } from '../model/Fleet.js';

/** Built-in defaults of clients.yaml, as DESIGN.md and the architecture document give them. */
export const DEFAULTS = {
  odoo_bin: '/opt/odoo/odoo/odoo-bin',
  python: '/opt/odoo/venv/bin/python3',
  system_user: 'odoo',
  /** Fixed folders only: the instance's code release (`<releaseDir>/current`) follows them in addons_path. */
  addons_paths: ['/opt/odoo/odoo/addons'],
  tls: 'letsencrypt' as const,
  backup_dir: '/var/backups/odoo',
  /**
   * The databases blink creates: LC_CTYPE C.UTF-8 (present on every Debian and
   * Ubuntu without locale-gen) and LC_COLLATE C, as Odoo's own database
   * manager creates them (odoo/service/db.py, `LC_COLLATE 'C'` on template0).
   */
  db_locale: 'C.UTF-8',
  db_collation: 'C',
};

export interface KindSettings {
  backup_schedule: string;
  backup_keep_days: number;
  backup_keep?: { daily: number; weekly: number; monthly: number };
  log_keep_days: number;
  production: boolean;
}

/** Backups every 6 hours kept 30 days for production, daily kept 7 days for test (the architecture document). */
export const BUILTIN_KINDS: Record<string, KindSettings> = {
  production: { backup_schedule: '0 */6 * * *', backup_keep_days: 30, log_keep_days: 30, production: true },
  test: { backup_schedule: '30 3 * * *', backup_keep_days: 7, log_keep_days: 7, production: false },
};

export const DEFAULT_COMMANDS: ServerCommands = {
  daemon_reload: 'systemctl daemon-reload',
  enable: 'systemctl enable --now {service}',
  restart: 'systemctl restart {service}',
  disable: 'systemctl disable --now {service}',
  nginx_test: 'nginx -t -c {file}',
  nginx_reload: 'systemctl reload nginx',
  unit_verify: 'systemd-analyze verify {unit}',
  logrotate_verify: 'logrotate -d {file}',
  certbot: 'certbot certonly --webroot -w /var/www/letsencrypt -d {host} --non-interactive --agree-tos',
  // Odoo 18 answers 500 {"status": "fail"} here when its database server does not answer.
  health: 'http://127.0.0.1:{port}/web/health?db_server_status=1',
  websocket_health: 'http://127.0.0.1:{gevent_port}/websocket/health',
  backup: '/usr/local/sbin/blink-backup {instance}',
  // PostgreSQL's own parser on the candidate alone (see compile/postgresSettings.ts); stdin, because the staging tree is root's only.
  postgres_test: 'runuser -u postgres -- /usr/lib/postgresql/{version}/bin/postgres -D /var/lib/postgresql/{version}/main -C max_connections -c config_file=/dev/stdin < {file}',
  postgres_reload: 'systemctl reload postgresql',
  postgres_restart: 'systemctl restart postgresql',
  // -t reads the configuration but compiles no regex: fail2ban-regex does, on an empty log.
  fail2ban_test: 'fail2ban-client -c {dir} -t && fail2ban-regex /dev/null {dir}/filter.d/odoo-login.conf',
  // reload-or-restart: a fail2ban that is not running is started, so the jail is active after apply.
  fail2ban_reload: 'systemctl reload-or-restart fail2ban',
  // As postgres_test reaches PostgreSQL: its superuser over the local socket. blink sends SQL on stdin.
  psql: 'runuser -u postgres -- psql -X -q -At -v ON_ERROR_STOP=1 -d postgres',
  ufw: 'ufw',
  create_user: 'useradd --system --user-group --home-dir {home} --create-home --shell /usr/sbin/nologin {user}',
};

/** Where a service user blink creates (`--create-users`) lives: Odoo's own folder, as docs/server-setup.md has it. */
export const SERVICE_USER_HOME = '/opt/odoo';

/**
 * clients.yaml `servers.<name>.firewall` when absent: on, inbound SSH, HTTP
 * and HTTPS allowed, everything else inbound denied (the security baseline).
 */
export const FIREWALL_DEFAULTS = { enabled: true, allow: [22, 80, 443] };

/**
 * clients.yaml `servers.<name>.fail2ban` when absent: on, the security
 * baseline. Five failed logins within ten minutes ban the address for an hour.
 */
export const FAIL2BAN_DEFAULTS = { enabled: true, bantime: 3600, maxretry: 5, findtime: 600 };

/**
 * clients.yaml `servers.<name>.config_backup` when absent: on, weekly (Sunday
 * 04:15, away from the instances' 03:30 and the 6-hourly :00), and the eight
 * newest kept: eight weeks at that schedule.
 */
export const CONFIG_BACKUP_DEFAULTS = { enabled: true, schedule: '15 4 * * 0', keep: 8 };

/**
 * The key of a server's configuration backups when clients.yaml names none:
 * an environment variable named after the server (`aws-1` → BLINK_CONFIG_BACKUP_KEY_AWS_1).
 * Not a `${secret:…}`: those are per instance, and a server's file has no instance.
 */
export function defaultConfigBackupKey(server: string): string {
  return `\${BLINK_CONFIG_BACKUP_KEY_${server.toUpperCase().replace(/[^A-Z0-9]/g, '_')}}`;
}

/** Built-in defaults of clients.yaml's `deploy:` block. */
export const DEPLOY_DEFAULTS = {
  addons_dir: 'custom-addons',
  releases_dir: '/opt/odoo/releases',
  keep: 5,
};

/** What an instance is called and where it keeps its data and code at run time (the files blink writes are in render/serverPaths.ts). */
export const instanceRuntime = (id: string, releasesDir: string = DEPLOY_DEFAULTS.releases_dir) => ({
  service: `odoo-${id}`,
  dataDir: `/opt/odoo/.local/share/Odoo-${id}`,
  logfile: `/var/log/odoo/odoo-${id}.log`,
  releaseDir: posix.join(releasesDir, id),
});

/**
 * odoo.conf's addons_path as a list: the fixed folders, then the instance's
 * current code release. `current` is a link blink-deploy switches. Before the
 * first deploy it does not exist; Odoo 18 still starts: an addons_path read
 * from the config file is only normalised, never checked (odoo/tools/config.py
 * `_parse_config`), and module discovery skips a missing folder with a
 * warning (odoo/modules/module.py `get_modules`). Odoo resolves the link when
 * it starts, so a switch takes effect on the restart that follows it.
 */
export function addonsPathOf(i: { addonsPaths: readonly string[]; releaseDir: string }): string[] {
  return [...i.addonsPaths, `${i.releaseDir}/current`];
}

/** A folder as addons_path entries compare: Odoo strips each entry, and a trailing slash names the same folder. */
export function folderKey(folder: string): string {
  return folder.trim().replace(/(.)\/+$/, '$1');
}
