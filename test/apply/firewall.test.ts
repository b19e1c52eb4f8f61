/**
 * servers.<name>.firewall: ufw's answer read as data, the commands planned
 * (the ssh port first and never closed), and an apply through the real read
 * script against a STAND-IN FOR UFW (test/support/ufwStandin.ts): ufw drives
 * netfilter as root and cannot run in this container.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { parseUfwStatus } from '../../src/remote/parseUfwStatus.js';
import { formatServerPlan } from '../../src/plan/formatPlan.js';
import { isPending } from '../../src/plan/ServerPlan.js';
import type { Fleet } from '../../src/model/Fleet.js';
import { realRemotes } from '../../src/remote/remoteFor.js';
import { sampleFleet } from '../support/sampleFleet.js';
import { tempDir } from '../support/tmp.js';
import { ufwStandin, type UfwStandin } from '../support/ufwStandin.js';
import { awsServer, memRun } from './memoryWorld.js';
import { testWorld, type TestWorld } from './fixture.js';
import { runFleet } from './harness.js';

// What ufw 0.36 prints (ufw/backend.py get_status, verbose): rules padded "%-26s %-12s%-26s".
const ACTIVE = `Status: active
Logging: on (low)
Default: allow (incoming), allow (outgoing), disabled (routed)
New profiles: skip

To                         Action      From
--                         ------      ----
22/tcp                     ALLOW IN    Anywhere                  
8080/tcp                   ALLOW IN    Anywhere                  
2222/tcp                   ALLOW IN    Anywhere                  
5432/tcp                   ALLOW IN    10.0.0.0/8                
OpenSSH                    ALLOW IN    Anywhere                  
22/tcp (v6)                ALLOW IN    Anywhere (v6)             
8080/tcp (v6)              ALLOW IN    Anywhere (v6)             
2222/tcp (v6)              ALLOW IN    Anywhere (v6)             
OpenSSH (v6)               ALLOW IN    Anywhere (v6)             

`;

const p = suite('firewall: ufw status as data');

p('an active ufw: policies, the simple rules once (v4 and v6 together), the others as printed', () => {
  const s = parseUfwStatus(ACTIVE);
  assert.equal(s, {
    active: true,
    incoming: 'allow',
    outgoing: 'allow',
    rules: ['22/tcp', '8080/tcp', '2222/tcp'],
    other: ['5432/tcp ALLOW IN 10.0.0.0/8', 'OpenSSH ALLOW IN Anywhere', 'OpenSSH (v6) ALLOW IN Anywhere (v6)'],
  });
});

p('inactive, a port for both protocols, a rule with a comment, and an answer that is not ufw', () => {
  assert.equal(parseUfwStatus('Status: inactive\n'), { active: false, rules: [], other: [] });
  const both = parseUfwStatus('Status: active\nLogging: off\nDefault: deny (incoming), allow (outgoing), deny (routed)\nNew profiles: skip\n\nTo                         Action      From\n--                         ------      ----\n53                         ALLOW IN    Anywhere                  \n443/tcp                    ALLOW IN    Anywhere                   # web\n');
  assert.ok(!('error' in both));
  if (!('error' in both)) {
    assert.equal(both.rules, ['53']);
    assert.equal(both.other, ['443/tcp ALLOW IN Anywhere # web']);
  }
  assert.ok('error' in parseUfwStatus('ERROR: You need to be root to run this script\n'));
});

p.run();

const withFirewall = (allow = ['22/tcp', '80/tcp', '443/tcp']): Fleet => {
  const f = sampleFleet();
  return { ...f, servers: f.servers.map((s) => (s.name === 'aws-1' ? { ...s, firewall: { allow, source: s.source } } : s)) };
};
const RES = { resources: {} };
const text = (r: Awaited<ReturnType<typeof memRun>>): string => formatServerPlan(r.plan, { color: false, prune: false });
const steps = (r: Awaited<ReturnType<typeof memRun>>): string[] => (r.plan.resources.firewall?.steps ?? []).map((s) => s.args.join(' '));

const m = suite('firewall: the plan');

m('an inactive ufw: the ssh port first, the declared ports, deny inbound, enable', async () => {
  const w = awsServer();
  w.ufw = 'Status: inactive\n';
  w.sshConnection = '203.0.113.5 50022 198.51.100.7 2222';
  const r = await memRun(w, { ...RES, fleet: withFirewall(), apply: true });
  assert.equal(steps(r), ['allow 2222/tcp', 'allow 22/tcp', 'allow 80/tcp', 'allow 443/tcp', 'default deny incoming', 'default allow outgoing', '--force enable']);
  assert.match(text(r), "+ firewall: ufw allow 2222/tcp (not declared, but blink's ssh connection comes in on it: it is never closed)");
  assert.match(text(r), '+ firewall: ufw --force enable (ufw is inactive)');
  assert.match(text(r), '7 firewall changes');
  assert.is(r.report!.outcome, 'applied', JSON.stringify(r.report!.diagnostics));
  // Before any file is swapped in and any service started.
  assert.equal(w.commands.slice(0, 7), ['ufw allow 2222/tcp', 'ufw allow 22/tcp', 'ufw allow 80/tcp', 'ufw allow 443/tcp', 'ufw default deny incoming', 'ufw default allow outgoing', 'ufw --force enable']);
});

m('an active ufw: undeclared simple rules go, the ssh port\'s stays, other rules are listed and left alone', async () => {
  const w = awsServer();
  w.ufw = ACTIVE;
  w.sshConnection = '203.0.113.5 50022 198.51.100.7 2222';
  const r = await memRun(w, { ...RES, fleet: withFirewall() });
  assert.equal(steps(r), ['allow 80/tcp', 'allow 443/tcp', 'default deny incoming', 'delete allow 8080/tcp']);
  const t = text(r);
  assert.match(t, '- firewall: ufw delete allow 8080/tcp (not in servers.aws-1.firewall.allow)');
  assert.match(t, '~ firewall: ufw default deny incoming (was allow)');
  assert.match(t, '! firewall: ufw rule left as it is (blink manages only "PORT ALLOW IN Anywhere" rules): 5432/tcp ALLOW IN 10.0.0.0/8');
  assert.not.match(t, 'delete allow 2222');
});

m('no ufw on the server: said, nothing to do; no port for the ssh connection: nothing touched', async () => {
  const w = awsServer();
  const none = await memRun(w, { ...RES, fleet: withFirewall() });
  assert.match(text(none), '! firewall: ufw is not installed: the firewall (22/tcp, 80/tcp, 443/tcp in, the rest denied) is not applied');
  assert.equal(steps(none), []);
  w.ufw = ACTIVE;
  const blind = await memRun(w, { ...RES, fleet: withFirewall() });
  assert.equal(steps(blind), []);
  assert.match(text(blind), "! firewall: the firewall is left as it is: the port blink's ssh connection comes in on is unknown ($SSH_CONNECTION is not set on aws-1)");
});

m.run();

const s = suite('firewall: apply through the read script, against a STAND-IN FOR UFW');
const ctx: { tmp?: ReturnType<typeof tempDir>; world?: TestWorld; ufw?: UfwStandin; remotes?: ReturnType<typeof realRemotes> } = {};

s.before(async () => {
  ctx.tmp = tempDir('blink-firewall-');
  ctx.world = await testWorld(ctx.tmp.dir, [{ name: 'f1', transport: 'local' }], 1);
  ctx.ufw = ufwStandin(join(ctx.tmp.dir, 'ufw'));
  ctx.remotes = realRemotes({});
});
s.after(async () => {
  ctx.remotes?.dispose();
  await ctx.world?.stop();
  ctx.tmp?.cleanup();
});

// A local server's ssh port is that of the operator's own session, when this runs in one: it is kept open too.
const sessionPort = /^\S+ \d+ \S+ (\d+)$/.exec(process.env['SSH_CONNECTION']?.trim() ?? '')?.[1];
const keepSession = (declared: string[]): string[] => (sessionPort && !declared.includes(`${sessionPort}/tcp`) ? [`allow ${sessionPort}/tcp`] : []);

const fleet = (allow: string[]): Fleet => {
  const f = ctx.world!.fleet;
  return { ...f, servers: f.servers.map((x) => ({ ...x, firewall: { allow, source: x.source }, commands: { ...x.commands, ufw: ctx.ufw!.command } })) };
};

s('the first apply enables ufw with the declared rules; the second has nothing to do', async () => {
  const f = fleet(['22/tcp', '80/tcp', '443/tcp']);
  const first = await runFleet(f, ctx.world!.render(f), ctx.remotes!.remoteFor, { apply: true });
  assert.is(first.report('f1').outcome, 'applied', first.printed);
  assert.match(first.printed, '+ firewall: ufw --force enable (ufw is inactive)');
  const session = keepSession(['22/tcp', '80/tcp', '443/tcp']);
  assert.equal(ctx.ufw!.calls(), ['status verbose', 'status verbose', ...session, 'allow 22/tcp', 'allow 80/tcp', 'allow 443/tcp', 'default deny incoming', 'default allow outgoing', '--force enable']);
  assert.ok(ctx.ufw!.active());
  assert.equal(ctx.ufw!.rules(), [...session.map((c) => c.slice('allow '.length)), '22/tcp', '80/tcp', '443/tcp']);
  ctx.ufw!.clearCalls();
  const second = await runFleet(f, ctx.world!.render(f), ctx.remotes!.remoteFor, { apply: true });
  assert.not.ok(isPending(second.plan('f1')), second.printed);
  assert.equal(ctx.ufw!.calls(), ['status verbose']);
});

s('a port taken out of allow is deleted, a rule of another kind is left alone', async () => {
  ctx.ufw!.set({ active: true, incoming: 'deny', outgoing: 'allow', rules: [...keepSession([]).map((c) => c.slice('allow '.length)), '22/tcp', '80/tcp', '443/tcp', '8069/tcp', '!5432/tcp                   ALLOW IN    10.0.0.0/8'].filter((r, i, all) => all.indexOf(r) === i) });
  ctx.ufw!.clearCalls();
  const f = fleet(['22/tcp', '443/tcp']);
  const r = await runFleet(f, ctx.world!.render(f), ctx.remotes!.remoteFor, { apply: true });
  assert.is(r.report('f1').outcome, 'applied', r.printed);
  assert.equal(ctx.ufw!.calls().slice(2), ['delete allow 80/tcp', 'delete allow 8069/tcp']);
  assert.equal(ctx.ufw!.rules().filter((r) => r !== `${sessionPort}/tcp` || r === '22/tcp' || r === '443/tcp'), ['22/tcp', '443/tcp', '!5432/tcp                   ALLOW IN    10.0.0.0/8']);
  assert.match(r.printed, '! firewall: ufw rule left as it is (blink manages only "PORT ALLOW IN Anywhere" rules): 5432/tcp ALLOW IN 10.0.0.0/8');
});

s.run();
