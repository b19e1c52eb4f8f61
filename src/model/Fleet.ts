import type { SourcePos } from '../diagnostics/Diagnostic.js';

/**
 * The resolved fleet: what compile produces and every later stage consumes.
 * Everything here is filled in (defaults applied, INI layered); nothing after
 * compile reads clients.yaml again.
 */
export interface Fleet {
  /** Config folder as shown to the user, e.g. `config`: for messages. Headers name it `config/` wherever it is. */
  configLabel: string;
  servers: Server[];
  /** Sorted by server, then instance id. */
  instances: Instance[];
  /** How blink-deploy takes code releases (clients.yaml `deploy:`). */
  deploy: DeploySettings;
}

export interface DeploySettings {
  /** Git checkout holding the addons, absolute; absent: the repository that holds the config folder. */
  repository?: string;
  /** Folder of the custom addons inside that repository. @default 'custom-addons' */
  addonsDir: string;
  /** Releases kept per instance on its server (the running one included). @default 5 */
  keep: number;
  /** URL the JSON summary of every deploy is POSTed to (`--notify` overrides it). */
  notify?: string;
}

export interface ServerCommands {
  daemon_reload: string;
  enable: string;
  restart: string;
  disable: string;
  nginx_test: string;
  nginx_reload: string;
  unit_verify: string;
  logrotate_verify: string;
  certbot: string;
  /** URL proving an instance up: `{port}`, `{instance}`, `{service}`; its answer must be Odoo's health JSON. */
  health: string;
  /** URL proving the gevent process up, for instances with workers: `{gevent_port}` too. */
  websocket_health: string;
  /** The pre-update backup blink-deploy takes of a production instance. */
  backup: string;
  /** Checks a staged PostgreSQL conf.d file with PostgreSQL itself; `{file}` is required, `{version}` is the server's PostgreSQL version. */
  postgres_test: string;
  /** Applies a changed PostgreSQL conf.d file without dropping connections. */
  postgres_reload: string;
  /** Restarts PostgreSQL, only under `blink-apply --restart-postgres`. */
  postgres_restart: string;
  /** Checks the candidate fail2ban configuration folder (`{dir}`) before the swap. */
  fail2ban_test: string;
  /** Makes fail2ban load its changed jail and filter. */
  fail2ban_reload: string;
  /** psql as PostgreSQL's superuser, reading SQL on stdin: how blink reads and creates roles and databases. */
  psql: string;
  /** ufw, to which blink appends its arguments (`status verbose`, `allow 443/tcp`…). */
  ufw: string;
  /** Creates a missing service user (`{user}`, `{home}`), only under `blink-apply --create-users`. */
  create_user: string;
}

/** ufw on a server (clients.yaml `servers.<name>.firewall`): inbound allowed on these ports, the rest denied. */
export interface FirewallSettings {
  /** Sorted, unique: `22/tcp`, `53/udp`. */
  allow: string[];
  source: SourcePos;
}

/** fail2ban on a server: a jail over its instances' Odoo logs, banning repeated failed logins (clients.yaml `servers.<name>.fail2ban`). */
export interface Fail2banSettings {
  /** Seconds an address stays banned. */
  bantime: number;
  /** Failed logins within `findtime` that ban an address. */
  maxretry: number;
  /** Seconds over which failed logins are counted. */
  findtime: number;
  /** `servers.<name>.fail2ban` in clients.yaml, or the server when the block is absent. */
  source: SourcePos;
}

export interface Server {
  name: string;
  transport: 'ssh' | 'local';
  /** OpenSSH destination; only for the ssh transport. */
  ssh?: string;
  sshOptions: string[];
  /** Folder every managed path is relocated under, absolute; `/` for none. */
  root: string;
  /** Apply sets each file's owner; false: files belong to whoever applies, owners are not compared (clients.yaml `set_owners`). */
  setOwners: boolean;
  /** Where commands run on a server without ssh: the config folder, so they may name scripts kept beside clients.yaml. */
  commandDir?: string;
  cpus: number;
  memoryMb: number;
  commands: ServerCommands;
  /** The PostgreSQL settings blink renders for this server (`servers.<name>.postgres`). */
  postgres: PostgresSettings;
  /** Absent: fail2ban is off for this server (`fail2ban.enabled: false`). */
  fail2ban?: Fail2banSettings;
  /** Absent: blink leaves the firewall alone (`firewall.enabled: false`). */
  firewall?: FirewallSettings;
  /** The weekly backup of the server's configuration (`servers.<name>.config_backup`); absent: off. */
  configBackup?: ConfigBackupSettings;
  source: SourcePos;
}

/**
 * `blink-backup --server-config`: /etc/odoo, /etc/blink, nginx's sites and
 * blink's manifest, archived into `<dir>/_server-config/<stamp>/` by cron.
 */
