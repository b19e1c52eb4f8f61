/**
 * blink-apply against a real sshd on 127.0.0.1 with two servers whose roots
 * differ. systemctl and Odoo are stand-ins (see fixture.ts); nginx -t,
 * systemd-analyze verify and logrotate -d are the real tools.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, appendFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Fleet } from '../../src/model/Fleet.js';
import type { Artifact } from '../../src/model/Artifact.js';
import { realRemotes } from '../../src/remote/remoteFor.js';
import { shellRemote } from '../../src/remote/shellRemote.js';
import { sshTransport } from '../../src/remote/sshTransport.js';
import { isFailure } from '../../src/remote/Remote.js';
import { startSshd, writeSshConfig, type Sshd } from '../support/sshd.js';
import { tempDir } from '../support/tmp.js';
import { applyInProcess, spawnApply } from './cliRun.js';
import { cacheFileFor } from '../../src/write/cacheFiles.js';
import { testWorld, type TestWorld } from './fixture.js';
import { writeConfig } from './writeConfig.js';
import { CANARY, runFleet, secretEnv } from './harness.js';
import { startWebhook } from '../support/webhook.js';

const s = suite('apply over ssh');
const ctx: { tmp?: { dir: string; cleanup: () => void }; sshd?: Sshd; world?: TestWorld; remotes?: ReturnType<typeof realRemotes>; sshConfig?: string } = {};
const w = (): TestWorld => ctx.world!;
const run = (o: Parameters<typeof runFleet>[3] & { fleet?: Fleet; artifacts?: Artifact[] } = {}) =>
  runFleet(o.fleet ?? w().fleet, o.artifacts ?? w().render(o.fleet), ctx.remotes!.remoteFor, o);
const file = (server: string, path: string): string => join(w().rootOf(server), path);

s.before(async () => {
  ctx.tmp = tempDir('blink-apply-ssh-');
  const dir = ctx.tmp.dir;
  ctx.sshd = await startSshd(join(dir, 'sshd'));
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, ctx.sshd.knownHostsLine + '\n');
  ctx.sshConfig = join(dir, 'ssh_config');
  writeSshConfig(ctx.sshConfig, knownHosts, [
    { alias: 'srv1', sshd: ctx.sshd },
    { alias: 'srv2', sshd: ctx.sshd },
    // Nothing listens on port 1: the unreachable server.
    { alias: 'down', sshd: { port: 1, identity: ctx.sshd.identity } },
  ]);
  ctx.world = await testWorld(dir, [
    { name: 's1', transport: 'ssh', ssh: 'srv1' },
    { name: 's2', transport: 'ssh', ssh: 'srv2' },
  ]);
  ctx.remotes = realRemotes({ sshConfig: ctx.sshConfig });
});

s.after(async () => {
  await ctx.remotes?.dispose();
  await ctx.world?.stop();
  await ctx.sshd?.stop();
  ctx.tmp?.cleanup();
});

s('one master connection per server carries every step', async () => {
  const t = sshTransport({ server: 's1', destination: 'srv1', sshConfig: ctx.sshConfig!, controlDir: join(ctx.tmp!.dir, 'sshd') });
  assert.is(await t.open(), undefined);
  try {
    const r = await t.exec('echo "$1"; cat', 'from stdin');
    assert.is(r.code, 0);
    assert.is(r.stdout.toString(), '\nfrom stdin');
    // The control socket is there: later channels reuse it instead of a new handshake.
    assert.ok(readdirSync(join(ctx.tmp!.dir, 'sshd')).some((f) => /^[0-9a-f]{40}$/.test(f)));
  } finally {
    await t.close();
  }
  // Closed means gone: no master lingers after the run.
  assert.not.ok(readdirSync(join(ctx.tmp!.dir, 'sshd')).some((f) => /^[0-9a-f]{40}$/.test(f)));
});

s('a close made while another is under way returns only once the master is gone', async () => {
  const t = sshTransport({ server: 's1', destination: 'srv1', sshConfig: ctx.sshConfig!, controlDir: join(ctx.tmp!.dir, 'sshd') });
  assert.is(await t.open(), undefined);
  assert.is(sshChildren().length, 1);
  // blink-apply --diff closes a server's connection once it is planned, and every connection again at the end.
  void t.close();
  await t.close();
  assert.equal(sshChildren(), []);
});

s('the master dies with a killed blink: nothing lingers on the server or here', async () => {
  const controlDir = join(ctx.tmp!.dir, 'ctl-killed');
  mkdirSync(controlDir, { mode: 0o700 });
  // A separate process holds the master, then is killed without any chance to close it.
  const script = `import { sshTransport } from ${JSON.stringify(new URL('../../src/remote/sshTransport.ts', import.meta.url).href)};
const t = sshTransport({ server: 's1', destination: 'srv1', sshConfig: ${JSON.stringify(ctx.sshConfig!)}, controlDir: ${JSON.stringify(controlDir)} });
console.log((await t.open()) ?? 'open');
console.log((await t.exec('echo "$BLINK_SCRATCH"')).stdout.toString().trim());
// A script still running when blink dies, its output going nowhere.
void t.exec('while :; do echo x; sleep 0.05; done');
setInterval(() => undefined, 1000);`;
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const said: string[] = [];
  await new Promise<void>((r) => child.stdout.on('data', (c: Buffer) => (said.push(...c.toString().trim().split('\n')), said.length >= 2 && r())));
  const [first, scratch] = said;
  assert.is(first, 'open');
  assert.match(scratch!, /\/blink\.[0-9a-f]{24}$/);
  assert.ok(existsSync(scratch!), 'the session folder on the server');
  const socket = (): boolean => readdirSync(controlDir).length > 0;
  assert.ok(socket(), 'the master listens');
  child.kill('SIGKILL');
  const deadline = Date.now() + 10_000;
  while (socket() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.not.ok(socket(), 'the master exited with its owner');
  // The session's folder (the last script, a stage's payload with its secrets) goes with it.
  while (existsSync(scratch!) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.not.ok(existsSync(scratch!), `${scratch} is left on the server`);
});

s('first apply creates everything on both servers', async () => {
  const r = await run({ apply: true });
  for (const srv of ['s1', 's2']) {
    assert.ok(r.plan(srv).files.every((f) => f.change === 'add'), `${srv}: all adds`);
    assert.is(r.report(srv).outcome, 'applied', JSON.stringify(r.report(srv).diagnostics));
    assert.ok(existsSync(file(srv, `etc/odoo/a.${srv}.test.conf`)));
    assert.ok(existsSync(file(srv, 'var/lib/blink/manifest.json')));
  }
  // The roots differ: nothing of s1 landed in s2's tree.
  assert.not.ok(existsSync(file('s2', 'etc/odoo/a.s1.test.conf')));
  const cmds = w().commands();
  for (const svc of ['s1 enable odoo-s1-a', 's1 enable odoo-s1-b', 's2 enable odoo-s2-a', 's2 enable odoo-s2-b', 's1 daemon-reload', 's1 reload nginx']) assert.ok(cmds.includes(svc), svc);
  assert.is(readFileSync(file('s1', 'etc/odoo/a.s1.test.conf'), 'utf8').includes(`admin_passwd = ${CANARY}-s1-a`), true);
  assert.is.not(r.printed.includes(CANARY), true, 'no secret in any output');
  assert.ok(r.printed.includes('admin_passwd = (sensitive)'));
});

s('an immediate diff has nothing to do and an immediate apply restarts nothing', async () => {
  w().clearCommands();
  const r = await run({ apply: true });
  for (const srv of ['s1', 's2']) {
    assert.ok(r.plan(srv).files.every((f) => f.change === 'none'));
    assert.is(r.report(srv).outcome, 'unchanged');
  }
  assert.equal(w().commands(), []);
});

s('one template change restarts only the affected service', async () => {
  w().clearCommands();
  // Not workers: from 0 to 3 it also moves the vhost's /websocket route (and reloads nginx).
  const fleet = { ...w().fleet, instances: w().fleet.instances.map((i) => (i.id === 's1-b' ? { ...i, options: [...i.options, { key: 'db_maxconn', value: '32', chain: [] }].sort((a, b) => a.key.localeCompare(b.key)) } : i)) };
  const r = await run({ fleet, apply: true });
  const changed = r.plan('s1').files.filter((f) => f.change !== 'none');
  assert.equal(changed.map((f) => f.path), ['/etc/odoo/b.s1.test.conf']);
  assert.ok(changed[0]!.diff!.includes('+db_maxconn = 32'));
  assert.is(r.report('s1').outcome, 'applied');
  assert.is(r.report('s2').outcome, 'unchanged');
  assert.equal(w().commands(), ['s1 restart odoo-s1-b']);
  // Back to the original for the next tests.
  w().clearCommands();
  await run({ apply: true });
  assert.equal(w().commands(), ['s1 restart odoo-s1-b']);
});

s('a hand edit on the server is reported as drift, and apply restores it', async () => {
  appendFileSync(file('s2', 'etc/logrotate.d/odoo-s2-a'), '# edited by hand\n');
  const r = await run();
  const f = r.plan('s2').files.find((x) => x.path === '/etc/logrotate.d/odoo-s2-a')!;
  assert.is(f.change, 'change');
  assert.is(f.drift, true);
  assert.ok(f.diff!.includes('-# edited by hand'));
  assert.ok(r.printed.includes('drift'));
  w().clearCommands();
  const a = await run({ apply: true });
  assert.is(a.report('s2').outcome, 'applied');
  assert.not.ok(readFileSync(file('s2', 'etc/logrotate.d/odoo-s2-a'), 'utf8').includes('edited by hand'));
  // A logrotate file restarts nothing.
  assert.equal(w().commands(), []);
});

s('a vhost that fails nginx -t changes nothing', async () => {
  const vhost = file('s1', 'etc/nginx/sites-available/a.s1.test');
  const before = readFileSync(vhost, 'utf8');
  const artifacts = w().render().map((a) => (a.path === '/etc/nginx/sites-available/a.s1.test' ? { ...a, content: a.content + 'this_is_not_a_directive on;\n' } : a));
  w().clearCommands();
  const r = await run({ artifacts, apply: true });
  const rep = r.report('s1');
  assert.is(rep.outcome, 'failed');
  assert.ok(rep.diagnostics.some((d) => d.code === 'BLINK513' && d.message.includes('this_is_not_a_directive')), JSON.stringify(rep.diagnostics));
  assert.is(readFileSync(vhost, 'utf8'), before);
  assert.equal(w().commands(), []);
  assert.not.ok(existsSync(file('s1', 'var/lib/blink/journal.json')));
});

s('units are verified in one call; a broken one among them is named, and nothing changes', async () => {
  const units = ['/etc/systemd/system/odoo-s1-a.service', '/etc/systemd/system/odoo-s1-b.service'];
  const before = units.map((u) => readFileSync(file('s1', u.slice(1)), 'utf8'));
  // Both units change; only b points at a program that does not exist, which systemd-analyze verify refuses.
  const artifacts = w().render().map((a) =>
    a.path === units[0] ? { ...a, content: a.content.replace('[Service]', '[Service]\nNice=1') } : a.path === units[1] ? { ...a, content: a.content.replace(/^ExecStart=\S+/m, 'ExecStart=/nonexistent/python3') } : a,
  );
  // Counts the calls: a stand-in prefix in front of the real systemd-analyze.
  const calls = join(ctx.tmp!.dir, 'verify-calls');
  writeFileSync(calls, '');
  const fleet = { ...w().fleet, servers: w().fleet.servers.map((x) => ({ ...x, commands: { ...x.commands, unit_verify: `echo call >> ${calls} && systemd-analyze verify {unit}` } })) };
  const count = (): number => readFileSync(calls, 'utf8').split('\n').filter(Boolean).length;
  w().clearCommands();
  const rep = (await run({ fleet, artifacts, apply: true })).report('s1');
  assert.is(rep.outcome, 'failed');
  // The batch failed, so each unit was verified again on its own to name the culprit.
  assert.is(count(), 3);
  const failed = rep.diagnostics.filter((d) => d.code === 'BLINK513');
  assert.is(failed.length, 1, JSON.stringify(rep.diagnostics));
  assert.match(failed[0]!.message, 'unit check of /etc/systemd/system/odoo-s1-b.service failed');
  assert.equal(units.map((u) => readFileSync(file('s1', u.slice(1)), 'utf8')), before);
  assert.equal(w().commands(), []);
  // Both fine: one call verifies both, and the apply goes through.
  const good = w().render().map((a) => (a.path === units[0] || a.path === units[1] ? { ...a, content: a.content.replace('[Service]', '[Service]\nNice=1') } : a));
  writeFileSync(calls, '');
  assert.is((await run({ fleet, artifacts: good, apply: true })).report('s1').outcome, 'applied');
  assert.is(count(), 1);
  await run({ apply: true });
});

s('odoo.conf is read on the server by the instance\'s own Python, as Odoo would; a broken one changes nothing', async () => {
  // Stand-in interpreter (named as such): records that it was used, then runs the real python3.
  const python = join(ctx.tmp!.dir, 'python-standin.sh');
  const used = join(ctx.tmp!.dir, 'python-used');
  writeFileSync(python, `#!/bin/sh\necho used >> ${used}\nexec python3 "$@"\n`, { mode: 0o755 });
  writeFileSync(used, '');
  const fleet = { ...w().fleet, instances: w().fleet.instances.map((i) => (i.id === 's1-a' ? { ...i, python } : i)) };
  const conf = '/etc/odoo/a.s1.test.conf';
  const before = readFileSync(file('s1', conf.slice(1)), 'utf8');
  // A key twice: Odoo's RawConfigParser (strict) refuses the file, so Odoo would not start.
  const artifacts = w().render(fleet).map((a) => (a.path === conf ? { ...a, content: a.content + 'workers = 2\nworkers = 3\n' } : a));
  w().clearCommands();
  const rep = (await run({ fleet, artifacts, apply: true })).report('s1');
  assert.is(rep.outcome, 'failed');
  assert.ok(rep.diagnostics.some((d) => d.code === 'BLINK513' && d.message.includes(`odoo-conf check of ${conf} failed`) && d.message.includes('DuplicateOptionError')), JSON.stringify(rep.diagnostics));
  assert.ok(readFileSync(used, 'utf8').includes('used'), 'checked with the instance\'s Python');
  assert.is(readFileSync(file('s1', conf.slice(1)), 'utf8'), before);
  assert.equal(w().commands(), []);
});

s('nginx -t checks the server\'s own nginx.conf with the new files swapped in', async () => {
  // s1 has a real nginx.conf and an unmanaged conf.d file defining a rate-limit zone; s2 has neither.
  const nginxConf = file('s1', 'etc/nginx/nginx.conf');
  const limits = file('s1', 'etc/nginx/conf.d/zz-limits.conf');
  writeFileSync(nginxConf, 'error_log stderr;\nevents {}\nhttp {\n  server_names_hash_bucket_size 128;\n  map_hash_bucket_size 128;\n  include /etc/nginx/conf.d/*.conf;\n  include /etc/nginx/sites-enabled/*;\n}\n');
  writeFileSync(limits, 'limit_req_zone $binary_remote_addr zone=blinktest:1m rate=10r/s;\n');
  try {
    const uses = (srv: string) => (a: Artifact): Artifact => (a.path === `/etc/nginx/sites-available/a.${srv}.test` ? { ...a, content: a.content + 'limit_req zone=blinktest;\n' } : a);
    const artifacts = w().render().map(uses('s1')).map(uses('s2'));
    const r = await run({ artifacts, apply: true });
    // On s1 the zone exists where the vhost will live: valid, applied.
    assert.is(r.report('s1').outcome, 'applied', JSON.stringify(r.report('s1').diagnostics));
    // On s2 nothing defines it: nginx would refuse to reload, so the apply refuses first.
    assert.is(r.report('s2').outcome, 'failed');
    assert.ok(r.report('s2').diagnostics.some((d) => d.code === 'BLINK513' && d.message.includes('blinktest')), JSON.stringify(r.report('s2').diagnostics));
    // The live configuration was only read: nothing was written into the server's nginx folder but the vhost.
    assert.is(readFileSync(limits, 'utf8'), 'limit_req_zone $binary_remote_addr zone=blinktest:1m rate=10r/s;\n');
    assert.ok(readFileSync(nginxConf, 'utf8').includes('include /etc/nginx/conf.d/*.conf;'));
  } finally {
    rmSync(nginxConf);
    rmSync(limits);
  }
  await run({ apply: true });
});

s('a failing health check rolls the server back to its old files', async () => {
  const conf = file('s2', 'etc/odoo/a.s2.test.conf');
  const before = readFileSync(conf, 'utf8');
  const fleet = { ...w().fleet, instances: w().fleet.instances.map((i) => (i.id === 's2-a' ? { ...i, options: i.options.map((o) => (o.key === 'max_cron_threads' ? { ...o, value: '2' } : o)) } : i)) };
  w().setUnhealthy('s2-a', true);
  w().clearCommands();
  try {
    const r = await run({ fleet, apply: true, health: { retries: 2, intervalMs: 50, timeoutMs: 500 } });
    const rep = r.report('s2');
    assert.is(rep.outcome, 'rolled-back');
    assert.ok(rep.diagnostics.some((d) => d.code === 'BLINK514'));
    assert.ok(rep.diagnostics.some((d) => d.code === 'BLINK515'));
    assert.is(readFileSync(conf, 'utf8'), before);
    // Restarted on the new file, then again on the old one.
    assert.equal(w().commands(), ['s2 restart odoo-s2-a', 's2 restart odoo-s2-a']);
    assert.not.ok(existsSync(file('s2', 'var/lib/blink/journal.json')));
    assert.is(r.report('s1').outcome, 'unchanged');
  } finally {
    w().setUnhealthy('s2-a', false);
  }
  const again = await run();
  assert.ok(again.plan('s2').files.every((f) => f.change === 'none'), 'the old manifest still describes the server');
});

s('a removed client is kept without --prune and removed with it', async () => {
  const fleet = { ...w().fleet, instances: w().fleet.instances.filter((i) => i.id !== 's2-b') };
  w().clearCommands();
  const kept = await run({ fleet, apply: true });
  const orphans = kept.plan('s2').files.filter((f) => f.orphan);
  assert.ok(orphans.length >= 6, `orphans: ${orphans.map((f) => f.path)}`);
  assert.ok(orphans.every((f) => f.change === 'none'));
  assert.ok(kept.printed.includes('--prune deletes it'));
  assert.ok(existsSync(file('s2', 'etc/odoo/b.s2.test.conf')));
  assert.equal(w().commands(), []);

  const pruned = await run({ fleet, apply: true, prune: true });
  assert.is(pruned.report('s2').outcome, 'applied', JSON.stringify(pruned.report('s2').diagnostics));
  assert.not.ok(existsSync(file('s2', 'etc/odoo/b.s2.test.conf')));
  assert.not.ok(existsSync(file('s2', 'etc/nginx/sites-enabled/b.s2.test')));
  assert.not.ok(existsSync(file('s2', 'etc/systemd/system/odoo-s2-b.service')));
  // Stopped and disabled, backed up one last time (blink-backup's stand-in) before its unit went, then systemd and nginx told.
  assert.equal(w().commands(), ['s2 disable odoo-s2-b', 's2 backup s2-b', 's2 daemon-reload', 's2 reload nginx']);
  const after = await run({ fleet, prune: true });
  assert.ok(after.plan('s2').files.every((f) => f.change === 'none' && !f.orphan));
  // Put it back for the tests that follow.
  await run({ apply: true });
});

s('an unreachable server is reported while the others apply', async () => {
  const down = { ...w().fleet.servers[0]!, name: 'down', ssh: 'down' };
  const fleet = { ...w().fleet, servers: [...w().fleet.servers, down] };
  const r = await run({ fleet, apply: true });
  const d = r.diffs.find((x) => x.server.name === 'down')!;
  assert.is(d.error?.code, 'BLINK510');
  assert.is(r.report('down').outcome, 'unreachable');
  assert.is(r.report('s1').outcome, 'unchanged');
});

s('a second apply while one holds the lock fails fast, naming the holder', async () => {
  const t = sshTransport({ server: 's1', destination: 'srv1', sshConfig: ctx.sshConfig!, controlDir: join(ctx.tmp!.dir, 'sshd') });
  const other = shellRemote(t, w().rootOf('s1'));
  await other.open();
  const lock = await other.lock('alice@laptop pid 4242');
  try {
    assert.ok(!isFailure(lock) && !lock.held);
    const fleet = { ...w().fleet, instances: w().fleet.instances.map((i) => (i.id === 's1-a' ? { ...i, logKeepDays: 9 } : i)) };
    const started = Date.now();
    const r = await run({ fleet, apply: true });
    const rep = r.report('s1');
    assert.is(rep.outcome, 'failed');
    assert.ok(rep.diagnostics.some((x) => x.code === 'BLINK512' && x.message.includes('alice@laptop pid 4242')));
    assert.ok(Date.now() - started < 5000, 'fails fast');
  } finally {
    if (!isFailure(lock) && !lock.held) await lock.release();
    await other.close();
  }
  // Released: the next run takes it.
  const fleet = { ...w().fleet, instances: w().fleet.instances.map((i) => (i.id === 's1-a' ? { ...i, logKeepDays: 9 } : i)) };
  assert.is((await run({ fleet, apply: true })).report('s1').outcome, 'applied');
  await run({ apply: true });
});

s('an old secret left in a server\'s odoo.conf: masked in --diff, --json and the --notify body, and no hash of the file', async () => {
  const dir = join(ctx.tmp!.dir, 'old-secrets');
  mkdirSync(dir);
  const config = writeConfig(dir, w().fleet);
  const env = { ...(process.env as Record<string, string>), ...secretEnv(w().fleet), BLINK_CACHE_DIR: 'off' };
  const cli = (args: string[]) => applyInProcess(['--config', config, '--ssh-config', ctx.sshConfig!, '--server', 's1', '--no-color', ...args], env, dir);
  const fakes = [CANARY, 'fake-admin-over-ssh', 'fake-smtp-over-ssh'];
  const conf = file('s1', 'etc/odoo/a.s1.test.conf');
  // The value moved to a continuation line (Odoo reads it the same), and a secret the config no longer sets.
  writeFileSync(conf, readFileSync(conf, 'utf8').replace(/^admin_passwd = .*$/m, 'admin_passwd =\n    fake-admin-over-ssh') + 'smtp_user = fake-smtp-over-ssh\n');
  const hook = await startWebhook();
  const bodies = hook.bodies;
  try {
    const diff = await cli(['--diff']);
    assert.is(diff.code, 2, diff.out + diff.err);
    assert.match(diff.out, '      -admin_passwd =\n      -    (sensitive)\n      +admin_passwd = (sensitive, changed)\n');
    assert.match(diff.out, '      -smtp_user = (sensitive)\n');
    const json = await cli(['--diff', '--json']);
    const applied = await cli(['--yes', '--json', '--notify', hook.url]);
    assert.is(applied.code, 0, applied.out + applied.err);
    assert.is(bodies.length, 1);
    for (const text of [diff.out + diff.err, json.out, applied.out + applied.err, bodies[0]!]) for (const fake of fakes) assert.not.ok(text.includes(fake), `${fake} in ${text}`);
    for (const text of [json.out, applied.out, bodies[0]!]) {
      const files = (JSON.parse(text) as { servers: { files: { path: string; sensitive: boolean }[] }[] }).servers.flatMap((x) => x.files);
      assert.ok(files.some((f) => f.path === '/etc/odoo/a.s1.test.conf' && f.sensitive), text);
      assert.not.match(JSON.stringify(files.filter((f) => f.sensitive)), /[0-9a-f]{64}/);
    }
    // The manifest, which hashes that file, is root's alone on the server.
    assert.is(statSync(file('s1', 'var/lib/blink')).mode & 0o777, 0o700);
    assert.is(statSync(file('s1', 'var/lib/blink/manifest.json')).mode & 0o777, 0o600);
  } finally {
    await hook.close();
    await run({ apply: true });
  }
});

s('no secret in the audit line, manifest or backups listing', async () => {
  for (const srv of ['s1', 's2']) {
    const audit = readFileSync(file(srv, 'var/lib/blink/audit.log'), 'utf8');
    assert.ok(audit.length > 0);
    assert.not.ok(audit.includes(CANARY));
    assert.not.ok(readFileSync(file(srv, 'var/lib/blink/manifest.json'), 'utf8').includes(CANARY));
  }
});

s('a new host under letsencrypt: ACME vhost, certbot, then the TLS vhost, all through nginx -t', async () => {
  const dir = join(ctx.tmp!.dir, 'tls');
  const world = await testWorld(dir, [{ name: 't1', transport: 'ssh', ssh: 'srv1' }], 1, 'letsencrypt');
  try {
    const first = await runFleet(world.fleet, world.render(), ctx.remotes!.remoteFor, { apply: true });
    const p = first.plan('t1');
    assert.equal(p.actions.certbot, ['a.t1.test']);
    assert.ok(p.files.find((f) => f.path === '/etc/nginx/sites-available/a.t1.test')!.bootstrap);
    assert.is(first.report('t1').outcome, 'applied', JSON.stringify(first.report('t1').diagnostics));
    const vhost = readFileSync(join(world.rootOf('t1'), 'etc/nginx/sites-available/a.t1.test'), 'utf8');
    assert.match(vhost, 'listen 443 ssl');
    const cmds = world.commands();
    assert.ok(cmds.indexOf('t1 certbot a.t1.test') > cmds.indexOf('t1 reload nginx'), 'nginx serves the challenge before certbot runs');
    assert.is(cmds.filter((c) => c === 't1 reload nginx').length, 2);
    const again = await runFleet(world.fleet, world.render(), ctx.remotes!.remoteFor);
    assert.ok(again.plan('t1').files.every((f) => f.change === 'none'));
    assert.equal(again.plan('t1').actions.certbot, []);
  } finally {
    await world.stop();
  }
});

s('an ssh option in clients.yaml that would run a program on this machine stops the diff before any ssh runs', async () => {
  const dir = join(ctx.tmp!.dir, 'hostile-pr');
  mkdirSync(dir);
  const config = writeConfig(dir, w().fleet);
  const marker = join(dir, 'ran');
  const yaml = readFileSync(join(config, 'clients.yaml'), 'utf8').replace('ssh: srv1\n', `ssh: srv1\n    ssh_options:\n      - "ProxyCommand=touch ${marker}"\n      - "LocalCommand=touch ${marker}"\n      - PermitLocalCommand=yes\n`);
  writeFileSync(join(config, 'clients.yaml'), yaml);
  const r = await applyInProcess(['--config', config, '--ssh-config', ctx.sshConfig!, '--diff', '--no-color'], { ...(process.env as Record<string, string>), BLINK_CACHE_DIR: 'off' }, dir);
  assert.is(r.code, 1, r.out + r.err);
  assert.is((r.out + r.err).match(/BLINK260/g)?.length, 3, r.err);
  assert.not.ok(existsSync(marker), 'nothing ran on this machine');
});

/** This process's ssh children (the masters it owns): none may outlive a run. */
function sshChildren(): string[] {
  const r = spawnSync('pgrep', ['-P', String(process.pid), '-x', 'ssh'], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean);
}

