/**
 * One file a server needs, fully rendered. Paths are absolute server paths
 * (before any server `root` relocation); content keeps secret references
 * (`${NAME}`, `${secret:KEY}`) verbatim, listed in `secretRefs`.
 */
export interface Artifact {
  server: string;
  /** Owning instance id; absent for per-server files. */
  instance?: string;
  /** Owning hostname; absent for per-server files. Decides `out/hosts/<host>/…` vs `out/servers/<server>/…`. */
  host?: string;
  path: string;
  kind: ArtifactKind;
  /** File content; empty for symlinks. */
  content: string;
  /** For symlinks: the link target. */
  linkTarget?: string;
  /** Octal permission bits, e.g. 0o640. */
  mode: number;
  /** `user:group` */
  owner: string;
  /** Secret references found in content, sorted, without duplicates. */
  secretRefs: string[];
  /**
   * `managed`: kept on the server by apply. `bootstrap`: not installed as is;
   * apply uses it in place of the managed file of the same `bootstrapFor` path
   * until the TLS certificate exists (the HTTP-only ACME vhost).
   */
  role: 'managed' | 'bootstrap';
  bootstrapFor?: string;
}

export type ArtifactKind =
  | 'odoo-conf'
  | 'unit'
  | 'vhost'
  | 'vhost-link'
  | 'logrotate'
  | 'cron'
  | 'backup-env'
  /** The key of an instance's backups: a resolved secret, root only. */
  | 'backup-key'
  | 'nginx-map'
  | 'script'
  | 'postgres-conf'
  /** fail2ban's filter and jail: checked together with fail2ban_test, then fail2ban_reload. */
  | 'fail2ban';
