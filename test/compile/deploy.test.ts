/**
 * clients.yaml's `deploy:` block and what it feeds: Fleet.deploy, each
 * instance's releaseDir and the `<releaseDir>/current` entry of addons_path,
 * and the server command blink-deploy backs up with.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { explain } from '../../src/compile/explain.js';
import type { Instance } from '../../src/model/Fleet.js';
import { brief, buildTree, editClients, errorsOf, patchedTree, sampleTree } from '../support/configTree.js';

const Y = 'config/clients.yaml';

/** The sample with a `deploy:` block (its lines, indented by two) appended. */
function withDeploy(...lines: string[]): Record<string, string> {
  return patchedTree({ [Y]: `${sampleTree()[Y]!}deploy:\n${lines.map((l) => `  ${l}\n`).join('')}` });
}

/** `line:column` of the first occurrence of `needle` in clients.yaml, from line `from` (1-based) on. */
function at(tree: Record<string, string>, needle: string, from = 1): string {
  const lines = tree[Y]!.split('\n');
  const idx = lines.findIndex((l, n) => n + 1 >= from && l.includes(needle));
  if (idx < 0) throw new Error(`clients.yaml has no ${JSON.stringify(needle)}`);
  return `${idx + 1}:${lines[idx]!.indexOf(needle) + 1}`;
}

const instance = (r: ReturnType<typeof buildTree>, id: string): Instance => {
  const i = r.fleet?.instances.find((x) => x.id === id);
  if (!i) throw new Error(`no instance ${id}: ${r.diagnostics.map(brief).join(', ')}`);
  return i;
};
const addonsPath = (i: Instance) => i.options.find((o) => o.key === 'addons_path')!.value;
const odooConf = (r: ReturnType<typeof buildTree>, id: string) => r.artifacts.find((a) => a.instance === id && a.kind === 'odoo-conf')!.content;

// ---
const resolved = suite('deploy: resolved settings');

resolved('no deploy block: the defaults, and no repository (the one holding config/)', () => {
  const r = buildTree(sampleTree());
  assert.equal(r.diagnostics.map(brief), []);
  assert.equal(r.fleet!.deploy, { addonsDir: 'custom-addons', keep: 5 });
  assert.not.ok('repository' in r.fleet!.deploy, 'absent, not undefined: the fleet round-trips through JSON');
  assert.is(instance(r, 'corteperfecto-prod').releaseDir, '/opt/odoo/releases/corteperfecto-prod');
  assert.is(instance(r, 'demo-showcase').releaseDir, '/opt/odoo/releases/demo-showcase');
});

resolved('every key set: a relative repository becomes absolute from the config folder', () => {
  const r = buildTree(withDeploy('repository: ../../src/addons-repo', 'addons_dir: odoo/addons', 'releases_dir: /srv/releases/', 'keep: 3', 'notify: https://hooks.example.com/deploy?team=ops'));
  assert.equal(r.diagnostics.map(brief), []);
  // buildTree's config folder is /config (cwd /).
  assert.equal(r.fleet!.deploy, { repository: '/src/addons-repo', addonsDir: 'odoo/addons', keep: 3, notify: 'https://hooks.example.com/deploy?team=ops' });
  assert.is(instance(r, 'blink-internal').releaseDir, '/srv/releases/blink-internal');
  assert.is(addonsPath(instance(r, 'blink-internal')), '/opt/odoo/odoo/addons,/srv/releases/blink-internal/current');
});

resolved('an absolute repository is kept, normalised', () => {
  const r = buildTree(withDeploy('repository: /home/ops/fleet-addons/'));
  assert.is(r.fleet!.deploy.repository, '/home/ops/fleet-addons');
});

resolved('the boundaries of keep are accepted', () => {
  assert.is(buildTree(withDeploy('keep: 1')).fleet!.deploy.keep, 1);
  assert.is(buildTree(withDeploy('keep: 100')).fleet!.deploy.keep, 100);
});

// ---
const refused = suite('deploy: invalid keys');

interface Case {
  name: string;
  lines: string[];
  code: string;
  /** Text whose first occurrence marks the expected position. */
  needle: string;
  hint?: RegExp;
}

