/** blink-apply with fail2ban on: the candidate is checked before the swap, fail2ban reloads after the health checks. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_COMMANDS } from '../../src/compile/defaults.js';
import type { Fleet } from '../../src/model/Fleet.js';
import type { Check } from '../../src/remote/Remote.js';
import { formatActions } from '../../src/plan/formatPlan.js';
import { sampleFleet } from '../support/sampleFleet.js';
import { awsServer, memRun } from './memoryWorld.js';

const JAIL = '/etc/fail2ban/jail.d/odoo.conf';
const RELOAD = DEFAULT_COMMANDS.fail2ban_reload;

function withFail2ban(maxretry = 5): Fleet {
  const f = sampleFleet();
  return { ...f, servers: f.servers.map((s) => (s.name === 'aws-1' ? { ...s, fail2ban: { bantime: 3600, maxretry, findtime: 600, source: s.source } } : s)) };
}

const s = suite('apply: fail2ban');

s('a first apply checks the staged jail and filter together, and reloads fail2ban last, after the health checks', async () => {
  const w = awsServer();
  const checks: Check[] = [];
  const staged: string[][] = [];
  w.failCheck = (c, tree) => {
    checks.push(c);
    if (c.kind === 'fail2ban') staged.push([...tree.keys()].filter((p) => p.startsWith('/etc/fail2ban/')));
    return undefined;
  };
  const health: string[] = [];
  w.health = (url) => {
    health.push(url);
    w.commands.push(`GET ${url}`);
    return { status: 200, body: JSON.stringify({ status: "pass", db_server_status: true }) };
  };
  const r = await memRun(w, { fleet: withFail2ban(), apply: true });
  assert.is(r.report!.outcome, 'applied', JSON.stringify(r.report!.diagnostics));
  assert.is(r.plan.actions.fail2banReload, true);
  assert.match(formatActions(r.plan.actions), /reload fail2ban$/);
  assert.equal(checks.filter((c) => c.kind === 'fail2ban').map((c) => c.command), [DEFAULT_COMMANDS.fail2ban_test]);
  assert.equal(staged, [['/etc/fail2ban/filter.d/odoo-login.conf', JAIL]]);
  assert.is(w.commands[w.commands.length - 1], RELOAD);
  assert.ok(w.commands.indexOf(RELOAD) > Math.max(...health.map((u) => w.commands.indexOf(`GET ${u}`))));
  assert.ok(r.report!.done.includes('reload fail2ban'));
});

s('a new maxretry changes the jail only: checked and reloaded, no service restarted', async () => {
  const w = awsServer();
  await memRun(w, { fleet: withFail2ban(), apply: true });
  w.commands.length = 0;
  const r = await memRun(w, { fleet: withFail2ban(3), apply: true });
  assert.equal(r.plan.files.filter((f) => f.change !== 'none').map((f) => f.path), [JAIL]);
  assert.equal(r.plan.actions.restart, []);
  assert.equal(w.commands, [RELOAD]);
  const again = await memRun(w, { fleet: withFail2ban(3) });
  assert.is(again.plan.actions.fail2banReload, false);
});

s('a failing check changes nothing on the server', async () => {
  const w = awsServer();
  w.failCheck = (c) => (c.kind === 'fail2ban' ? "ERROR: No failure-id group in 'odoo-login'" : undefined);
  const r = await memRun(w, { fleet: withFail2ban(), apply: true });
  assert.is(r.report!.outcome, 'failed');
  const d = r.report!.diagnostics.find((x) => x.code === 'BLINK513');
  assert.match(d!.message, /fail2ban_test on the staged jail failed; nothing was changed:\nERROR: No failure-id group/);
  assert.not.ok(w.files.has(JAIL));
  assert.equal(w.commands, []);
});

s('a failing reload rolls the files back', async () => {
  const w = awsServer();
  w.commandExit = (c) => (c === RELOAD ? 1 : 0);
  const r = await memRun(w, { fleet: withFail2ban(), apply: true });
  assert.is(r.report!.outcome, 'rolled-back');
  assert.not.ok(w.files.has(JAIL));
});

s.run();
