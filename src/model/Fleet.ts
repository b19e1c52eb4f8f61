import type { SourcePos } from '../diagnostics/Diagnostic.js';

/**
 * The resolved fleet: what compile produces and every later stage consumes.
 * Everything here is filled in (defaults applied, INI layered); nothing after
 * compile reads clients.yaml again.
 */
export interface Fleet {
  /** Config folder as shown to the user, e.g. `config`. Used in headers. */
  configLabel: string;
  servers: Server[];
  /** Sorted by server, then instance id. */
  instances: Instance[];
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
  health: string;
}

export interface Server {
  name: string;
  transport: 'ssh' | 'local';
  /** OpenSSH destination; only for the ssh transport. */
  ssh?: string;
  sshOptions: string[];
  /** Folder every managed path is relocated under, absolute; `/` for none. */
  root: string;
  cpus: number;
  memoryMb: number;
  commands: ServerCommands;
  source: SourcePos;
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
  service: string;
  dataDir: string;
  logfile: string;
  workers?: number;
  modules: string[];
  tls: 'letsencrypt' | 'none';
  systemUser: string;
  odooBin: string;
  python: string;
  addonsPaths: string[];
  logKeepDays: number;
  backup: BackupSettings;
  /** Final odoo.conf [options], sorted by key. */
  options: ResolvedOption[];
  /** INI files that fed odoo.conf, lowest first, as shown to the user. */
  iniSources: string[];
  /** Position of the environment in clients.yaml. */
  source: SourcePos;
}
