/**
 * blink-deploy end to end on a local server root: real git repositories made
 * by the test, the real server-side scripts, stand-ins for odoo-bin,
 * systemctl, blink-backup and Odoo's HTTP side (see fixture.ts).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from '../../src/model/Fleet.js';
import type { DeployRemote } from '../../src/remote/DeployRemote.js';
import { localTransport } from '../../src/remote/localTransport.js';
import { shellDeployRemote } from '../../src/remote/shellDeployRemote.js';
import type { Transport } from '../../src/remote/Transport.js';
import { deployWorld, type DeployWorld } from './fixture.js';

const s = suite('blink-deploy');
let w: DeployWorld;

s.before(async () => {
  w = await deployWorld();
});
s.after(async () => {
  await w?.stop();
});

s('a first deployment that fails its health check leaves no release running', async () => {
  w.setFail('health-acme-test', true);
  const r = await w.deploy(['--host', 'acme-test.example.test', '--yes']).finally(() => w.setFail('health-acme-test', false));
  assert.is(r.code, 1, r.out + r.err);
  assert.match(r.out, 'current removed (rollback)');
  assert.is(w.current('acme-test'), undefined);
  assert.equal(w.commands(), ['restart odoo-acme-test', 'restart odoo-acme-test'], 'restarted again so it stops running the failed code');
  w.clearLogs();
});

s('first deployment: each instance gets its own branch through current, base and its modules installed without demo data', async () => {
  const main = w.git('rev-parse', 'main');
  const test = w.commit('test', { 'custom-addons/acme_base/views/base.xml': '<odoo><data><!-- test v2 --></data></odoo>\n' });
  const r = await w.deploy(['--all', '--yes']);
  assert.is(r.code, 0, r.out + r.err);
  assert.is(w.current('acme-prod'), main);
  assert.is(w.current('acme-test'), test);
  assert.match(w.seen('acme-prod', 'acme_base/views/base.xml')!, 'v1');
  assert.match(w.seen('acme-test', 'acme_base/views/base.xml')!, 'test v2');
  const calls = w.odooCalls();
  assert.is(calls.length, 2, calls.join('\n'));
  for (const c of calls) {
    assert.match(c, '-i base,acme_base,acme_sale');
    assert.match(c, '--without-demo=all');
    assert.match(c, '--stop-after-init');
  }
  assert.ok(calls.some((c) => c.includes(`releases/acme-prod/${main}`)), 'odoo-bin runs with the new release on the addons path');
  assert.ok(w.commands().includes('backup acme-prod'), 'production is backed up before its database changes');
  assert.ok(w.commands().includes('restart odoo-acme-prod') && w.commands().includes('restart odoo-acme-test'));
  assert.ok(w.health.includes('acme-prod /websocket/health'), 'with workers, the gevent port is checked too');
  // Read-only to the service user: owned by root, not writable by others.
  const st = statSync(join(w.releaseDir('acme-prod'), main, 'acme_base/__manifest__.py'));
  assert.is(st.uid, 0);
  assert.is(st.mode & 0o022, 0);
});

s('a one-file change sends one file, links the rest, and updates only the module that changed', async () => {
  w.clearLogs();
  const before = w.current('acme-test')!;
  const next = w.commit('test', { 'custom-addons/acme_sale/README.md': 'sale tweaks, v2\n' });
  const diff = await w.deploy(['--host', 'acme-test.example.test', '--diff']);
  assert.is(diff.code, 2, diff.out + diff.err);
  assert.match(diff.out, 'upload 1 file');
  assert.match(diff.out, 'update: acme_sale');
  assert.is(w.current('acme-test'), before, '--diff changes nothing');
  const r = await w.deploy(['--host', 'acme-test.example.test', '--yes']);
  assert.is(r.code, 0, r.out + r.err);
  assert.is(w.current('acme-test'), next);
  const calls = w.odooCalls();
  assert.is(calls.length, 1);
  assert.match(calls[0]!, '-u acme_sale');
  assert.not.match(calls[0]!, 'acme_base');
  const ino = (c: string): number => statSync(join(w.releaseDir('acme-test'), c, 'acme_base/views/base.xml')).ino;
  assert.is(ino(next), ino(before), 'identical files are hard links to the previous release');
  assert.is(readFileSync(join(w.releaseDir('acme-test'), before, 'acme_sale/README.md'), 'utf8'), 'sale tweaks\n', 'the changed file was replaced, not written through its link');
  const last = w.audit().at(-1)!;
  assert.is(last['action'], 'deploy');
  assert.is(last['to'], next);
  assert.is(last['from'], before);
  assert.equal(last['updated'], ['acme_sale']);
  assert.is(last['result'], 'deployed');
});

s('a rename and a deletion: the new tree has exactly the commit\'s files', async () => {
  const next = w.commit('test', { 'custom-addons/acme_sale/README.md': null, 'custom-addons/acme_sale/NOTES.md': 'sale tweaks, v2\n', 'custom-addons/acme_base/models/__init__.py': null, 'custom-addons/acme_base/__init__.py': '' });
  const r = await w.deploy(['--host', 'acme-test.example.test', '--yes', '--json']);
  assert.is(r.code, 0, r.out + r.err);
  const up = (JSON.parse(r.out) as { instances: { uploaded: { files: number; linked: number } }[] }).instances[0]!.uploaded;
  assert.is(up.files, 0, 'the renamed file is linked from its old path; nothing is sent');
  assert.is(w.current('acme-test'), next);
  assert.is(w.seen('acme-test', 'acme_sale/NOTES.md'), 'sale tweaks, v2\n');
  assert.is(w.seen('acme-test', 'acme_sale/README.md'), undefined);
  assert.not.ok(existsSync(join(w.releaseDir('acme-test'), next, 'acme_base/models')), 'a folder left empty is gone too');
});

s('deploying what runs already does nothing', async () => {
  w.clearLogs();
  const r = await w.deploy(['--host', 'acme-test.example.test', '--yes']);
  assert.is(r.code, 0, r.out + r.err);
  assert.match(r.out, 'runs already');
  assert.is(w.odooCalls().length, 0);
  assert.is(w.commands().length, 0);
});

s('--commit goes back to a kept release without uploading it again; --diff --json shows the plan', async () => {
  const now = w.current('acme-test')!;
  const back = w.git('rev-parse', `${now}~1`);
  const diff = await w.deploy(['--host', 'acme-test.example.test', '--commit', back.slice(0, 10), '--diff', '--json']);
  assert.is(diff.code, 2, diff.out + diff.err);
  const plan = (JSON.parse(diff.out) as { plans: { from: string; to: string; upload: unknown; update: string[] }[] }).plans[0]!;
  assert.is(plan.from, now);
  assert.is(plan.to, back);
  assert.is(plan.upload, null, 'the release is on the server already');
  assert.equal(plan.update, ['acme_base', 'acme_sale']);
  const r = await w.deploy(['--host', 'acme-test.example.test', '--commit', back, '--yes']);
  assert.is(r.code, 0, r.out + r.err);
  assert.is(w.current('acme-test'), back);
  const again = await w.deploy(['--host', 'acme-test.example.test', '--yes']);
  assert.is(again.code, 0, again.out + again.err);
  assert.is(w.current('acme-test'), now);
});

s('--status: deployed commit, branch, behind, who, owed', async () => {
  w.commit('main', { 'custom-addons/acme_extra/README.md': 'x\n' });
  const r = await w.deploy(['--status', '--json']);
  assert.is(r.code, 0, r.out + r.err);
  const st = JSON.parse(r.out) as { instances: { instance: string; behind?: number; branch?: string; by?: string; commit?: string }[] };
  const prod = st.instances.find((i) => i.instance === 'acme-prod')!;
  assert.is(prod.behind, 1);
  assert.is(prod.branch, 'main');
  assert.ok(prod.by);
  assert.is(st.instances.find((i) => i.instance === 'acme-test')!.behind, 0);
  const text = await w.deploy(['--status']);
  assert.match(text.out, /acme-prod\s+s1\s+main\s+[0-9a-f]{12}\s+1/);
});

s.run();

// ---
const warm = suite('blink-deploy with what the cache knows');

warm('files known from the cache are read from git when a server lacks them, and arrive intact', async () => {
  const v = await deployWorld();
  try {
    const first = await v.deploy(['--host', 'acme-test.example.test', '--yes']);
    assert.is(first.code, 0, first.out + first.err);
    const known = readFileSync(join(v.dir, 'blink-cache', 'git-sha256.txt'), 'utf8').trim().split('\n');
    assert.is(known.length, 8, 'every object read is remembered (two empty __init__.py are one object)');
    // Production follows main, which is test's commit: every object is known, yet its first deploy sends every file.
    const r = await v.deploy(['--host', 'acme.example.test', '--yes', '--json']);
    assert.is(r.code, 0, r.out + r.err);
    const sent = (JSON.parse(r.out) as { instances: { uploaded: { files: number; linked: number } }[] }).instances[0]!.uploaded;
    assert.equal({ files: sent.files, linked: sent.linked }, { files: 9, linked: 0 });
    for (const f of ['acme_base/__manifest__.py', 'acme_base/views/base.xml', 'acme_sale/README.md', 'acme_extra/__init__.py']) assert.is(v.seen('acme-prod', f), v.seen('acme-test', f), f);
  } finally {
    await v.stop();
  }
});

warm.run();

// ---
const names = suite('blink-deploy and the server\'s hashing');

/** The real transport, with `openssl` taken off the PATH its scripts see (a server without it). */
function withoutOpenssl(t: Transport, bin: string): Transport {
  return { ...t, exec: (script, stdin) => t.exec(`PATH=${bin}; export PATH\n${script}`, stdin) };
}

