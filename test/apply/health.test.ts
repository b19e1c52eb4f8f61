/**
 * The health check blink-apply and blink-deploy share: what an answer means
 * (Odoo 18's JSON, not just a status code), reading whole answers over a
 * real socket, the configured URLs checked at compile time, and apply
 * against HTTP stand-ins of Odoo's health routes (test/support/odooHealth.ts):
 * a database server that is down, a gevent process that comes up late.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { join } from 'node:path';
import { judgeHealth } from '../../src/apply/judgeHealth.js';
import { localTransport } from '../../src/remote/localTransport.js';
import { shellRemote } from '../../src/remote/shellRemote.js';
import type { Fleet } from '../../src/model/Fleet.js';
import { brief, buildTree, editClients, lineOf } from '../support/configTree.js';
import { freePort } from '../support/sshd.js';
import { tempDir } from '../support/tmp.js';
import { testWorld, type TestWorld } from './fixture.js';
import { runFleet } from './harness.js';

const WEB = 'http://127.0.0.1:8069/web/health?db_server_status=1';
const WS = 'http://127.0.0.1:8072/websocket/health';
const ok = (body: unknown, status = 200) => ({ status, body: typeof body === 'string' ? body : JSON.stringify(body) });

// ---
const judge = suite('health: what an answer says');

judge('Odoo\u2019s healthy answers pass', () => {
  assert.is(judgeHealth(WEB, ok({ status: 'pass', db_server_status: true })), undefined);
  assert.is(judgeHealth(WS, ok({ status: 'pass' })), undefined);
  // Odoo's own spacing (json.dumps) is the same data.
  assert.is(judgeHealth(WEB, ok('{"status": "pass", "db_server_status": true}')), undefined);
});

judge('a database server that is down: Odoo\u2019s 500 with status fail', () => {
  const p = judgeHealth(WEB, ok({ status: 'fail', db_server_status: false }, 500));
  assert.equal(p, { answered: 'HTTP 500 {"status":"fail","db_server_status":false}', databaseDown: true });
});

judge('a 200 is not enough: the body must be Odoo\u2019s health data', () => {
  assert.match(judgeHealth(WEB, ok('<html>Welcome to nginx!</html>'))!.answered, /HTTP 200 "<html>Welcome to nginx!<\/html>", not Odoo's health answer/);
  assert.match(judgeHealth(WEB, ok(''))!.answered, /\(empty body\), not Odoo's health answer/);
  assert.match(judgeHealth(WEB, ok(['pass']))!.answered, /not Odoo's health answer/);
  assert.match(judgeHealth(WEB, ok({ status: 'warn', db_server_status: true }))!.answered, /"status":"warn"/);
  // Asked for the database, answered without it: not the Odoo 18 route.
  assert.match(judgeHealth(WEB, ok({ status: 'pass' }))!.answered, /without "db_server_status": true/);
  // Not asked: none expected.
  assert.is(judgeHealth('http://127.0.0.1:8069/web/health', ok({ status: 'pass' })), undefined);
});

judge('no answer, or an error status, says so', () => {
  assert.equal(judgeHealth(WEB, { error: 'connect ECONNREFUSED 127.0.0.1:8069' }), { answered: 'connect ECONNREFUSED 127.0.0.1:8069' });
  assert.equal(judgeHealth(WEB, ok('', 503)), { answered: 'HTTP 503 (empty body)' });
  assert.equal(judgeHealth(WEB, ok({ status: 'pass', db_server_status: true }, 502)), { answered: 'HTTP 502 {"status":"pass","db_server_status":true}' });
});

judge.run();

// ---
const read = suite('health: reading whole answers over a socket');
const servers: (HttpServer | TcpServer)[] = [];
const listen = async (srv: HttpServer | TcpServer): Promise<number> => {
  const port = await freePort();
  await new Promise<void>((r) => srv.listen(port, '127.0.0.1', () => r()));
  servers.push(srv);
  return port;
};
const get = (url: string) => localTransport('t').httpGet(url, 2000);

read.after(async () => {
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
});

read('status and body, by Content-Length', async () => {
  const port = await listen(createHttpServer((_req, res) => res.writeHead(500, { 'Content-Type': 'application/json' }).end('{"status": "fail", "db_server_status": false}')));
  assert.equal(await get(`http://127.0.0.1:${port}/web/health?db_server_status=1`), { status: 500, body: '{"status": "fail", "db_server_status": false}' });
});

read('a body without Content-Length ends when the server closes', async () => {
  const port = await listen(createTcpServer((sock) => sock.once('data', () => sock.end('HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{"status": "pass"}'))));
  assert.equal(await get(`http://127.0.0.1:${port}/websocket/health`), { status: 200, body: '{"status": "pass"}' });
});

read('something that is not HTTP, and a port nobody listens on', async () => {
  // resume(): the stand-in must read, or it never sees the client go and never closes.
  const port = await listen(createTcpServer((sock) => sock.resume().end('SSH-2.0-OpenSSH_9.6\r\n')));
  assert.equal(await get(`http://127.0.0.1:${port}/web/health`), { error: 'not an HTTP answer' });
  const closed = await freePort();
  const r = await get(`http://127.0.0.1:${closed}/web/health`);
  assert.ok('error' in r && /ECONNREFUSED/.test(r.error), JSON.stringify(r));
});

read('a huge answer is cut, not buffered without end', async () => {
  const port = await listen(createHttpServer((_req, res) => res.end('x'.repeat(1024 * 1024))));
  const r = await get(`http://127.0.0.1:${port}/web/health`);
  assert.ok('status' in r && r.status === 200 && r.body.length > 60 * 1024 && r.body.length <= 64 * 1024, 'status' in r ? String(r.body.length) : r.error);
});

read.run();

// ---
const conf = suite('health: configured URLs');
const Y = 'config/clients.yaml';
const withHealth = (line: string) => editClients('    memory_mb: 4096\n', `    memory_mb: 4096\n    commands:\n      ${line}\n`);

conf('the defaults ask Odoo about its database, and about the gevent port with workers', () => {
  const r = buildTree(editClients('    memory_mb: 4096\n', '    memory_mb: 4096\n'));
  const s = r.fleet!.servers.find((x) => x.name === 'aws-1')!;
  assert.is(s.commands.health, 'http://127.0.0.1:{port}/web/health?db_server_status=1');
  assert.is(s.commands.websocket_health, 'http://127.0.0.1:{gevent_port}/websocket/health');
});

conf('a configured /web/health without db_server_status is kept, with BLINK516 at its value', () => {
  const tree = withHealth('health: http://127.0.0.1:{port}/web/health');
  const r = buildTree(tree);
  assert.equal(r.diagnostics.map(brief), [`BLINK516 ${Y}:${lineOf(tree, Y, 'health: http')}:15`]);
  assert.is(r.diagnostics[0]!.severity, 'warning');
  assert.match(r.diagnostics[0]!.hint!, /db_server_status=1/);
  assert.is(r.fleet!.servers.find((x) => x.name === 'aws-1')!.commands.health, 'http://127.0.0.1:{port}/web/health');
});

conf('another configured URL is kept as written, without a warning', () => {
  const r = buildTree(withHealth('health: http://127.0.0.1:{port}/web/health?db_server_status=yes'));
  assert.equal(r.diagnostics, []);
});

conf('unknown placeholders and other schemes → BLINK517 at the value', () => {
  for (const [line, needle] of [
    ['health: http://{host}:{port}/web/health', '{host}'],
    ['health: https://127.0.0.1:{port}/web/health?db_server_status=1', 'https'],
    ['websocket_health: 127.0.0.1:{gevent_port}/websocket/health', 'websocket_health'],
  ] as const) {
    const tree = withHealth(line);
    const r = buildTree(tree);
    const at = lineOf(tree, Y, line);
    assert.ok(r.diagnostics.some((d) => brief(d) === `BLINK517 ${Y}:${at}:${line.indexOf(':') + 9}` && d.severity === 'error'), `${needle}: ${r.diagnostics.map(brief).join(', ')}`);
  }
});

conf.run();

// ---
const apply = suite('health: blink-apply against stand-ins of Odoo');
const ctx: { tmp?: { dir: string; cleanup: () => void }; world?: TestWorld } = {};
const w = (): TestWorld => ctx.world!;
const remoteFor = (s: Fleet['servers'][number]) => shellRemote(localTransport(s.name), s.root);
/** The fleet with one option changed on `id`, so its odoo.conf changes and it restarts. */
const touched = (id: string, value: string): Fleet => ({
  ...w().fleet,
  instances: w().fleet.instances.map((i) => (i.id === id ? { ...i, options: i.options.map((o) => (o.key === 'max_cron_threads' ? { ...o, value } : o)) } : i)),
});
const run = (fleet: Fleet, retries = 3) => runFleet(fleet, w().render(fleet), remoteFor, { apply: true, health: { retries, intervalMs: 20, timeoutMs: 1000 } });

