import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkRelease } from '../../src/release/checkRelease.js';
import { brief } from '../support/configTree.js';
import { releaseOf } from './releaseOf.js';

const O = { addonsDir: 'custom-addons', label: '1a2b3c4d' };
const check = (files: Record<string, string>) => checkRelease(releaseOf(files), O);
const INIT = { 'blink_x/__init__.py': '' };
const manifest = (body: string) => ({ ...INIT, 'blink_x/__manifest__.py': body });
const M = 'custom-addons/blink_x/__manifest__.py';

const rules = suite('checkRelease');

rules("the repository's own custom-addons pass", () => {
  const root = fileURLToPath(new URL('../../custom-addons', import.meta.url));
  const files: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else files[relative(root, full)] = readFileSync(full, 'utf8');
    }
  };
  walk(root);
  assert.ok(Object.keys(files).length > 4);
  assert.equal(check(files), []);
});

rules('a version that is not 18.0.x.y.z is BLINK611 at the value', () => {
  const ds = check(manifest("{\n    'name': 'X',\n    'version': '1.0',\n    'depends': ['base'],\n}\n"));
  assert.equal(ds.map(brief), [`BLINK611 ${M}:3:16`]);
  assert.is(ds[0]!.message, "version '1.0' of blink_x at 1a2b3c4d is not 18.0.x.y.z");
  assert.match(ds[0]!.hint!, '18.0.1.0.0');
  // No version at all: line 1.
  assert.equal(check(manifest("{'name': 'X'}\n")).map(brief), [`BLINK611 ${M}:1:1`]);
  // A number is no version either, and a version key in a comment is not where the value is.
  const num = check(manifest("{\n    # 'version': 'old',\n    'version': 18.0,\n}\n"));
  assert.equal(num.map(brief), [`BLINK611 ${M}:3:16`]);
});

rules('a manifest that is not a dict literal is BLINK610 at the error', () => {
  const ds = check(manifest("{\n    'name': 'X',\n    'version': '18.0.1.0.0',\n    'depends': get_depends(),\n}\n"));
  assert.equal(ds.map(brief), [`BLINK610 ${M}:4:16`]);
  assert.match(ds[0]!.message, "manifest of blink_x at 1a2b3c4d is not a Python dict literal: unexpected 'g'");
  assert.equal(check(manifest("['not', 'a', 'dict']\n")).map(brief), [`BLINK610 ${M}:1:1`]);
});

rules('a module without __init__.py is BLINK610 on the folder', () => {
  const ds = check({ 'blink_x/__manifest__.py': "{'version': '18.0.1.0.0'}" });
  assert.equal(ds.map(brief), ['BLINK610 custom-addons/blink_x::']);
  assert.match(ds[0]!.hint!, 'custom-addons/blink_x/__init__.py');
});

rules('depends on a module neither in the release nor in Odoo is BLINK612 at the entry, with did-you-mean', () => {
  const ds = checkRelease(
    releaseOf({
      ...manifest("{\n    'version': '18.0.1.0.0',\n    'depends': [\n        'acount',\n        'blink_y',\n        'blink_hepler',\n        'zzz_unheard_of',\n    ],\n}\n"),
      'blink_y/__init__.py': '',
      'blink_y/__manifest__.py': "{'version': '18.0.1.0.0'}",
      'blink_helper/__init__.py': '',
      'blink_helper/__manifest__.py': "{'version': '18.0.1.0.0'}",
    }),
    O,
  );
  assert.equal(ds.map(brief), [`BLINK612 ${M}:4:9`, `BLINK612 ${M}:6:9`, `BLINK612 ${M}:7:9`]);
  assert.is(ds[0]!.message, "blink_x at 1a2b3c4d depends on 'acount', which is neither in custom-addons/ at 1a2b3c4d, nor an Odoo 18.0 Community module, nor listed under defaults.addons_path_modules");
  assert.match(ds[0]!.hint!, /^did you mean 'account'\? If not, add an addons path that holds it/);
  assert.match(ds[1]!.hint!, /^did you mean 'blink_helper'\?/);
  assert.match(ds[2]!.hint!, /^fix the name, or add an addons path that holds it: commit it under custom-addons\/, or list its folder/);
});

rules('depends resolve against the whole Odoo 18.0 Community catalogue, not a short list', () => {
  const ds = check(manifest("{\n  'version': '18.0.1.0.0',\n  'depends': ['sale_timesheet', 'stock_dropshipping', 'l10n_ar_withholding', 'payment_mercado_pago', 'website_event', 'hr_contract', 'pos_loyalty'],\n}"));
  assert.equal(ds.map(brief), []);
});

