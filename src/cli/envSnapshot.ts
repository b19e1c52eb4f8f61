/**
 * A plain copy of the environment for one run. process.env answers each
 * read by a scan of the whole environment (~3 µs with a fleet's worth of
 * BLINK_SECRET_* variables), and a run reads each secret several times (the
 * checks before connecting, the render, the type checks). Copying costs one
 * read of each variable; a memoizing Proxy in front of process.env measured
 * slower than either.
 */
export function envSnapshot(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const copy: Record<string, string | undefined> = {};
  for (const k of Object.keys(env)) copy[k] = env[k];
  return copy;
}
