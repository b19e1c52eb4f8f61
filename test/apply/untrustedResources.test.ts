/**
 * What the server says about folders, roles and databases is data, never a
 * path to follow or a command to offer blindly: a link on the way to (or in
 * place of) a folder blink makes, a manifest.folders line that is not a plain
 * path, a resource key blink never records, a psql that answers nonsense, and
 * a manifest naming /etc or PostgreSQL's own database as an instance's data.
 * Each is refused (or left unoffered) with nothing changed. Local transport,
 * through the real read and resources scripts.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Fleet } from '../../src/model/Fleet.js';
import { formatServerPlan } from '../../src/plan/formatPlan.js';
import { realRemotes } from '../../src/remote/remoteFor.js';
import { tempDir } from '../support/tmp.js';
import { testWorld, type TestWorld } from './fixture.js';
import { runFleet } from './harness.js';

const s = suite('resources: server state is data');
const ctx: { tmp?: ReturnType<typeof tempDir>; world?: TestWorld; remotes?: ReturnType<typeof realRemotes> } = {};
const root = (): string => ctx.world!.rootOf('u1');
const run = (o: { fleet?: Fleet; apply?: boolean } = {}) => {
  const fleet = o.fleet ?? ctx.world!.fleet;
  return runFleet(fleet, ctx.world!.render(fleet), ctx.remotes!.remoteFor, o);
};
/** Nothing of blink's under the root but what was there (no manifest, no file written). */
const untouched = (): boolean => !existsSync(join(root(), 'var/lib/blink/manifest.json')) && !existsSync(join(root(), 'etc/odoo'));

s.before(async () => {
  ctx.tmp = tempDir('blink-untrusted-resources-');
  ctx.world = await testWorld(ctx.tmp.dir, [{ name: 'u1', transport: 'local' }], 1);
  ctx.remotes = realRemotes({});
});
s.after(async () => {
  ctx.remotes?.dispose();
  await ctx.world?.stop();
  ctx.tmp?.cleanup();
});
s.before.each(() => {
  for (const d of ['opt', 'var/backups', 'var/lib/blink', 'etc/odoo']) rmSync(join(root(), d), { recursive: true, force: true });
});

s('a link on the way to a data folder: refused (BLINK551), nothing made where it points, no file written', async () => {
  const elsewhere = join(ctx.tmp!.dir, 'elsewhere');
  mkdirSync(elsewhere, { recursive: true });
  mkdirSync(join(root(), 'opt'), { recursive: true });
  symlinkSync(elsewhere, join(root(), 'opt/odoo'));
  const r = await run({ apply: true });
  assert.is(r.report('u1').outcome, 'failed');
  assert.equal(r.report('u1').diagnostics.map((d) => d.code), ['BLINK551']);
  assert.match(r.printed, '! folder /opt/odoo/.local/share/Odoo-u1-a: /opt/odoo is a symbolic link; blink makes and changes no folder through a link (BLINK551)');
  assert.equal(readdirSync(elsewhere), []);
  assert.ok(untouched());
});

s('a link in place of a backup folder: refused, its target keeps its mode', async () => {
  const target = join(ctx.tmp!.dir, 'target');
  mkdirSync(target, { recursive: true, mode: 0o755 });
  mkdirSync(join(root(), 'var/backups/odoo'), { recursive: true });
  symlinkSync(target, join(root(), 'var/backups/odoo/u1-a'));
  const r = await run({ apply: true });
  assert.equal(r.report('u1').diagnostics.map((d) => d.code), ['BLINK551']);
  assert.match(r.printed, '/var/backups/odoo/u1-a is a symbolic link');
  assert.ok(untouched());
});

s('a manifest.folders line that is not a plain absolute path refuses the whole state (BLINK556)', async () => {
  mkdirSync(join(root(), 'var/lib/blink'), { recursive: true });
  writeFileSync(join(root(), 'var/lib/blink/manifest.folders'), '/opt/odoo/.local/share/Odoo-u1-a\n/var/../../etc\n');
  const r = await run({ apply: true });
  const d = r.diffs[0]!;
  assert.is(d.error?.code, 'BLINK556');
  assert.match(d.error!.message, '"/var/../../etc": not a plain absolute path');
  assert.is(d.error!.file, 'u1:/var/lib/blink/manifest.folders');
  assert.is(r.report('u1').outcome, 'failed');
});

s('a manifest resource blink never records is refused (BLINK503)', async () => {
  mkdirSync(join(root(), 'var/lib/blink'), { recursive: true });
  writeFileSync(join(root(), 'var/lib/blink/manifest.json'), JSON.stringify({ version: 1, server: 'u1', run: 'r1', time: 't', files: {}, resources: { 'folder:/etc/../shadow': { kind: 'folder', purpose: 'data' } } }));
  const r = await run();
  assert.is(r.diffs[0]!.error?.code, 'BLINK503');
  assert.match(r.diffs[0]!.error!.message, 'folder:/etc/../shadow');
});

s("a psql that answers nonsense: PostgreSQL is not readable (BLINK553), nothing is made", async () => {
  const f = ctx.world!.fleet;
  const fleet: Fleet = { ...f, servers: f.servers.map((x) => ({ ...x, postgres: { ...x.postgres, databases: true }, commands: { ...x.commands, psql: 'cat > /dev/null; echo "Did you mean psql?"' } })) };
  const r = await run({ fleet, apply: true });
  assert.equal(r.report('u1').diagnostics.map((d) => d.code), ['BLINK553']);
  assert.match(r.printed, 'PostgreSQL could not be read: psql printed no answer');
  assert.ok(untouched());
});

s("a manifest that names /etc as an instance's data, or PostgreSQL's own database: never offered to drop", async () => {
  const f = ctx.world!.fleet;
  const pg = `cat > /dev/null; echo 'blink-pg {"roles":[{"name":"odoo","login":true,"createdb":true,"superuser":false}],"databases":[{"name":"postgres","owner":"postgres","encoding":"UTF8","collate":"C","ctype":"C"},{"name":"u1-a","owner":"odoo","encoding":"UTF8","collate":"C","ctype":"C.UTF-8"}]}'`;
  const fleet: Fleet = { ...f, servers: f.servers.map((x) => ({ ...x, postgres: { ...x.postgres, databases: true }, commands: { ...x.commands, psql: pg } })) };
  mkdirSync(join(root(), 'var/lib/blink'), { recursive: true });
  mkdirSync(join(root(), 'etc'), { recursive: true });
  writeFileSync(join(root(), 'var/lib/blink/manifest.json'), JSON.stringify({ version: 1, server: 'u1', run: 'r1', time: 't', files: {}, resources: { 'folder:/etc': { kind: 'folder', purpose: 'data', instance: 'gone-x' }, 'database:postgres': { kind: 'database', instance: 'gone-x' } } }));
  writeFileSync(join(root(), 'var/lib/blink/manifest.folders'), '/etc\n');
  const r = await run({ fleet });
  // --summary: the file lines without their diffs (the backup script's own text has rm -rf in it).
  const text = formatServerPlan(r.plan('u1'), { color: false, prune: false, summary: true });
  assert.match(text, '? folder /etc (orphan: kept; it holds data)');
  assert.not.match(text, 'rm -rf');
  assert.not.match(text, 'DROP DATABASE');
});

s.run();
