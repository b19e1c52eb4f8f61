/**
 * parseIni against the real thing: every corpus text is also read by Python's
 * RawConfigParser (the call Odoo 18 makes). Accepted texts must give identical
 * sections, keys and values; rejected ones must give the mapped BLINK2xx error.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseIni } from '../../src/load/parseIni.js';
import { DEFAULT_SECTION, itemsOf, optionsOf, type IniFile } from '../../src/load/IniFile.js';
import { INI_CORPUS, PYTHON_ERROR_CODES } from './corpus.js';
import { runOracle } from './oracle.js';

const s = suite('ini: parseIni agrees with configparser');

const pairs = (ini: IniFile, section: string): [string, string][] => itemsOf(ini, section).map((e) => [e.key, e.value]);
const codesOf = (text: string): string[] => [...new Set(parseIni(text, 'c.conf').diagnostics.map((d) => d.code))].sort();

s('the corpus covers at least 15 texts', () => {
  assert.ok(INI_CORPUS.length >= 15);
});

const oracle = runOracle({ parse: INI_CORPUS.map((c) => c.text) });

for (const [i, c] of INI_CORPUS.entries()) {
  s(c.name, () => {
    const py = oracle.parse[i]!;
    const { ini, diagnostics } = parseIni(c.text, 'c.conf');
    assert.equal(codesOf(c.text), [...c.codes].sort(), 'diagnostic codes');
    for (const d of diagnostics) {
      assert.is(d.file, 'c.conf');
      assert.ok(d.line !== undefined && d.line >= 1 && d.column !== undefined && d.column >= 1, `${d.code} has a position`);
      assert.ok(d.hint, `${d.code} has a hint`);
    }
    if ('error' in py) {
      const code = PYTHON_ERROR_CODES[py.error];
      assert.ok(code, `unexpected Python error ${py.error}`);
      assert.ok(diagnostics.some((d) => d.code === code && d.severity === 'error'), `Python raised ${py.error}; expected ${code}`);
      return;
    }
    // Python accepted: only our misreading checks may complain.
    for (const d of diagnostics) assert.ok(['BLINK002', 'BLINK015', 'BLINK205', 'BLINK200'].includes(d.code), d.code);
    // A binary or empty file is refused before parsing, so there is nothing to compare.
    if (c.codes.includes('BLINK002')) return;
    assert.equal(
      ini.sections.filter((x) => x.name !== DEFAULT_SECTION).map((x) => x.name),
      py.sections,
      'sections',
    );
    assert.equal(pairs(ini, DEFAULT_SECTION), py.defaults, '[DEFAULT]');
    for (const name of py.sections) assert.equal(pairs(ini, name), py.items[name], `items(${name})`);
    assert.equal(optionsOf(ini).map((e) => [e.key, e.value]), py.options ?? [], "items('options')");
  });
}

s.run();
