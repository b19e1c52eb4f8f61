/**
 * A view of the environment for one run that reads each name from it once.
 * process.env answers each read by a scan of the whole environment (~3 µs
 * with a fleet's worth of BLINK_SECRET_* variables), a run reads each secret
 * several times (the checks before connecting, the render, the type checks),
 * and copying it whole costs as much as reading it all.
 */
export function envReadOnce(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const read = new Map<string, string | undefined>();
  return new Proxy(env, {
    get(target, name) {
      if (typeof name !== 'string') return Reflect.get(target, name);
      if (!read.has(name)) read.set(name, target[name]);
      return read.get(name);
    },
  });
}
