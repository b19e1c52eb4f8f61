/**
 * The environment for one run's secret lookups: each name is read from it
 * once. process.env answers each read by a scan of the whole environment
 * (~3 µs with a fleet's worth of BLINK_SECRET_* variables), and a run reads
 * each secret several times (the checks before connecting, the render, the
 * type checks). A copy would read every variable, a thousand servers' worth
 * for a `--server` run that needs fifty. The Proxy's target is an empty
 * object, not process.env: a trap's invariant checks read the target, and
 * on process.env each check is one more scan.
 *
 * For lookups by name only (`env[name]`, `name in env`), which is all
 * resolving secrets does.
 */
export function envView(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const read = new Map<string, string | undefined>();
  const value = (name: string): string | undefined => {
    if (read.has(name)) return read.get(name);
    const v = env[name];
    read.set(name, v);
    return v;
  };
  return new Proxy({} as Record<string, string | undefined>, {
    get: (_, name) => (typeof name === 'string' ? value(name) : undefined),
    has: (_, name) => typeof name === 'string' && value(name) !== undefined,
  });
}
