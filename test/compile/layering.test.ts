import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkCron } from '../../src/compile/checkCron.js';
import { explain, formatExplanation } from '../../src/compile/explain.js';
import { didYouMean } from '../../src/diagnostics/didYouMean.js';
import type { Instance } from '../../src/model/Fleet.js';
import { brief, buildTree, editClients, patchedTree, sampleTree } from '../support/configTree.js';

const instance = (r: ReturnType<typeof buildTree>, id: string): Instance => {
  const i = r.fleet?.instances.find((x) => x.id === id);
  if (!i) throw new Error(`no instance ${id}: ${r.diagnostics.map(brief).join(', ')}`);
  return i;
};
const where = (i: Instance, key: string) => i.options.find((o) => o.key === key)!.chain.map((c) => `${c.pos.file}:${c.pos.line}`);
const value = (i: Instance, key: string) => i.options.find((o) => o.key === key)?.value;

// ---
const layers = suite('INI layering');

layers('base.conf ← kind template ← derived ← odoo: map ← host file, with provenance', () => {
  const tree = editClients('tls: none\n', 'tls: none\n        odoo: { log_level: debug, limit_request: 100 }\n');
  tree['config/hosts/demo.somosblink.com.conf'] = '[options]\nlimit_request = 200\n';
  const demo = instance(buildTree(tree), 'demo-showcase');
  assert.equal(where(demo, 'limit_request'), ['config/base.conf:14', 'config/clients.yaml:62', 'config/hosts/demo.somosblink.com.conf:2']);
  assert.is(value(demo, 'limit_request'), '200');
  assert.equal(where(demo, 'log_level'), ['config/templates/test.template.conf:5', 'config/clients.yaml:62']);
  assert.is(value(demo, 'log_level'), 'debug');
  // extends never reaches the output.
  assert.is(value(demo, 'extends'), undefined);
  assert.equal(demo.iniSources, ['config/base.conf', 'config/templates/test.template.conf', 'config/hosts/demo.somosblink.com.conf']);
});

layers('a host file with its own extends chain replaces base.conf ← kind template', () => {
  const tree = patchedTree({
    'config/shared/big.conf': '[options]\nextends = ../base.conf\nlimit_request = 16384\n',
    'config/hosts/corteperfecto.somosblink.com.conf': '[options]\nextends = ../shared/big.conf\nadmin_passwd = ${secret:admin_passwd}\nlog_level = warn\n',
  });
  const prod = instance(buildTree(tree), 'corteperfecto-prod');
  assert.equal(prod.iniSources, ['config/base.conf', 'config/shared/big.conf', 'config/hosts/corteperfecto.somosblink.com.conf']);
  assert.is(value(prod, 'limit_request'), '16384');
  // Derived values still sit above the host's chain.
  assert.is(value(prod, 'http_port'), '8069');
});

layers('derived values: ports, database, filter, paths, workers only where set', () => {
  const r = buildTree(sampleTree());
  const prod = instance(r, 'corteperfecto-prod');
  assert.is(value(prod, 'db_name'), 'corteperfecto-prod');
  assert.is(value(prod, 'dbfilter'), '^corteperfecto-prod$');
  assert.is(value(prod, 'gevent_port'), '8072');
  assert.is(value(prod, 'data_dir'), '/opt/odoo/.local/share/Odoo-corteperfecto-prod');
  assert.is(value(prod, 'logfile'), '/var/log/odoo/odoo-corteperfecto-prod.log');
  assert.is(value(prod, 'workers'), '2');
  assert.is(value(instance(r, 'corteperfecto-test'), 'workers'), undefined);
  assert.is(value(instance(r, 'blink-internal'), 'db_name'), 'blink-internal');
  assert.is(instance(r, 'blink-internal').service, 'odoo-blink-internal');
});

layers('booleans are written True/False whatever case the input used', () => {
  const tree = patchedTree({ 'config/hosts/demo.somosblink.com.conf': '[options]\nwithout_demo = False\nlist_db = false\n' });
  assert.is(value(instance(buildTree(tree), 'demo-showcase'), 'list_db'), 'False');
});