apply.before(async () => {
  ctx.tmp = tempDir('blink-apply-health-');
  ctx.world = await testWorld(ctx.tmp.dir, [{ name: 'h1', transport: 'local' }]);
  const first = await run(w().fleet);
  assert.is(first.report('h1').outcome, 'applied', JSON.stringify(first.report('h1').diagnostics));
});

apply.after(async () => {
  await ctx.world?.stop();
  ctx.tmp?.cleanup();
});

apply('the first apply checked each instance the way deploy does', () => {
  const asked = new Set(w().healthRequests());
  // h1-a is production with workers: both ports; h1-b is threaded: the HTTP port only.
  assert.equal([...asked].sort(), ['h1-a /web/health?db_server_status=1', 'h1-a /websocket/health', 'h1-b /web/health?db_server_status=1']);
});

apply('a database server that is down fails the check and rolls the server back', async () => {
  const conf = join(w().rootOf('h1'), 'etc/odoo/b.h1.test.conf');
  const before = readFileSync(conf, 'utf8');
  w().setDatabaseDown('h1-b', true);
  w().clearCommands();
  try {
    const r = await run(touched('h1-b', '2'));
    const rep = r.report('h1');
    assert.is(rep.outcome, 'rolled-back');
    const d = rep.diagnostics.find((x) => x.code === 'BLINK514')!;
    assert.match(d.message, /h1-b is not healthy: http:\/\/127\.0\.0\.1:\d+\/web\/health\?db_server_status=1 answered HTTP 500 \{"status":"fail","db_server_status":false\} after 3 attempts/);
    assert.match(d.hint!, /cannot reach its database server/);
    assert.is(readFileSync(conf, 'utf8'), before);
    assert.equal(w().commands(), ['h1 restart odoo-h1-b', 'h1 restart odoo-h1-b']);
  } finally {
    w().setDatabaseDown('h1-b', false);
  }
});

apply('with workers, a gevent process that comes up late passes after retries', async () => {
  w().setGeventLate('h1-a', 2);
  const before = w().healthRequests().length;
  const r = await run(touched('h1-a', '3'));
  assert.is(r.report('h1').outcome, 'applied', JSON.stringify(r.report('h1').diagnostics));
  assert.equal(w().healthRequests().slice(before), ['h1-a /web/health?db_server_status=1', 'h1-a /websocket/health', 'h1-a /websocket/health', 'h1-a /websocket/health']);
});

apply('a gevent process that never comes up rolls back, naming its port', async () => {
  w().setGeventLate('h1-a', 3);
  try {
    const r = await run(touched('h1-a', '4'));
    const rep = r.report('h1');
    assert.is(rep.outcome, 'rolled-back');
    const d = rep.diagnostics.find((x) => x.code === 'BLINK514')!;
    const gevent = w().fleet.instances.find((i) => i.id === 'h1-a')!.geventPort;
    assert.match(d.message, `127.0.0.1:${gevent}/websocket/health answered`);
    assert.match(d.hint!, /gevent process/);
  } finally {
    w().setGeventLate('h1-a', 0);
  }
});

apply.run();
