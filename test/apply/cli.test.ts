/**
 * blink-apply as a user runs it (in-process, local transport): exit codes,
 * --json, selections, --yes, secrets checked before any server is touched,
 * --notify, output order, and a canary secret that appears nowhere.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFileSync, cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fg from 'fast-glob';
import type { Server } from '../../src/model/Fleet.js';
import type { Remote } from '../../src/remote/Remote.js';
import { localTransport } from '../../src/remote/localTransport.js';
import { shellRemote } from '../../src/remote/shellRemote.js';
import { applyCli } from '../../src/cli/apply.js';
import { renderCli } from '../../src/cli/render.js';
import { tempDir } from '../support/tmp.js';
import { testWorld, type TestWorld } from './fixture.js';
import { CANARY, secretEnv } from './harness.js';
import { writeConfig } from './writeConfig.js';
import { startWebhook } from '../support/webhook.js';

const s = suite('blink-apply CLI');
const ctx: { tmp?: { dir: string; cleanup: () => void }; world?: TestWorld; config?: string; env?: Record<string, string> } = {};
const seen: string[] = [];

async function cli(args: string[], o: { env?: Record<string, string>; remoteFor?: (s: Server) => Remote; tty?: boolean } = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io = { stdout: { write: (x: string) => (out += x), isTTY: o.tty ?? false }, stderr: { write: (x: string) => (err += x), isTTY: o.tty ?? false }, env: o.env ?? ctx.env!, cwd: ctx.tmp!.dir };
  const flags = ['--config', ctx.config!, '--addons', join(process.cwd(), 'custom-addons'), '--health-interval', '50', '--health-retries', '3'];
  const code = await applyCli([...args, ...flags], io, o.remoteFor ? { remoteFor: o.remoteFor } : {});
  seen.push(out, err);
  return { code, out, err };
}

const spy = (): { calls: string[]; remoteFor: (s: Server) => Remote } => {
  const calls: string[] = [];
  return { calls, remoteFor: (srv) => (calls.push(srv.name), shellRemote(localTransport(srv.name), srv.root)) };
};

s.before(async () => {
  ctx.tmp = tempDir('blink-apply-cli-');
  ctx.world = await testWorld(ctx.tmp.dir, [
    { name: 'c1', transport: 'local' },
    { name: 'c2', transport: 'local' },
  ]);
  ctx.config = writeConfig(ctx.tmp.dir, ctx.world.fleet);
  ctx.env = secretEnv(ctx.world.fleet);
});

s.after(async () => {
  await ctx.world?.stop();
  ctx.tmp?.cleanup();
});

s('a missing secret fails an apply (and --diff --require-secrets) before any server is touched, listing every name', async () => {
  const env = { ...ctx.env! };
  delete env['BLINK_SECRET_C1_A_ADMIN_PASSWD'];
  delete env['BLINK_SECRET_C2_B_ADMIN_PASSWD'];
  for (const args of [['--yes'], ['--diff', '--require-secrets']]) {
    const sp = spy();
    const r = await cli(args, { env, remoteFor: sp.remoteFor });
    assert.is(r.code, 1, args.join(' '));
    assert.match(r.err, 'BLINK500: secret BLINK_SECRET_C1_A_ADMIN_PASSWD is not set');
    assert.match(r.err, 'BLINK500: secret BLINK_SECRET_C2_B_ADMIN_PASSWD is not set');
    assert.equal(sp.calls, []);
    assert.not.ok(existsSync(join(ctx.world!.rootOf('c1'), 'var/lib/blink')));
  }
});

s('the same admin_passwd on two instances fails before any server is contacted', async () => {
  const sp = spy();
  const env = { ...ctx.env!, BLINK_SECRET_C1_A_ADMIN_PASSWD: 'fake-same', BLINK_SECRET_C2_B_ADMIN_PASSWD: 'fake-same' };
  const r = await cli(['--diff'], { env, remoteFor: sp.remoteFor });
  assert.is(r.code, 1);
  assert.match(r.err, 'BLINK501');
  assert.equal(sp.calls, []);
});

s('the same backup key on instances of two servers, or a short one, fails before any server is contacted', async () => {
  const sp = spy();
  const same = 'fake-same-backup-key-0123456789abcdef';
  let r = await cli(['--diff'], { env: { ...ctx.env!, BLINK_SECRET_C1_A_BACKUP_KEY: same, BLINK_SECRET_C2_B_BACKUP_KEY: same }, remoteFor: sp.remoteFor });
  assert.is(r.code, 1);
  assert.match(r.err, 'BLINK581: c1-a, c2-b have the same backup key (BLINK_SECRET_C1_A_BACKUP_KEY, BLINK_SECRET_C2_B_BACKUP_KEY)');
  assert.not.match(r.err, same);
  r = await cli(['--diff'], { env: { ...ctx.env!, BLINK_SECRET_C1_A_BACKUP_KEY: 'fake-short' }, remoteFor: sp.remoteFor });
  assert.is(r.code, 1);
  assert.match(r.err, /clients\.yaml:\d+:\d+: error BLINK580: c1-a: the backup key \(BLINK_SECRET_C1_A_BACKUP_KEY\) is 10 characters; it needs at least 32/);
  assert.equal(sp.calls, []);
});

s('one remote per server for the whole run, however early it was opened', async () => {
  const sp = spy();
  const r = await cli(['--diff', '--parallel', '1'], { remoteFor: sp.remoteFor });
  assert.ok(r.code === 0 || r.code === 2, r.err);
  // c1 is opened while the files render (every secret is set), then diffed on the same remote.
  assert.equal(sp.calls, ['c1', 'c2']);
});

s('a --diff reads its servers at once by default, one at a time with --parallel 1', async () => {
  const counting = (): { most: () => number; remoteFor: (s: Server) => Remote } => {
    let now = 0;
    let most = 0;
    return {
      most: () => most,
      remoteFor: (srv) => {
        const r = shellRemote(localTransport(srv.name), srv.root);
        return { ...r, read: async (...a) => { most = Math.max(most, ++now); try { await new Promise((x) => setTimeout(x, 100)); return await r.read(...a); } finally { now--; } } };
      },
    };
  };
  const all = counting();
  let r = await cli(['--diff'], { remoteFor: all.remoteFor });
  assert.ok(r.code === 0 || r.code === 2, r.err + r.out);
  assert.is(all.most(), 2);
  const one = counting();
  r = await cli(['--diff', '--parallel', '1'], { remoteFor: one.remoteFor });
  assert.ok(r.code === 0 || r.code === 2, r.err + r.out);
  assert.is(one.most(), 1);
});

s('--yes is required when not on a terminal', async () => {
  const r = await cli([]);
  assert.is(r.code, 1);
  assert.match(r.err, 'BLINK520');
});

s('--diff exits 2 with changes pending; apply; then --diff exits 0', async () => {
  const d = await cli(['--diff']);
  assert.is(d.code, 2, d.err);
  assert.match(d.out, /c1: \d+ to add/);
  assert.match(d.out, /fleet: 2 servers, 2 with changes/);
  // --summary: the same files and counts, without a line of diff text.
  const brief = await cli(['--diff', '--summary']);
  assert.is(brief.code, 2, brief.err);
  const fileLines = (out: string): string[] => out.split('\n').filter((l) => /^ {2}[+~m-] \//.test(l));
  assert.equal(fileLines(brief.out), fileLines(d.out));
  assert.not.ok(brief.out.split('\n').some((l) => /^ {6}/.test(l)), brief.out);
  assert.ok(brief.out.split('\n').length * 3 < d.out.split('\n').length, 'much shorter');
  const a = await cli(['--yes']);
  assert.is(a.code, 0, a.out + a.err);
  assert.match(a.out, /c1: applied \(\d+ files\)/);
  const again = await cli(['--diff']);
  assert.is(again.code, 0);
  assert.match(again.out, 'c1: no changes');
});

s('a base.conf change is shown once for the whole fleet, then referred to', async () => {
  const base = join(ctx.config!, 'base.conf');
  const before = readFileSync(base, 'utf8');
  writeFileSync(base, before.replace('limit_time_cpu = 600', 'limit_time_cpu = 900'));
  try {
    const d = await cli(['--diff']);
    assert.is(d.code, 2, d.err);
    assert.is(d.out.split('+limit_time_cpu = 900').length - 1, 1, d.out);
    assert.match(d.out, /~ \/etc\/odoo\/b\.c1\.test\.conf .*\n {6}\(same change as \/etc\/odoo\/a\.c1\.test\.conf\)/);
    assert.match(d.out, /~ \/etc\/odoo\/a\.c2\.test\.conf .*\n {6}\(same change as c1:\/etc\/odoo\/a\.c1\.test\.conf\)/);
  } finally {
    writeFileSync(base, before);
  }
});

s('--json emits the plan as data', async () => {
  ctx.world!.clearCommands();
  const r = await cli(['--diff', '--json', '--server', 'c2']);
  const data = JSON.parse(r.out) as { servers: { server: string; pending: boolean; counts: Record<string, number> }[] };
  assert.equal(data.servers.map((x) => x.server), ['c2']);
  assert.is(data.servers[0]!.pending, false);
  assert.is(data.servers[0]!.counts['add'], 0);
});

s('--server and --host limit what is contacted and which secrets are needed', async () => {
  const sp = spy();
  // b.c2's secrets and its server's own (the key of c2's configuration backups).
  const env = Object.fromEntries(Object.entries(ctx.env!).filter(([k]) => k.includes('_C2_B_') || k === 'BLINK_CONFIG_BACKUP_KEY_C2'));
  const r = await cli(['--diff', '--require-secrets', '--host', 'b.c2.*'], { env, remoteFor: sp.remoteFor });
  assert.is(r.code, 0, r.err);
  assert.equal(sp.calls, ['c2']);
  const bad = await cli(['--diff', '--server', 'nope']);
  assert.is(bad.code, 1);
  assert.match(bad.err, '--server nope: no such server');
});

s('blocks come whole and in fleet order, whatever finishes first', async () => {
  const slowFirst = (srv: Server): Remote => {
    const r = shellRemote(localTransport(srv.name), srv.root);
    return srv.name === 'c1' ? { ...r, read: async (...a) => (await new Promise((x) => setTimeout(x, 300)), r.read(...a)) } : r;
  };
  const r = await cli(['--diff', '--parallel', '2'], { remoteFor: slowFirst });
  assert.ok(r.out.indexOf('c1 (local)') < r.out.indexOf('c2 (local)'));
});

s('an error on one server wins over changes on another', async () => {
  const broken = (srv: Server): Remote => {
    const r = shellRemote(localTransport(srv.name), srv.root);
    return srv.name === 'c1' ? { ...r, open: async () => ({ error: 'connection refused' }) } : r;
  };
  const fleetChanged = join(ctx.world!.rootOf('c2'), 'etc/logrotate.d/odoo-c2-a');
  appendFileSync(fleetChanged, '# hand edit\n');
  const r = await cli(['--diff'], { remoteFor: broken });
  assert.is(r.code, 1);
  assert.match(r.out, 'BLINK510');
  assert.match(r.out, 'drift');
});

s('--notify posts the JSON summary after an apply', async () => {
  const hook = await startWebhook();
  const bodies = hook.bodies;
  try {
    const r = await cli(['--yes', '--notify', hook.url]);
    assert.is(r.code, 0, r.out + r.err);
    assert.is(bodies.length, 1);
    const body = JSON.parse(bodies[0]!) as { applied: { server: string; outcome: string }[] };
    assert.equal(body.applied.map((x) => [x.server, x.outcome]), [['c1', 'unchanged'], ['c2', 'applied']]);
    seen.push(bodies[0]!);
  } finally {
    await hook.close();
  }
});

s('a template that breaks nginx -t exits 1 and leaves every file as it was', async () => {
  const templates = join(ctx.tmp!.dir, 'templates');
  cpSync(join(process.cwd(), 'templates'), templates, { recursive: true });
  appendFileSync(join(templates, 'vhost.conf.hbs'), 'not_an_nginx_directive on;\n');
  const vhost = join(ctx.world!.rootOf('c1'), 'etc/nginx/sites-available/a.c1.test');
  const before = readFileSync(vhost, 'utf8');
  ctx.world!.clearCommands();
  const r = await cli(['--yes', '--templates', templates]);
  assert.is(r.code, 1);
  assert.match(r.out, /BLINK513: c1: nginx -t on the staged tree failed; nothing was changed:\n.*not_an_nginx_directive/);
  assert.is(readFileSync(vhost, 'utf8'), before);
  assert.equal(ctx.world!.commands(), []);
});

s('a template that cannot render: the server is not read, the error is shown, nothing is applied', async () => {
  const templates = join(ctx.tmp!.dir, 'templates-bad');
  cpSync(join(process.cwd(), 'templates'), templates, { recursive: true });
  appendFileSync(join(templates, 'logrotate.hbs'), '{{instance.no_such_value}}\n');
  const vhost = join(ctx.world!.rootOf('c1'), 'etc/nginx/sites-available/a.c1.test');
  const before = readFileSync(vhost, 'utf8');
  ctx.world!.clearCommands();
  for (const args of [['--diff'], ['--yes']]) {
    const r = await cli([...args, '--templates', templates]);
    assert.is(r.code, 1, args.join(' '));
    assert.match(r.err, /BLINK400: .*"instance.no_such_value" is not defined/);
    assert.match(r.out, 'BLINK511: c1: not read, its files could not be made (see the errors below)');
    assert.not.match(r.out, 'applied');
  }
  assert.is(readFileSync(vhost, 'utf8'), before);
  assert.equal(ctx.world!.commands(), []);
});

s('the canary secret appears in no output, log, audit line or out/', async () => {
  const out = join(ctx.tmp!.dir, 'out');
  const io = { stdout: { write: (x: string) => seen.push(x) }, stderr: { write: (x: string) => seen.push(x) }, env: ctx.env!, cwd: ctx.tmp!.dir };
  assert.is(await renderCli(['--config', ctx.config!, '--addons', join(process.cwd(), 'custom-addons'), '--out', out], io), 0);
  const files = fg.sync('**/*', { cwd: out, dot: true }).map((f) => readFileSync(join(out, f), 'utf8'));
  assert.ok(files.length > 10);
  for (const srv of ['c1', 'c2']) {
    const lib = join(ctx.world!.rootOf(srv), 'var/lib/blink');
    files.push(readFileSync(join(lib, 'audit.log'), 'utf8'), readFileSync(join(lib, 'manifest.json'), 'utf8'));
  }
  files.push(readFileSync(join(ctx.tmp!.dir, 'commands.log'), 'utf8'));
  for (const text of [...seen, ...files]) assert.not.ok(text.includes(CANARY), text.slice(0, 200));
  // And it did reach the servers.
  assert.ok(readFileSync(join(ctx.world!.rootOf('c1'), 'etc/odoo/a.c1.test.conf'), 'utf8').includes(CANARY));
});

s.run();
