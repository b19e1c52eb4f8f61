/**
 * `blink-apply --diff` as a pull request's CI job runs it: no secret in the
 * environment (in-process CLI, local transport). Everything else is compared;
 * a file that can only differ in its secret line is "not compared", which is
 * neither a change nor unchanged; the exit code speaks for what was compared.
 * The same runs with the secrets (environment or --secrets FILE) compare fully.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyCli } from '../../src/cli/apply.js';
import { tempDir } from '../support/tmp.js';
import { testWorld, type TestWorld } from './fixture.js';
import { CANARY, secretEnv } from './harness.js';
import { writeConfig } from './writeConfig.js';

const s = suite('blink-apply --diff without secrets');
const ctx: { tmp?: { dir: string; cleanup: () => void }; world?: TestWorld; config?: string; env?: Record<string, string> } = {};
const seen: string[] = [];
const A = 'BLINK_SECRET_C1_A_ADMIN_PASSWD';
const B = 'BLINK_SECRET_C1_B_ADMIN_PASSWD';
// The backup keys, the other secret files of every instance (/etc/blink/backup-keys/<instance>.key).
const KA = 'BLINK_SECRET_C1_A_BACKUP_KEY';
const KB = 'BLINK_SECRET_C1_B_BACKUP_KEY';
// And the server's own: the key of c1's configuration backups (/etc/blink/backup-keys/_server-config.key), from the environment only.
const KS = 'BLINK_CONFIG_BACKUP_KEY_C1';

async function cli(args: string[], env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io = { stdout: { write: (x: string) => (out += x), isTTY: false }, stderr: { write: (x: string) => (err += x), isTTY: false }, env, cwd: ctx.tmp!.dir };
  const code = await applyCli([...args, '--config', ctx.config!, '--addons', join(process.cwd(), 'custom-addons'), '--health-interval', '50', '--health-retries', '3'], io);
  seen.push(out, err);
  // Neither a secret nor a reference shown as if it were the server's content.
  assert.not.ok(out.includes(CANARY) || err.includes(CANARY), out + err);
  assert.not.ok(out.includes('${secret'), out);
  return { code, out, err };
}

/** The live odoo.conf of c1-a, edited by hand for the duration of `body`. */
async function withLiveConf(edit: (text: string) => string, body: () => Promise<void>): Promise<void> {
  const path = join(ctx.world!.rootOf('c1'), 'etc/odoo/a.c1.test.conf');
  const before = readFileSync(path, 'utf8');
  writeFileSync(path, edit(before));
  try {
    await body();
  } finally {
    writeFileSync(path, before);
  }
}

s.before(async () => {
  ctx.tmp = tempDir('blink-apply-nosecrets-');
  ctx.world = await testWorld(ctx.tmp.dir, [{ name: 'c1', transport: 'local' }]);
  ctx.config = writeConfig(ctx.tmp.dir, ctx.world.fleet);
  ctx.env = secretEnv(ctx.world.fleet);
  const r = await cli(['--yes'], ctx.env);
  assert.is(r.code, 0, r.out + r.err);
});

s.after(async () => {
  await ctx.world?.stop();
  ctx.tmp?.cleanup();
});

