/**
 * What a server's copy of a file with secrets shows in `--diff`, `--json` and
 * the `--notify` body (in-process CLI, local transport): its old secret lines
 * never, whatever their spacing or whether the config still has that secret;
 * and no sha256 of a file with secrets, which would let anyone test guesses
 * of a secret offline. Every value below is an obvious fake.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyCli } from '../../src/cli/apply.js';
import { tempDir } from '../support/tmp.js';
import { testWorld, type TestWorld } from './fixture.js';
import { CANARY, secretEnv } from './harness.js';
import { writeConfig } from './writeConfig.js';
import { startWebhook } from '../support/webhook.js';

const s = suite('blink-apply: old secrets on the server');
const ctx: { tmp?: { dir: string; cleanup: () => void }; world?: TestWorld; config?: string; env?: Record<string, string> } = {};
const CONF_A = 'etc/odoo/a.c1.test.conf';
const CONF_B = 'etc/odoo/b.c1.test.conf';
const SMTP = 'BLINK_SECRET_C1_A_SMTP_USER';
/** Every fake secret of this file: none may appear in any output. */
const FAKES = ['fake-smtp-user-now', 'fake-smtp-user-old', 'fake-smtp-user-rotated', 'fake-admin-old', 'fake-admin-continued'];

interface Run {
  code: number;
  out: string;
  err: string;
}

async function cli(args: string[], env: Record<string, string> = ctx.env!): Promise<Run> {
  let out = '';
  let err = '';
  const io = { stdout: { write: (x: string) => (out += x), isTTY: false }, stderr: { write: (x: string) => (err += x), isTTY: false }, env, cwd: ctx.tmp!.dir };
  const code = await applyCli([...args, '--config', ctx.config!, '--addons', join(process.cwd(), 'custom-addons'), '--health-interval', '50', '--health-retries', '3'], io);
  noSecretIn(out + err);
  return { code, out, err };
}

function noSecretIn(text: string): void {
  for (const fake of [CANARY, ...FAKES]) assert.not.ok(text.includes(fake), `${fake} shown:\n${text}`);
}

const live = (path: string): string => join(ctx.world!.rootOf('c1'), path);
const hostConf = (): string => join(ctx.config!, 'hosts', 'a.c1.test.conf');

/** A file on the server, edited by hand for the duration of `body`. */
async function withLive(path: string, edit: (text: string) => string, body: () => Promise<void>): Promise<void> {
  const before = readFileSync(live(path), 'utf8');
  writeFileSync(live(path), edit(before));
  try {
    await body();
  } finally {
    writeFileSync(live(path), before);
  }
}

interface JsonFile {
  path: string;
  sensitive: boolean;
  before?: { sha256?: string };
  after?: { sha256?: string };
  diff?: string;
}

function jsonFiles(text: string, key: 'servers' = 'servers'): JsonFile[] {
  const data = JSON.parse(text) as { servers: { files: JsonFile[] }[] };
  return data[key].flatMap((x) => x.files);
}

/** Neither side of a file that may hold secrets carries a hash; the others keep theirs. */
function hashesOnlyWhereNoSecret(files: readonly JsonFile[]): void {
  for (const f of files) {
    if (f.sensitive) assert.ok(f.before?.sha256 === undefined && f.after?.sha256 === undefined, `${f.path} has a hash: ${JSON.stringify(f)}`);
  }
  assert.not.match(JSON.stringify(files.filter((f) => f.sensitive)), /[0-9a-f]{64}/);
}

s.before(async () => {
  ctx.tmp = tempDir('blink-apply-oldsecrets-');
  ctx.world = await testWorld(ctx.tmp.dir, [{ name: 'c1', transport: 'local' }]);
  ctx.config = writeConfig(ctx.tmp.dir, ctx.world.fleet);
  // A second secret, under a key that does not look like one: an SMTP user name.
  mkdirSync(join(ctx.config, 'hosts'), { recursive: true });
  writeFileSync(hostConf(), '[options]\nsmtp_user = ${secret:smtp_user}\n');
  ctx.env = { ...secretEnv(ctx.world.fleet), [SMTP]: 'fake-smtp-user-now' };
  const r = await cli(['--yes']);
  assert.is(r.code, 0, r.out + r.err);
  assert.match(readFileSync(live(CONF_A), 'utf8'), '\nsmtp_user = fake-smtp-user-now\n');
});

s.after(async () => {
  await ctx.world?.stop();
  ctx.tmp?.cleanup();
});

s('a secret line re-spaced on the server with an old value: the old value is masked, the key kept', async () => {
  await withLive(
    CONF_A,
    (t) => t.replace('smtp_user = fake-smtp-user-now', 'smtp_user  =  fake-smtp-user-old'),
    async () => {
      const r = await cli(['--diff']);
      assert.is(r.code, 2, r.out + r.err);
      assert.match(r.out, '      -smtp_user  =  (sensitive)\n      +smtp_user = (sensitive, changed)\n');
      const json = await cli(['--diff', '--json']);
      hashesOnlyWhereNoSecret(jsonFiles(json.out));
    },
  );
  // The same value, only re-spaced: still never shown.
  await withLive(
    CONF_A,
    (t) => t.replace('smtp_user = fake-smtp-user-now', 'smtp_user=fake-smtp-user-now'),
    async () => {
      const r = await cli(['--diff']);
      assert.is(r.code, 2, r.out + r.err);
      assert.match(r.out, '      -smtp_user=(sensitive)\n');
    },
  );
});

