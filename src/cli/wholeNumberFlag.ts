import { error, type Diagnostic } from '../diagnostics/Diagnostic.js';

/** A numeric flag: its default when absent; a usage error (collected, not thrown) when not a whole number ≥ min. */
export function wholeNumberFlag(diagnostics: Diagnostic[], name: string, value: string | undefined, dflt: number, min = 1): number {
  const n = value === undefined ? dflt : Number(value);
  if (!Number.isInteger(n) || n < min) diagnostics.push(error('BLINK520', `--${name} wants a ${min === 0 ? '' : 'positive '}whole number`));
  return n;
}
