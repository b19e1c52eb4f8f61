/** `${NAME}` or `${secret:KEY}`, as render keeps them in artifact content. */
export const SECRET_REF = /\$\{(secret:[A-Za-z0-9_.-]+|[A-Za-z_][A-Za-z0-9_]*)\}/g;

/** `secret:admin_passwd`, `${secret:admin_passwd}` and `ADMIN` all name a ref the same way: without `${}`. */
export function normalizeRef(ref: string): string {
  return ref.replace(/^\$\{/, '').replace(/\}$/, '');
}

/** The environment variable that holds a per-instance secret. */
export function instanceSecretEnv(instance: string, key: string): string {
  return `BLINK_SECRET_${instance}_${key}`.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}