names('odd file names arrive intact, hashed by openssl or, without it, by sha256sum', async () => {
  const v = await deployWorld();
  const bin = join(v.dir, 'bin-without-openssl');
  mkdirSync(bin);
  for (const dir of ['/usr/local/bin', '/usr/bin', '/bin']) {
    for (const tool of existsSync(dir) ? readdirSync(dir) : []) if (tool !== 'openssl' && !existsSync(join(bin, tool))) symlinkSync(join(dir, tool), join(bin, tool));
  }
  const odd = {
    'custom-addons/acme_extra/static/back\\slash.txt': 'a backslash, which sha256sum escapes\n',
    'custom-addons/acme_extra/static/-rf': 'a name that looks like an option\n',
    'custom-addons/acme_extra/static/with space.txt': 'a space\n',
    'custom-addons/acme_extra/static/café.txt': 'not ASCII\n',
  };
  try {
    v.commit('test', odd);
    const remoteFor = (srv: Server): DeployRemote => shellDeployRemote(withoutOpenssl(localTransport(srv.name), bin), srv.root);
    const first = await v.deploy(['--host', 'acme-test.example.test', '--yes'], { remoteFor });
    assert.is(first.code, 0, first.out + first.err);
    v.commit('test', { 'custom-addons/acme_extra/static/with space.txt': 'a space, changed\n' });
    const second = await v.deploy(['--host', 'acme-test.example.test', '--yes']);
    assert.is(second.code, 0, second.out + second.err);
    for (const [path, text] of Object.entries({ ...odd, 'custom-addons/acme_extra/static/with space.txt': 'a space, changed\n' })) {
      assert.is(v.seen('acme-test', path.replace('custom-addons/', '')), text, path);
    }
  } finally {
    await v.stop();
  }
});

names.run();
