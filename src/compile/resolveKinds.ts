import { error, type Diagnostic } from '../diagnostics/Diagnostic.js';
import type { YamlSource } from '../load/YamlSource.js';
import type { ClientsFile } from '../model/ClientsFile.js';
import { checkCron } from './checkCron.js';
import { BUILTIN_KINDS, type KindSettings } from './defaults.js';

/** Built-in kinds overlaid with clients.yaml's `kinds:`; a new kind starts from `test`'s settings. */
export function resolveKinds(file: ClientsFile, clients: YamlSource): { kinds: Map<string, KindSettings>; diagnostics: Diagnostic[] } {
  const kinds = new Map<string, KindSettings>(Object.entries(BUILTIN_KINDS).map(([k, v]) => [k, { ...v }]));
  const diagnostics: Diagnostic[] = [];
  for (const [name, input] of Object.entries(file.kinds ?? {})) {
    const base = kinds.get(name) ?? { ...BUILTIN_KINDS['test']! };
    const merged: KindSettings = { ...base };
    for (const [k, v] of Object.entries(input)) if (v !== undefined) (merged as unknown as Record<string, unknown>)[k] = v;
    kinds.set(name, merged);
    if (input.backup_schedule !== undefined) {
      const problem = checkCron(input.backup_schedule);
      if (problem) diagnostics.push(error('BLINK016', `kinds.${name}.backup_schedule: ${problem}`, clients.pos(['kinds', name, 'backup_schedule']), 'e.g. "0 */6 * * *" (every 6 hours) or "30 3 * * *" (daily at 03:30)'));
    }
  }
  return { kinds, diagnostics };
}
