/**
 * `${NAME}` and `${secret:KEY}` stand for a whole option value: a partial or
 * malformed reference is BLINK254 at the value, wherever the value is set.
 * `extends` in an odoo: map is refused (BLINK255) and never written.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { brief, buildTree, editClients, errorsOf, lineOf, patchedTree } from '../support/configTree.js';

const refs = suite('references in option values');
const Y = 'config/clients.yaml';
const TEST_ENV = 'kind: test, port: 8079 }';

/** corteperfecto-test with an odoo: map; the position of `needle` on its line. */
function withOdoo(map: string, needle: string): { tree: Record<string, string>; at: string } {
  const tree = editClients(TEST_ENV, `kind: test, port: 8079, odoo: ${map} }`);
  const line = lineOf(tree, Y, needle);
  return { tree, at: `${Y}:${line}:${tree[Y]!.split('\n')[line - 1]!.indexOf(needle) + 1}` };
}

refs("list_db: 'maybe ${x}' in an odoo: map is BLINK254 at the value, and nothing is rendered", () => {
  const { tree, at } = withOdoo("{ list_db: 'maybe ${LIST_DB}' }", "'maybe");
  const r = buildTree(tree);
  assert.equal(errorsOf(r).map(brief), [`BLINK254 ${at}`]);
  assert.match(errorsOf(r)[0]!.message, '${LIST_DB} is only part of the value "maybe ${LIST_DB}"');
  assert.match(errorsOf(r)[0]!.hint!, 'write `list_db = ${LIST_DB}`');
  assert.is(r.artifacts.length, 0);
});

refs('a partial reference in an INI file is BLINK254 at the value column', () => {
  const r = buildTree(patchedTree({ 'config/hosts/demo.somosblink.com.conf': '[options]\ndb_maxconn = 2${N}\n' }));
  assert.equal(errorsOf(r).map(brief), ['BLINK254 config/hosts/demo.somosblink.com.conf:2:14']);
});

refs('something that looks like a reference but is none apply resolves is BLINK254', () => {
  for (const value of ['${a.b}', '${ X }', '${}', '${secret:}', '${X', 'x${secret:a b}']) {
    const { tree, at } = withOdoo(`{ smtp_user: '${value}' }`, `'${value}'`);
    assert.equal(errorsOf(buildTree(tree)).map(brief), [`BLINK254 ${at}`], value);
  }
});

refs('a whole reference, with spaces Odoo strips around it, is fine; its type is checked at apply', () => {
  for (const value of ['${LIST_DB}', ' ${secret:list_db} ']) {
    const { tree } = withOdoo(`{ list_db: '${value}' }`, 'list_db');
    const r = buildTree(tree);
    assert.equal(errorsOf(r), [], value);
    const conf = r.artifacts.find((a) => a.path === '/etc/odoo/corteperfecto-test.somosblink.com.conf')!;
    assert.ok(conf.secretRefs.length >= 2, value);
  }
});

refs('odoo: { extends: … } is BLINK255 at the key and never reaches odoo.conf', () => {
  const { tree, at } = withOdoo('{ extends: ../base.conf, log_level: warn }', 'extends');
  const r = buildTree(tree);
  assert.equal(errorsOf(r).map(brief), [`BLINK255 ${at}`]);
  assert.match(errorsOf(r)[0]!.hint!, 'config/hosts/corteperfecto-test.somosblink.com.conf');
  const test = r.fleet!.instances.find((i) => i.id === 'corteperfecto-test')!;
  assert.equal(test.options.filter((o) => o.key === 'extends'), []);
  assert.ok(test.options.some((o) => o.key === 'log_level' && o.value === 'warn'));
});

refs.run();
