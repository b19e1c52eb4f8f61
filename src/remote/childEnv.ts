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
  // Names first, values only of the kept ones: each read of process.env scans it whole, and a
  // fleet's secrets are most of it (16 → 6 ms with 2,000 of them, on the way to the first ssh).
  if (!cached) {
    cached = {};
    for (const k of Object.keys(process.env)) if (!k.startsWith('BLINK_SECRET_') && k !== 'BLINK_SCRATCH') cached[k] = process.env[k];
  }
  return cached;
}
