/**
 * clients.yaml as written (after schema validation): everything optional that
 * the schema leaves optional. compile turns it into the resolved `Fleet`.
 * Keep in step with schema/clients.schema.json.
 */
export interface ClientsFile {
  version: 1;
  defaults?: DefaultsInput;
  kinds?: Record<string, KindInput>;
  servers: Record<string, ServerInput>;
  clients: Record<string, ClientInput>;
  deploy?: DeployInput;
}

/** `deploy:`: how blink-deploy takes code releases. Paths are as written; compile resolves them. */
export interface DeployInput {
  /** Git checkout holding the addons, relative to the config folder or absolute. */
  repository?: string;
  /** Addons folder inside that repository, relative. */
  addons_dir?: string;
  /** Absolute folder on the servers holding `<instance>/` release folders. */
  releases_dir?: string;
  keep?: number;
  /** http(s) URL the deploy summary is POSTed to. */
  notify?: string;
}

export interface DefaultsInput {
  odoo_bin?: string;
  python?: string;
  system_user?: string;
  addons_paths?: string[];
  /** Folder (one of addons_paths) → the modules it holds that instances enable. */
  addons_path_modules?: Record<string, string[]>;
  tls?: 'letsencrypt' | 'none';
  backup_dir?: string;
  backup?: BackupInput;
  db_locale?: string;
  db_collation?: string;
}

export interface KindInput {
  backup_schedule?: string;
  backup_keep_days?: number;
  backup_keep?: { daily: number; weekly: number; monthly: number };
  log_keep_days?: number;
  production?: boolean;
}

export interface BackupInput {
  enabled?: boolean;
  schedule?: string;
  keep_days?: number;
  keep?: { daily: number; weekly: number; monthly: number };
  encrypt?: { age_recipients_file?: string; gpg_passphrase_file?: string };
  upload?: string;
  auth_key?: string;
}

export interface ServerInput {
  ssh?: string;
  ssh_options?: string[];
  root?: string;
  set_owners?: boolean;
  cpus: number;
  memory_mb: number;
  commands?: Partial<Record<string, string>>;
  postgres?: PostgresInput;
  fail2ban?: Fail2banInput;
  firewall?: FirewallInput;
  config_backup?: ConfigBackupInput;
}

/** `servers.<name>.firewall`: ufw's inbound rules. A port alone is TCP. */
export interface FirewallInput {
  enabled?: boolean;
  allow?: (number | string)[];
}

/** `servers.<name>.config_backup`: the weekly backup of the server's configuration. */
export interface ConfigBackupInput {
  enabled?: boolean;
  schedule?: string;
  keep?: number;
  encrypt?: { age_recipients_file?: string; gpg_passphrase_file?: string };
  upload?: string;
  auth_key?: string;
}

/** `servers.<name>.postgres`: the cluster and any setting that overrides the one derived from memory_mb. */
export interface PostgresInput {
  version?: number;
  max_connections?: number;
  superuser_reserved_connections?: number;
  shared_buffers_mb?: number;
  effective_cache_size_mb?: number;
  work_mem_mb?: number;
  maintenance_work_mem_mb?: number;
  /** Create and check each instance's role and database on this server's PostgreSQL. */
  databases?: boolean;
}

export interface Fail2banInput {
  enabled?: boolean;
  bantime?: number;
  maxretry?: number;
  findtime?: number;
}

export interface ClientInput {
  name?: string;
  modules?: string[];
  environments: Record<string, EnvironmentInput>;
}

export interface EnvironmentInput {
  host: string;
  server: string;
  branch: string;
  kind: string;
  port: number;
  gevent_port?: number;
  db?: string;
  db_locale?: string;
  db_collation?: string;
  workers?: number;
  tls?: 'letsencrypt' | 'none';
  modules?: string[];
  backup?: BackupInput;
  odoo?: Record<string, string | number | boolean>;
}
