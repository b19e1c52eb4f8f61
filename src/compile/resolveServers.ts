import { posix } from 'node:path';
import { error, type Diagnostic } from '../diagnostics/Diagnostic.js';
import { checkHealthUrls } from './checkHealthUrls.js';
import type { YamlSource } from '../load/YamlSource.js';
import type { ClientsFile } from '../model/ClientsFile.js';
import type { ConfigBackupSettings, Fail2banSettings, FirewallSettings, Server, ServerCommands } from '../model/Fleet.js';
import { SERVER_PATHS } from '../render/serverPaths.js';
import { shellQuote } from '../remote/shellQuote.js';
import { checkCron } from './checkCron.js';
import { CONFIG_BACKUP_DEFAULTS, DEFAULT_COMMANDS, DEFAULTS, defaultConfigBackupKey, FAIL2BAN_DEFAULTS, FIREWALL_DEFAULTS } from './defaults.js';
import { postgresSettings } from './postgresSettings.js';
import { sshOptionRefusal } from './sshOptionPolicy.js';

/** Commands that check a candidate file before it is installed, and the placeholder that names it. */
const CHECKED_FILE: Partial<Record<keyof ServerCommands, string>> = { nginx_test: '{file}', unit_verify: '{unit}', logrotate_verify: '{file}', postgres_test: '{file}', fail2ban_test: '{dir}' };

/** Servers with their defaults applied, in name order. */
export function resolveServers(file: ClientsFile, clients: YamlSource, configDir: string): { servers: Server[]; diagnostics: Diagnostic[] } {
  const servers: Server[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const name of Object.keys(file.servers).sort()) {
    const s = file.servers[name]!;
    (s.ssh_options ?? []).forEach((option, k) => {
      const why = sshOptionRefusal(option);
      if (why) {
        diagnostics.push(
          error('BLINK260', `server ${name}: ssh option ${JSON.stringify(option)} refused: ${why}`, clients.pos(['servers', name, 'ssh_options', k]), 'options that run programs, load libraries, forward the agent or weaken host key checks are never taken from clients.yaml; put them in your own ssh_config and pass it with --ssh-config'),
        );
      }
    });
    const root = s.root ? posix.resolve(configDir, s.root) : '/';
    if (s.set_owners === false && root === '/') {
      // Files owned by whoever applies, in the real /etc: odoo.conf (0640) would be unreadable to Odoo.
      diagnostics.push(
        error(
          'BLINK240',
          `server ${name} sets set_owners: false but has no root folder: its files would land in / owned by whoever applies, and Odoo could not read its odoo.conf`,
          clients.pos(['servers', name, 'set_owners'], true),
          'set_owners: false is for a server kept under a root: folder (a local trial); remove it, or give the server a root:',
        ),
      );
    }
    const commands: ServerCommands = { ...DEFAULT_COMMANDS };
    // The pre-update backup runs the server's own blink-backup: under its root folder when it has one.
    if (root !== '/') commands.backup = `${shellQuote(root)}${SERVER_PATHS.backupScript} {instance}`;
    for (const [k, v] of Object.entries(s.commands ?? {})) if (v !== undefined) commands[k as keyof ServerCommands] = v;
    // A check without the candidate's path checks what the server runs now, and passes whatever blink is about to write.
    for (const [k, placeholder] of Object.entries(CHECKED_FILE)) {
      const c = s.commands?.[k as keyof ServerCommands];
      if (c !== undefined && !c.includes(placeholder)) {
        diagnostics.push(error('BLINK261', `server ${name}: commands.${k} has no ${placeholder}: it would check the server's current files, not the ones blink is about to install`, clients.pos(['servers', name, 'commands', k]), `put ${placeholder} where the ${placeholder === '{dir}' ? 'folder' : 'file'} to check goes, e.g. ${JSON.stringify(DEFAULT_COMMANDS[k as keyof ServerCommands])}`));
      }
    }
    diagnostics.push(...checkHealthUrls(name, s.commands ?? {}, (key) => clients.pos(['servers', name, 'commands', key])));
    const postgres = postgresSettings(s.postgres, s.memory_mb);
    // The cluster's version is the server's: a command names its binaries with {version}.
    // {root} is known now, and the same for every command of the server (after {version}: a root folder's name is never rewritten).
    for (const k of Object.keys(commands) as (keyof ServerCommands)[]) commands[k] = commands[k].replaceAll('{version}', String(postgres.version)).replace(/\{root\}/g, () => shellQuote(root));
    const fail2ban = fail2banOf(s.fail2ban, clients, name);
    const configBackup = configBackupOf(file, clients, name, diagnostics);
    const firewall = firewallOf(s.firewall, clients, name, diagnostics);
    servers.push({
      name,
      transport: s.ssh ? 'ssh' : 'local',
      ...(s.ssh ? { ssh: s.ssh } : { commandDir: configDir }),
      sshOptions: (s.ssh_options ?? []).filter((o) => !sshOptionRefusal(o)),
      root,
      setOwners: s.set_owners ?? true,
      cpus: s.cpus,
      memoryMb: s.memory_mb,
      commands,
      postgres,
      ...(fail2ban ? { fail2ban } : {}),
      ...(configBackup ? { configBackup } : {}),
      ...(firewall ? { firewall } : {}),
      source: clients.pos(['servers', name], true),
    });
  }
  return { servers, diagnostics };
}

