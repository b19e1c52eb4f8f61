/**
 * The environment for ssh and local shells: this process's, without the
 * per-instance secrets. They are resolved in memory already; no command on
 * any server needs them, and a fleet's worth of them made every spawn slow.
 * Without BLINK_SCRATCH too: it names the scratch folder of one session's
 * loop (shellSession), and a local script that inherited one from the
 * operator's shell would share it with every other server's scripts.
 */
let cached: NodeJS.ProcessEnv | undefined;

export function childEnv(): NodeJS.ProcessEnv {
  cached ??= Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BLINK_SECRET_') && k !== 'BLINK_SCRATCH'));
  return cached;
}
