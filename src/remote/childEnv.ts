/**
 * The environment for ssh and local shells: this process's, without the
 * per-instance secrets. They are resolved in memory already; no command on
 * any server needs them, and a fleet's worth of them made every spawn slow.
 */
let cached: NodeJS.ProcessEnv | undefined;

export function childEnv(): NodeJS.ProcessEnv {
  cached ??= Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BLINK_SECRET_')));
  return cached;
}
