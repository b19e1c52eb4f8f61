import { readFileSync } from 'node:fs';

export type DeployScriptName = 'read' | 'upload' | 'journal' | 'switch' | 'update' | 'backup' | 'finish';

const cache = new Map<string, string>();

/**
 * A server-side script of blink-deploy: `sh/deploy-<name>.sh` with the
 * shared `sh/deploy-lib.sh` in front. The scripts live in files of their own
 * (shellcheck lints them in the tests); the build copies them beside the
 * compiled code.
 */
export function deployScript(name: DeployScriptName): string {
  let s = cache.get(name);
  if (s === undefined) {
    s = `${text('deploy-lib')}\n${text(`deploy-${name}`)}`;
    cache.set(name, s);
  }
  return s;
}

function text(file: string): string {
  return readFileSync(new URL(`./sh/${file}.sh`, import.meta.url), 'utf8');
}
