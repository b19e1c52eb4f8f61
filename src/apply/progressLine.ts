import type { CliIo } from '../cli/CliIo.js';

const DONE = new Set(['planned', 'failed', 'applied', 'deployed', 'refused', 'unchanged', 'rolled-back', 'unreachable']);
/** Beyond this many servers, the finished ones give up their lines to a count. */
const MAX_LINES = 20;

/**
 * One status line per server on a terminal, redrawn in place below whatever
 * has been printed; nothing when stderr is not a terminal. `clear` wipes the
 * block so a server's finished output can be printed whole above it.
 */
export function progressLine(io: CliIo, servers: readonly string[], unit = 'servers'): { update: (server: string, step: string) => void; clear: () => void } {
  if (!io.stderr.isTTY) return { update: () => undefined, clear: () => undefined };
  const state = new Map<string, string>(servers.map((s) => [s, 'waiting']));
  let drawn = 0;
  const clear = (): void => {
    if (drawn) io.stderr.write(`\x1b[${drawn}A\r\x1b[J`);
    drawn = 0;
  };
  const lines = (): string[] => {
    const all = servers.map((s) => ({ s, step: state.get(s)! }));
    const finished = all.filter((x) => DONE.has(x.step)).length;
    let shown = all;
    if (all.length > MAX_LINES) shown = all.filter((x) => !DONE.has(x.step)).slice(0, MAX_LINES - 1);
    const out = shown.map((x) => `  ${x.s}: ${x.step}`);
    out.push(`  [${finished}/${servers.length} ${unit} done]`);
    return out;
  };
  return {
    update(server, step) {
      state.set(server, step);
      clear();
      const text = lines();
      io.stderr.write(text.map((l) => `\x1b[K${l}\n`).join(''));
      drawn = text.length;
    },
    clear,
  };
}