const cases: Case[] = [
  { name: 'unknown key, with a did-you-mean', lines: ['kep: 3'], code: 'BLINK010', needle: 'kep: 3', hint: /keep/ },
  { name: 'unknown key, listing the allowed ones', lines: ['branch: main'], code: 'BLINK010', needle: 'branch: main', hint: /releases_dir/ },
  { name: 'deploy is a list', lines: ['- keep: 3'], code: 'BLINK011', needle: '- keep: 3' },
  { name: 'keep is text', lines: ['keep: five'], code: 'BLINK011', needle: 'five' },
  { name: 'keep is not an integer', lines: ['keep: 2.5'], code: 'BLINK011', needle: '2.5' },
  { name: 'keep below 1', lines: ['keep: 0'], code: 'BLINK012', needle: '0' },
  { name: 'keep above 100', lines: ['keep: 101'], code: 'BLINK012', needle: '101' },
  { name: 'addons_dir climbs out of the repository', lines: ['addons_dir: ../addons'], code: 'BLINK012', needle: '../addons', hint: /'\.\.' is not allowed/ },
  { name: 'addons_dir has a .. inside', lines: ['addons_dir: a/../../b'], code: 'BLINK012', needle: 'a/../../b', hint: /'\.\.' is not allowed/ },
  { name: 'addons_dir is absolute', lines: ['addons_dir: /opt/addons'], code: 'BLINK012', needle: '/opt/addons', hint: /relative path/ },
  { name: 'addons_dir with a space', lines: ['addons_dir: "my addons"'], code: 'BLINK012', needle: '"my addons"' },
  { name: 'addons_dir is a number', lines: ['addons_dir: 7'], code: 'BLINK011', needle: '7' },
  { name: 'releases_dir is relative', lines: ['releases_dir: opt/releases'], code: 'BLINK012', needle: 'opt/releases', hint: /absolute path/ },
  { name: 'releases_dir with a shell character', lines: ['releases_dir: "/opt/r;rm -rf /"'], code: 'BLINK012', needle: '"/opt/r;rm' },
  { name: 'repository with a space', lines: ['repository: "../my addons"'], code: 'BLINK012', needle: '"../my addons"' },
  { name: 'notify is not http(s)', lines: ['notify: ftp://hooks.example.com/x'], code: 'BLINK012', needle: 'ftp://', hint: /http/ },
  { name: 'notify is not a URL at all', lines: ['notify: hooks.example.com'], code: 'BLINK012', needle: 'hooks.example.com' },
  { name: 'notify is an http URL that does not parse', lines: ['notify: "http://[::1/x"'], code: 'BLINK012', needle: '"http://[::1/x"' },
  { name: 'notify is a list', lines: ['notify: [https://a.example.com]'], code: 'BLINK011', needle: '[https://' },
];

for (const c of cases) {
  refused(c.name, () => {
    const tree = withDeploy(...c.lines);
    const r = buildTree(tree);
    const errors = errorsOf(r);
    // One mistake, one error: a URL failing both its pattern and its format is not reported twice.
    const deployLine = tree[Y]!.split('\n').indexOf('deploy:') + 1;
    assert.equal(errors.map(brief), [`${c.code} ${Y}:${at(tree, c.needle, deployLine)}`]);
    if (c.hint) assert.match(errors[0]!.hint ?? '', c.hint);
    assert.is(r.artifacts.length, 0);
  });
}

// ---
const addons = suite('deploy: addons_path through releases');

addons('odoo.conf addons_path is the fixed folders, then <releases_dir>/<instance>/current', () => {
  const r = buildTree(sampleTree());
  const prod = instance(r, 'corteperfecto-prod');
  assert.equal(prod.addonsPaths, ['/opt/odoo/odoo/addons']);
  assert.is(addonsPath(prod), '/opt/odoo/odoo/addons,/opt/odoo/releases/corteperfecto-prod/current');
  assert.match(odooConf(r, 'corteperfecto-prod'), /^addons_path = \/opt\/odoo\/odoo\/addons,\/opt\/odoo\/releases\/corteperfecto-prod\/current$/m);
});

