import type { ArtifactKind } from '../model/Artifact.js';
import type { Fleet, Instance, Server } from '../model/Fleet.js';
import { CONFIG_LABEL, TEMPLATES_LABEL } from './header.js';
import { instancePaths, SERVER_PATHS } from './serverPaths.js';

/** Template file names render needs, relative to the templates folder. */
export const TEMPLATES = {
  odooConf: 'odoo.conf.hbs',
  unit: 'odoo.service.hbs',
  vhost: 'vhost.conf.hbs',
  acmeVhost: 'vhost-acme.conf.hbs',
  logrotate: 'logrotate.hbs',
  cron: 'backup.cron.hbs',
  backupEnv: 'backup-env.hbs',
  backupKey: 'backup-key.hbs',
  websocketMap: 'websocket-map.conf.hbs',
  staticCspMap: 'static-csp-map.conf.hbs',
  backupScript: 'blink-backup.sh.hbs',
  restoreScript: 'blink-restore.sh.hbs',
  backupLogrotate: 'blink-backup.logrotate.hbs',
  fail2banFilter: 'fail2ban-filter.conf.hbs',
  fail2banJail: 'fail2ban-jail.conf.hbs',
  certbotDeployHook: 'certbot-deploy-hook.sh.hbs',
  configBackupEnv: 'config-backup-env.hbs',
  configBackupCron: 'config-backup.cron.hbs',
  configBackupKey: 'config-backup-key.hbs',
} as const;

/** One file to produce: where it goes, how it is made, and what its header names. */
export interface FileSpec {
  path: string;
  kind: ArtifactKind;
  mode: number;
  owner: string;
  /** Template file name; absent for symlinks. */
  template?: string;
  linkTarget?: string;
  role: 'managed' | 'bootstrap';
  bootstrapFor?: string;
  /** Files the content is generated from, as shown to the user. */
  sources: string[];
  /** What the user should change instead of the file. */
  edit: string;
}

const ROOT = 'root:root';

/** The files one instance needs, in no particular order (render sorts). */
export function instanceFileSpecs(fleet: Fleet, instance: Instance): FileSpec[] {
  const paths = instancePaths(instance);
  const clientsYaml = `${CONFIG_LABEL}/clients.yaml`;
  const iniFiles = instance.iniSources.map((rel) => `${CONFIG_LABEL}/${rel}`);
  const specs: FileSpec[] = [
    {
      path: paths.odooConf,
      kind: 'odoo-conf',
      // Readable by the service user only: it holds secrets once apply resolves them.
      mode: 0o640,
      owner: `root:${instance.systemUser}`,
      role: 'managed',
      template: TEMPLATES.odooConf,
      sources: [...iniFiles, clientsYaml],
      edit: `${clientsYaml} or ${CONFIG_LABEL}/hosts/${instance.host}.conf`,
    },
    templated(fleet, paths.unit, 'unit', 0o644, TEMPLATES.unit),
    {
      // The vhost reads odoo.conf's layering too: workers picks the /websocket
      // port, limit_time_real the read timeout, addons_path the static folders.
      ...templated(fleet, paths.vhost, 'vhost', 0o644, TEMPLATES.vhost),
      sources: [...iniFiles, clientsYaml, `${TEMPLATES_LABEL}/${TEMPLATES.vhost}`],
      edit: `${clientsYaml}, ${CONFIG_LABEL}/hosts/${instance.host}.conf or ${TEMPLATES_LABEL}/${TEMPLATES.vhost}`,
    },
    // Linux reports every symlink as 0777; its target's mode is what counts.
    { path: paths.vhostLink, kind: 'vhost-link', mode: 0o777, owner: ROOT, role: 'managed', linkTarget: paths.vhost, sources: [], edit: '' },
    templated(fleet, paths.logrotate, 'logrotate', 0o644, TEMPLATES.logrotate),
    templated(fleet, paths.backupEnv, 'backup-env', 0o644, TEMPLATES.backupEnv),
  ];
  if (instance.tls === 'letsencrypt') {
    specs.push({ ...templated(fleet, paths.acmeVhost, 'vhost', 0o644, TEMPLATES.acmeVhost), role: 'bootstrap', bootstrapFor: paths.vhost });
  }
  if (instance.backup.enabled) {
    specs.push(templated(fleet, paths.cron, 'cron', 0o644, TEMPLATES.cron));
    // Root only: the key that vouches for the instance's backups (blink-backup and blink-restore refuse it otherwise).
    specs.push(templated(fleet, paths.backupKey, 'backup-key', 0o600, TEMPLATES.backupKey));
  }
  return specs;
}

/**
 * The files every server needs once, whatever runs on it; its fail2ban jail
 * when that is on; certbot's deploy hook when one of its hosts has a Let's
 * Encrypt certificate; the configuration backup's settings and cron job when
 * that is on.
 */
export function serverFileSpecs(fleet: Fleet, server: Server): FileSpec[] {
  const fail2ban = server.fail2ban
    ? [templated(fleet, SERVER_PATHS.fail2banFilter, 'fail2ban', 0o644, TEMPLATES.fail2banFilter), templated(fleet, SERVER_PATHS.fail2banJail, 'fail2ban', 0o644, TEMPLATES.fail2banJail)]
    : [];
  const letsencrypt = fleet.instances.some((i) => i.server === server.name && i.tls === 'letsencrypt');
  // Executable: certbot skips a hook file that is not.
  const certbot = letsencrypt ? [templated(fleet, SERVER_PATHS.certbotDeployHook, 'script', 0o755, TEMPLATES.certbotDeployHook)] : [];
  const configBackup = server.configBackup
    ? [
        templated(fleet, SERVER_PATHS.configBackupEnv, 'backup-env', 0o644, TEMPLATES.configBackupEnv),
        templated(fleet, SERVER_PATHS.configBackupCron, 'cron', 0o644, TEMPLATES.configBackupCron),
        // Root only, as the instances' keys: blink-backup refuses it otherwise.
        templated(fleet, SERVER_PATHS.configBackupKey, 'backup-key', 0o600, TEMPLATES.configBackupKey),
      ]
    : [];
  return [
    ...fail2ban,
    ...certbot,
    ...configBackup,
    templated(fleet, SERVER_PATHS.websocketMap, 'nginx-map', 0o644, TEMPLATES.websocketMap),
    templated(fleet, SERVER_PATHS.staticCspMap, 'nginx-map', 0o644, TEMPLATES.staticCspMap),
    templated(fleet, SERVER_PATHS.backupScript, 'script', 0o755, TEMPLATES.backupScript),
    templated(fleet, SERVER_PATHS.restoreScript, 'script', 0o755, TEMPLATES.restoreScript),
    templated(fleet, SERVER_PATHS.backupLogrotate, 'logrotate', 0o644, TEMPLATES.backupLogrotate),
  ];
}

/** A root-owned file made from clients.yaml through one template. */
function templated(_fleet: Fleet, path: string, kind: ArtifactKind, mode: number, template: string): FileSpec {
  const clientsYaml = `${CONFIG_LABEL}/clients.yaml`;
  const templateLabel = `${TEMPLATES_LABEL}/${template}`;
  return { path, kind, mode, owner: ROOT, role: 'managed', template, sources: [clientsYaml, templateLabel], edit: `${clientsYaml} or ${templateLabel}` };
}
