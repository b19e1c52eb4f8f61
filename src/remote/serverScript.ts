import { readFileSync } from 'node:fs';

const cache = new Map<string, string>();

/**
 * A server-side script: `sh/<family>-<name>.sh` with the family's shared
 * `sh/<family>-lib.sh` in front, read once. The scripts live in files of
 * their own (shellcheck lints them in the tests) and take their values on
 * stdin (`scriptInput`); the build copies them beside the compiled code.
 */
export function serverScript(family: 'apply' | 'deploy', name: string): string {
  const key = `${family}-${name}`;
  let s = cache.get(key);
  if (s === undefined) {
    s = `${text(`${family}-lib`)}\n${text(key)}`;
    cache.set(key, s);
  }
  return s;
}

function text(file: string): string {
  return readFileSync(new URL(`./sh/${file}.sh`, import.meta.url), 'utf8');
}
