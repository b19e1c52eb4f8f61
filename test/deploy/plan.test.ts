/**
 * planDeploy is pure: what a deploy would do given a release and what the
 * server holds. The cases the end-to-end suites do not reach cheaply.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { planDeploy, uploadPlan } from '../../src/deploy/planDeploy.js';
import { updateRun } from '../../src/deploy/updateRun.js';
import { healthUrls } from '../../src/deploy/instanceOps.js';
import type { Release, ReleaseFile } from '../../src/release/Release.js';
import type { Instance } from '../../src/model/Fleet.js';
import type { InstanceReleases } from '../../src/remote/DeployState.js';
import { sampleInstance } from '../support/sampleFleet.js';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const C1 = '1'.repeat(40);
const C2 = '2'.repeat(40);

function release(commit: string, files: Record<string, string>, depends: Record<string, string[]> = {}): Release {
  const list: ReleaseFile[] = Object.entries(files).sort().map(([path, text]) => ({ path, mode: path.endsWith('.sh') ? 0o755 : 0o644, sha256: sha(text), size: Buffer.byteLength(text), content: Buffer.from(text) }));
  const modules = new Map<string, { name: string; hash: string; depends: string[] }>();
  for (const name of new Set(list.map((f) => f.path.split('/')[0]!))) {
    const hash = sha(list.filter((f) => f.path.startsWith(name + '/')).map((f) => f.path + f.sha256).join());
    modules.set(name, { name, hash, depends: depends[name] ?? [] });
  }
  return { commit, files: list, modules };
}
const hashes = (r: Release): Record<string, string> => Object.fromEntries([...r.modules].map(([k, v]) => [k, v.hash]));

const prod = sampleInstance({ client: 'acme', clientName: 'Acme', env: 'prod', host: 'acme.test', server: 's1', kind: 'production', port: 8069, workers: 2, line: 3 });
const inst = { ...prod, modules: ['a_sale'] };
const R1 = release(C1, { 'a_base/__init__.py': '', 'a_base/x.py': 'v1', 'a_sale/__init__.py': '', 'a_sale/y.py': 'v1', 'other/__init__.py': 'o1' }, { a_sale: ['a_base'] });
const R2 = release(C2, { 'a_base/__init__.py': '', 'a_base/x.py': 'v2', 'a_sale/__init__.py': '', 'a_sale/y.py': 'v1', 'other/__init__.py': 'o2' }, { a_sale: ['a_base'] });
const running = (extra: Partial<InstanceReleases> = {}): InstanceReleases => ({
  current: C1,
  releases: [C1],
  state: { version: 1, instance: inst.id, commit: C1, branch: 'main', time: 't', owner: 'o', run: 'r', listed: ['a_sale'], owed: [] },
  record: { version: 1, instance: inst.id, commit: C1, branch: 'main', time: 't', owner: 'o', modules: hashes(R1) },
  files: R1.files.map((f) => ({ path: f.path, mode: f.mode, sha256: f.sha256 })),
  problems: [],
  ...extra,
});

const s = suite('planDeploy');

s('auto: changed modules the instance uses (through depends), not others; production backs up', () => {
  const p = planDeploy({ instance: inst, release: R2, branch: 'main', live: running(), updateModules: 'auto' });
  assert.equal(p.update, ['a_base'], 'other changed too, but the instance does not use it');
  assert.equal(p.install, []);
  assert.ok(p.backup);
  assert.is(p.from, C1);
  assert.not.ok(p.unchanged);
});

s('files the same at the same path stay linked, moved ones are linked from their old path, the rest sent', () => {
  const u = uploadPlan(R2, { commit: C1, files: running().files! });
  assert.equal(u.files.map((f) => f.path), ['a_base/x.py', 'other/__init__.py']);
  assert.is(u.kept, 3);
  assert.equal(u.moved, []);
  assert.equal(u.removed, []);
  assert.is(u.bytes, 4);
  assert.is(u.previous, C1);
  const R3 = release('3'.repeat(40), { 'a_base/__init__.py': '', 'a_base/x.py': 'v1', 'a_sale/__init__.py': '', 'a_sale/z.py': 'v1', 'a_sale/w.sh': 'v1' });
  const m = uploadPlan(R3, { commit: C1, files: running().files! });
  assert.equal(m.moved, [['a_sale/z.py', 'a_base/x.py']], 'same content and mode, another path');
  assert.equal(m.files.map((f) => f.path), ['a_sale/w.sh'], 'same content but another mode is sent');
  assert.equal(m.removed.sort(), ['a_sale/y.py', 'other/__init__.py']);
});

s('a release already on the server is not uploaded again (going back to a kept one)', () => {
  const p = planDeploy({ instance: inst, release: R1, branch: 'main', live: running({ current: C2, releases: [C1, C2], state: undefined, record: { ...running().record!, commit: C2, modules: hashes(R2) } }), updateModules: 'auto' });
  assert.is(p.upload, undefined);
  assert.equal(p.update, ['a_base']);
});

s('none records the updates as owed; the next auto deploy updates them', () => {
  const p = planDeploy({ instance: inst, release: R2, branch: 'main', live: running(), updateModules: 'none' });
  assert.equal(p.update, []);
  assert.equal(p.owed, ['a_base']);
  assert.not.ok(p.backup, 'nothing touches the database');
  const state = { ...running().state!, commit: C2, owed: ['a_base'] };
  const next = planDeploy({ instance: inst, release: R2, branch: 'main', live: running({ current: C2, releases: [C1, C2], state, record: { ...running().record!, commit: C2, modules: hashes(R2) } }), updateModules: 'auto' });
  assert.equal(next.update, ['a_base']);
  assert.not.ok(next.unchanged);
});

s('all, a list, newly listed modules, the first deployment, nothing to do', () => {
  assert.equal(planDeploy({ instance: inst, release: R2, branch: 'main', live: running(), updateModules: 'all' }).update, ['all']);
  assert.equal(planDeploy({ instance: inst, release: R2, branch: 'main', live: running(), updateModules: ['other', 'a_sale'] }).update, ['a_sale', 'other']);
  const more = planDeploy({ instance: { ...inst, modules: ['a_sale', 'other'] }, release: R1, branch: 'main', live: running(), updateModules: 'auto' });
  assert.equal(more.install, ['other']);
  assert.equal(more.update, []);
  const first = planDeploy({ instance: inst, release: R1, branch: 'main', live: { releases: [], problems: [] }, updateModules: 'auto' });
  assert.ok(first.first);
  assert.equal(first.install, ['base', 'a_sale']);
  assert.is(first.upload?.kept, 0);
  assert.is(first.upload?.files.length, R1.files.length);
  assert.ok(planDeploy({ instance: inst, release: R1, branch: 'main', live: running(), updateModules: 'auto' }).unchanged);
});

s('a release folder with problems is refused, naming them', () => {
  const p = planDeploy({ instance: inst, release: R2, branch: 'main', live: running({ problems: ["current is a link to '../../etc', not to a release"] }), updateModules: 'auto' });
  assert.is(p.refused?.code, 'BLINK625');
  assert.match(p.refused!.message, '../../etc');
});

s('odoo-bin runs the new release in place of current, as the service user, on the instance conf', () => {
  const u = updateRun({ instance: inst, to: C2, update: ['a_base'], install: [], first: false }, { root: '/srv/lab', run: 'r1' });
  assert.is(u.addonsPath, `/opt/odoo/odoo/addons,/srv/lab${inst.releaseDir}/${C2}`);
  assert.equal(u.args, ['-u', 'a_base']);
  assert.is(u.conf, '/etc/odoo/acme.test.conf');
  assert.is(u.user, inst.systemUser);
  assert.equal(updateRun({ instance: inst, to: C2, update: [], install: ['base', 'a_sale'], first: true }, { root: '/', run: 'r1' }).args, ['-i', 'base,a_sale', '--without-demo=all']);
});

s('health: Odoo 18 routes, the websocket one only in prefork mode', () => {
  assert.equal(healthUrls(inst, 'http://127.0.0.1:{port}/web/health'), ['http://127.0.0.1:8069/web/health?db_server_status=1', `http://127.0.0.1:${inst.geventPort}/websocket/health`]);
  const withWorkers = (value: string | undefined): Instance => ({
    ...inst,
    options: [...inst.options.filter((o) => o.key !== 'workers'), ...(value === undefined ? [] : [{ key: 'workers', value, chain: [] }])],
  });
  const webOnly = ['http://127.0.0.1:8069/web/health?db_server_status=1'];
  assert.equal(healthUrls(withWorkers(undefined), 'http://127.0.0.1:{port}/web/health'), webOnly);
  // odoo.conf decides, not clients.yaml: a host file's `workers = 0` means no gevent process to wait for.
  assert.is(inst.workers, 2);
  assert.equal(healthUrls(withWorkers('0'), 'http://127.0.0.1:{port}/web/health'), webOnly);
  assert.equal(healthUrls({ ...withWorkers('4'), workers: undefined }, 'http://127.0.0.1:{port}/web/health')[1], `http://127.0.0.1:${inst.geventPort}/websocket/health`);
});

s.run();
