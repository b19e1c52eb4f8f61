/**
 * The onboarding runbook end to end, over a real sshd, with a real
 * PostgreSQL: a server already runs two instances; a new client is added to
 * clients.yaml; blink-render, then blink-apply creates its folders, role (here
 * already there), database and files; the next apply has nothing to change.
 * systemctl and Odoo are the fixture's stand-ins; the firewall is a STAND-IN
 * FOR UFW (test/support/ufwStandin.ts): ufw cannot run in this container.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Fleet } from '../../src/model/Fleet.js';
import { applyCli } from '../../src/cli/apply.js';
import { renderCli } from '../../src/cli/render.js';
import { startPostgres, type Postgres } from '../support/postgres.js';
import { startSshd, writeSshConfig, type Sshd } from '../support/sshd.js';
import { sampleInstance } from '../support/sampleFleet.js';
import { tempDir } from '../support/tmp.js';
import { ufwStandin, type UfwStandin } from '../support/ufwStandin.js';
import { testWorld, type TestWorld } from './fixture.js';
import { secretEnv } from './harness.js';
import { writeConfig } from './writeConfig.js';

const s = suite('onboarding a client over ssh: clients.yaml, blink-apply');
const ctx: { tmp?: ReturnType<typeof tempDir>; sshd?: Sshd; pg?: Postgres; world?: TestWorld; ufw?: UfwStandin; sshConfig?: string; fleet?: Fleet; withNew?: Fleet } = {};

async function cli(tool: 'apply' | 'render', args: string[], fleet: Fleet): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io = { stdout: { write: (x: string) => (out += x) }, stderr: { write: (x: string) => (err += x) }, env: { ...secretEnv(fleet), BLINK_CACHE_DIR: join(ctx.tmp!.dir, 'cache') }, cwd: ctx.tmp!.dir };
  const common = ['--config', join(ctx.tmp!.dir, 'config'), '--addons', join(process.cwd(), 'custom-addons')];
  const code =
    tool === 'render'
      ? await renderCli([...common, '--out', join(ctx.tmp!.dir, 'out')], io)
      : await applyCli([...args, ...common, '--ssh-config', ctx.sshConfig!, '--health-interval', '50', '--health-retries', '5', '--no-color'], io);
  return { code, out, err };
}

s.before(async () => {
  ctx.tmp = tempDir('blink-onboarding-');
  const dir = ctx.tmp.dir;
  ctx.sshd = await startSshd(join(dir, 'sshd'));
  ctx.pg = await startPostgres({ prefix: 'blink-onboarding-pg-' });
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, ctx.sshd.knownHostsLine + '\n');
  ctx.sshConfig = join(dir, 'ssh_config');
  writeSshConfig(ctx.sshConfig, knownHosts, [{ alias: 'onb1', sshd: ctx.sshd }]);
  // Three instances listen (health stand-ins); clients.yaml names two until the client is onboarded.
  ctx.world = await testWorld(dir, [{ name: 'o1', transport: 'ssh', ssh: 'onb1' }], 3);
  ctx.ufw = ufwStandin(join(dir, 'ufw'));
  const psql = `psql -X -q -At -v ON_ERROR_STOP=1 -h ${ctx.pg.host} -p ${ctx.pg.port} -U postgres -d postgres`;
  const [a, b, c] = ctx.world.fleet.instances;
  const servers = ctx.world.fleet.servers.map((x) => ({ ...x, postgres: { ...x.postgres, databases: true }, firewall: { allow: ['22/tcp', '80/tcp', '443/tcp'], source: x.source }, commands: { ...x.commands, psql, ufw: ctx.ufw!.command } }));
  ctx.fleet = { ...ctx.world.fleet, servers, instances: [a!, b!] };
  const nuevo = sampleInstance(
    { client: 'nuevocliente', clientName: 'Nuevo Cliente', env: 'prod', host: 'nuevocliente.o1.test', server: 'o1', kind: 'production', port: c!.port, tls: 'none', line: 30 },
    { systemUser: 'root', python: '/usr/bin/python3', geventPort: c!.geventPort },
  );
  ctx.withNew = { ...ctx.fleet, instances: [a!, b!, nuevo] };
});

s.after(async () => {
  await ctx.world?.stop();
  await ctx.pg?.stop();
  await ctx.sshd?.stop();
  ctx.tmp?.cleanup();
});

s('the server runs two instances, each with its folders, role and database; the firewall is up, the ssh port open', async () => {
  writeConfig(ctx.tmp!.dir, ctx.fleet!);
  const r = await cli('apply', ['--yes'], ctx.fleet!);
  assert.is(r.code, 0, r.out + r.err);
  assert.match(r.out, '+ database o1-a (owner odoo, UTF8, locale C.UTF-8, collation C)');
  assert.is(ctx.pg!.sql("SELECT count(*) FROM pg_database WHERE datname IN ('o1-a', 'o1-b')").trim(), '2');
  // blink's ssh connection came in on the sshd's port: allowed first, though clients.yaml does not name it.
  assert.match(r.out, `+ firewall: ufw allow ${ctx.sshd!.port}/tcp (not declared, but blink's ssh connection comes in on it: it is never closed)`);
  assert.equal(ctx.ufw!.rules(), [`${ctx.sshd!.port}/tcp`, '22/tcp', '80/tcp', '443/tcp']);
  assert.ok(ctx.ufw!.active());
});

s('onboarding: add the client to clients.yaml, blink-render, blink-apply; the next apply has nothing to change', async () => {
  writeConfig(ctx.tmp!.dir, ctx.withNew!);
  const render = await cli('render', [], ctx.withNew!);
  assert.is(render.code, 0, render.out + render.err);
  assert.ok(existsSync(join(ctx.tmp!.dir, 'out/hosts/nuevocliente.o1.test')));

  const diff = await cli('apply', ['--diff'], ctx.withNew!);
  assert.is(diff.code, 2, diff.out + diff.err);
  for (const line of [
    '+ folder /opt/odoo/.local/share/Odoo-nuevocliente-prod (new, 0750 root:root)',
    '+ folder /var/backups/odoo/nuevocliente-prod (new, 0700 root:root)',
    '+ database nuevocliente-prod (owner odoo, UTF8, locale C.UTF-8, collation C)',
    '+ /etc/odoo/nuevocliente.o1.test.conf',
    '+ /etc/systemd/system/odoo-nuevocliente-prod.service',
  ]) {
    assert.match(diff.out, line);
  }
  // Only the new client's: the running two, their role and the firewall are as they should be.
  assert.not.match(diff.out, 'role odoo');
  assert.not.match(diff.out, 'o1-a');
  assert.not.match(diff.out, 'firewall');
  assert.match(diff.out, /o1: \d+ to add, 2 folders and 1 database to make/);

  ctx.ufw!.clearCalls();
  const apply = await cli('apply', ['--yes'], ctx.withNew!);
  assert.is(apply.code, 0, apply.out + apply.err);
  assert.match(apply.out, 'created database nuevocliente-prod, owner odoo');
  assert.match(apply.out, 'enable odoo-nuevocliente-prod');
  const root = ctx.world!.rootOf('o1');
  assert.is(statSync(join(root, 'opt/odoo/.local/share/Odoo-nuevocliente-prod')).mode & 0o7777, 0o750);
  assert.ok(existsSync(join(root, 'etc/odoo/nuevocliente.o1.test.conf')));
  assert.is(ctx.pg!.sql("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'nuevocliente-prod'").trim(), 'odoo');
  assert.equal(ctx.ufw!.calls(), ['status verbose', 'status verbose'], 'the firewall was read, not changed');

  const again = await cli('apply', ['--diff'], ctx.withNew!);
  assert.is(again.code, 0, again.out + again.err);
  assert.match(again.out, 'o1: no changes');
  const second = await cli('apply', ['--yes'], ctx.withNew!);
  assert.is(second.code, 0, second.out + second.err);
  assert.match(second.out, 'o1: no changes');
  assert.ok(ctx.ufw!.rules().includes(`${ctx.sshd!.port}/tcp`), 'the ssh port stays open');
});

s.run();
