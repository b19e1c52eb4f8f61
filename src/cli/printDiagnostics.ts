import type { Diagnostic } from '../diagnostics/Diagnostic.js';
import { formatDiagnostic } from '../diagnostics/formatDiagnostic.js';
import type { CliIo } from './CliIo.js';

/** Every collected diagnostic on stderr, once, compiler style. */
export function printDiagnostics(io: CliIo, diagnostics: readonly Diagnostic[], color: boolean): void {
  for (const d of diagnostics) io.stderr.write(formatDiagnostic(d, { color }) + '\n');
}
