import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

/**
 * Where blink keeps what it can recompute: $BLINK_CACHE_DIR; else
 * node_modules/.cache/blink-fleet as other JS build tools do; else the user's
 * cache folder ($XDG_CACHE_HOME or ~/.cache), so a global install or a fleet
 * repository without node_modules is fast too. `BLINK_CACHE_DIR=off` (or no
 * home at all) turns caching off.
 */
export function cacheDir(cwd: string, env: Record<string, string | undefined> = {}): string | undefined {
  const own = env['BLINK_CACHE_DIR'];
  if (own !== undefined && own !== '') return own === 'off' ? undefined : resolve(cwd, own);
  const modules = join(cwd, 'node_modules');
  if (existsSync(modules)) return join(modules, '.cache', 'blink-fleet');
  const xdg = env['XDG_CACHE_HOME'];
  if (xdg && isAbsolute(xdg)) return join(xdg, 'blink-fleet');
  const home = env['HOME'];
  return home && isAbsolute(home) ? join(home, '.cache', 'blink-fleet') : undefined;
}

/** A cache file per `what` and folder: a shared cache folder serves many fleets without them evicting each other. */
export function cacheFileFor(dir: string, kind: string, cwd: string, folder: string): string {
  const id = createHash('sha256').update(resolve(cwd, folder)).digest('hex').slice(0, 16);
  return join(dir, `${kind}-${id}.json`);
}
