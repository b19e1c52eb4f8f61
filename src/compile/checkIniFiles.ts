import { error, type Diagnostic } from '../diagnostics/Diagnostic.js';
import type { FleetSource } from '../load/loadFleetSource.js';
import { optionsOf } from '../load/IniFile.js';
import { checkOption } from './checkOption.js';

/**
 * Checks every INI file once, whether or not an instance uses it yet: a typo
 * in a template should fail CI before the first client of that kind exists.
 */
export function checkIniFiles(source: FleetSource): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [rel, ini] of source.ini) {
    const file = `${source.configLabel}/${rel}`;
    for (const section of ini.sections) {
      if (section.name !== 'options' && section.name !== 'DEFAULT') {
        out.push(error('BLINK214', `section [${section.name}] is not rendered: blink-fleet writes only [options]`, { file, line: section.line, column: 1 }, 'move these keys under [options], or remove the section'));
      }
    }
    for (const e of optionsOf(ini)) {
      if (e.key === 'extends') continue;
      out.push(...checkOption(e.key, e.value, { file, line: e.line, column: e.column, valueColumn: e.valueColumn }));
    }
  }
  return out;
}
