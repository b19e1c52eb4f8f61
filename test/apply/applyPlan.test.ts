import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sampleFleet } from '../support/sampleFleet.js';
import { memoryRemote } from '../../src/remote/memoryRemote.js';
import type { Journal } from '../../src/remote/Journal.js';
import { awsArtifacts, awsServer, memRun } from './memoryWorld.js';
import { CANARY } from './harness.js';

const snapshot = (w: ReturnType<typeof awsServer>): Record<string, string> =>
  Object.fromEntries([...w.files].filter(([p]) => !p.startsWith('/var/lib/blink')).map(([p, f]) => [p, f.linkTarget ?? f.content.toString()]));

// ---
const first = suite('applyPlan: first apply and no-op');

first('installs every file, enables every new service, reloads once', async () => {
  const w = awsServer();
  const r = await memRun(w, { apply: true });
  assert.is(r.report!.outcome, 'applied', JSON.stringify(r.report!.diagnostics));
  assert.equal(w.commands, [
    'systemctl daemon-reload',
    // The new PostgreSQL conf.d file, before the services that connect to it.
    'systemctl reload postgresql',
    "systemctl enable --now odoo-blink-internal",
    "systemctl enable --now odoo-corteperfecto-prod",
    "systemctl enable --now odoo-corteperfecto-test",
    'systemctl reload nginx',
  ]);
  assert.ok(w.files.get('/etc/odoo/corteperfecto.somosblink.com.conf')!.content.toString().includes(`admin_passwd = ${CANARY}-corteperfecto-prod`));
  assert.is(w.files.get('/etc/odoo/corteperfecto.somosblink.com.conf')!.mode, 0o640);
  assert.is(w.files.get('/etc/nginx/sites-enabled/blink.somosblink.com')!.linkTarget, '/etc/nginx/sites-available/blink.somosblink.com');
  assert.is(w.audit.length, 1);
  assert.not.ok(w.audit[0]!.includes(CANARY));
});

first('a second run changes nothing and runs nothing', async () => {
  const w = awsServer();
  await memRun(w, { apply: true });
  w.commands.length = 0;
  const r = await memRun(w, { apply: true });
  assert.ok(r.plan.files.every((f) => f.change === 'none'));
  assert.is(r.report!.outcome, 'unchanged');
  assert.equal(w.commands, []);
});

first.run();

// ---
const fail = suite('applyPlan: failures');

fail('a failed validation changes nothing and restarts nothing', async () => {
  const w = awsServer();
  await memRun(w, { apply: true });
  const before = snapshot(w);
  w.commands.length = 0;
  w.failCheck = (c) => (c.kind === 'nginx' ? 'nginx: [emerg] unknown directive "oops"' : undefined);
  const artifacts = awsArtifacts().map((a) => (a.kind === 'vhost' && a.role === 'managed' ? { ...a, content: a.content + '# changed\n' } : a));
  const r = await memRun(w, { artifacts, apply: true });
  assert.is(r.report!.outcome, 'failed');
  assert.is(r.report!.diagnostics[0]!.code, 'BLINK513');
  assert.equal(snapshot(w), before);
  assert.equal(w.commands, []);
});

fail('a failed health check restores every file and restarts on the old ones', async () => {
  const w = awsServer();
  await memRun(w, { apply: true });
  const before = snapshot(w);
  w.commands.length = 0;
  w.health = (url) => (url.includes(':8069/') ? { status: 502, body: '<html>Bad Gateway</html>' } : { status: 200, body: '{"status": "pass", "db_server_status": true}' });
  const fleet = sampleFleet((i) => (i.id === 'corteperfecto-prod' ? { workers: 4 } : {}));
  const r = await memRun(w, { fleet, apply: true });
  assert.is(r.report!.outcome, 'rolled-back');
  assert.ok(r.report!.diagnostics.some((d) => d.code === 'BLINK514'));
  assert.equal(snapshot(w), before);
  assert.equal(w.commands, ['systemctl restart odoo-corteperfecto-prod', 'systemctl restart odoo-corteperfecto-prod']);
});

