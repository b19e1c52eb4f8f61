import type { Diagnostic } from '../diagnostics/Diagnostic.js';

/** How one server's apply ended. */
export interface ApplyReport {
  server: string;
  outcome: 'unchanged' | 'applied' | 'rolled-back' | 'failed' | 'unreachable';
  /** Steps done, in order (`restart odoo-x`, `reload nginx`…), for the report and audit. */
  done: string[];
  /** Paths written or removed, by change. */
  changed: { add: string[]; change: string[]; mode: string[]; delete: string[] };
  /** Per instance this run removed: the data blink kept (database, data folder), where its backups are, and the commands that drop the data once they are checked. */
  kept: { instance: string; kept: string[]; backups?: string; drop: string[] }[];
  /** An interrupted earlier run found and dealt with first. */
  recovered?: { run: string; outcome: 'completed' | 'rolled-back' };
  diagnostics: Diagnostic[];
}

export function emptyReport(server: string): ApplyReport {
  return { server, outcome: 'unchanged', done: [], changed: { add: [], change: [], mode: [], delete: [] }, kept: [], diagnostics: [] };
}