s('nothing else differs: exit 0, each secret file listed as not compared, the summary and warnings say why', async () => {
  const r = await cli(['--diff'], {});
  assert.is(r.code, 0, r.out + r.err);
  assert.match(r.out, `  s /etc/odoo/a.c1.test.conf  (not compared: needs secret ${A})\n`);
  assert.match(r.out, `  s /etc/odoo/b.c1.test.conf  (not compared: needs secret ${B})\n`);
  assert.match(r.out, `  s /etc/blink/backup-keys/c1-a.key  (not compared: needs secret ${KA})\n`);
  assert.match(r.out, `  s /etc/blink/backup-keys/_server-config.key  (not compared: needs secret ${KS})\n`);
  assert.match(r.out, '\nc1: 5 not compared (secrets not available)\n');
  assert.match(r.out, 'fleet: 1 server, 0 with changes, 0 unreachable or failed; 0 to add, 0 to change, 0 mode/owner, 0 to delete, 0 orphans kept, 0 drifted, 5 not compared\n');
  assert.match(r.out, 'not compared: the lines holding 5 secrets this run does not have, in 5 files (5 differing nowhere else); the exit code covers everything else.');
  assert.match(r.err, `warning BLINK530: secret ${A} is not set (needed by c1-a (/etc/odoo/a.c1.test.conf)): the lines holding it are not compared`);
  assert.match(r.err, `warning BLINK530: secret ${B} is not set`);
  assert.match(r.err, `warning BLINK530: secret ${KB} is not set (needed by c1-b (/etc/blink/backup-keys/c1-b.key))`);
  // Only the odoo.conf and backup key files hold a secret: every other file was compared and is unchanged.
  assert.is(r.out.split('\n').filter((l) => /^ {2}[-+~ms?] \//.test(l)).length, 5, r.out);
});

s('--json: "complete": false, the secrets it lacked, each file not compared', async () => {
  const r = await cli(['--diff', '--json'], {});
  assert.is(r.code, 0, r.err);
  const data = JSON.parse(r.out) as {
    complete: boolean;
    missingSecrets: string[];
    servers: { pending: boolean; counts: Record<string, number>; files: { path: string; change: string; notCompared?: boolean; missingSecrets?: string[]; after?: { sha256?: string } }[] }[];
    diagnostics: { code: string; severity: string }[];
  };
  assert.is(data.complete, false);
  assert.equal(data.missingSecrets, [KS, A, KA, B, KB]);
  const [c1] = data.servers;
  assert.is(c1!.pending, false);
  assert.is(c1!.counts['notCompared'], 5);
  assert.equal(c1!.files.map((f) => [f.path, f.change, f.notCompared, f.missingSecrets]), [
    ['/etc/blink/backup-keys/_server-config.key', 'none', true, [KS]],
    ['/etc/blink/backup-keys/c1-a.key', 'none', true, [KA]],
    ['/etc/blink/backup-keys/c1-b.key', 'none', true, [KB]],
    ['/etc/odoo/a.c1.test.conf', 'none', true, [A]],
    ['/etc/odoo/b.c1.test.conf', 'none', true, [B]],
  ]);
  // No hash of a content with a reference in it, offered as the one to come.
  assert.ok(c1!.files.every((f) => f.after?.sha256 === undefined));
  assert.equal(data.diagnostics.map((d) => [d.code, d.severity]), [['BLINK530', 'warning'], ['BLINK530', 'warning'], ['BLINK530', 'warning'], ['BLINK530', 'warning'], ['BLINK530', 'warning']]);
});

s('with every secret (environment or --secrets FILE): compared in full', async () => {
  const env = await cli(['--diff', '--json'], ctx.env!);
  assert.is(env.code, 0, env.err);
  const data = JSON.parse(env.out) as { complete: boolean; missingSecrets: string[]; servers: { files: unknown[] }[] };
  assert.is(data.complete, true);
  assert.equal(data.missingSecrets, []);
  assert.equal(data.servers[0]!.files, []);
  const file = join(ctx.tmp!.dir, 'secrets.yaml');
  writeFileSync(file, `c1-a: {admin_passwd: ${ctx.env![A]}, backup_key: ${ctx.env![KA]}}\nc1-b: {admin_passwd: ${ctx.env![B]}, backup_key: ${ctx.env![KB]}}\n`);
  chmodSync(file, 0o600);
  // The file holds instances' values; a server's configuration backup key comes from the environment.
  const fromFile = await cli(['--diff', '--secrets', file], { [KS]: ctx.env![KS]! });
  assert.is(fromFile.code, 0, fromFile.out + fromFile.err);
  assert.match(fromFile.out, 'c1: no changes\n');
  assert.not.match(fromFile.out + fromFile.err, 'not compared');
});

s('a secret that changed is seen only with the secrets; without them it stays not compared', async () => {
  const rotated = { ...ctx.env!, [A]: 'fake-rotated-value' };
  const full = await cli(['--diff'], rotated);
  assert.is(full.code, 2, full.out + full.err);
  assert.match(full.out, '+admin_passwd = (sensitive, changed)');
  assert.not.match(full.out, 'fake-rotated-value');
  const partial = await cli(['--diff'], { [B]: ctx.env![B]!, [KS]: ctx.env![KS]! });
  assert.is(partial.code, 0, partial.out + partial.err);
  assert.match(partial.out, `  s /etc/odoo/a.c1.test.conf  (not compared: needs secret ${A})\n`);
  assert.not.match(partial.out, 'b.c1.test.conf');
});

s('another line edited on the server: exit 2, the change shown, the secret line masked as not compared', async () => {
  await withLiveConf(
    (t) => t.replace(/^data_dir = .*$/m, 'data_dir = /srv/hand-edited'),
    async () => {
      const r = await cli(['--diff'], {});
      assert.is(r.code, 2, r.out + r.err);
      assert.match(r.out, `  ~ /etc/odoo/a.c1.test.conf  (drift: edited on the server since the last apply; lines holding secret ${A} not compared)\n`);
      assert.match(r.out, '       admin_passwd = (sensitive, not compared)\n      -data_dir = /srv/hand-edited\n      +data_dir = ');
      assert.match(r.out, `  s /etc/odoo/b.c1.test.conf  (not compared: needs secret ${B})\n`);
      assert.match(r.out, 'c1: 1 to change, 1 drifted, 4 not compared (secrets not available)\n');
      assert.match(r.out, 'in 5 files (4 differing nowhere else)');
      const json = JSON.parse((await cli(['--diff', '--json'], {})).out) as { complete: boolean; servers: { pending: boolean }[] };
      assert.is(json.complete, false);
      assert.is(json.servers[0]!.pending, true);
      // The same with the secrets: the secret line is compared and unchanged.
      const full = await cli(['--diff'], ctx.env!);
      assert.is(full.code, 2);
      assert.match(full.out, '       admin_passwd = (sensitive)\n      -data_dir = /srv/hand-edited\n');
      assert.not.match(full.out + full.err, 'not compared');
    },
  );
});

s('the secret line itself edited by hand: its text around the value differs, a change, its value never shown', async () => {
  await withLiveConf(
    (t) => t.replace(/^admin_passwd = /m, 'admin_passwd=').replace(CANARY, 'fake-hand-typed'),
    async () => {
      const r = await cli(['--diff'], {});
      assert.is(r.code, 2, r.out + r.err);
      assert.match(r.out, '      -admin_passwd=(sensitive)\n      +admin_passwd = (sensitive, not compared)\n');
      assert.not.match(r.out, 'fake-hand-typed');
    },
  );
});

s('--help describes --require-secrets and what the exit code means without a secret', async () => {
  const r = await cli(['--help'], {});
  assert.is(r.code, 0);
  assert.match(r.out, '--require-secrets     with --diff: a missing secret is an error, as for an apply');
  assert.match(r.out, 'Without some secret, 0 and 2 speak for what was compared');
});

s('an apply without the secrets refuses before touching the server', async () => {
  ctx.world!.clearCommands();
  const r = await cli(['--yes'], {});
  assert.is(r.code, 1);
  assert.match(r.err, `error BLINK500: secret ${A} is not set`);
  assert.equal(ctx.world!.commands(), []);
});

s.run();
