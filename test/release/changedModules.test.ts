import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { OdooModule } from '../../src/compile/odooModules.js';
import { changedModules, dependencyClosure, moduleHashes } from '../../src/release/changedModules.js';
import { MANIFEST } from './gitRepos.js';
import { releaseOf } from './releaseOf.js';

const mod = (name: string, depends: string[], extra: Record<string, string> = {}): Record<string, string> => ({
  [`${name}/__init__.py`]: '',
  [`${name}/__manifest__.py`]: MANIFEST(name, depends),
  ...Object.fromEntries(Object.entries(extra).map(([p, c]) => [`${name}/${p}`, c])),
});

const before = releaseOf({ ...mod('a', ['base']), ...mod('b', ['a', 'sale']), ...mod('c', ['b']), ...mod('d', ['base']) });

const changed = suite('changedModules');

changed('moduleHashes maps each module to its hash', () => {
  const h = moduleHashes(before);
  assert.equal(Object.keys(h), ['a', 'b', 'c', 'd']);
  assert.is(h['a'], before.modules.get('a')!.hash);
  assert.match(h['a']!, /^[0-9a-f]{64}$/);
});

changed('only added and changed modules; no record before means all of them', () => {
  const after = releaseOf({ ...mod('a', ['base'], { 'x.py': 'changed = 1\n' }), ...mod('b', ['a', 'sale']), ...mod('c', ['b']), ...mod('d', ['base']), ...mod('e', ['d']) });
  assert.equal(changedModules(moduleHashes(before), after), ['a', 'e']);
  assert.equal(changedModules(moduleHashes(before), before), []);
  assert.equal(changedModules(undefined, after), ['a', 'b', 'c', 'd', 'e']);
  // A module removed since is not "changed": there is nothing of it to update.
  assert.equal(changedModules(moduleHashes(after), before), ['a']);
});

changed('dependencyClosure adds release dependencies transitively, returns no Odoo module it is not asked for, sorts', () => {
  assert.equal(dependencyClosure(before, ['c']), ['a', 'b', 'c']);
  assert.equal(dependencyClosure(before, ['d', 'a']), ['a', 'd']);
  assert.equal(dependencyClosure(before, []), []);
  const cyclic = releaseOf({ ...mod('x', ['y']), ...mod('y', ['x', 'web']) });
  assert.equal(dependencyClosure(cyclic, ['x']), ['x', 'y']);
});

changed('dependencyClosure follows depends through Odoo modules and adds what Odoo auto-installs', () => {
  const odoo = new Map<string, OdooModule>([
    ['base', { depends: [], auto_install: true }],
    ['web', { depends: ['base'], auto_install: true }],
    ['sale', { depends: ['web'] }],
    ['stock', { depends: ['web'] }],
    ['sale_stock', { depends: ['sale', 'stock'], auto_install: true }],
    ['hw_box', { depends: [], auto_install: true, installable: false }],
  ]);
  const r = releaseOf({
    ...mod('glue', ['sale', 'stock'], { '__manifest__.py': MANIFEST('glue', ['sale', 'stock'], "    'auto_install': True,\n") }),
    ...mod('on_sale', ['sale', 'web'], { '__manifest__.py': MANIFEST('on_sale', ['sale', 'web'], "    'auto_install': ['sale'],\n") }),
    ...mod('on_glue', ['glue'], { '__manifest__.py': MANIFEST('on_glue', ['glue'], "    'auto_install': True,\n") }),
    ...mod('off', ['web'], { '__manifest__.py': MANIFEST('off', ['web'], "    'auto_install': True,\n    'installable': False,\n") }),
    ...mod('mine', ['sale']),
  });
  // mine needs sale, which triggers on_sale; stock is not there, so glue is not.
  assert.equal(dependencyClosure(r, ['mine'], odoo), ['mine', 'on_sale']);
  // sale_stock brings sale and stock: glue follows, then on_glue, which only glue triggers.
  assert.equal(dependencyClosure(r, ['sale_stock'], odoo), ['glue', 'on_glue', 'on_sale', 'sale_stock']);
  // Nothing listed: only what base alone triggers, and never a module that is not installable.
  assert.equal(dependencyClosure(r, [], odoo), []);
});

changed('dependencyClosure reads the real catalogue by default', () => {
  const r = releaseOf({ ...mod('glue', ['sale', 'stock'], { '__manifest__.py': MANIFEST('glue', ['sale', 'stock'], "    'auto_install': True,\n") }) });
  // sale_stock needs sale and stock_account, which needs stock.
  assert.equal(dependencyClosure(r, ['sale_stock']), ['glue', 'sale_stock']);
  assert.equal(dependencyClosure(r, ['sale']), ['sale']);
  assert.equal(dependencyClosure(r, ['sale', 'stock']), ['glue', 'sale', 'stock']);
});

changed.run();
