import type { Diagnostic } from './Diagnostic.js';
import { visible } from './visible.js';

export interface FormatOptions {
  color: boolean;
}

const RED = '\x1b[31m';
const YELLOW = '\x1b[33m';
const DIM = '\x1b[2m';
const BOLD = '\x1b[1m';
const RESET = '\x1b[0m';

/** `config/clients.yaml:12:7: error BLINK012: …` then an indented hint, like a compiler. */
export function formatDiagnostic(d: Diagnostic, opts: FormatOptions): string {
  const paint = (code: string, s: string): string => (opts.color ? code + s + RESET : s);
  let where = '';
  if (d.file !== undefined) {
    where = visible(d.file);
    if (d.line !== undefined) where += `:${d.line}`;
    if (d.line !== undefined && d.column !== undefined) where += `:${d.column}`;
    where = paint(BOLD, where) + ': ';
  }
  const sev = paint(d.severity === 'error' ? RED : YELLOW, d.severity);
  // A message may quote a server (a tool's error output): shown, never obeyed by the terminal.
  let out = `${where}${sev} ${d.code}: ${visible(d.message)}`;
  if (d.hint) out += '\n  ' + paint(DIM, `hint: ${visible(d.hint)}`);
  return out;
}

export function summarize(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}
