import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { requireTool } from '../support/tools.js';

export type ParseResult =
  | { error: string }
  | { sections: string[]; defaults: [string, string][]; items: Record<string, [string, string][]>; options: [string, string][] | null };

export interface CastCase {
  key: string;
  /** Odoo casts only int, float and choice; any other type is read as text. */
  type: 'bool' | 'int' | 'float' | 'choice' | 'text';
  choices?: string[];
  value: string;
}

export type CastResult = { error: string } | { ok: false } | { ok: true; kind: string; repr: string; value: unknown };

/** What the code reading a key does with the file's value (log_handler, log_db_level, registry_lru_size). */
export type UseResult = { ok: false; error: string } | { ok: true; level?: number; count?: unknown; fallback?: boolean; kind?: string; repr?: string };

const SCRIPT = fileURLToPath(new URL('./configparserOracle.py', import.meta.url));

/** One python3 run answers every question: what Odoo's own parser and casts make of each input. */
export function runOracle(request: { parse?: string[]; cast?: CastCase[]; use?: { key: string; value: string }[] }): { parse: ParseResult[]; cast: CastResult[]; use: UseResult[] } {
  const python = requireTool('python3');
  const r = spawnSync(python, ['-X', 'utf8', SCRIPT], { input: JSON.stringify(request), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`configparser oracle failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as { parse: ParseResult[]; cast: CastResult[]; use: UseResult[] };
}
