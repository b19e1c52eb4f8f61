import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkSources } from '../../src/release/checkSources.js';
import { brief } from '../support/configTree.js';
import { tempDir } from '../support/tmp.js';
import { releaseOf } from './releaseOf.js';

const O = { addonsDir: 'custom-addons', label: '1a2b3c4d', timeoutMs: 20_000 };

const sources = suite('checkSources');

sources('well-formed XML and compiling Python give nothing', async () => {
  const ds = await checkSources(
    releaseOf({
      'm/__init__.py': 'from . import models\n',
      'm/models.py': '# -*- coding: utf-8 -*-\nfrom odoo import models\n\nclass X(models.Model):\n    _name = "x"\n    s = "\\d"\n',
      'm/views/v.xml': '<?xml version="1.0" encoding="utf-8"?>\n<odoo><record id="a" model="x"><field name="n">&amp;&lt;</field></record></odoo>\n',
      'm/static/x.js': 'not checked (',
    }),
    O,
  );
  assert.equal(ds, []);
});

sources('files that passed before are not checked again; files that fail are never remembered', async () => {
  const known = new Set<string>();
  const files = { 'm/ok.py': 'x = 1\n', 'm/bad.py': 'def f(:\n', 'm/v.xml': '<odoo/>\n' };
  const first = await checkSources(releaseOf(files), { ...O, known });
  assert.equal(first.map(brief), ['BLINK615 custom-addons/m/bad.py:1:7']);
  assert.is(known.size, 2);
  // With every file known but the failing one, only that one is checked: a python3 that cannot run shows whether any was.
  const none = await checkSources(releaseOf({ 'm/ok.py': 'x = 1\n', 'm/v.xml': '<odoo/>\n' }), { ...O, known, python: '/nonexistent/python3' });
  assert.equal(none, []);
  const again = await checkSources(releaseOf(files), { ...O, known, python: '/nonexistent/python3' });
  assert.equal(again.map((d) => d.code), ['BLINK617']);
});

sources('broken XML is BLINK614 and a syntax error BLINK615, each at its line and column', async () => {
  const ds = await checkSources(
    releaseOf({
      'm/views/v.xml': '<odoo>\n  <record id="a">\n    <field name="x">1</feld>\n  </record>\n</odoo>\n',
      'm/models.py': 'import os\ndef f(:\n    pass\n',
      'm/ok.py': 'x = 1\n',
    }),
    O,
  );
  // In path order, as the release lists its files.
  assert.equal(ds.map(brief), ['BLINK615 custom-addons/m/models.py:2:7', 'BLINK614 custom-addons/m/views/v.xml:3:24']);
  assert.match(ds[0]!.message, /^Python of m at 1a2b3c4d does not compile: /);
  assert.is(ds[1]!.message, 'XML of m at 1a2b3c4d is not well formed: mismatched tag');
});

sources('paths longer than ustar holds are checked and reported by their real path', async () => {
  const long = `m/static/src/${'nested_folder_with_a_long_name/'.repeat(6)}bad.xml`;
  assert.ok(long.length > 200);
  const ds = await checkSources(releaseOf({ [long]: '<a>' }), O);
  assert.equal(ds.map(brief), [`BLINK614 custom-addons/${long}:1:4`]);
});

sources('an external entity or DTD is never read: entity declarations are refused, external subsets ignored', async () => {
  const { dir, cleanup } = tempDir();
  try {
    // A FIFO blocks whoever opens it for reading: a parser that tried would hang until the timeout.
    const fifo = join(dir, 'secret');
    assert.is(spawnSync('mkfifo', [fifo]).status, 0);
    const marker = join(dir, 'marker.txt');
    writeFileSync(marker, 'TOPSECRET');
    const ds = await checkSources(
      releaseOf({
        'm/general.xml': `<?xml version="1.0"?>\n<!DOCTYPE odoo [\n  <!ENTITY e SYSTEM "file://${fifo}">\n]>\n<odoo>&e;</odoo>\n`,
        'm/marker.xml': `<!DOCTYPE odoo [<!ENTITY e SYSTEM "${marker}">]>\n<odoo>&e;</odoo>\n`,
        'm/parameter.xml': `<!DOCTYPE odoo [\n<!ENTITY % p SYSTEM "${fifo}">\n%p;\n]>\n<odoo/>\n`,
        'm/external_dtd.xml': `<!DOCTYPE odoo SYSTEM "${fifo}">\n<odoo/>\n`,
        'm/laughs.xml': `<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<l>&b;</l>\n`,
      }),
      { ...O, timeoutMs: 10_000 },
    );
    assert.equal(ds.map(brief), [
      'BLINK614 custom-addons/m/general.xml:3:3',
      'BLINK614 custom-addons/m/laughs.xml:1:14',
      'BLINK614 custom-addons/m/marker.xml:1:17',
      'BLINK614 custom-addons/m/parameter.xml:2:1',
    ]);
    for (const d of ds) {
      assert.match(d.message, 'entity declarations are refused');
      assert.not.match(d.message, 'TOPSECRET');
    }
    assert.ok(existsSync(fifo));
  } finally {
    cleanup();
  }
});

sources('no python3 is BLINK617 with a hint', async () => {
  const ds = await checkSources(releaseOf({ 'm/a.py': 'x = 1\n' }), { ...O, python: '/nonexistent/python3' });
  assert.equal(ds.map((d) => d.code), ['BLINK617']);
  assert.match(ds[0]!.message, '/nonexistent/python3 is not installed or not on PATH');
  assert.match(ds[0]!.hint!, 'install Python 3.9 or later');
  // Nothing to check needs no Python.
  assert.equal(await checkSources(releaseOf({ 'm/a.js': '' }), { ...O, python: '/nonexistent/python3' }), []);
});

sources('a checker that fails is BLINK617, not a silent pass', async () => {
  const ds = await checkSources(releaseOf({ 'm/a.py': 'x = 1\n' }), { ...O, python: 'false' });
  assert.equal(ds.map((d) => d.code), ['BLINK617']);
  assert.match(ds[0]!.message, 'false exited with 1');
});

sources.run();
