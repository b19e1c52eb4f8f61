/**
 * blink-deploy killed with SIGKILL at each step: while uploading, during
 * the pre-update backup, during odoo-bin's update, right after the switch
 * (while restarting) and during the health check. The next run finishes or
 * undoes what the killed one left, and the instance converges: the new
 * release runs, the owed update and restart happen, no journal or partial
 * upload is left. The stand-ins do the killing (fixture.ts); the upload
 * point is caught by watching for the partial upload folder.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deployedWorld, type DeployWorld } from './fixture.js';

const s = suite('blink-deploy killed with SIGKILL');
let w: DeployWorld;
const PROD = ['--host', 'acme.example.test', '--yes'];
let round = 0;

s.before(async () => {
  w = await deployedWorld();
});
s.after(async () => {
  await w?.stop();
});

/** A new commit on main that changes acme_base, so every run updates, backs up (production) and restarts. */
function change(): string {
  round++;
  return w.commit('main', { 'custom-addons/acme_base/views/base.xml': `<odoo><data><!-- round ${round} --></data></odoo>\n` });
}

async function killedThenConverges(arm: () => void | (() => void), expectJournal: boolean): Promise<void> {
  const before = w.current('acme-prod')!;
  const next = change();
  w.clearLogs();
  const disarm = arm();
  const killed = w.spawnDeploy(PROD);
  const r1 = await killed.done;
  if (typeof disarm === 'function') disarm();
  assert.is(r1.code, null, `the deploy was to be killed:\n${r1.out}${r1.err}`);
  const journal = join(w.releaseDir('acme-prod'), 'journal.json');
  assert.is(existsSync(journal), expectJournal, 'the killed run left its journal');
  const live = w.current('acme-prod');
  assert.ok(live === before || live === next, 'current is the old or the new release, never anything else');

  w.clearLogs();
  const r2 = await w.deploy(PROD);
  assert.is(r2.code, 0, r2.out + r2.err);
  assert.is(w.current('acme-prod'), next);
  assert.not.ok(existsSync(journal));
  assert.equal(readdirSync(w.releaseDir('acme-prod')).filter((f) => f.startsWith('.incoming-') || f.startsWith('.current')), []);
  const state = JSON.parse(readFileSync(join(w.releaseDir('acme-prod'), 'state.json'), 'utf8')) as { commit: string; owed: string[] };
  assert.is(state.commit, next);
  assert.equal(state.owed, []);
  assert.ok(w.commands().includes('restart odoo-acme-prod'), `the converging run restarted: ${w.commands().join(', ')}`);
  const converged = w.audit().at(-1)!;
  assert.ok(converged['result'] === 'deployed' || converged['result'] === 'recovered: completed', JSON.stringify(converged));
}

s('killed while uploading', async () => {
  await killedThenConverges(() => {
    // Kill as soon as the partial upload folder appears.
    const rd = w.releaseDir('acme-prod');
    const t = setInterval(() => {
      if (readdirSync(rd).some((f) => f.startsWith('.incoming-'))) {
        clearInterval(t);
        try {
          process.kill(Number(readFileSync(join(w.dir, 'deploy.pid'), 'utf8')), 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    }, 1);
    return () => clearInterval(t);
  }, true);
});

s('killed during the pre-update backup', async () => {
  await killedThenConverges(() => w.killAt('backup'), true);
});

s('killed during the module update: the update is done again by the next run', async () => {
  await killedThenConverges(() => w.killAt('odoo'), true);
  assert.ok(w.odooCalls().some((c) => c.includes('-u acme_base')), w.odooCalls().join('\n'));
});

s('killed right after the switch, while restarting', async () => {
  await killedThenConverges(() => w.killAt('restart'), true);
  assert.is(w.audit().at(-1)!['result'], 'recovered: completed');
});

s('killed during the health check', async () => {
  await killedThenConverges(() => w.killAt('health'), true);
});

s('an interrupted deploy of another instance on the server is finished by the next deploy there', async () => {
  const next = change();
  w.killAt('restart');
  const killed = await w.spawnDeploy(PROD).done;
  assert.is(killed.code, null, killed.out + killed.err);
  assert.ok(existsSync(join(w.releaseDir('acme-prod'), 'journal.json')));
  w.commit('test', { 'custom-addons/acme_sale/README.md': `beside round ${round}\n` });
  w.clearLogs();
  const r = await w.deploy(['--host', 'acme-test.example.test', '--yes']);
  assert.is(r.code, 0, r.out + r.err);
  assert.match(r.out, 'recovered interrupted deploy');
  assert.not.ok(existsSync(join(w.releaseDir('acme-prod'), 'journal.json')));
  assert.is(w.current('acme-prod'), next);
  assert.ok(w.commands().includes('restart odoo-acme-prod'), 'the owed restart happened');
});

s.run();
