/**
 * blink-apply as a user runs it, about what is not a file: folders in
 * --diff, --summary and --json like files, and a service user that does not
 * exist said plainly, exit 1, nothing written (local transport).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyCli } from '../../src/cli/apply.js';
import { tempDir } from '../support/tmp.js';
import { testWorld, type TestWorld } from './fixture.js';
import { secretEnv } from './harness.js';
import { writeConfig } from './writeConfig.js';

const s = suite('blink-apply CLI: folders, users');
const ctx: { tmp?: ReturnType<typeof tempDir>; world?: TestWorld; config?: string } = {};

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io = { stdout: { write: (x: string) => (out += x) }, stderr: { write: (x: string) => (err += x) }, env: { ...secretEnv(ctx.world!.fleet), BLINK_CACHE_DIR: join(ctx.tmp!.dir, 'cache') }, cwd: ctx.tmp!.dir };
  const code = await applyCli([...args, '--config', ctx.config!, '--addons', join(process.cwd(), 'custom-addons'), '--health-interval', '50', '--health-retries', '3', '--no-color'], io);
  return { code, out, err };
}

s.before(async () => {
  ctx.tmp = tempDir('blink-apply-cli-resources-');
  ctx.world = await testWorld(ctx.tmp.dir, [{ name: 'r1', transport: 'local' }], 1);
  ctx.config = writeConfig(ctx.tmp.dir, ctx.world.fleet);
});
s.after(async () => {
  await ctx.world?.stop();
  ctx.tmp?.cleanup();
});

s('a service user that does not exist: the diff says so and exits 1; the apply writes nothing', async () => {
  const yaml = join(ctx.config!, 'clients.yaml');
  const good = readFileSync(yaml, 'utf8');
  writeFileSync(yaml, good.replace('system_user: root', 'system_user: blink-no-such-user'));
  try {
    const d = await cli(['--diff']);
    assert.is(d.code, 1, d.out + d.err);
    assert.match(d.out, '! service user blink-no-such-user does not exist');
    assert.match(d.out, 'or run blink-apply --create-users, which does that first');
    assert.match(d.out, 'r1: ');
    assert.match(d.out, 'apply refused: 1 problem to fix first');
    const j = await cli(['--diff', '--json']);
    const server = (JSON.parse(j.out) as { servers: { blocked?: { code: string }[] }[] }).servers[0]!;
    assert.equal(server.blocked?.map((b) => b.code), ['BLINK550']);
    const a = await cli(['--yes']);
    assert.is(a.code, 1);
    assert.match(a.out, 'BLINK550');
    assert.not.ok(existsSync(join(ctx.world!.rootOf('r1'), 'etc/odoo')));
  } finally {
    writeFileSync(yaml, good);
  }
});

s('folders in --summary and --json like files; applied, then nothing to change', async () => {
  const sum = await cli(['--diff', '--summary']);
  assert.is(sum.code, 2, sum.out + sum.err);
  assert.match(sum.out, '+ folder /opt/odoo/.local/share/Odoo-r1-a (new, 0750 root:root)');
  // The fixture made /var/log/odoo 0755: fixed, not made again.
  assert.match(sum.out, 'm folder /var/log/odoo (0755 root:root → 0750 root:root)');
  assert.match(sum.out, /r1: \d+ to add, 2 folders to make, 1 folder to fix/, sum.out);
  const j = await cli(['--diff', '--json']);
  const server = (JSON.parse(j.out) as { servers: { counts: { resources: number }; resources: { kind: string; name: string; change: string; after: string }[] }[] }).servers[0]!;
  assert.is(server.counts.resources, 3);
  assert.equal(server.resources.map((r) => [r.kind, r.name, r.change, r.after]), [
    ['folder', '/opt/odoo/.local/share/Odoo-r1-a', 'add', '0750 root:root'],
    ['folder', '/var/backups/odoo/r1-a', 'add', '0700 root:root'],
    ['folder', '/var/log/odoo', 'mode', '0750 root:root'],
  ]);
  const a = await cli(['--yes']);
  assert.is(a.code, 0, a.out + a.err);
  const again = await cli(['--diff']);
  assert.is(again.code, 0, again.out);
  assert.match(again.out, 'r1: no changes');
});

s.run();