/** A TCP port that accepts and then says nothing: an ssh handshake there hangs until ConnectTimeout. */
async function muteServer(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  const held: Socket[] = [];
  const server = createServer((c) => held.push(c));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as { port: number }).port,
    connections: () => held.length,
    close: () => (held.forEach((c) => c.destroy()), new Promise<void>((r) => server.close(() => r()))),
  };
}

s('a master started early is used only by a server compiled with the same ssh settings; the others end at once', async () => {
  const mute = await muteServer();
  const sshConfig = join(ctx.tmp!.dir, 'ssh_config_early');
  writeSshConfig(sshConfig, join(ctx.tmp!.dir, 'known_hosts'), [
    { alias: 'srv1', sshd: ctx.sshd! },
    { alias: 'mute', sshd: { port: mute.port, identity: ctx.sshd!.identity } },
  ]);
  const remotes = realRemotes({ sshConfig });
  const s1 = w().fleet.servers.find((x) => x.name === 's1')!;
  try {
    remotes.preconnect([
      { name: 's1', ssh: 'srv1', sshOptions: [] },
      // Compiled otherwise (another destination) and never compiled at all: both hang in their handshake.
      { name: 's2', ssh: 'mute', sshOptions: [] },
      { name: 'gone', ssh: 'mute', sshOptions: [] },
    ]);
    const remote = remotes.remoteFor({ ...s1, ssh: 'srv1', sshOptions: [] });
    assert.is(await remote.open(), undefined);
    // Three masters started early (s1, and two hung towards "mute"): s1's is the one used, no fourth.
    assert.is(sshChildren().length, 3, 'the early master is the one used');
    const read = await remote.read([]);
    assert.not.ok(isFailure(read), JSON.stringify(read));
    // s2 compiled with srv1: a master of its own, the one started towards "mute" ended unused.
    const s2 = remotes.remoteFor({ ...s1, name: 's2', ssh: 'srv1', sshOptions: [] });
    assert.is(await s2.open(), undefined);
    assert.is(sshChildren().length, 3, "s2's early master ended, its own started");
  } finally {
    const t = Date.now();
    await remotes.dispose();
    // ConnectTimeout is 10 s: ending the hung handshakes does not wait for it.
    assert.ok(Date.now() - t < 3000, `dispose took ${Date.now() - t} ms`);
    await mute.close();
  }
  assert.equal(sshChildren(), [], 'no ssh process outlives dispose');
});

