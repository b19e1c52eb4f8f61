/**
 * checkOption's verdict on typed values against what Odoo 18 itself does with them:
 * the value is written as `key = value`, read back by RawConfigParser, put through
 * Odoo's True/False rule and then optparse's checker (configparserOracle.py).
 * Where Odoo accepts a value we refuse, the reason is listed in STRICTER.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkOption } from '../../src/compile/checkOption.js';
import { normalizeOptionValue, odooCatalogue } from '../../src/compile/odooOptions.js';
import { runOracle, type CastCase } from './oracle.js';

const s = suite('ini: typed values agree with Odoo casts');

const KEYS = ['http_port', 'db_port', 'limit_memory_soft', 'limit_time_real_cron', 'proxy_mode', 'list_db', 'log_level', 'db_sslmode', 'transient_age_limit'];
const VALUES = [
  '8069', ' 8069', '8069 ', '8069.0', '2G', '2147483648', 'False', 'false', 'True', 'true', '0x10', '0X10', '-0x10', '010', '08', '00', '0o17', '0b101',
  '', '-1', '+5', '-0', '0', '1_000', 'no', 'yes', 'off', '1', 'None', 'TRUE',
  'info', 'warn', 'INFO', 'warning', 'require', 'verify-ca', ' prefer', 'prefer ;x',
  '1.5', '1e3', '.5', '5.', '-2.5', 'inf', 'nan', '1_0.5',
];

/** Values Odoo takes but we refuse, and why: each is a silent misreading or a trap. */
const STRICTER: Record<'int' | 'float' | 'choice', Record<string, string>> = {
  int: {
    '0x10': 'hex: write the decimal',
    '0X10': 'hex: write the decimal',
    '010': 'optparse reads a leading 0 as octal (8)',
    '00': 'optparse reads a leading 0 as octal',
    '0o17': 'octal: write the decimal',
    '0b101': 'binary: write the decimal',
    '1_000': 'underscores: write the plain number',
    True: 'stays a bool, no number at all',
    true: 'stays a bool, no number at all',
    // 'False'/'false' only where the key has a real default: see falseIsStricter.
  },
  float: {
    inf: 'not a duration',
    nan: 'not a duration',
    '1_0.5': 'underscores',
    '1_000': 'underscores',
    True: 'stays a bool',
    true: 'stays a bool',
    False: 'stays a bool; transient_age_limit has a real default',
    false: 'stays a bool; transient_age_limit has a real default',
  },
  choice: {
    True: 'stays a bool, no level/mode',
    true: 'stays a bool, no level/mode',
    False: 'stays a bool, no level/mode',
    false: 'stays a bool, no level/mode',
  },
};

const catalogue = odooCatalogue();
type TypedCase = CastCase & { type: Exclude<CastCase['type'], 'text'> };
const cases: TypedCase[] = KEYS.flatMap((key) => {
  const spec = catalogue.options[key]!;
  const type = spec.type as TypedCase['type'];
  return VALUES.map((value) => (spec.choices ? { key, type, choices: spec.choices, value } : { key, type, value }));
});
const oracle = runOracle({ cast: cases });

function stricterReason(c: TypedCase): string | undefined {
  if (c.type === 'bool') return undefined;
  const falseIsStricter = c.type === 'int' && (c.value === 'False' || c.value === 'false') && catalogue.options[c.key]!.default !== false;
  if (falseIsStricter) return 'False is no number for a key with a real default';
  return STRICTER[c.type][c.value];
}

s('the table is big enough to mean something', () => {
  assert.ok(cases.length >= 100);
});

for (const [i, c] of cases.entries()) {
  s(`${c.key} = ${JSON.stringify(c.value)}`, () => {
    const py = oracle.cast[i]!;
    assert.ok(!('error' in py), `oracle could not read ${c.key} = ${c.value}`);
    const accepted = 'ok' in py && py.ok ? py : undefined;
    const odooOk = accepted !== undefined;
    const ds = checkOption(c.key, c.value, { file: 't.conf', line: 1, column: 1, valueColumn: 5 });
    const ours = ds.length === 0;
    const expectedCode = { bool: 'BLINK203', int: 'BLINK204', float: 'BLINK212', choice: 'BLINK211' }[c.type];
    for (const d of ds) assert.is(d.code, expectedCode);

    if (c.type === 'bool') {
      // Accept exactly what Odoo turns into a real boolean; everything else is a truthy string.
      assert.is(ours, accepted?.kind === 'bool');
      if (ours) assert.is(normalizeOptionValue(c.key, c.value), accepted?.repr);
      return;
    }

    const reason = stricterReason(c);
    if (reason) {
      assert.ok(odooOk, `listed as stricter but Odoo refuses it too: ${reason}`);
      assert.not.ok(ours, `listed as stricter but we accept it: ${reason}`);
      return;
    }
    assert.is(ours, odooOk, odooOk ? 'Odoo accepts this value' : 'Odoo refuses this value');
    if (ours && accepted) {
      // Same meaning, not just both accepted: the normalized text is what Odoo ends up with.
      const written = normalizeOptionValue(c.key, c.value);
      if (accepted.kind === 'bool') assert.is(written, accepted.repr);
      else if (c.type === 'choice') assert.is(written, accepted.value);
      else assert.is(Number(written), accepted.value);
    }
  });
}

s.run();
