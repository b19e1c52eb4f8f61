/**
 * An apply killed with SIGKILL at several points: while validating, right
 * after the swap (daemon-reload), while restarting, while reloading nginx,
 * during the health check, as soon as the first new file appears, and at a
 * fixed delay. A watcher reads every managed file the whole time: each is
 * always either its old or its new content. The next run converges and
 * re-triggers the restarts that were owed. Run twice: with the local
 * transport, and over a real sshd, where the running script lives on in the
 * server's long-lived shell and the master must die with the killed apply.
 */
import { spawnSync } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fg from 'fast-glob';
import type { Fleet } from '../../src/model/Fleet.js';
import { tempDir } from '../support/tmp.js';
import { testWorld, type TestWorld } from './fixture.js';
import { CANARY, secretEnv } from './harness.js';
import { writeConfig } from './writeConfig.js';
import { applyInProcess, spawnApply } from './cliRun.js';
import { startSshd, writeSshConfig, type Sshd } from '../support/sshd.js';

type Tree = Map<string, string>;

/** No ssh client (master or channel) of a killed apply outlives it for long. */
async function noSshLeft(sshConfig: string): Promise<void> {
  let left = '';
  for (let i = 0; i < 100; i++) {
    const r = spawnSync('pgrep', ['-af', `ssh -F ${sshConfig}`], { encoding: 'utf8' });
    if (r.error) throw r.error;
    left = r.stdout.trim();
    if (!left) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.unreachable(`ssh processes outlived the killed apply:\n${left}`);
}

for (const transport of ['local', 'ssh'] as const) {
  const s = suite(`apply killed with SIGKILL (${transport})`);
  const ctx: { tmp?: { dir: string; cleanup: () => void }; sshd?: Sshd; sshConfig?: string; world?: TestWorld; configA?: string; configB?: string; env?: Record<string, string>; a?: Tree; b?: Tree } = {};
  const flags = (config: string): string[] => ['--config', config, '--addons', join(process.cwd(), 'custom-addons'), '--health-interval', '100', '--health-retries', '3', '--no-color', ...(ctx.sshConfig ? ['--ssh-config', ctx.sshConfig] : [])];

  /** Every managed file of both roots: content, or `-> target` for links. */
  function tree(): Tree {
    const out: Tree = new Map();
    for (const srv of ['k1', 'k2']) {
      const root = ctx.world!.rootOf(srv);
      for (const rel of fg.sync(['etc/**', 'usr/**'], { cwd: root, dot: true, onlyFiles: false, followSymbolicLinks: false })) {
        const p = join(root, rel);
        const st = lstatSync(p, { throwIfNoEntry: false });
        if (!st || st.isDirectory() || rel.includes('.blink-tmp.')) continue;
        out.set(p, st.isSymbolicLink() ? `-> ${readlinkSync(p)}` : readFileSync(p, 'utf8'));
      }
    }
    return out;
  }

  /** Read the managed files in a tight loop until stopped; collect any content that is neither old nor new. */
  function watch(onFirstNew?: () => void): { stop: () => Promise<string[]> } {
    const bad: string[] = [];
    let running = true;
    let sawNew = false;
    const paths = [...new Set([...ctx.a!.keys(), ...ctx.b!.keys()])];
    const loop = async (): Promise<void> => {
      while (running) {
        for (const p of paths) {
          let v: string | undefined;
          try {
            const st = lstatSync(p, { throwIfNoEntry: false });
            v = !st ? undefined : st.isSymbolicLink() ? `-> ${readlinkSync(p)}` : readFileSync(p, 'utf8');
          } catch {
            v = undefined; // replaced between lstat and read: the next pass sees it
          }
          if (v === undefined) {
            if (bad.length < 20 && ctx.a!.has(p) && ctx.b!.has(p) && existsSync(p) === false && lstatSync(p, { throwIfNoEntry: false }) === undefined) bad.push(`${p}: missing`);
            continue;
          }
          if (bad.length < 20 && v !== ctx.a!.get(p) && v !== ctx.b!.get(p)) bad.push(`${p}: partial or foreign content (${v.length} bytes)`);
          if (!sawNew && v === ctx.b!.get(p) && v !== ctx.a!.get(p)) {
            sawNew = true;
            onFirstNew?.();
          }
        }
        await new Promise((r) => setImmediate(r));
      }
    };
    const done = loop();
    // Idempotent: the test stops it when it reads the result, and again in its finally, so a
    // failing assertion never leaves this loop running (and the test process alive) forever.
    let stopped: Promise<string[]> | undefined;
    return { stop: () => (stopped ??= (async () => ((running = false), await done, bad))()) };
  }

  async function lockGone(): Promise<void> {
    for (let i = 0; i < 100; i++) {
      if (['k1', 'k2'].every((srv) => !existsSync(join(ctx.world!.rootOf(srv), 'var/lib/blink/lock')))) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.unreachable('the lock of a killed apply was not released');
  }

  /** The killed run's session folders on the server (its last script: a stage's payload holds secrets) go with their loops. */
  async function noSessionFolderLeft(tmp: string): Promise<void> {
    const left = (): string[] => readdirSync(tmp).filter((f) => f.startsWith('blink.'));
    for (const t = Date.now(); left().length && Date.now() - t < 5000; ) await new Promise((r) => setTimeout(r, 50));
    assert.equal(left(), [], 'session folders left in the server\'s temporary folder');
  }

  const run = async (config: string, ...extra: string[]): Promise<number> => {
    const r = await applyInProcess([...flags(config), ...extra], ctx.env!, ctx.tmp!.dir);
    if (r.code === 1) console.error(r.out + r.err);
    return r.code;
  };

  s.before(async () => {
    ctx.tmp = tempDir('blink-apply-kill-');
    const dir = ctx.tmp.dir;
    if (transport === 'ssh') {
      ctx.sshd = await startSshd(join(dir, 'sshd'));
      writeFileSync(join(dir, 'known_hosts'), ctx.sshd.knownHostsLine + '\n');
      ctx.sshConfig = join(dir, 'ssh_config');
      writeSshConfig(ctx.sshConfig, join(dir, 'known_hosts'), [{ alias: 'k1', sshd: ctx.sshd }, { alias: 'k2', sshd: ctx.sshd }]);
    }
    ctx.world = await testWorld(dir, [
      { name: 'k1', transport, ...(transport === 'ssh' ? { ssh: 'k1' } : {}) },
      { name: 'k2', transport, ...(transport === 'ssh' ? { ssh: 'k2' } : {}) },
    ]);
    const fleetA = ctx.world.fleet;
    // B turns k1-b into a production instance and k2-a into a test one: conf, vhost, logrotate, cron, env all change.
    const flip = (f: Fleet): Fleet => ({ ...f, instances: f.instances.map((i) => (i.id === 'k1-b' ? { ...i, kind: 'production' } : i.id === 'k2-a' ? { ...i, kind: 'test' } : i)) });
    ctx.configA = writeConfig(join(dir, 'a'), fleetA);
    ctx.configB = writeConfig(join(dir, 'b'), flip(fleetA));
    // And a longer limit_time_real for both: their units change too (TimeoutStopSec), so on each
    // server every kill point (verify, daemon-reload, restart, reload) is on B's path. Headers
    // name config/ wherever it is, so A and B differ only where their contents do.
    mkdirSync(join(ctx.configB, 'hosts'), { recursive: true });
    for (const host of ['b.k1.test', 'a.k2.test']) writeFileSync(join(ctx.configB, 'hosts', `${host}.conf`), '[options]\nlimit_time_real = 1500\n');
    ctx.env = secretEnv(fleetA);
    assert.is(await run(ctx.configA, '--yes'), 0);
    ctx.a = tree();
    assert.is(await run(ctx.configB, '--yes'), 0);
    ctx.b = tree();
    assert.is(await run(ctx.configA, '--yes'), 0);
    assert.ok([...ctx.a].some(([p, v]) => ctx.b!.get(p) !== v), 'A and B differ');
  });

  s.after(async () => {
    await ctx.world?.stop();
    await ctx.sshd?.stop();
    ctx.tmp?.cleanup();
  });

  const POINTS = ['verify', 'daemon-reload', 'restart', 'reload', 'health', 'first-new-file', 'delay-900ms'] as const;

  for (const point of POINTS) {
    s(`killed at ${point}: no partial file, the next run converges`, async () => {
      const w = ctx.world!;
      const dir = ctx.tmp!.dir;
      if (['verify', 'daemon-reload', 'restart', 'reload'].includes(point)) writeFileSync(join(dir, `kill-at-${point}`), '');
      // A quiet machine applies both servers in under 900 ms: restarts that take a second keep the run mid-flight when the timer fires.
      if (point === 'delay-900ms') writeFileSync(join(dir, 'sleep-restart'), '1');
      const { child, done } = spawnApply([...flags(ctx.configB!), '--yes'], ctx.env!, dir);
      writeFileSync(join(dir, 'apply.pid'), String(child.pid));
      const kill = (): void => void child.kill('SIGKILL');
      if (point === 'health') w.onHealth = () => ((w.onHealth = undefined), kill());
      const watcher = watch(point === 'first-new-file' ? kill : undefined);
      let bad: string[];
      try {
        const timer = point === 'delay-900ms' ? setTimeout(kill, 900) : undefined;
        try {
          const r = await done;
          assert.is(r.signal, 'SIGKILL', `the apply was killed (exit ${r.code}: ${r.err})`);
        } finally {
          clearTimeout(timer);
          writeFileSync(join(dir, 'sleep-restart'), '0');
          w.onHealth = undefined;
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        }
        await lockGone();
        if (ctx.sshConfig) await noSshLeft(ctx.sshConfig);
        if (ctx.sshd) await noSessionFolderLeft(ctx.sshd.tmpDir);
        bad = await watcher.stop();
      } finally {
        await watcher.stop();
      }
      assert.equal(bad, [], 'every file was old or new at every moment');
      for (const [p, v] of tree()) assert.ok(v === ctx.a!.get(p) || v === ctx.b!.get(p), `${p} is old or new`);

      // A server the killed run finished (its files all new, no journal left) owes nothing; on any
      // other, whatever the killed run had done, the services whose files changed restart now.
      const owes = (srv: string): boolean => {
        const root = ctx.world!.rootOf(srv);
        if (existsSync(join(root, 'var/lib/blink/journal.json'))) return true;
        return [...ctx.b!].some(([p, v]) => p.startsWith(root + '/') && tree().get(p) !== v);
      };
      const owed = { k1: owes('k1'), k2: owes('k2') };
      w.clearCommands();
      assert.is(await run(ctx.configB!, '--yes'), 0, 'the next run converges');
      const cmds = w.commands();
      for (const [srv, svc] of [['k1', 'k1 restart odoo-k1-b'], ['k2', 'k2 restart odoo-k2-a']] as const) {
        if (owed[srv] || point !== 'delay-900ms') assert.ok(cmds.includes(svc), `${svc} in ${JSON.stringify(cmds)}`);
      }
      assert.equal(tree(), ctx.b!);
      assert.is(await run(ctx.configB!, '--diff'), 0);
      assert.is(await run(ctx.configA!, '--yes'), 0);
    });
  }

  s('killed while validating: the staged files (resolved secrets) are 0700, and the next run removes them under the lock', async () => {
    const dir = ctx.tmp!.dir;
    writeFileSync(join(dir, 'kill-at-verify'), '');
    const { child, done } = spawnApply([...flags(ctx.configB!), '--yes'], ctx.env!, dir);
    writeFileSync(join(dir, 'apply.pid'), String(child.pid));
    const r = await done;
    assert.is(r.signal, 'SIGKILL', `the apply was killed (exit ${r.code}: ${r.err})`);
    await lockGone();
    if (ctx.sshConfig) await noSshLeft(ctx.sshConfig);
    const staging = (srv: string): string => join(ctx.world!.rootOf(srv), 'var/lib/blink/staging');
    const left = ['k1', 'k2'].flatMap((srv) => (existsSync(staging(srv)) ? readdirSync(staging(srv)).map((run) => join(staging(srv), run)) : []));
    assert.ok(left.length > 0, 'the killed run left its staging folder');
    for (const run of left) {
      assert.is(statSync(run).mode & 0o777, 0o700, `${run} is 0700`);
      assert.is(statSync(join(run, '..')).mode & 0o777, 0o700, 'staging/ is 0700');
    }
    const confs = left.flatMap((run) => fg.sync('tree/etc/odoo/*.conf', { cwd: run, absolute: true }));
    assert.ok(confs.some((c) => readFileSync(c, 'utf8').includes(CANARY)), 'what it holds is the resolved secret');
    // Nothing else changed on the servers (the run died before its swap), yet the diff owns up to the leftover…
    const diff = await applyInProcess([...flags(ctx.configA!), '--diff'], ctx.env!, dir);
    assert.is(diff.code, 2, diff.out + diff.err);
    assert.match(diff.out, 'staging folder');
    // …and the next apply, with no file to change, removes it under the lock.
    assert.is(await run(ctx.configA!, '--yes'), 0);
    for (const run of left) assert.not.ok(existsSync(run), `${run} was removed`);
    assert.is(await run(ctx.configA!, '--diff'), 0);
  });

  s('two applies at once: the second fails fast naming the holder', async () => {
    const dir = ctx.tmp!.dir;
    writeFileSync(join(dir, 'sleep-restart'), '2');
    const first = spawnApply([...flags(ctx.configB!), '--yes'], ctx.env!, dir);
    try {
      // Wait until the first holds k1's lock.
      for (let i = 0; i < 200 && !existsSync(join(ctx.world!.rootOf('k1'), 'var/lib/blink/lock/owner')); i++) await new Promise((r) => setTimeout(r, 25));
      const started = Date.now();
      const second = await applyInProcess([...flags(ctx.configB!), '--yes'], ctx.env!, dir);
      assert.is(second.code, 1, second.err + second.out);
      assert.match(second.err + second.out, /BLINK512: k1 is being applied by \S+@\S+ pid \d+/, `the second apply printed:\n${second.err}${second.out}`);
      assert.ok(Date.now() - started < 5000);
      const r = await first.done;
      assert.is(r.code, 0, r.err);
    } finally {
      writeFileSync(join(dir, 'sleep-restart'), '0');
      await first.done;
    }
    assert.is(await run(ctx.configA!, '--yes'), 0);
  });

  s.run();
}