rules('Enterprise modules are refused unless clients.yaml declares a folder that holds them', () => {
  const body = manifest("{\n  'version': '18.0.1.0.0',\n  'depends': ['account', 'documents'],\n}");
  const ds = check(body);
  assert.equal(ds.map(brief), [`BLINK612 ${M}:3:26`]);
  assert.match(ds[0]!.message, "depends on 'documents', which is neither in custom-addons/ at 1a2b3c4d, nor an Odoo 18.0 Community module");
  assert.equal(checkRelease(releaseOf(body), { ...O, declared: { documents: '/opt/odoo/enterprise' } }), []);
});

rules('depending on a module that is not installable is BLINK220 at the entry, for Odoo\'s and the release\'s own', () => {
  const ds = check({
    ...manifest("{\n  'version': '18.0.1.0.0',\n  'depends': [\n    'hw_drivers',\n    'blink_old',\n  ],\n}"),
    'blink_old/__init__.py': '',
    'blink_old/__manifest__.py': "{'version': '18.0.1.0.0', 'installable': False}",
  });
  assert.equal(ds.map(brief), [`BLINK220 ${M}:4:5`, `BLINK220 ${M}:5:5`]);
  assert.match(ds[0]!.message, "depends on 'hw_drivers', which is not installable: Odoo 18.0 ships it with 'installable': False");
  assert.match(ds[1]!.message, "custom-addons/blink_old/__manifest__.py at 1a2b3c4d says 'installable': False");
  assert.match(ds[0]!.hint!, "remove 'hw_drivers' from its depends");
});

rules('depends that is not a list of strings is BLINK610 at the value', () => {
  assert.equal(check(manifest("{\n  'version': '18.0.1.0.0',\n  'depends': 'base',\n}")).map(brief), [`BLINK610 ${M}:3:14`]);
});

rules('auto_install naming a module outside depends is BLINK610', () => {
  const ds = check(manifest("{\n  'version': '18.0.1.0.0',\n  'depends': ['sale'],\n  'auto_install': ['sale', 'stock'],\n}"));
  assert.equal(ds.map(brief), [`BLINK610 ${M}:4:28`]);
  assert.match(ds[0]!.message, "lists 'stock', which is not in its 'depends'");
});

rules('a data or demo file that is not in the module is BLINK613 at the entry', () => {
  const ds = check({
    ...manifest("{\n  'version': '18.0.1.0.0',\n  'data': [\n    'views/ok.xml',\n    './views/also_ok.xml',\n    'views/missing.xml',\n    '../blink_y/views/v.xml',\n  ],\n  'demo': ['demo/d.xml'],\n}\n"),
    'blink_x/views/ok.xml': '<odoo/>',
    'blink_x/views/also_ok.xml': '<odoo/>',
    'blink_y/views/v.xml': '<odoo/>',
  });
  assert.equal(ds.map(brief), [`BLINK613 ${M}:6:5`, `BLINK613 ${M}:7:5`, `BLINK613 ${M}:9:12`]);
  assert.is(ds[0]!.message, "'data' of blink_x at 1a2b3c4d lists custom-addons/blink_x/views/missing.xml, which is not in the commit");
  assert.match(ds[2]!.message, "'demo' of blink_x");
  assert.match(ds[0]!.hint!, "commit custom-addons/blink_x/views/missing.xml, or remove it from 'data'");
});

rules('assets: plain paths and globs must match release files; other modules and include are not checked', () => {
  const body = `{
  'version': '18.0.1.0.0',
  'depends': ['web'],
  'assets': {
    'web.assets_backend': [
      'blink_x/static/src/**/*.js',
      'blink_x/static/src/scss/*.scss',
      '/blink_x/static/src/x.xml',
      'blink_x/static/src/missing.js',
      ('include', 'web._assets_helpers'),
      ('after', 'web/static/src/core/x.js', 'blink_x/static/src/late.js'),
      ('remove', 'web/static/src/legacy/**/*'),
      'web/static/lib/whatever.js',
    ],
  },
}
`;
  const ds = check({ ...manifest(body), 'blink_x/static/src/a/b/c.js': '', 'blink_x/static/src/x.xml': '<t/>', 'blink_x/static/src/top.js': '' });
  assert.equal(ds.map(brief), [`BLINK613 ${M}:7:7`, `BLINK613 ${M}:9:7`, `BLINK613 ${M}:11:45`]);
  assert.is(ds[0]!.message, "asset glob 'blink_x/static/src/scss/*.scss' matches no file in bundle 'web.assets_backend' of blink_x at 1a2b3c4d");
  assert.is(ds[1]!.message, "asset 'blink_x/static/src/missing.js' is not in the commit in bundle 'web.assets_backend' of blink_x at 1a2b3c4d");
});

rules('assets must be a dict of lists', () => {
  assert.equal(check(manifest("{'version': '18.0.1.0.0', 'assets': ['x']}")).map(brief), [`BLINK610 ${M}:1:37`]);
  assert.equal(check(manifest("{'version': '18.0.1.0.0', 'assets': {'b': 'x'}}")).map(brief), [`BLINK610 ${M}:1:38`]);
});

rules.run();
