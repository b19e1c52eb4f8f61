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

/**
 * A script's input: one value a line, then any payload. Values are data the
 * script reads with `read`, never script text; a value with a line break or
 * NUL could split into two, so it is refused here (callers validate first).
 */
export function scriptInput(values: readonly string[], payload?: Uint8Array): Buffer | { error: string } {
  const bad = values.find((v) => /[\n\r\0]/.test(v));
  if (bad !== undefined) return { error: `refusing a value with a line break: ${JSON.stringify(bad.slice(0, 80))}` };
  const head = Buffer.from(values.map((v) => v + '\n').join(''));
  return payload ? Buffer.concat([head, payload]) : head;
}