s('blink-apply connects early to the servers of its last run, and a compile error ends those connections at once', async () => {
  const dir = join(ctx.tmp!.dir, 'early');
  mkdirSync(dir);
  const config = writeConfig(dir, w().fleet);
  const cache = join(dir, 'cache');
  const env = { ...(process.env as Record<string, string>), ...secretEnv(w().fleet), BLINK_CACHE_DIR: cache };
  const cli = (args: string[]) => applyInProcess(['--config', config, '--ssh-config', ctx.sshConfig!, '--no-color', ...args], env, dir);
  // Its clients.yaml renders what this suite's servers do not hold yet: changes to show (2), not an error.
  const first = await cli(['--diff']);
  assert.is(first.code, 2, first.out + first.err);
  const hints = readdirSync(cache).filter((f) => f.startsWith('connect-'));
  assert.is(hints.length, 1);
  assert.equal(JSON.parse(readFileSync(join(cache, hints[0]!), 'utf8')), { specs: [{ name: 's1', ssh: 'srv1', sshOptions: [] }, { name: 's2', ssh: 'srv2', sshOptions: [] }] });
  const again = await cli(['--diff']);
  assert.is(again.code, 2, again.out + again.err);
  assert.is(again.out, first.out, 'the same diff through the masters started early');
  assert.equal(sshChildren(), []);
  // A hints file that names a hung server, then a clients.yaml that does not compile.
  const mute = await muteServer();
  try {
    const sshConfig = join(dir, 'ssh_config');
    writeFileSync(sshConfig, readFileSync(ctx.sshConfig!, 'utf8') + `\nHost mute\n  HostName 127.0.0.1\n  Port ${mute.port}\n  User root\n`);
    writeFileSync(join(cache, hints[0]!), JSON.stringify({ specs: [{ name: 's1', ssh: 'mute', sshOptions: [] }] }));
    const yaml = join(config, 'clients.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('ssh: srv1\n', 'ssh: srv1\n    bogus_key: 1\n'));
    const t = Date.now();
    const broken = await applyInProcess(['--config', config, '--ssh-config', sshConfig, '--no-color', '--diff'], env, dir);
    assert.is(broken.code, 1, broken.out + broken.err);
    assert.match(broken.err, 'bogus_key');
    assert.ok(Date.now() - t < 3000, `a compile error took ${Date.now() - t} ms to report`);
    // A hints file that is not what blink writes starts nothing: here, a refused ssh option.
    writeFileSync(join(cache, hints[0]!), JSON.stringify({ specs: [{ name: 's1', ssh: 'srv1', sshOptions: ['ProxyCommand=touch ' + join(dir, 'ran')] }] }));
    await applyInProcess(['--config', config, '--ssh-config', sshConfig, '--no-color', '--diff'], env, dir);
    assert.not.ok(existsSync(join(dir, 'ran')), 'nothing ran on this machine');
  } finally {
    await mute.close();
  }
  assert.equal(sshChildren(), []);
});

s('the bin starts the last run\'s handshakes itself, hands them to the run (one connection, not two), and starts none for --help or a usage mistake', async () => {
  const dir = join(ctx.tmp!.dir, 'bin-early');
  mkdirSync(dir);
  const config = writeConfig(dir, w().fleet);
  const cache = join(dir, '.blink-cache');
  const env = { ...secretEnv(w().fleet), BLINK_CACHE_DIR: cache };
  const mute = await muteServer();
  try {
    const sshConfig = join(dir, 'ssh_config');
    writeFileSync(sshConfig, readFileSync(ctx.sshConfig!, 'utf8') + `\nHost mute\n  HostName 127.0.0.1\n  Port ${mute.port}\n  User root\n  ConnectTimeout 30\n`);
    // The last run's hints name a server that never answers: only the bin's early start reaches it.
    const hints = cacheFileFor(cache, 'connect', dir, config);
    mkdirSync(cache, { recursive: true });
    writeFileSync(hints, JSON.stringify({ specs: [{ name: 's1', ssh: 'mute', sshOptions: [] }] }));
    const run = (args: string[]) => spawnApply(['--config', config, '--ssh-config', sshConfig, '--no-color', ...args], env, dir).done;
    for (const args of [['--help'], ['--dif'], ['--diff', '--parallel', '0'], ['--context', '-1', '--diff']]) {
      const r = await run(args);
      assert.is(r.code, args[0] === '--help' ? 0 : 1, r.out + r.err);
      assert.is(mute.connections(), 0, `${args.join(' ')} connected to a server`);
    }
    // A run that goes ahead starts the hinted master first; s1 compiles with another destination, so that master is
    // ended unused (it never answers: the run would otherwise wait out its ConnectTimeout) and the diff is the usual one.
    const t = Date.now();
    const r = await run(['--diff']);
    assert.is(r.code, 2, r.out + r.err);
    assert.match(r.out, 's1 (srv1)');
    assert.is(mute.connections(), 1, 'the master the bin started is the run\'s, not started again');
    assert.ok(Date.now() - t < 20000, `the run waited ${Date.now() - t} ms for a master it did not use`);
  } finally {
    await mute.close();
  }
  assert.equal(sshChildren(), []);
});

s.run();
