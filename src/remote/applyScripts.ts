import { readFileSync } from 'node:fs';

export type ApplyScriptName = 'read' | 'fetch' | 'lock' | 'stage' | 'swap' | 'rollback' | 'commit';

const cache = new Map<string, string>();

/**
 * A server-side script of blink-apply: `sh/apply-<name>.sh` with the shared
 * `sh/apply-lib.sh` in front. The scripts live in files of their own
 * (shellcheck lints them in the tests) and take their values on stdin
 * (`scriptInput`); the build copies them beside the compiled code.
 */
export function applyScript(name: ApplyScriptName): string {
  let s = cache.get(name);
  if (s === undefined) {
    s = `${text('apply-lib')}\n${text(`apply-${name}`)}`;
    cache.set(name, s);
  }
  return s;
}

function text(file: string): string {
  return readFileSync(new URL(`./sh/${file}.sh`, import.meta.url), 'utf8');
}