layers('adding a client changes no other instance', () => {
  const before = buildTree(sampleTree());
  const after = buildTree(editClients('clients:\n', 'clients:\n  acme:\n    environments:\n      prod: { host: acme.example.com, server: aws-1, branch: main, kind: production, port: 8099 }\n'));
  for (const i of before.fleet!.instances) {
    const j = after.fleet!.instances.find((x) => x.id === i.id)!;
    assert.equal(j.options.map((o) => [o.key, o.value]), i.options.map((o) => [o.key, o.value]), i.id);
  }
});

layers('warnings: memory and workers beyond the server, fail only with strict (checked by the CLI)', () => {
  // max_connections raised too: nine workers' pools are BLINK280's business (test/compile/postgresCapacity.test.ts).
  const tree = editClients('kind: production, port: 8069, workers: 2', 'kind: production, port: 8069, workers: 9');
  const r = buildTree({ ...tree, 'config/clients.yaml': tree['config/clients.yaml']!.replace('max_connections: 200', 'max_connections: 500') });
  assert.equal(r.diagnostics.map((d) => `${d.severity} ${brief(d)}`), ['warning BLINK310 config/clients.yaml:27:3', 'warning BLINK311 config/clients.yaml:27:3']);
  assert.ok(r.artifacts.length > 0, 'warnings do not stop the render');
});

layers('a host file that matches no instance is a warning with a did-you-mean', () => {
  const r = buildTree(patchedTree({ 'config/hosts/demo.somosblink.co.conf': '[options]\nlog_level = info\n' }));
  assert.equal(r.diagnostics.map(brief), ['BLINK312 config/hosts/demo.somosblink.co.conf:1:1']);
  assert.match(r.diagnostics[0]!.hint!, /demo\.somosblink\.com\.conf/);
});

// ---
const explainSuite = suite('explain');

explainSuite('prints the chain, lowest first, winner last', () => {
  const r = buildTree(sampleTree());
  const e = explain(r.fleet!, 'corteperfecto.somosblink.com', 'list_db');
  assert.equal(e.explanation!.chain.map((c) => `${c.pos.file}:${c.pos.line}`), ['config/base.conf:9', 'config/templates/production.template.conf:5']);
  const text = formatExplanation(e.explanation!);
  assert.match(text, /corteperfecto\.somosblink\.com \(corteperfecto-prod\): list_db = False/);
  assert.match(text, /→ list_db = False\s+config\/templates\/production\.template\.conf:5:1/);
});

explainSuite('unknown host and unset key are explained, with suggestions', () => {
  const r = buildTree(sampleTree());
  assert.match(explain(r.fleet!, 'corteperfeto.somosblink.com', 'list_db').problem!, /did you mean corteperfecto\.somosblink\.com/);
  assert.match(explain(r.fleet!, 'demo.somosblink.com', 'smtp_server').problem!, /not set/);
});

// ---
const cron = suite('cron schedules');

cron('valid schedules', () => {
  for (const s of ['0 */6 * * *', '30 3 * * *', '*/15 1-5 * jan-mar mon-fri', '0 0 1,15 * 7', '@daily']) assert.is(checkCron(s), undefined, s);
});

cron('invalid schedules', () => {
  for (const s of ['30 25 * * *', '* * *', '0 0 * * 8', '0 0 0 * *', '0 */0 * * *', '5-1 * * * *', '@reboot', 'x * * * *', '0 0 * foo *']) assert.type(checkCron(s), 'string', s);
});

// ---
const dym = suite('did you mean');

dym('typos, transpositions, and nothing for unrelated words', () => {
  assert.is(didYouMean('memroy_mb', ['cpus', 'memory_mb']), 'memory_mb');
  assert.is(didYouMean('db_filter', ['dbfilter', 'db_name']), 'dbfilter');
  assert.is(didYouMean('zzz', ['cpus', 'memory_mb']), undefined);
});

layers.run();
explainSuite.run();
cron.run();
dym.run();
