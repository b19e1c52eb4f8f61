import { formatDiagnostic } from '../diagnostics/formatDiagnostic.js';
import type { ApplyReport } from './ApplyReport.js';

/** One server's apply result, printed whole. */
export function formatReport(r: ApplyReport, color: boolean): string {
  const c = r.changed;
  const n = c.add.length + c.change.length + c.mode.length + c.delete.length;
  const lines: string[] = [];
  if (r.recovered) lines.push(`  recovered interrupted run ${r.recovered.run}: ${r.recovered.outcome}`);
  for (const s of r.done) lines.push(`  ${s}`);
  for (const k of r.kept) {
    lines.push(`  kept ${k.kept.join(' and ')} of ${k.instance}: blink never drops data. Once its final backup${k.backups ? ` (in ${k.backups})` : ''} is checked, and copied off the server if it must outlive it, drop them with:`);
    for (const c of k.drop) lines.push(`    ${c}`);
  }
  for (const d of r.diagnostics) lines.push(indent(formatDiagnostic(d, { color })));
  const what =
    r.outcome === 'applied' ? `applied (${n} file${n === 1 ? '' : 's'})` : r.outcome === 'rolled-back' ? 'FAILED, rolled back' : r.outcome === 'unchanged' ? 'no changes' : r.outcome.toUpperCase();
  lines.push(`${r.server}: ${what}`);
  return lines.join('\n') + '\n';
}

/** Exit code over many servers: any error → 1; else any pending change → 2; else 0. */
export function combineExit(codes: readonly number[]): number {
  return codes.includes(1) ? 1 : codes.includes(2) ? 2 : 0;
}

function indent(s: string): string {
  return s.split('\n').map((l) => '  ' + l).join('\n');
}
