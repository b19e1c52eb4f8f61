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
  /**
   * The server keeps blink's files under a root folder (clients.yaml `root:`).
   * Rendered files still name server paths (out/ is the same on every machine);
   * what runs on the server finds the folder itself (blink-backup, blink-restore).
   */
  relocated: boolean;
  /** The server's fail2ban settings; all 0 when fail2ban is off (no fail2ban file is rendered then). */
  fail2ban: { enabled: boolean; bantime: number; maxretry: number; findtime: number; filterPath: string };
  postgres: PostgresView;
  /** `blink-backup --server-config`; `enabled: false` (and the rest empty or 0) when it is off: no file of it is rendered then. */
  configBackup: ConfigBackupView;
}

export interface ConfigBackupView {
  enabled: boolean;
  schedule: string;
  keep: number;
  /** `backup_dir`: the backups go to `<dir>/<name>/<stamp>/`. */
  dir: string;
  /** The folder's name under `dir`, `_server-config`. */
  name: string;
  /** `''`, `age` or `gpg`. */
  encryptMethod: string;
  encryptFile: string;
  upload: string;
  /** The key's reference (`${NAME}`), resolved by blink-apply into the key file. */
  authKey: string;
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
  /** clients.yaml's workers; 0 when the environment does not set it. The server mode follows odoo.conf's: see `serverMode`. */
  workers: number;
  /** The server odoo.conf's effective `workers` starts (compile/serverMode.ts). */
  serverMode: 'threaded' | 'prefork';
  /** Where nginx sends `/websocket`: `port` when threaded, `geventPort` when prefork. */
  websocketPort: number;
  /** Why, in one line without the count (`workers not 0: prefork server serves /websocket …`), so the vhost only changes when the route does. */
  websocketRule: string;
  /** Seconds: Odoo's guide's 720, or `limit_time_real` when longer, so nginx never gives up on a request Odoo may still finish. */
  proxyReadTimeout: number;
  /** Absolute folders nginx serves `/<module>/static/` from, in addons_path order; empty: Odoo serves them all. */
  staticFolders: string[];
  /** Why `staticFolders` is empty, `''` otherwise. */
  staticNote: string;
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
    /** The `${secret:…}` reference blink-apply resolves into the backup key file. */
    authKey: string;
  };
}
