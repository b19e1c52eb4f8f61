import { suite } from 'uvu';
import * as assert from 'uvu/assert';
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

changed('dependencyClosure adds release dependencies transitively, skips standard modules, sorts', () => {
  assert.equal(dependencyClosure(before, ['c']), ['a', 'b', 'c']);
  assert.equal(dependencyClosure(before, ['d', 'a']), ['a', 'd']);
  assert.equal(dependencyClosure(before, []), []);
  const cyclic = releaseOf({ ...mod('x', ['y']), ...mod('y', ['x', 'web']) });
  assert.equal(dependencyClosure(cyclic, ['x']), ['x', 'y']);
});

changed.run();
