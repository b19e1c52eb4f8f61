import type { CliIo } from '../cli/CliIo.js';

/** A single status line on a terminal, rewritten in place; nothing otherwise. */
export function progressLine(io: CliIo, total: number): { update: (server: string, step: string) => void; clear: () => void } {
  if (!io.stderr.isTTY) return { update: () => undefined, clear: () => undefined };
  const state = new Map<string, string>();
  let shown = false;
  return {
    update(server, step) {
      state.set(server, step);
      const finished = [...state.values()].filter((s) => ['planned', 'failed', 'applied', 'unchanged', 'rolled-back', 'unreachable'].includes(s)).length;
      io.stderr.write(`\r\x1b[K[${finished}/${total}] ${server}: ${step}`);
      shown = true;
    },
    clear() {
      if (shown) io.stderr.write('\r\x1b[K');
      shown = false;
    },
  };
}

