/**
 * blink-deploy over a real sshd on 127.0.0.1: the seed's hotfix flow end to
 * end (hotfix branch to test, refused on production, merged into main, main
 * to production), --status after each step, and a deploy killed over ssh
 * that the next run finishes, with no ssh process left behind.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSshd, writeSshConfig, type Sshd } from '../support/sshd.js';
import { tempDir } from '../support/tmp.js';
import { deployWorld, type DeployWorld } from './fixture.js';

const s = suite('blink-deploy over ssh');
const ctx: { tmp?: { dir: string; cleanup: () => void }; sshd?: Sshd; sshConfig?: string } = {};
let w: DeployWorld;

interface Row { instance: string; commit?: string; branch?: string; follows: string; behind?: number; owed: string[] }
async function status(): Promise<Record<string, Row>> {
  const r = await w.deploy(['--status', '--json']);
  assert.is(r.code, 0, r.out + r.err);
  return Object.fromEntries((JSON.parse(r.out) as { instances: Row[] }).instances.map((i) => [i.instance, i]));
}

s.before(async () => {
  ctx.tmp = tempDir('blink-deploy-ssh-');
  ctx.sshd = await startSshd(join(ctx.tmp.dir, 'sshd'));
  const knownHosts = join(ctx.tmp.dir, 'known_hosts');
  writeFileSync(knownHosts, ctx.sshd.knownHostsLine + '\n');
  ctx.sshConfig = join(ctx.tmp.dir, 'ssh_config');
  writeSshConfig(ctx.sshConfig, knownHosts, [{ alias: 'srv1', sshd: ctx.sshd }]);
  w = await deployWorld({ sshAlias: 'srv1', sshConfig: ctx.sshConfig });
});
s.after(async () => {
  await w?.stop();
  await ctx.sshd?.stop();
  ctx.tmp?.cleanup();
});

s('two instances on one server follow their own branches', async () => {
  const test = w.commit('test', { 'custom-addons/acme_sale/README.md': 'on test\n' });
  let st = await status();
  assert.is(st['acme-prod']!.commit, undefined, 'nothing deployed yet');
  const r = await w.deploy(['--all', '--yes']);
  assert.is(r.code, 0, r.out + r.err);
  assert.is(w.seen('acme-test', 'acme_sale/README.md'), 'on test\n');
  assert.is(w.seen('acme-prod', 'acme_sale/README.md'), 'sale tweaks\n');
  st = await status();
  assert.is(st['acme-test']!.commit, test);
  assert.is(st['acme-prod']!.behind, 0);
});

s('the hotfix flow: hotfix/x to test, refused on production, merged, main to production', async () => {
  w.git('checkout', '-q', '-b', 'hotfix/invoice-rounding', 'main');
  w.git('checkout', '-q', 'main');
  const fix = w.commit('hotfix/invoice-rounding', { 'custom-addons/acme_base/views/base.xml': '<odoo><data><!-- fixed rounding --></data></odoo>\n' }, 'fix rounding');
  w.git('push', '-q', '-u', 'origin', 'hotfix/invoice-rounding');

  let r = await w.deploy(['--host', 'acme-test.example.test', '--branch', 'hotfix/invoice-rounding', '--yes']);
  assert.is(r.code, 0, r.out + r.err);
  assert.match(r.out, 'note: acme-test follows test; deploying hotfix/invoice-rounding instead');
  let st = await status();
  assert.is(st['acme-test']!.commit, fix);
  assert.is(st['acme-test']!.branch, 'hotfix/invoice-rounding');
  assert.is(st['acme-test']!.follows, 'test');
  assert.is(w.audit().at(-1)!['notice'], 'acme-test follows test; deploying hotfix/invoice-rounding instead');

  r = await w.deploy(['--host', 'acme.example.test', '--branch', 'hotfix/invoice-rounding', '--yes']);
  assert.is(r.code, 1);
  assert.match(r.err, 'error BLINK604: acme-prod is production and follows main; branch hotfix/invoice-rounding is not on main');

  w.git('merge', '-q', '--ff-only', 'hotfix/invoice-rounding');
  w.git('push', '-q', 'origin', 'main');
  st = await status();
  assert.is(st['acme-prod']!.behind, 1);
  r = await w.deploy(['--all', '--branch', 'main', '--yes']);
  assert.is(r.code, 0, r.out + r.err);
  assert.match(r.out, 'acme-prod: deployed');
  assert.not.match(r.out, 'acme-test:', '--all --branch main is every environment that follows main');
  assert.is(w.seen('acme-prod', 'acme_base/views/base.xml'), '<odoo><data><!-- fixed rounding --></data></odoo>\n');
  st = await status();
  assert.is(st['acme-prod']!.commit, fix);
  assert.is(st['acme-prod']!.behind, 0);
  assert.equal(st['acme-prod']!.owed, []);
});

s('killed over ssh during the module update: the next run finishes, no ssh process outlives it', async () => {
  const next = w.commit('test', { 'custom-addons/acme_base/models/__init__.py': '# over ssh\n' });
  w.killAt('odoo');
  const killed = await w.spawnDeploy(['--host', 'acme-test.example.test', '--yes']).done;
  assert.is(killed.code, null, killed.out + killed.err);
  let left = '';
  for (let i = 0; i < 100; i++) {
    left = spawnSync('pgrep', ['-af', `ssh -F ${ctx.sshConfig}`], { encoding: 'utf8' }).stdout.trim();
    if (!left) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.is(left, '', `ssh processes outlived the killed deploy:\n${left}`);
  w.clearLogs();
  const r = await w.deploy(['--host', 'acme-test.example.test', '--yes']);
  assert.is(r.code, 0, r.out + r.err);
  assert.match(r.out, 'BLINK626');
  assert.is(w.current('acme-test'), next);
  assert.ok(w.odooCalls().some((c) => c.includes('-u acme_base')));
});

s.run();
