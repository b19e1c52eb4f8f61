import type { ServerCommands } from '../model/Fleet.js';

/** Built-in defaults of clients.yaml, as DESIGN.md and the architecture document give them. */
export const DEFAULTS = {
  odoo_bin: '/opt/odoo/odoo/odoo-bin',
  python: '/opt/odoo/venv/bin/python3',
  system_user: 'odoo',
  addons_paths: ['/opt/odoo/odoo/addons', '/opt/odoo/custom-addons'],
  tls: 'letsencrypt' as const,
  backup_dir: '/var/backups/odoo',
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
  nginx_test: 'nginx -t',
  nginx_reload: 'systemctl reload nginx',
  unit_verify: 'systemd-analyze verify {unit}',
  logrotate_verify: 'logrotate -d {file}',
  certbot: 'certbot certonly --webroot -w /var/www/letsencrypt -d {host} --non-interactive --agree-tos',
  health: 'http://127.0.0.1:{port}/web/health',
};

/** What an instance is called and where it keeps its data at run time (the files blink writes are in render/serverPaths.ts). */
export const instanceRuntime = (id: string) => ({
  service: `odoo-${id}`,
  dataDir: `/opt/odoo/.local/share/Odoo-${id}`,
  logfile: `/var/log/odoo/odoo-${id}.log`,
});
