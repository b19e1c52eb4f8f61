/**
 * Folders, users, roles, databases and the final backup of a prune, through
 * plan and apply on the in-memory server (the real PostgreSQL, sshd and
 * blink-backup are in databases.test.ts and onboarding.test.ts).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { formatServerPlan } from '../../src/plan/formatPlan.js';
import { planJson } from '../../src/plan/planJson.js';
import { isPending } from '../../src/plan/ServerPlan.js';
import { formatReport } from '../../src/apply/formatReport.js';
import { sampleFleet } from '../support/sampleFleet.js';
import { awsServer, memRun } from './memoryWorld.js';

const RES = { resources: {} };
const shown = (r: Awaited<ReturnType<typeof memRun>>): string => formatServerPlan(r.plan, { color: false, prune: false });

const s = suite('resources: folders, roles, databases, users');

s('a new server: every folder, the role and each database are in the plan, made before any service starts', async () => {
  const w = awsServer();
  const r = await memRun(w, { ...RES, apply: true });
  const text = shown(r);
  assert.match(text, '+ folder /opt/odoo/.local/share/Odoo-corteperfecto-prod (new, 0750 odoo:odoo)');
  assert.match(text, '+ folder /var/log/odoo (new, 0750 odoo:odoo)');
  assert.match(text, '+ folder /var/backups/odoo/corteperfecto-prod (new, 0700 root:root)');
  assert.match(text, '+ role odoo (LOGIN CREATEDB)');
  assert.match(text, '+ database corteperfecto-prod (owner odoo, UTF8, locale C.UTF-8, collation C)');
  assert.match(text, '+ database blink-internal (owner odoo');
  assert.match(text, /aws-1: \d+ to add, 7 folders, 1 role and 3 databases to make/);
  assert.is(r.report!.outcome, 'applied', JSON.stringify(r.report!.diagnostics));
  // One ensure with everything, before the first service is enabled.
  assert.is(w.ensured.length, 1);
  assert.equal(w.ensured[0]!.databases.map((d) => d.name), ['blink-internal', 'corteperfecto-prod', 'corteperfecto-test']);
  assert.equal(w.folders.get('/opt/odoo/.local/share/Odoo-corteperfecto-prod'), { mode: 0o750, owner: 'odoo:odoo' });
  assert.equal(w.postgres!.databases.get('corteperfecto-prod'), { owner: 'odoo', encoding: 'UTF8', collate: 'C', ctype: 'C.UTF-8' });
  assert.ok(r.report!.done.indexOf('created database corteperfecto-prod, owner odoo') < r.report!.done.indexOf('enable odoo-corteperfecto-prod'), r.report!.done.join('\n'));
  // Recorded, so a later loss is drift.
  const manifest = JSON.parse(w.files.get('/var/lib/blink/manifest.json')!.content.toString()) as { resources: Record<string, unknown> };
  assert.equal(manifest.resources['database:corteperfecto-prod'], { kind: 'database', instance: 'corteperfecto-prod', host: 'corteperfecto.somosblink.com' });
  assert.equal(manifest.resources['folder:/var/log/odoo'], { kind: 'folder', purpose: 'log' });

  const again = await memRun(w, { ...RES, apply: true });
  assert.not.ok(isPending(again.plan), shown(again));
  assert.is(again.report!.outcome, 'unchanged');
  assert.is(w.ensured.length, 1, 'nothing made twice');
  assert.match(shown(again), 'aws-1: no changes');
});

s('a folder with the wrong mode or owner is fixed, never recreated; a role without CREATEDB is granted it; a database owned by another role is given to its own', async () => {
  const w = awsServer();
  await memRun(w, { ...RES, apply: true });
  w.folders.set('/var/log/odoo', { mode: 0o755, owner: 'root:root' });
  w.postgres!.roles.set('odoo', { login: true, createdb: false, superuser: false });
  w.postgres!.databases.set('blink-internal', { owner: 'postgres', encoding: 'UTF8', collate: 'C', ctype: 'C.UTF-8' });
  const r = await memRun(w, { ...RES, apply: true });
  const text = shown(r);
  assert.match(text, 'm folder /var/log/odoo (0755 root:root → 0750 odoo:odoo)');
  assert.match(text, '~ role odoo (LOGIN NOCREATEDB → LOGIN CREATEDB)');
  assert.match(text, '~ database blink-internal (owner postgres → owner odoo, UTF8, locale C.UTF-8, collation C)');
  assert.match(text, 'aws-1: 1 folder, 1 role and 1 database to fix');
  assert.is(r.report!.outcome, 'applied');
  assert.equal(w.ensured[1], { folders: [{ path: '/var/log/odoo', mode: 0o750, owner: 'odoo:odoo' }], roles: [{ name: 'odoo', grant: true }], databases: [{ name: 'blink-internal', owner: 'odoo', encoding: 'UTF8', locale: 'C.UTF-8', collation: 'C', setOwner: true }], psql: sampleFleet().servers[0]!.commands.psql });
  assert.not.ok(isPending((await memRun(w, RES)).plan));
});

s("a database's collation is what it was made with: reported, never changed", async () => {
  const w = awsServer();
  await memRun(w, { ...RES, apply: true });
  w.postgres!.databases.set('corteperfecto-test', { owner: 'odoo', encoding: 'UTF8', collate: 'en_US.UTF-8', ctype: 'C.utf8' });
  const r = await memRun(w, RES);
  assert.match(shown(r), '! database corteperfecto-test (it has collation en_US.UTF-8: fixed when a database is made, so blink leaves it as it is)');
  assert.not.ok(isPending(r.plan), 'C.utf8 and C.UTF-8 are one locale; the collation is not a change');
});

s('a database dropped by hand is drift: the diff says so, and the apply makes it again (empty)', async () => {
  const w = awsServer();
  await memRun(w, { ...RES, apply: true });
  w.postgres!.databases.delete('corteperfecto-prod');
  const r = await memRun(w, RES);
  assert.ok(isPending(r.plan));
  assert.match(shown(r), '+ database corteperfecto-prod (owner odoo, UTF8, locale C.UTF-8, collation C; drift: dropped on the server since the last apply; the apply makes it again, empty: restore its data with blink-restore)');
  assert.match(shown(r), 'aws-1: 1 database to make, 1 drifted');
  const json = planJson(r.plan) as { counts: { drift: number }; resources: { kind: string; name: string; drift: boolean }[] };
  assert.is(json.counts.drift, 1);
  assert.equal(json.resources.map((x) => [x.kind, x.name, x.drift]), [['database', 'corteperfecto-prod', true]]);
});

s('a missing service user stops the apply before anything changes, and the plan says so; --create-users creates it first', async () => {
  const w = awsServer();
  w.users.delete('odoo');
  const r = await memRun(w, { ...RES, apply: true });
  const text = shown(r);
  assert.match(text, '! service user odoo does not exist: its instances\' services could not start, and their files and folders could not be given to it (BLINK550)');
  assert.match(text, 'create it on the server (useradd --system --user-group --home-dir /opt/odoo --create-home --shell /usr/sbin/nologin odoo), or run blink-apply --create-users');
  assert.match(text, 'apply refused: 1 problem to fix first');
  assert.is(r.report!.outcome, 'failed');
  assert.equal(r.report!.diagnostics.map((d) => d.code), ['BLINK550']);
  assert.equal([...w.files.keys()].filter((p) => !p.startsWith('/etc/letsencrypt')), [], 'no file written');
  assert.equal(w.ensured, []);
  assert.equal(w.commands, []);

  const created = await memRun(w, { resources: { createUsers: true }, apply: true });
  assert.match(shown(created), '+ user odoo (system user, home /opt/odoo)');
  assert.is(created.report!.outcome, 'applied', JSON.stringify(created.report!.diagnostics));
  assert.is(w.commands[0], 'useradd --system --user-group --home-dir /opt/odoo --create-home --shell /usr/sbin/nologin odoo');
});

s('a folder where a link stands is refused, with nothing changed', async () => {
  const w = awsServer();
  w.folders.set('/var/backups/odoo/blink-internal', { mode: 0o777, owner: 'root:root', link: true });
  const r = await memRun(w, { ...RES, apply: true });
  assert.match(shown(r), '! folder /var/backups/odoo/blink-internal: /var/backups/odoo/blink-internal is a symbolic link; blink makes and changes no folder through a link (BLINK551)');
  assert.equal(r.report!.diagnostics.map((d) => d.code), ['BLINK551']);
  assert.equal(w.ensured, []);
});

s('PostgreSQL that cannot be read stops the apply; its error is in the plan', async () => {
  const w = awsServer();
  delete w.postgres;
  const r = await memRun(w, { ...RES, apply: true });
  assert.match(shown(r), /! PostgreSQL could not be read: psql failed: psql: error: connection to server on socket failed.*\(BLINK553\)/);
  assert.equal(r.report!.diagnostics.map((d) => d.code), ['BLINK553']);
});

s('an instance with db_host elsewhere: no role or database on this server, and the plan says why', async () => {
  const w = awsServer();
  const fleet = sampleFleet((i) => (i.id === 'blink-internal' ? { options: [...i.options.filter((o) => o.key !== 'db_host'), { key: 'db_host', value: 'db.internal.example', chain: [] }] } : {}));
  const r = await memRun(w, { ...RES, fleet });
  assert.match(shown(r), '! blink-internal: its database is on db_host db.internal.example, not this server\'s PostgreSQL: blink neither creates nor checks it');
  assert.not.match(shown(r), 'database blink-internal');
});

s.run();

const prune = suite('resources: --prune keeps the data and takes a final backup');

const withoutTest = () => {
  const f = sampleFleet();
  return { ...f, instances: f.instances.filter((i) => i.id !== 'corteperfecto-test') };
};

prune('the service stops, blink-backup runs, then the files go; database, data and backups stay, with the commands to drop them', async () => {
  const w = awsServer();
  await memRun(w, { ...RES, apply: true });
  w.commands.length = 0;
  const diff = await memRun(w, { ...RES, fleet: withoutTest(), prune: true });
  const text = formatServerPlan(diff.plan, { color: false, prune: true });
  assert.match(text, '? database corteperfecto-test (orphan: kept, it holds data; once its backup is checked, drop it by hand with)');
  assert.match(text, `      echo 'DROP DATABASE "corteperfecto-test";' | runuser -u postgres -- psql -X -q -At -v ON_ERROR_STOP=1 -d postgres`);
  assert.match(text, '? folder /opt/odoo/.local/share/Odoo-corteperfecto-test (orphan: kept, it holds data; once its backup is checked, drop it by hand with)');
  assert.match(text, '      rm -rf -- /opt/odoo/.local/share/Odoo-corteperfecto-test');
  assert.match(text, '? folder /var/backups/odoo/corteperfecto-test (orphan: kept; the backups, the final one included: keep them as long as you may need them)');

  const r = await memRun(w, { ...RES, fleet: withoutTest(), prune: true, apply: true });
  assert.is(r.report!.outcome, 'applied', JSON.stringify(r.report!.diagnostics));
  assert.equal(w.commands.slice(0, 2), ['systemctl disable --now odoo-corteperfecto-test', '/usr/local/sbin/blink-backup corteperfecto-test']);
  assert.not.ok(w.files.has('/etc/systemd/system/odoo-corteperfecto-test.service'));
  assert.ok(w.postgres!.databases.has('corteperfecto-test'), 'the database stays');
  assert.ok(w.folders.has('/opt/odoo/.local/share/Odoo-corteperfecto-test'), 'the data folder stays');
  const report = formatReport(r.report!, false);
  assert.match(report, '  kept database corteperfecto-test and folder /opt/odoo/.local/share/Odoo-corteperfecto-test of corteperfecto-test: blink never drops data. Once its final backup (in /var/backups/odoo/corteperfecto-test) is checked');
  assert.match(report, `    echo 'DROP DATABASE "corteperfecto-test";' | runuser`);
  // The kept data stays listed (never a change) until dropped by hand.
  const after = await memRun(w, { ...RES, fleet: withoutTest(), prune: true });
  assert.not.ok(isPending(after.plan));
  assert.match(formatServerPlan(after.plan, { color: false, prune: true }), '? database corteperfecto-test (orphan: kept');
  w.postgres!.databases.delete('corteperfecto-test');
  w.folders.delete('/opt/odoo/.local/share/Odoo-corteperfecto-test');
  const dropped = formatServerPlan((await memRun(w, { ...RES, fleet: withoutTest(), prune: true })).plan, { color: false, prune: true });
  assert.not.match(dropped, 'database corteperfecto-test');
  assert.not.match(dropped, 'Odoo-corteperfecto-test');
  assert.match(dropped, '? folder /var/backups/odoo/corteperfecto-test (orphan: kept;', 'the backups stay listed until removed by hand');
});

prune('a failed final backup removes nothing and starts the service again', async () => {
  const w = awsServer();
  await memRun(w, { ...RES, apply: true });
  w.commands.length = 0;
  w.commandExit = (c) => (c.includes('blink-backup') ? 1 : 0);
  const r = await memRun(w, { ...RES, fleet: withoutTest(), prune: true, apply: true });
  assert.is(r.report!.outcome, 'failed');
  assert.equal(r.report!.diagnostics.map((d) => d.code), ['BLINK555']);
  assert.match(r.report!.diagnostics[0]!.message, "nothing was removed: corteperfecto-test's files stay until its final backup succeeds");
  assert.ok(w.files.has('/etc/systemd/system/odoo-corteperfecto-test.service'));
  assert.equal(w.commands, ['systemctl disable --now odoo-corteperfecto-test', '/usr/local/sbin/blink-backup corteperfecto-test', 'systemctl enable --now odoo-corteperfecto-test']);
});

prune('an instance whose database is not there gets no final backup, and the plan says why', async () => {
  const w = awsServer();
  await memRun(w, { ...RES, apply: true });
  w.postgres!.databases.delete('corteperfecto-test');
  w.commands.length = 0;
  const r = await memRun(w, { ...RES, fleet: withoutTest(), prune: true, apply: true });
  assert.match(formatServerPlan(r.plan, { color: false, prune: true }), '! corteperfecto-test: no final backup: its database corteperfecto-test is not on the server');
  assert.is(r.report!.outcome, 'applied');
  assert.not.ok(w.commands.some((c) => c.includes('blink-backup')));
});

prune.run();