/** The server's fail2ban settings with defaults applied; undefined when it is turned off. */
function fail2banOf(f: ClientsFile['servers'][string]['fail2ban'], clients: YamlSource, name: string): Fail2banSettings | undefined {
  const s = { ...FAIL2BAN_DEFAULTS, ...f };
  if (!s.enabled) return undefined;
  const source = f ? clients.pos(['servers', name, 'fail2ban'], true) : clients.pos(['servers', name], true);
  return { bantime: s.bantime, maxretry: s.maxretry, findtime: s.findtime, source };
}

/**
 * The server's configuration backup with defaults applied; undefined when it
 * is turned off. Encryption and upload are the server's own, else those of
 * `defaults.backup` (what an instance gets when it sets none), so the server's
 * configuration leaves it the way its databases do.
 */
function configBackupOf(file: ClientsFile, clients: YamlSource, name: string, diagnostics: Diagnostic[]): ConfigBackupSettings | undefined {
  const own = file.servers[name]!.config_backup;
  const s = { ...CONFIG_BACKUP_DEFAULTS, ...own };
  if (!s.enabled) return undefined;
  const at = ['servers', name, 'config_backup'];
  if (own?.schedule !== undefined) {
    const problem = checkCron(own.schedule);
    if (problem) diagnostics.push(error('BLINK016', `config backup schedule: ${problem}`, clients.pos([...at, 'schedule']), 'e.g. "15 4 * * 0" (Sundays at 04:15)'));
  }
  // Like an instance's: the server.env holding the command is not secret, and cron runs it, not apply.
  if (own?.upload !== undefined && /\$\{/.test(own.upload)) {
    diagnostics.push(error('BLINK015', 'config backup upload command: secret references are not resolved here', clients.pos([...at, 'upload']), 'give the upload tool its credentials in its own config on the server (e.g. rclone.conf, ~/.aws/credentials)'));
  }
  const enc = own?.encrypt ?? file.defaults?.backup?.encrypt;
  const upload = own?.upload ?? file.defaults?.backup?.upload;
  // One ${NAME}: a literal would sit in the repository and in out/, and a ${secret:…} names an instance's secret.
  const authKey = own?.auth_key ?? defaultConfigBackupKey(name);
  const authKeyPos = own?.auth_key !== undefined ? clients.pos([...at, 'auth_key']) : own ? clients.pos(at, true) : clients.pos(['servers', name], true);
  if (!/^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(authKey)) {
    const what = /^\$\{secret:/.test(authKey) ? 'a ${secret:…} reference is resolved per instance, and a server has none' : 'a key must not be written out';
    diagnostics.push(error('BLINK285', `server ${name}: config_backup.auth_key must be one \${NAME} reference: ${what}`, authKeyPos, `write auth_key: "${defaultConfigBackupKey(name)}" (the default) and set that variable at apply time, e.g. from openssl rand -hex 32`));
  }
  return {
    schedule: s.schedule,
    keep: s.keep,
    dir: file.defaults?.backup_dir ?? DEFAULTS.backup_dir,
    ...(enc?.age_recipients_file ? { encrypt: { method: 'age' as const, file: enc.age_recipients_file } } : {}),
    ...(enc?.gpg_passphrase_file ? { encrypt: { method: 'gpg' as const, file: enc.gpg_passphrase_file } } : {}),
    ...(upload ? { upload } : {}),
    authKey,
    authKeyPos,
    source: own ? clients.pos(at, true) : clients.pos(['servers', name], true),
  };
}

/** The server's firewall rules with defaults applied (`22` is `22/tcp`); undefined when it is turned off. */
function firewallOf(f: ClientsFile['servers'][string]['firewall'], clients: YamlSource, name: string, diagnostics: Diagnostic[]): FirewallSettings | undefined {
  if (!(f?.enabled ?? FIREWALL_DEFAULTS.enabled)) return undefined;
  const allow = new Set<string>();
  (f?.allow ?? FIREWALL_DEFAULTS.allow).forEach((entry, k) => {
    const rule = typeof entry === 'number' ? `${entry}/tcp` : entry;
    const port = Number(rule.split('/')[0]);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      diagnostics.push(error('BLINK296', `server ${name}: firewall.allow ${JSON.stringify(entry)} is not a port from 1 to 65535`, clients.pos(['servers', name, 'firewall', 'allow', k]), 'write a port (TCP), e.g. 443, or a port and protocol, e.g. "53/udp"'));
      return;
    }
    allow.add(`${port}/${rule.split('/')[1] ?? 'tcp'}`);
  });
  const byPort = (a: string, b: string): number => Number(a.split('/')[0]) - Number(b.split('/')[0]) || a.localeCompare(b);
  return { allow: [...allow].sort(byPort), source: clients.pos(f ? ['servers', name, 'firewall'] : ['servers', name], true) };
}
