/**
 * Each of the seed's deploy steps refusing with its message, and failures
 * on the server leaving the previous release running (see fixture.ts for
 * the stand-ins). One world per suite; each test says what it starts from.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { localTransport } from '../../src/remote/localTransport.js';
import { isFailure } from '../../src/remote/Remote.js';
import { shellRemote } from '../../src/remote/shellRemote.js';
import { shellDeployRemote } from '../../src/remote/shellDeployRemote.js';
import type { DeployRemote } from '../../src/remote/DeployRemote.js';
import type { Server } from '../../src/model/Fleet.js';
import { GIT_ENV, deployedWorld, type DeployWorld } from './fixture.js';
import { startWebhook } from '../support/webhook.js';

const s = suite('blink-deploy steps');
let w: DeployWorld;
const PROD = ['--host', 'acme.example.test'];
const TEST = ['--host', 'acme-test.example.test'];
const codes = (text: string): string[] => [...text.matchAll(/error (BLINK\d+)/g)].map((m) => m[1]!);

s.before(async () => {
  w = await deployedWorld();
});
s.after(async () => {
  await w?.stop();
});

s('1. a host not in clients.yaml, and a fleet that does not compile, stop before git', async () => {
  let r = await w.deploy(['--host', 'acme.exmple.test', '--yes']);
  assert.is(r.code, 1);
  assert.equal(codes(r.err), ['BLINK605']);
  assert.match(r.err, 'did you mean acme.example.test?');
  r = await w.deploy(['--yes']);
  assert.equal(codes(r.err), ['BLINK605'], 'no selection deploys nothing');
  const yaml = join(w.repo, 'config/clients.yaml');
  const good = readFileSync(yaml, 'utf8');
  writeFileSync(yaml, good.replace('kind: production', 'kind: prodution'));
  try {
    r = await w.deploy([...PROD, '--yes']);
    assert.is(r.code, 1);
    assert.match(r.err, /config\/clients\.yaml:\d+:\d+: error BLINK021/);
    assert.not.match(r.err, 'BLINK601', 'compile errors come first');
  } finally {
    writeFileSync(yaml, good);
  }
});

s('2. git: a dirty tree, a missing branch, a branch behind its upstream', async () => {
  const stray = join(w.repo, 'custom-addons/acme_base/stray.py');
  writeFileSync(stray, 'x = 1\n');
  let r = await w.deploy([...TEST, '--yes']);
  rmSync(stray);
  assert.equal(codes(r.err), ['BLINK601']);
  assert.match(r.err, 'custom-addons/acme_base/stray.py');

  r = await w.deploy([...TEST, '--branch', 'tset', '--yes']);
  assert.equal(codes(r.err), ['BLINK602']);
  assert.match(r.err, "did you mean 'test'");

  // Someone else pushes to test: this checkout is behind until it pulls.
  const other = join(w.dir, 'other');
  spawnSync('git', ['clone', '-q', '-b', 'test', w.origin, other], { env: { ...process.env, ...GIT_ENV } });
  writeFileSync(join(other, 'custom-addons/acme_sale/README.md'), 'pushed elsewhere\n');
  spawnSync('sh', ['-c', 'git commit -qam elsewhere && git push -q origin test'], { cwd: other, env: { ...process.env, ...GIT_ENV } });
  const before = w.current('acme-test');
  r = await w.deploy([...TEST, '--yes']);
  assert.equal(codes(r.err), ['BLINK603']);
  assert.match(r.err, '1 commit behind');
  assert.is(w.current('acme-test'), before);
  w.git('checkout', '-q', 'test');
  w.git('pull', '-q', '--ff-only');
  w.git('checkout', '-q', 'main');
});

s('3. branch policy: production takes only what is on its own branch, unless --force', async () => {
  const hot = w.git('rev-parse', 'test');
  const r = await w.deploy([...PROD, '--branch', 'test', '--yes']);
  assert.is(r.code, 1);
  assert.equal(codes(r.err), ['BLINK604']);
  assert.match(r.err, /config\/clients\.yaml:\d+:\d+: error BLINK604: acme-prod is production and follows main; branch test is not on main/);
  assert.is.not(w.current('acme-prod'), hot);
});

s('4. the release itself is checked before any server is contacted', async () => {
  const good = w.git('rev-parse', 'test');
  w.commit('test', { 'custom-addons/acme_sale/__manifest__.py': "{'name': 'Acme sale', 'version': '1.0',\n 'license': 'LGPL-3', 'depends': ['acme_base', 'sale'], 'data': ['views/missing.xml']}\n", 'custom-addons/acme_sale/bad.py': 'def broken(:\n' });
  w.clearLogs();
  const r = await w.deploy([...TEST, '--yes']);
  assert.is(r.code, 1);
  assert.ok(codes(r.err).includes('BLINK611'), r.err);
  assert.ok(codes(r.err).includes('BLINK613'), r.err);
  assert.ok(codes(r.err).includes('BLINK615'), r.err);
  assert.match(r.err, /custom-addons\/acme_sale\/__manifest__\.py:1:\d+: error BLINK611/);
  assert.match(r.err, /custom-addons\/acme_sale\/bad\.py:1:\d+: error BLINK615/);
  assert.is(w.health.length, 0, 'no server contacted');
  assert.is(w.current('acme-test') === good || w.current('acme-test') !== undefined, true);
  // Put test back in a deployable state.
  w.commit('test', { 'custom-addons/acme_sale/__manifest__.py': "{'name': 'Acme sale', 'version': '18.0.1.0.1', 'license': 'LGPL-3', 'depends': ['acme_base', 'sale'], 'data': []}\n", 'custom-addons/acme_sale/bad.py': null });
});

s('5. a failed upload leaves the running release alone', async () => {
  const before = w.current('acme-test')!;
  const next = w.git('rev-parse', 'test');
  // Something that is not a release sits where the new one would go.
  writeFileSync(join(w.releaseDir('acme-test'), next), 'not a folder');
  w.clearLogs();
  const r = await w.deploy([...TEST, '--yes']);
  rmSync(join(w.releaseDir('acme-test'), next));
  assert.is(r.code, 1);
  assert.equal(codes(r.out + r.err), ['BLINK620']);
  assert.is(w.current('acme-test'), before);
  assert.equal(w.commands(), [], 'nothing restarted');
  assert.not.ok(existsSync(join(w.releaseDir('acme-test'), 'journal.json')));
  assert.is(w.audit().at(-1)!['result'], 'failed: upload');
});

s('6. a failed module update leaves the running release alone and says how to restore', async () => {
  const before = w.current('acme-prod')!;
  w.commit('main', { 'custom-addons/acme_base/views/base.xml': '<odoo><data><!-- v3 --></data></odoo>\n' });
  w.clearLogs();
  w.setFail('odoo', true);
  const r = await w.deploy([...PROD, '--yes']);
  w.setFail('odoo', false);
  assert.is(r.code, 1);
  assert.equal(codes(r.out), ['BLINK622']);
  assert.match(r.out, 'module update failed (told to)');
  assert.match(r.out, /blink-restore acme-prod --at 2026\d{4}T\d{6}Z/);
  assert.is(w.current('acme-prod'), before);
  assert.equal(w.commands().filter((c) => c.startsWith('restart')), []);
  assert.equal(w.commands().filter((c) => c.startsWith('backup')), ['backup acme-prod'], 'the backup came first');
});

s('7. a failed health check switches back and restarts on the previous release', async () => {
  const before = w.current('acme-prod')!;
  w.clearLogs();
  w.setFail('health-acme-prod', true);
  const r = await w.deploy([...PROD, '--yes']);
  w.setFail('health-acme-prod', false);
  assert.is(r.code, 1);
  assert.ok(codes(r.out).includes('BLINK514'), r.out);
  assert.match(r.out, 'rolled back');
  assert.is(w.current('acme-prod'), before);
  assert.equal(w.commands().filter((c) => c.startsWith('restart')), ['restart odoo-acme-prod', 'restart odoo-acme-prod']);
  assert.match(r.out, 'blink-restore acme-prod --at');
  assert.is(w.audit().at(-1)!['result'], 'rolled back');
  assert.not.ok(existsSync(join(w.releaseDir('acme-prod'), 'journal.json')));
});

s('8. a failed restart switches back too', async () => {
  const before = w.current('acme-prod')!;
  w.clearLogs();
  w.setFail('restart', true);
  const r = await w.deploy([...PROD, '--yes', '--update-modules', 'none']);
  w.setFail('restart', false);
  assert.is(r.code, 1);
  assert.match(r.out, 'restart odoo-acme-prod failed');
  assert.is(w.current('acme-prod'), before);
});

s('9. notify: the JSON summary is posted, and the audit line is on the server', async () => {
  const srv = await startWebhook();
  const got = srv.bodies;
  try {
    const url = srv.url;
    const r = await w.deploy([...PROD, '--yes', '--notify', url]);
    assert.is(r.code, 0, r.out + r.err);
    const summary = JSON.parse(got[0]!) as { instances: Record<string, unknown>[] };
    const i = summary.instances[0]!;
    assert.is(i['instance'], 'acme-prod');
    assert.is(i['host'], 'acme.example.test');
    assert.is(i['branch'], 'main');
    assert.is(i['to'], w.git('rev-parse', 'main'));
    assert.ok(typeof i['from'] === 'string');
    assert.equal(i['modules_updated'], ['acme_base']);
    assert.is(i['result'], 'deployed');
    assert.ok(typeof i['seconds'] === 'number');
    assert.is(w.audit().at(-1)!['result'], 'deployed');
  } finally {
    srv.close();
  }
});

s('a rollback that cannot switch back keeps its journal, and the next run finishes it', async () => {
  const before = w.current('acme-prod')!;
  w.commit('main', { 'custom-addons/acme_sale/README.md': 'stuck rollback\n' });
  w.setFail('health-acme-prod', true);
  // The real server scripts, except that switching back to the running release fails once, after its journal is written (as the script writes it first).
  let failed = false;
  const remoteFor = (srv: Server): DeployRemote => {
    const real = shellDeployRemote(localTransport(srv.name), srv.root);
    return {
      ...real,
      switchTo: async (dir, commit, j) => (commit === before && !failed ? ((failed = true), await real.journal(dir, j), { error: 'disk full (simulated)' }) : real.switchTo(dir, commit, j)),
    };
  };
  const r = await w.deploy([...PROD, '--yes'], { remoteFor }).finally(() => w.setFail('health-acme-prod', false));
  assert.is(r.code, 1);
  assert.match(r.out, 'switching back failed: disk full (simulated); the journal is kept');
  assert.match(readFileSync(join(w.releaseDir('acme-prod'), 'journal.json'), 'utf8'), '"phase":"rolling-back"');
  w.clearLogs();
  const again = await w.deploy([...PROD, '--yes']);
  assert.is(again.code, 0, again.out + again.err);
  assert.match(again.out, /recovered interrupted deploy \S+: rolled-back/);
  assert.not.ok(existsSync(join(w.releaseDir('acme-prod'), 'journal.json')));
  assert.is(w.current('acme-prod'), w.git('rev-parse', 'main'));
});

s('a module newly listed in clients.yaml is installed; --update-modules none leaves updates owed', async () => {
  const yaml = join(w.repo, 'config/clients.yaml');
  w.commit('main', { 'config/clients.yaml': readFileSync(yaml, 'utf8').replace('modules: [acme_base, acme_sale]', 'modules: [acme_base, acme_sale, acme_extra]'), 'custom-addons/acme_base/models/__init__.py': '# models v2\n' });
  w.clearLogs();
  let r = await w.deploy([...PROD, '--yes', '--update-modules', 'none']);
  assert.is(r.code, 0, r.out + r.err);
  assert.equal(w.odooCalls().length, 1);
  assert.match(w.odooCalls()[0]!, '-i acme_extra');
  assert.not.match(w.odooCalls()[0]!, / -u /);
  r = await w.deploy(['--status', '--json', ...PROD]);
  const st = JSON.parse(r.out) as { instances: { owed: string[] }[] };
  assert.equal(st.instances[0]!.owed, ['acme_base']);
  w.clearLogs();
  r = await w.deploy([...PROD, '--yes']);
  assert.is(r.code, 0, r.out + r.err);
  assert.match(w.odooCalls()[0]!, '-u acme_base');
  r = await w.deploy(['--status', '--json', ...PROD]);
  assert.equal((JSON.parse(r.out) as { instances: { owed: string[] }[] }).instances[0]!.owed, []);
});

s('old releases are pruned to deploy.keep, never the running one or the one before', async () => {
  for (let k = 0; k < 4; k++) {
    w.commit('test', { 'custom-addons/acme_sale/README.md': `round ${k}\n` });
    const r = await w.deploy([...TEST, '--yes']);
    assert.is(r.code, 0, r.out + r.err);
  }
  const releases = readdirSync(w.releaseDir('acme-test')).filter((f) => /^[0-9a-f]{40}$/.test(f));
  assert.is(releases.length, 3);
  assert.ok(releases.includes(w.current('acme-test')!));
});

s('the server lock: a deploy never runs beside an apply', async () => {
  // blink-apply's own lock, held as an apply holds it while it works.
  const apply = shellRemote(localTransport('s1'), w.root);
  const lock = await apply.lock('ops@laptop pid 4242');
  assert.ok(!isFailure(lock) && !lock.held);
  w.commit('test', { 'custom-addons/acme_sale/README.md': 'locked out\n' });
  const before = w.current('acme-test');
  try {
    const r = await w.deploy([...TEST, '--yes']);
    assert.is(r.code, 1);
    assert.equal(codes(r.out), ['BLINK512']);
    assert.match(r.out, 'ops@laptop pid 4242');
    assert.is(w.current('acme-test'), before);
  } finally {
    if (!isFailure(lock) && !lock.held) await lock.release();
  }
  const r = await w.deploy([...TEST, '--yes']);
  assert.is(r.code, 0, 'the lock is free again once the apply ends');
});

s('health: a database server that is down fails it (Odoo answers 500, status fail), and the deploy rolls back', async () => {
  const before = w.current('acme-prod')!;
  w.commit('main', { 'custom-addons/acme_sale/README.md': 'database down\n' });
  w.clearLogs();
  w.setDatabaseDown('acme-prod', true);
  const r = await w.deploy([...PROD, '--yes']).finally(() => w.setDatabaseDown('acme-prod', false));
  assert.is(r.code, 1, r.out + r.err);
  assert.ok(codes(r.out).includes('BLINK514'), r.out);
  assert.match(r.out, /web\/health\?db_server_status=1 answered HTTP 500 \{"status":"fail","db_server_status":false\}/);
  assert.match(r.out, 'cannot reach its database server');
  assert.match(r.out, 'rolled back');
  assert.is(w.current('acme-prod'), before);
  assert.equal(w.commands().filter((c) => c.startsWith('restart')), ['restart odoo-acme-prod', 'restart odoo-acme-prod']);
  assert.is(w.health.filter((h) => h.includes('/websocket/health')).length, 0, 'the gevent port is not asked once the HTTP port fails');
});

s('health: with workers, a gevent process that comes up late passes after retries', async () => {
  w.clearLogs();
  // The fixture's deploy allows 3 attempts per URL: two dropped connections, then an answer.
  w.setGeventLate('acme-prod', 2);
  const r = await w.deploy([...PROD, '--yes']);
  assert.is(r.code, 0, r.out + r.err);
  assert.is(w.current('acme-prod'), w.git('rev-parse', 'main'));
  assert.equal(w.health, [
    'acme-prod /web/health?db_server_status=1',
    'acme-prod /websocket/health',
    'acme-prod /websocket/health',
    'acme-prod /websocket/health',
  ]);
});

s('health: a gevent process that never comes up fails the deploy, naming the gevent port', async () => {
  const before = w.current('acme-prod')!;
  w.commit('main', { 'custom-addons/acme_sale/README.md': 'gevent down\n' });
  w.clearLogs();
  w.setGeventLate('acme-prod', 3);
  const r = await w.deploy([...PROD, '--yes']).finally(() => w.setGeventLate('acme-prod', 0));
  assert.is(r.code, 1, r.out + r.err);
  // A dropped connection reads as closed (or reset): either way, no answer.
  assert.match(r.out, new RegExp(`127\\.0\\.0\\.1:${w.ports['acme-prod']!.gevent}/websocket/health answered (connection closed|.*ECONNRESET) after 3 attempts`));
  assert.match(r.out, 'gevent process');
  assert.is(w.current('acme-prod'), before);
});

s.run();
