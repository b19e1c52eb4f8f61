/**
 * What every Handlebars template sees. Templates render in strict mode, so a
 * name that is not here is an error, never an empty string. Values are
 * validated by compile before they get here (no newlines, no directive
 * characters), and templates are compiled with `noEscape`.
 */
export interface InstanceTemplateContext {
  /** Comment lines (each starting with `# `, ending with a newline) naming the sources; `#` is a comment in every format we render. */
  header: string;
  /** Prefix for filesystem paths the artifact refers to (certificates, logs, webroot). `''` in real renders; tests render under a throwaway root. */
  root: string;
  instance: InstanceView;
  /** odoo.conf lines, sorted by key. */
  options: { key: string; value: string }[];
  server: ServerView;
}

export interface ServerTemplateContext {
  header: string;
  root: string;
  server: ServerView;
  /** Instances on this server, sorted by id. */
  instances: InstanceView[];
}

export interface ServerView {
  name: string;
  cpus: number;
  memoryMb: number;
  postgres: PostgresView;
}

/** What the PostgreSQL conf.d template sees: the cluster's version and each setting with why it has its value. */
export interface PostgresView {
  version: number;
  settings: { name: string; value: string; why: string }[];
}

export interface InstanceView {
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
  /** Absolute path of this instance's odoo.conf on the server. */
  configPath: string;
  /** 0 when the environment does not set workers. */
  workers: number;
  tls: 'letsencrypt' | 'none';
  letsencrypt: boolean;
  systemUser: string;
  odooBin: string;
  python: string;
  /** Comma-joined, as odoo.conf wants it: the fixed folders, then `<releaseDir>/current`. */
  addonsPath: string;
  logKeepDays: number;
  /** `limit_time_real` + a margin, so systemd never cuts Odoo's graceful stop short. */
  timeoutStopSec: number;
  /** Folder of `logfile`; with `dataDir`, the only paths the hardened unit may write. Always set by render. */
  logDir?: string;
  /** False when `dataDir` or `logDir` lies under /home, /root or /run/user, which `ProtectHome=read-only` would hide. Always set by render. */
  protectHome?: boolean;
  backup: {
    enabled: boolean;
    schedule: string;
    keepDays: number;
    /** 0/0/0 when the GFS scheme is not set. */
    keepDaily: number;
    keepWeekly: number;
    keepMonthly: number;
    gfs: boolean;
    dir: string;
    /** `''`, `age` or `gpg`. */
    encryptMethod: string;
    encryptFile: string;
    upload: string;
    /** Path of the secret-free per-instance settings file the backup scripts read. */
    envFile: string;
  };
}
