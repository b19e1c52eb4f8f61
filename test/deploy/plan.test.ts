/**
 * planDeploy is pure: what a deploy would do given a release and what the
 * server holds. The cases the end-to-end suites do not reach cheaply.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { planDeploy, uploadPlan } from '../../src/deploy/planDeploy.js';
import { updateRun } from '../../src/deploy/updateRun.js';
import { healthUrls } from '../../src/compile/healthUrls.js';
import { DEFAULT_COMMANDS } from '../../src/compile/defaults.js';
import { healthTarget } from '../../src/plan/Actions.js';
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

s('auto: a custom module Odoo auto-installs with the instance\'s modules is updated when it changes', () => {
  const glued = (commit: string, v: string): Release => {
    const r = release(commit, { 'a_base/__init__.py': '', 'a_sale/__init__.py': '', 'glue/__init__.py': v, 'loose/__init__.py': v }, { a_sale: ['a_base'], glue: ['a_sale', 'sale'], loose: ['stock'] });
    r.modules.get('glue')!.autoInstall = true;
    r.modules.get('loose')!.autoInstall = true;
    return r;
  };
  const [before, after] = [glued(C1, 'v1'), glued(C2, 'v2')];
  const p = planDeploy({ instance: { ...inst, modules: ['a_sale', 'sale'] }, release: after, branch: 'main', live: running({ record: { ...running().record!, modules: hashes(before) } }), updateModules: 'auto' });
  // Nothing lists glue, but a_sale and sale are installed, so Odoo installed it; stock is not, so loose is not.
  assert.equal(p.update, ['glue']);
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

s('health: Odoo 18 routes, the websocket one only with workers (wherever workers is set)', () => {
  assert.equal(healthUrls(healthTarget(inst), DEFAULT_COMMANDS), ['http://127.0.0.1:8069/web/health?db_server_status=1', `http://127.0.0.1:${inst.geventPort}/websocket/health`]);
  const threaded = sampleInstance({ client: 'acme', clientName: 'Acme', env: 'test', host: 'acme-test.test', server: 's1', kind: 'test', port: 8079, line: 4 });
  assert.equal(healthUrls(healthTarget(threaded), DEFAULT_COMMANDS), ['http://127.0.0.1:8079/web/health?db_server_status=1']);
  // workers from an INI layer, not clients.yaml: still prefork.
  const fromIni = { ...threaded, options: [...threaded.options, { key: 'workers', value: '3', chain: [] }] };
  assert.equal(healthUrls(healthTarget(fromIni), DEFAULT_COMMANDS).length, 2);
  // A configured URL is kept as written.
  assert.equal(healthUrls(healthTarget(threaded), { health: 'http://10.0.0.5:{port}/health/{instance}', websocket_health: DEFAULT_COMMANDS.websocket_health }), ['http://10.0.0.5:8079/health/acme-test']);
  // odoo.conf decides, not clients.yaml: a host file's `workers = 0` means no gevent process to wait for; negative is prefork too.
  const withWorkers = (value: string): Instance => ({ ...inst, options: [...inst.options.filter((o) => o.key !== 'workers'), { key: 'workers', value, chain: [] }] });
  assert.is(inst.workers, 2);
  assert.equal(healthUrls(healthTarget(withWorkers('0')), DEFAULT_COMMANDS).length, 1);
  assert.equal(healthUrls(healthTarget(withWorkers('-1')), DEFAULT_COMMANDS).length, 2);
});

s.run();
