import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkCron } from '../../src/compile/checkCron.js';
import { explain, formatExplanation } from '../../src/compile/explain.js';
import { didYouMean } from '../../src/diagnostics/didYouMean.js';
import type { Instance } from '../../src/model/Fleet.js';
import { brief, buildTree, editClients, lineOf, patchedTree, sampleTree } from '../support/configTree.js';

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
  const odooMap = `config/clients.yaml:${lineOf(tree, 'config/clients.yaml', 'odoo: { log_level')}`;
  assert.equal(where(demo, 'limit_request'), ['config/base.conf:14', odooMap, 'config/hosts/demo.somosblink.com.conf:2']);
  assert.is(value(demo, 'limit_request'), '200');
  assert.equal(where(demo, 'log_level'), ['config/templates/test.template.conf:5', odooMap]);
  assert.is(value(demo, 'log_level'), 'debug');
  // extends never reaches the output.
  assert.is(value(demo, 'extends'), undefined);
  assert.equal(demo.iniSources, ['base.conf', 'templates/test.template.conf', 'hosts/demo.somosblink.com.conf']);
});

layers('a host file with its own extends chain replaces base.conf ← kind template', () => {
  const tree = patchedTree({
    'config/shared/big.conf': '[options]\nextends = ../base.conf\nlimit_request = 16384\n',
    'config/hosts/corteperfecto.somosblink.com.conf': '[options]\nextends = ../shared/big.conf\nadmin_passwd = ${secret:admin_passwd}\nlog_level = warn\n',
  });
  const prod = instance(buildTree(tree), 'corteperfecto-prod');
  assert.equal(prod.iniSources, ['base.conf', 'shared/big.conf', 'hosts/corteperfecto.somosblink.com.conf']);
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

explainSuite('workers: the chain, then where nginx sends /websocket and why', () => {
  const r = buildTree(sampleTree());
  const prod = explain(r.fleet!, 'corteperfecto.somosblink.com', 'workers').explanation!;
  assert.equal(prod.websocket, { mode: 'prefork', target: { key: 'gevent_port', port: 8072 }, reason: 'workers = 2: prefork server serves /websocket from its gevent process on the gevent port' });
  const text = formatExplanation(prod);
  assert.match(text, /→ workers = 2\s+config\/clients\.yaml:\d+:\d+\s+\(derived from clients\.corteperfecto\.environments\.prod\.workers\)/);
  assert.ok(text.endsWith('\n  nginx: /websocket → 127.0.0.1:8072 (gevent_port): workers = 2: prefork server serves /websocket from its gevent process on the gevent port'), text);
});

explainSuite('workers not set anywhere: Odoo\'s default 0, the threaded server, /websocket on the HTTP port', () => {
  const r = buildTree(sampleTree());
  for (const [host, port] of [['corteperfecto-test.somosblink.com', 8079], ['blink.somosblink.com', 8089], ['demo.somosblink.com', 8069]] as const) {
    const e = explain(r.fleet!, host, 'workers');
    assert.match(e.problem!, /workers is not set/);
    assert.equal(e.explanation!.chain, []);
    assert.equal(e.explanation!.websocket, { mode: 'threaded', target: { key: 'http_port', port }, reason: 'workers = 0: threaded server serves /websocket on the HTTP port' });
    assert.is(
      formatExplanation(e.explanation!),
      `${host} (${e.explanation!.instance}): workers = (not set)\n  nginx: /websocket → 127.0.0.1:${port} (http_port): workers = 0: threaded server serves /websocket on the HTTP port`,
    );
  }
});

explainSuite('the route follows odoo.conf\'s layering: a host file, its [DEFAULT] section, its extends chain', () => {
  const route = (tree: Record<string, string>, host: string) => {
    const r = buildTree(tree);
    assert.equal(r.diagnostics.filter((d) => d.severity === 'error'), []);
    return explain(r.fleet!, host, 'workers').explanation!;
  };
  // A host file's [options] override clients.yaml's workers: 2.
  const prodFile = sampleTree()['config/hosts/corteperfecto.somosblink.com.conf']!;
  const down = route(patchedTree({ 'config/hosts/corteperfecto.somosblink.com.conf': prodFile + 'workers = 0\n' }), 'corteperfecto.somosblink.com');
  assert.equal(down.chain.map((c) => c.layer), ['derived', 'host']);
  assert.equal(down.websocket!.target, { key: 'http_port', port: 8069 });
  // [DEFAULT] values reach [options], as Python's RawConfigParser merges them.
  // Here and below, max_connections raised too, so the workers' connection pools (BLINK280, an error) stay out of it.
  const clients = sampleTree()['config/clients.yaml']!.replace('max_connections: 200', 'max_connections: 500');
  const viaDefault = route(patchedTree({ 'config/clients.yaml': clients, 'config/hosts/corteperfecto-test.somosblink.com.conf': '[DEFAULT]\nworkers = 2\n[options]\nlog_level = info\n' }), 'corteperfecto-test.somosblink.com');
  assert.is(viaDefault.value, '2');
  assert.equal(viaDefault.websocket!.target, { key: 'gevent_port', port: 8082 });
  // A parent the host file extends.
  const viaParent = route(
    patchedTree({
      'config/clients.yaml': clients,
      'config/shared/busy.conf': '[options]\nextends = ../templates/test.template.conf\nworkers = 3\n',
      'config/hosts/blink.somosblink.com.conf': '[options]\nextends = ../shared/busy.conf\n',
    }),
    'blink.somosblink.com',
  );
  assert.equal(viaParent.chain.map((c) => `${c.pos.file}:${c.pos.line}`), ['config/shared/busy.conf:3']);
  assert.equal(viaParent.websocket, { mode: 'prefork', target: { key: 'gevent_port', port: 8092 }, reason: 'workers = 3: prefork server serves /websocket from its gevent process on the gevent port' });
});

explainSuite('http_port and gevent_port show the route too; other keys do not', () => {
  const r = buildTree(sampleTree());
  assert.match(formatExplanation(explain(r.fleet!, 'corteperfecto-test.somosblink.com', 'http_port').explanation!), '\n  nginx: /websocket → 127.0.0.1:8079 (http_port): workers = 0');
  assert.match(formatExplanation(explain(r.fleet!, 'corteperfecto-test.somosblink.com', 'gevent_port').explanation!), '\n  nginx: /websocket → 127.0.0.1:8079 (http_port)');
  const listDb = explain(r.fleet!, 'corteperfecto-test.somosblink.com', 'list_db').explanation!;
  assert.is(listDb.websocket, undefined);
  assert.not.match(formatExplanation(listDb), 'nginx:');
});

explainSuite('a workers value only apply resolves is BLINK215 where it is set, and explain says the mode is unknown', () => {
  const tree = patchedTree({ 'config/hosts/corteperfecto-test.somosblink.com.conf': '[options]\nworkers = ${ODOO_WORKERS}\n' });
  const r = buildTree(tree);
  assert.equal(r.diagnostics.map(brief), ['BLINK215 config/hosts/corteperfecto-test.somosblink.com.conf:2:1']);
  assert.match(r.diagnostics[0]!.message, "/websocket route depends on it");
  assert.equal(r.artifacts, []);
  const e = explain(r.fleet!, 'corteperfecto-test.somosblink.com', 'workers').explanation!;
  assert.is(e.websocket!.mode, 'unknown');
  assert.match(formatExplanation(e), '\n  nginx: /websocket → unknown: workers = ${ODOO_WORKERS}: not a number until apply resolves it');
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
