import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Diagnostic } from '../../src/diagnostics/Diagnostic.js';
import { DEFAULT_PARALLEL, parallelism } from '../../src/cli/parallelism.js';

const s = suite('--parallel');

s('by default more servers are read at once than applied', () => {
  const d: Diagnostic[] = [];
  assert.equal(parallelism(d, undefined), { read: 8, apply: 4 });
  assert.equal(DEFAULT_PARALLEL, { read: 8, apply: 4 });
  assert.equal(d, []);
});

s('a given --parallel sets both', () => {
  const d: Diagnostic[] = [];
  assert.equal(parallelism(d, '1'), { read: 1, apply: 1 });
  assert.equal(parallelism(d, '16'), { read: 16, apply: 16 });
  assert.equal(d, []);
});

s('anything but a positive whole number is a usage error', () => {
  for (const bad of ['0', '-2', '1.5', 'many', '']) {
    const d: Diagnostic[] = [];
    parallelism(d, bad);
    assert.equal(d.map((x) => [x.code, x.message]), [['BLINK520', '--parallel wants a positive whole number']], bad);
  }
});

s.run();