export interface ConfigBackupSettings {
  schedule: string;
  /** How many backups are kept, the newest first: a count, never an age. */
  keep: number;
  /** `defaults.backup_dir`, shared with the instances' backups. */
  dir: string;
  /** The server's own, else `defaults.backup`'s. */
  encrypt?: BackupEncryption;
  /** The server's own, else `defaults.backup`'s. */
  upload?: string;
  /** The key that authenticates its MANIFESTs: one `${NAME}` reference, `${BLINK_CONFIG_BACKUP_KEY_<SERVER>}` by default. */
  authKey: string;
  /** Where clients.yaml sets it (the server or its config_backup block when it does not). */
  authKeyPos: SourcePos;
  /** `servers.<name>.config_backup` in clients.yaml, or the server when the block is absent. */
  source: SourcePos;
}

/** One PostgreSQL setting with where its value came from, for the rendered comment and explain. */
export interface PostgresSetting {
  /** As PostgreSQL reads it, e.g. `1024MB`, `100`. */
  value: string;
  /** Why this value: the rule it was derived by, or `set in clients.yaml`. */
  why: string;
}

/** The server's PostgreSQL: which cluster, and the settings of blink's conf.d file. */
export interface PostgresSettings {
  /** Major version of the Debian cluster, e.g. 15 (Debian 12). */
  version: number;
  /** Server path of blink's conf.d file, e.g. `/etc/postgresql/15/main/conf.d/blink.conf`. */
  confPath: string;
  maxConnections: number;
  superuserReservedConnections: number;
  /** Setting name → value, in the order the file lists them. */
  settings: { name: string; setting: PostgresSetting }[];
  /** blink creates and checks each instance's role (db_user) and database here (`postgres.databases`). */
  databases: boolean;
}

export interface ResolvedOption {
  key: string;
  value: string;
  /** Every layer that set the key, lowest first; the last one won. */
  chain: OptionOrigin[];
}

export interface OptionOrigin {
  value: string;
  /** `file:line` for INI files, `clients.yaml` path for derived values. */
  layer: 'base' | 'kind' | 'derived' | 'environment' | 'host' | 'extends';
  pos: SourcePos;
  /** For YAML-derived values: the dotted path in clients.yaml. */
  path?: string;
}

export interface BackupEncryption {
  method: 'age' | 'gpg';
  /** age: a recipients file (public keys); gpg: a passphrase file. Paths on the server. */
  file: string;
}

export interface BackupSettings {
  enabled: boolean;
  schedule: string;
  keepDays: number;
  /** Grandfather-father-son retention; replaces keepDays when set. */
  keep?: { daily: number; weekly: number; monthly: number };
  dir: string;
  encrypt?: BackupEncryption;
  /** Shell command run after a successful backup; the backup folder is appended as its last argument. */
  upload?: string;
  /**
   * The key every backup's MANIFEST is authenticated with (HMAC-SHA256): a
   * `${secret:KEY}` reference, resolved per instance by blink-apply into the
   * instance's key file (`/etc/blink/backup-keys/<instance>.key`, 0600).
   */
  authKey: string;
  /** Where authKey was set in clients.yaml, or the environment when it is the default. */
  authKeyPos: SourcePos;
}

export interface Instance {
  /** `<client>-<env>` */
  id: string;
  client: string;
  clientName: string;
  env: string;
  host: string;
  server: string;
  branch: string;
  kind: string;
  production: boolean;
  port: number;
  geventPort: number;
  db: string;
  /** LC_CTYPE of the database blink creates (clients.yaml `db_locale`). */
  dbLocale: string;
  /** LC_COLLATE of the database blink creates (clients.yaml `db_collation`). */
  dbCollation: string;
  service: string;
  dataDir: string;
  logfile: string;
  workers?: number;
  modules: string[];
  tls: 'letsencrypt' | 'none';
  systemUser: string;
  odooBin: string;
  python: string;
  /** Odoo's own and any other fixed addons folders; the release's `current` is appended after them in addons_path. */
  addonsPaths: string[];
  /**
   * Modules of addons folders blink cannot read (Enterprise, OCA…), as
   * clients.yaml's `defaults.addons_path_modules` declares them: module →
   * folder. Only folders on this instance's final addons_path count.
   */
  declaredModules: Record<string, string>;
  /** `<releases_dir>/<instance>`: the instance's code releases and their `current` link. */
  releaseDir: string;
  logKeepDays: number;
  backup: BackupSettings;
  /** Final odoo.conf [options], sorted by key. */
  options: ResolvedOption[];
  /** INI files that fed odoo.conf, lowest first, relative to the config folder (`base.conf`, `hosts/<host>.conf`). */
  iniSources: string[];
  /** Position of the environment in clients.yaml. */
  source: SourcePos;
}
