import type { Diagnostic } from '../diagnostics/Diagnostic.js';
import { wholeNumberFlag } from './wholeNumberFlag.js';

/** Servers blink-apply works on at once, by default. */
export const DEFAULT_PARALLEL = { read: 8, apply: 4 } as const;

/**
 * `--parallel`: how many servers are read at once and how many applied.
 * A read is read-only and mostly waits (an ssh handshake, a round trip), so
 * more at once keep the operator's CPUs busy; an apply restarts services, so
 * fewer at once limit what one bad change takes down before it is seen. A
 * given `--parallel N` sets both. While servers are read, as many more are
 * being connected to (`openAhead`).
 */
export function parallelism(diagnostics: Diagnostic[], value: string | undefined): { read: number; apply: number } {
  const n = wholeNumberFlag(diagnostics, 'parallel', value, DEFAULT_PARALLEL.apply);
  return value === undefined ? { ...DEFAULT_PARALLEL } : { read: n, apply: n };
}
