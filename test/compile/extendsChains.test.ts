/**
 * extends chains of any shape end in a result or a diagnostic, never a stack
 * overflow: the resolver walks in a loop and stops at MAX_EXTENDS_DEPTH.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_EXTENDS_DEPTH } from '../../src/compile/ExtendsResolver.js';
import { brief, buildTree, errorsOf, sampleTree } from '../support/configTree.js';

const chains = suite('extends chains');
const HOST = 'config/hosts/demo.somosblink.com.conf';

/** hosts/demo…conf → chain/c0 → … → chain/c<n-1> → base.conf: a chain of n + 2 files. */
function chainTree(n: number, last = '../base.conf'): Record<string, string> {
  const t = sampleTree();
  for (let i = 0; i < n; i++) t[`config/chain/c${i}.conf`] = `[options]\nextends = ${i + 1 < n ? `c${i + 1}.conf` : last}\n`;
  t[HOST] = '[options]\nextends = ../chain/c0.conf\nwithout_demo = False\n';
  return t;
}

chains('a 5,000-file chain is BLINK253 at the file that starts it, not a RangeError', () => {
  const r = buildTree(chainTree(5000));
  assert.equal(errorsOf(r).map(brief), [`BLINK253 ${HOST}:2:11`]);
  assert.match(errorsOf(r)[0]!.message, `more than ${MAX_EXTENDS_DEPTH} files deep`);
});

chains(`exactly ${MAX_EXTENDS_DEPTH} files are fine; one more is BLINK253`, () => {
  const fits = buildTree(chainTree(MAX_EXTENDS_DEPTH - 2));
  assert.equal(errorsOf(fits), []);
  const demo = fits.artifacts.find((a) => a.path === '/etc/odoo/demo.somosblink.com.conf')!;
  assert.match(demo.content, 'without_demo = False');
  assert.equal(errorsOf(buildTree(chainTree(MAX_EXTENDS_DEPTH - 1))).map((d) => d.code), ['BLINK253']);
});

chains('a cycle is one BLINK207 at the file that closes it; a 5,000-file one is one error too, not a RangeError', () => {
  const errors = errorsOf(buildTree(chainTree(50, 'c0.conf')));
  assert.equal(errors.map(brief), ['BLINK207 config/chain/c49.conf:2:11']);
  assert.equal(errorsOf(buildTree(chainTree(5000, 'c0.conf'))).map(brief), [`BLINK253 ${HOST}:2:11`]);
});

chains('a file part way up a too-deep chain can still start a chain of its own', () => {
  const t = chainTree(MAX_EXTENDS_DEPTH + 10);
  t['config/hosts/corteperfecto.somosblink.com.conf'] = `[options]\nextends = ../chain/c${MAX_EXTENDS_DEPTH}.conf\nadmin_passwd = \${secret:admin_passwd}\nlist_db = False\n`;
  const r = buildTree(t);
  assert.equal(errorsOf(r).map(brief), [`BLINK253 ${HOST}:2:11`]);
});

chains.run();