s('a secret value moved to a continuation line (Odoo reads it as the same option): masked', async () => {
  await withLive(
    CONF_B,
    (t) => t.replace(/^admin_passwd = .*$/m, 'admin_passwd =\n    fake-admin-continued'),
    async () => {
      const r = await cli(['--diff']);
      assert.is(r.code, 2, r.out + r.err);
      assert.match(r.out, '      -admin_passwd =\n      -    (sensitive)\n      +admin_passwd = (sensitive, changed)\n');
    },
  );
});

s('a secret option removed from the config: the server\'s old line shows masked on the removed side', async () => {
  writeFileSync(hostConf(), '[options]\n');
  try {
    const r = await cli(['--diff']);
    assert.is(r.code, 2, r.out + r.err);
    assert.match(r.out, '      -smtp_user = (sensitive)\n');
    hashesOnlyWhereNoSecret(jsonFiles((await cli(['--diff', '--json'])).out));
  } finally {
    writeFileSync(hostConf(), '[options]\nsmtp_user = ${secret:smtp_user}\n');
  }
});

s('lines the repository has, blank lines and typed Odoo values stay readable; anything else on the server is masked', async () => {
  await withLive(
    CONF_A,
    (t) =>
      t
        .replace(/^list_db = False$/m, 'list_db = True')
        .replace(/^limit_time_cpu = \d+$/m, 'limit_time_cpu = 9999')
        .replace(/^db_user = odoo$/m, 'db_user = fake-admin-old')
        .replace('[options]\n', '[options]\n; admin_passwd = fake-admin-old\n'),
    async () => {
      const r = await cli(['--diff', '--context', '0']);
      assert.is(r.code, 2, r.out + r.err);
      assert.match(r.out, '-list_db = True\n');
      assert.match(r.out, '-limit_time_cpu = 9999\n');
      // A string option may be a password as well as a name: the catalogue cannot tell.
      assert.match(r.out, '-db_user = (sensitive)\n');
      // A comment may be a commented-out secret.
      assert.match(r.out, '-(sensitive)\n');
    },
  );
});

s('--json and the --notify body: no hash of a file with secrets, no secret anywhere', async () => {
  const hook = await startWebhook();
  const bodies = hook.bodies;
  // A file without secrets changes too: its hashes are still there to compare.
  const logrotate = 'etc/logrotate.d/odoo-c1-a';
  writeFileSync(live(logrotate), readFileSync(live(logrotate), 'utf8') + '# edited by hand\n');
  // The server's b.conf keeps Odoo's own admin_passwd line that the config no longer sets: the file still holds a secret.
  const env = { ...ctx.env!, [SMTP]: 'fake-smtp-user-rotated' };
  try {
    const r = await cli(['--yes', '--json', '--notify', hook.url], env);
    assert.is(r.code, 0, r.out + r.err);
    assert.is(bodies.length, 1);
    for (const text of [r.out, bodies[0]!]) {
      noSecretIn(text);
      const files = jsonFiles(text);
      const conf = files.find((f) => f.path === `/${CONF_A}`)!;
      assert.is(conf.sensitive, true);
      assert.match(conf.diff!, '+smtp_user = (sensitive, changed)');
      hashesOnlyWhereNoSecret(files);
      const plain = files.find((f) => f.path === `/${logrotate}`)!;
      assert.is(plain.sensitive, false);
      assert.match(plain.before!.sha256!, /^[0-9a-f]{64}$/);
      assert.match(plain.after!.sha256!, /^[0-9a-f]{64}$/);
    }
  } finally {
    await hook.close();
    await cli(['--yes']);
  }
});

s('an odoo.conf the config no longer puts a secret in still holds the server\'s: no hash, old line masked', async () => {
  // Odoo writes admin_passwd into its config file itself (master password set from /web/database).
  const b = join(ctx.config!, 'hosts', 'b.c1.test.conf');
  writeFileSync(b, '[options]\nadmin_passwd = False\n');
  try {
    const r = await cli(['--diff', '--json']);
    const conf = jsonFiles(r.out).find((f) => f.path === `/${CONF_B}`)!;
    assert.is(conf.sensitive, true);
    assert.match(conf.diff!, '-admin_passwd = (sensitive)\n+admin_passwd = False');
    hashesOnlyWhereNoSecret(jsonFiles(r.out));
  } finally {
    rmSync(b);
  }
});

s('the manifest on the server, which hashes files with secrets, is root\'s alone', async () => {
  const dir = live('var/lib/blink');
  assert.is(statSync(dir).mode & 0o777, 0o700);
  assert.is(statSync(join(dir, 'manifest.json')).mode & 0o777, 0o600);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { files: Record<string, { sensitive?: boolean }> };
  assert.is(manifest.files[`/${CONF_A}`]!.sensitive, true);
  assert.is(manifest.files['/etc/logrotate.d/odoo-c1-a']!.sensitive, undefined);
});

s.run();
