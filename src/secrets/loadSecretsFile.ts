import { readFileSync, statSync } from 'node:fs';
import { parse } from 'yaml';
import { error, type Diagnostic } from '../diagnostics/Diagnostic.js';

export type SecretsFile = Record<string, Record<string, string>>;

/**
 * `--secrets FILE`: YAML `<instance>: {KEY: value}`. Refused unless only its
 * owner can read it, so a secret never sits in a world-readable file.
 */
export function loadSecretsFile(path: string): { secrets?: SecretsFile; diagnostics: Diagnostic[] } {
  let mode: number;
  try {
    mode = statSync(path).mode & 0o777;
  } catch {
    return { diagnostics: [error('BLINK001', `cannot read the secrets file ${path}`, { file: path })] };
  }
  if (mode & 0o077) {
    return {
      diagnostics: [
        error('BLINK502', `the secrets file ${path} has mode ${mode.toString(8).padStart(4, '0')}; refusing it`, { file: path }, `chmod 600 ${path}`),
      ],
    };
  }
  let doc: unknown;
  try {
    doc = parse(readFileSync(path, 'utf8'));
  } catch (e) {
    // The parser's message may quote the file's lines: keep only its position.
    const pos = (e as { linePos?: { line: number; col: number }[] }).linePos?.[0];
    return { diagnostics: [error('BLINK003', 'the secrets file is not valid YAML', { file: path, line: pos?.line, column: pos?.col })] };
  }
  const secrets: SecretsFile = {};
  const diagnostics: Diagnostic[] = [];
  if (doc !== null && doc !== undefined && (typeof doc !== 'object' || Array.isArray(doc))) {
    return { diagnostics: [error('BLINK011', 'the secrets file must map instance ids to {KEY: value}', { file: path })] };
  }
  for (const [instance, keys] of Object.entries((doc ?? {}) as Record<string, unknown>)) {
    if (typeof keys !== 'object' || keys === null || Array.isArray(keys)) {
      diagnostics.push(error('BLINK011', `secrets of ${instance} must be a map of KEY: value`, { file: path }));
      continue;
    }
    secrets[instance] = {};
    for (const [key, value] of Object.entries(keys as Record<string, unknown>)) {
      if (typeof value !== 'string' && typeof value !== 'number') {
        diagnostics.push(error('BLINK011', `secret ${instance}.${key} must be a string`, { file: path }));
        continue;
      }
      secrets[instance]![key] = String(value);
    }
  }
  return { secrets, diagnostics };
}