fail('a swap that fails halfway is rolled back', async () => {
  const w = awsServer();
  await memRun(w, { apply: true });
  const before = snapshot(w);
  w.failSwapAfter = 1;
  const fleet = sampleFleet((i) => ({ logKeepDays: i.logKeepDays + 1, workers: 3 }));
  const r = await memRun(w, { fleet, apply: true });
  assert.is(r.report!.outcome, 'rolled-back');
  assert.equal(snapshot(w), before);
});

fail('a prune whose second disable fails starts the first service again and deletes nothing', async () => {
  const w = awsServer();
  await memRun(w, { apply: true });
  const before = snapshot(w);
  w.commands.length = 0;
  w.commandExit = (c) => (c === 'systemctl disable --now odoo-corteperfecto-test' ? 1 : 0);
  const fleet = { ...sampleFleet(), instances: sampleFleet().instances.filter((i) => i.id === 'blink-internal') };
  const r = await memRun(w, { fleet, prune: true, apply: true });
  assert.is(r.report!.outcome, 'failed');
  assert.equal(w.commands, ['systemctl disable --now odoo-corteperfecto-prod', 'systemctl disable --now odoo-corteperfecto-test', 'systemctl enable --now odoo-corteperfecto-prod']);
  assert.equal(snapshot(w), before);
});

fail('a held lock fails fast and names its holder', async () => {
  const w = awsServer();
  w.lockHolder = 'alice@laptop pid 7';
  const r = await memRun(w, { apply: true });
  assert.is(r.report!.outcome, 'failed');
  assert.match(r.report!.diagnostics[0]!.message, 'alice@laptop pid 7');
  assert.is(r.report!.diagnostics[0]!.code, 'BLINK512');
});

fail.run();

// ---
const recovery = suite('applyPlan: recovery from an interrupted run');

async function interrupted(phase: 'swapping' | 'swapped'): Promise<{ w: ReturnType<typeof awsServer>; old: Record<string, string> }> {
  const w = awsServer();
  await memRun(w, { apply: true });
  const old = snapshot(w);
  // A run that dies right after the swap: the journal stays, its restarts never ran.
  const fleet = sampleFleet((i) => (i.id === 'blink-internal' ? { workers: 2 } : {}));
  const remote = memoryRemote('aws-1', w);
  const dying = { ...remote, run: async (c: string) => (w.commands.push(c), Promise.reject(new Error('killed'))) };
  await memRun(w, { fleet, apply: true, remote: dying }).catch(() => undefined);
  w.lockHolder = undefined;
  const journal = JSON.parse(w.files.get('/var/lib/blink/journal.json')!.content.toString()) as Journal;
  assert.is(journal.actions.restart[0], 'odoo-blink-internal');
  w.files.set('/var/lib/blink/journal.phase', { content: Buffer.from(phase + '\n'), mode: 0o600, owner: 'root:root' });
  w.commands.length = 0;
  return { w, old };
}

recovery('a journal in phase swapped is completed: the owed restart runs', async () => {
  const { w } = await interrupted('swapped');
  const diff = await memRun(w, { fleet: sampleFleet((i) => (i.id === 'blink-internal' ? { workers: 2 } : {})) });
  assert.is(diff.plan.interrupted?.phase, 'swapped');
  const r = await memRun(w, { fleet: sampleFleet((i) => (i.id === 'blink-internal' ? { workers: 2 } : {})), apply: true });
  assert.is(r.report!.recovered?.outcome, 'completed');
  assert.ok(w.commands.includes('systemctl restart odoo-blink-internal'));
  assert.not.ok(w.files.has('/var/lib/blink/journal.json'));
  const again = await memRun(w, { fleet: sampleFleet((i) => (i.id === 'blink-internal' ? { workers: 2 } : {})) });
  assert.ok(again.plan.files.every((f) => f.change === 'none'));
});

recovery('a journal in phase swapping is rolled back, then the run applies normally', async () => {
  const { w } = await interrupted('swapping');
  const fleet = sampleFleet((i) => (i.id === 'blink-internal' ? { workers: 2 } : {}));
  const r = await memRun(w, { fleet, apply: true });
  assert.is(r.report!.recovered?.outcome, 'rolled-back');
  assert.is(r.report!.outcome, 'applied');
  assert.ok(w.commands.filter((c) => c === 'systemctl restart odoo-blink-internal').length >= 1);
  assert.not.ok(w.files.has('/var/lib/blink/journal.json'));
});

recovery.run();
