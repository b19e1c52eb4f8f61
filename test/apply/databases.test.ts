/**
 * Roles and databases on a real PostgreSQL started by the test, reached by
 * `commands.psql` as the conf.d work reaches it (a configured command; here
 * psql on the test server's socket), through the real read and resources
 * scripts on a local server with a root folder. systemctl and Odoo are the
 * fixture's stand-ins; the final backup of a prune is the real blink-backup,
 * rendered for that server, against that PostgreSQL.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Fleet } from '../../src/model/Fleet.js';
import { formatServerPlan } from '../../src/plan/formatPlan.js';
import { isPending } from '../../src/plan/ServerPlan.js';
import { realRemotes } from '../../src/remote/remoteFor.js';
import { startPostgres, type Postgres } from '../support/postgres.js';
import { tempDir } from '../support/tmp.js';
import { testWorld, type TestWorld } from './fixture.js';
import { runFleet } from './harness.js';

const s = suite('roles and databases on a real PostgreSQL');
const ctx: { tmp?: ReturnType<typeof tempDir>; world?: TestWorld; pg?: Postgres; remotes?: ReturnType<typeof realRemotes>; fleet?: Fleet } = {};
const pg = (): Postgres => ctx.pg!;
const oid = (sql: string): string => pg().sql(sql).trim();

s.before(async () => {
  ctx.tmp = tempDir('blink-databases-');
  ctx.pg = await startPostgres({ prefix: 'blink-databases-pg-' });
  ctx.world = await testWorld(ctx.tmp.dir, [{ name: 'p1', transport: 'local' }], 2);
  const root = ctx.world.rootOf('p1');
  const psql = `psql -X -q -At -v ON_ERROR_STOP=1 -h ${ctx.pg.host} -p ${ctx.pg.port} -U postgres -d postgres`;
  // The server's own blink-backup (under its root), with the test PostgreSQL's socket: what a prune's final backup runs.
  const backup = `PGHOST=${ctx.pg.host} PGPORT=${ctx.pg.port} PGUSER=postgres TMPDIR=${join(ctx.tmp.dir, 'tmp')} ${root}/usr/local/sbin/blink-backup {instance}`;
  mkdirSync(join(ctx.tmp.dir, 'tmp'));
  const f = ctx.world.fleet;
  ctx.fleet = { ...f, servers: f.servers.map((x) => ({ ...x, postgres: { ...x.postgres, databases: true }, commands: { ...x.commands, psql, backup } })) };
  ctx.remotes = realRemotes({});
});

s.after(async () => {
  ctx.remotes?.dispose();
  await ctx.world?.stop();
  await ctx.pg?.stop();
  ctx.tmp?.cleanup();
});

const run = (o: { fleet?: Fleet; apply?: boolean; prune?: boolean } = {}) => {
  const fleet = o.fleet ?? ctx.fleet!;
  return runFleet(fleet, ctx.world!.render(fleet), ctx.remotes!.remoteFor, o);
};

s('the first apply creates the role and each database (owner the role, template0, UTF8, the locale and collation asked); the second creates nothing', async () => {
  const diff = await run();
  const text = formatServerPlan(diff.plan('p1'), { color: false, prune: false });
  assert.match(text, '+ role odoo (LOGIN CREATEDB)');
  assert.match(text, '+ database p1-a (owner odoo, UTF8, locale C.UTF-8, collation C)');
  assert.match(text, '+ database p1-b (owner odoo, UTF8, locale C.UTF-8, collation C)');
  assert.match(text, '+ folder /opt/odoo/.local/share/Odoo-p1-a (new, 0750 root:root)');

  const first = await run({ apply: true });
  assert.is(first.report('p1').outcome, 'applied', first.printed);
  assert.ok(first.report('p1').done.includes('created database p1-a, owner odoo'), first.report('p1').done.join('\n'));
  assert.is(pg().sql("SELECT rolcanlogin::text || ' ' || rolcreatedb::text || ' ' || rolsuper::text FROM pg_roles WHERE rolname = 'odoo'").trim(), 'true true false');
  assert.is(
    pg().sql("SELECT pg_get_userbyid(datdba) || ' ' || pg_encoding_to_char(encoding) || ' ' || datcollate || ' ' || datctype FROM pg_database WHERE datname = 'p1-a'").trim(),
    'odoo UTF8 C C.UTF-8',
  );
  const st = statSync(join(ctx.world!.rootOf('p1'), 'opt/odoo/.local/share/Odoo-p1-a'));
  assert.is(st.mode & 0o7777, 0o750);
  assert.is(statSync(join(ctx.world!.rootOf('p1'), 'var/backups/odoo/p1-a')).mode & 0o7777, 0o700);
  const before = [oid("SELECT oid FROM pg_roles WHERE rolname = 'odoo'"), oid("SELECT oid FROM pg_database WHERE datname = 'p1-a'"), oid("SELECT oid FROM pg_database WHERE datname = 'p1-b'")];

  const second = await run({ apply: true });
  assert.not.ok(isPending(second.plan('p1')), second.printed);
  assert.is(second.report('p1').outcome, 'unchanged');
  assert.equal([oid("SELECT oid FROM pg_roles WHERE rolname = 'odoo'"), oid("SELECT oid FROM pg_database WHERE datname = 'p1-a'"), oid("SELECT oid FROM pg_database WHERE datname = 'p1-b'")], before);

  // The SQL itself creates nothing twice, even when asked again.
  const remote = ctx.remotes!.remoteFor(ctx.fleet!.servers[0]!);
  const e = await remote.ensure({ folders: [], roles: [{ name: 'odoo' }], databases: [{ name: 'p1-a', owner: 'odoo', encoding: 'UTF8', locale: 'C.UTF-8', collation: 'C' }], psql: ctx.fleet!.servers[0]!.commands.psql });
  await remote.close();
  assert.is(e, undefined, e?.error);
  assert.equal([oid("SELECT oid FROM pg_roles WHERE rolname = 'odoo'"), oid("SELECT oid FROM pg_database WHERE datname = 'p1-a'")], before.slice(0, 2));
});

s('a database dropped by hand is drift on the next diff', async () => {
  pg().sql('DROP DATABASE "p1-b"');
  const diff = await run();
  assert.ok(isPending(diff.plan('p1')));
  const text = formatServerPlan(diff.plan('p1'), { color: false, prune: false });
  assert.match(text, '+ database p1-b (owner odoo, UTF8, locale C.UTF-8, collation C; drift: dropped on the server since the last apply; the apply makes it again, empty: restore its data with blink-restore)');
  assert.match(text, 'p1: 1 database to make, 1 drifted');
  const again = await run({ apply: true });
  assert.is(again.report('p1').outcome, 'applied', again.printed);
  assert.is(pg().sql("SELECT count(*) FROM pg_database WHERE datname = 'p1-b'").trim(), '1');
});

s('--prune of an instance: its service stops, blink-backup takes a final backup, its files go; its database and filestore stay', async () => {
  const root = ctx.world!.rootOf('p1');
  // Data the instance holds: rows in its database and a file in its filestore.
  pg().sql('CREATE TABLE res_partner (id serial PRIMARY KEY, name varchar); INSERT INTO res_partner (name) SELECT $$Partner $$ || g FROM generate_series(1, 50) g;', { db: 'p1-b' });
  const filestore = join(root, 'opt/odoo/.local/share/Odoo-p1-b/filestore/p1-b/ab');
  mkdirSync(filestore, { recursive: true });
  writeFileSync(join(filestore, 'ab12cd'), 'an attachment\n');
  ctx.world!.clearCommands();

  const without: Fleet = { ...ctx.fleet!, instances: ctx.fleet!.instances.filter((i) => i.id !== 'p1-b') };
  const diff = await run({ fleet: without, prune: true });
  const text = formatServerPlan(diff.plan('p1'), { color: false, prune: true });
  assert.match(text, '? database p1-b (orphan: kept, it holds data; once its backup is checked, drop it by hand with)');
  const r = await run({ fleet: without, prune: true, apply: true });
  assert.is(r.report('p1').outcome, 'applied', r.printed);
  assert.equal(ctx.world!.commands().slice(0, 1), ['p1 disable odoo-p1-b']);
  assert.ok(r.report('p1').done.includes('final backup of p1-b'), r.report('p1').done.join('\n'));
  assert.not.ok(existsSync(join(root, 'etc/systemd/system/odoo-p1-b.service')), 'its files are gone');

  // The data survives.
  assert.is(pg().sql('SELECT count(*) FROM res_partner', { db: 'p1-b' }).trim(), '50');
  assert.is(readFileSync(join(filestore, 'ab12cd'), 'utf8'), 'an attachment\n');
  // The final backup exists, complete: the dump and filestore its MANIFEST lists, with their checksums.
  const dir = join(root, 'var/backups/odoo/p1-b');
  const stamps = readdirSync(dir).filter((n) => /^\d{8}T\d{6}Z$/.test(n));
  assert.is(stamps.length, 1, readdirSync(dir).join(' '));
  const manifest = readFileSync(join(dir, stamps[0]!, 'MANIFEST'), 'utf8');
  const files = [...manifest.matchAll(/^file: (\S+) (\d+) ([0-9a-f]{64})$/gm)];
  assert.equal(files.map((m) => m[1]).sort(), ['db.dump', 'filestore.tar.gz']);
  for (const m of files) assert.is(createHash('sha256').update(readFileSync(join(dir, stamps[0]!, m[1]!))).digest('hex'), m[3]);

  // The report says what was kept and how to drop it; the commands are exact: run as written, they drop it.
  const kept = r.report('p1').kept;
  assert.equal(kept.map((k) => [k.instance, k.kept, k.backups]), [['p1-b', ['database p1-b', 'folder /opt/odoo/.local/share/Odoo-p1-b'], '/var/backups/odoo/p1-b']]);
  assert.match(r.printed, `echo 'DROP DATABASE "p1-b";' | ${ctx.fleet!.servers[0]!.commands.psql}`);
  assert.match(r.printed, `rm -rf -- ${root}/opt/odoo/.local/share/Odoo-p1-b`);
});

s.run();