addons('two instances on one server run their own releases', () => {
  const r = buildTree(withDeploy('releases_dir: /srv/code'));
  const prod = instance(r, 'corteperfecto-prod');
  const test = instance(r, 'corteperfecto-test');
  assert.is(prod.server, test.server);
  assert.ok(addonsPath(prod).endsWith(',/srv/code/corteperfecto-prod/current'), addonsPath(prod));
  assert.ok(addonsPath(test).endsWith(',/srv/code/corteperfecto-test/current'), addonsPath(test));
  assert.match(odooConf(r, 'corteperfecto-test'), /^addons_path = \/opt\/odoo\/odoo\/addons,\/srv\/code\/corteperfecto-test\/current$/m);
  const onServer = r.fleet!.instances.filter((i) => i.server === prod.server).map(addonsPath);
  assert.is(new Set(onServer).size, onServer.length);
});

addons('extra fixed folders come before the release', () => {
  const tree = editClients('addons_paths: [/opt/odoo/odoo/addons]', 'addons_paths: [/opt/odoo/odoo/addons, /opt/odoo/enterprise]');
  assert.is(addonsPath(instance(buildTree(tree), 'blink-internal')), '/opt/odoo/odoo/addons,/opt/odoo/enterprise,/opt/odoo/releases/blink-internal/current');
});

addons('--explain shows addons_path as derived from clients.yaml', () => {
  const tree = sampleTree();
  const e = explain(buildTree(tree).fleet!, 'corteperfecto.somosblink.com', 'addons_path').explanation!;
  assert.is(e.value, '/opt/odoo/odoo/addons,/opt/odoo/releases/corteperfecto-prod/current');
  assert.equal(e.chain.map((o) => [o.layer, o.path, `${o.pos.file}:${o.pos.line}`]), [['derived', 'clients.corteperfecto.environments.prod', `${Y}:${at(tree, '      prod:').split(':')[0]}`]]);
});

// ---
const commands = suite('deploy: the backup command');

commands('commands.backup defaults to blink-backup {instance}, under the root folder of a server that has one', () => {
  const r = buildTree(sampleTree());
  const by = new Map(r.fleet!.servers.map((s) => [s.name, s]));
  assert.is(by.get('aws-1')!.commands.backup, '/usr/local/sbin/blink-backup {instance}');
  assert.is(by.get('lab')!.root, '/config/.lab-server');
  assert.is(by.get('lab')!.commands.backup, '/config/.lab-server/usr/local/sbin/blink-backup {instance}');
});

commands('commands.backup can be set per server', () => {
  const tree = editClients('    cpus: 2\n    memory_mb: 4096', '    cpus: 2\n    memory_mb: 4096\n    commands: { backup: "/opt/bin/snapshot --db {instance}" }');
  const r = buildTree(tree);
  assert.equal(r.diagnostics.map(brief), []);
  assert.is(r.fleet!.servers.find((s) => s.name === 'aws-1')!.commands.backup, '/opt/bin/snapshot --db {instance}');
  assert.is(r.fleet!.servers.find((s) => s.name === 'lab')!.commands.backup, '/config/.lab-server/usr/local/sbin/blink-backup {instance}');
});

commands('{root} in a command is the server\'s root folder; a server without ssh runs its commands in the config folder', () => {
  const r = buildTree(sampleTree());
  const by = new Map(r.fleet!.servers.map((s) => [s.name, s]));
  assert.is(by.get('lab')!.commands.restart, 'sh lab/standin.sh /config/.lab-server restart {service}');
  assert.is(by.get('lab')!.commandDir, '/config');
  assert.is(by.get('lab')!.setOwners, false);
  assert.is(by.get('aws-1')!.commandDir, undefined);
  assert.is(by.get('aws-1')!.setOwners, true);
});

commands('commands.backup must be one line', () => {
  const tree = editClients('    cpus: 2\n    memory_mb: 4096', '    cpus: 2\n    memory_mb: 4096\n    commands: { backup: "a\\nb" }');
  assert.equal(errorsOf(buildTree(tree)).map(brief), [`BLINK015 ${Y}:${at(tree, '"a\\nb"')}`]);
});

resolved.run();
refused.run();
addons.run();
commands.run();
