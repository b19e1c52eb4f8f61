/**
 * What a server holds is data: a release folder that blink did not write
 * (links out of it, odd file types, records of the wrong shape) is refused
 * with a message naming it, never acted on, and never hangs a read.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFileList, parseInstanceReleases } from '../../src/remote/parseInstanceReleases.js';
import { scriptInput } from '../../src/remote/scriptInput.js';
import { deployedWorld, type DeployWorld } from './fixture.js';

const C1 = 'a'.repeat(40);
const C2 = 'b'.repeat(40);
const SHA = 'c'.repeat(64);

const p = suite('parseInstanceReleases');

p('accepts what blink writes', () => {
  const state = { version: 1, instance: 'x-prod', commit: C1, previous: C2, branch: 'main', time: 't', owner: 'o', run: '20261130T000000Z-ab12', listed: ['a_b'], owed: [] };
  const r = parseInstanceReleases('x-prod', { current: `${C1}\n`, state: JSON.stringify(state), entries: `d ${C1}\0f ${C1}.json\0f ${C1}.files\0d ${C2}\0`, record: JSON.stringify({ version: 1, instance: 'x-prod', commit: C1, branch: 'main', time: 't', owner: 'o', modules: { a_b: SHA } }), files: `${SHA} 644 a_b/__init__.py\n` }, true);
  assert.equal(r.problems, []);
  assert.is(r.current, C1);
  assert.equal(r.releases, [C1], 'a tree without its record is not a complete release');
  assert.is(r.state?.previous, C2);
  assert.equal(r.files, [{ sha256: SHA, mode: 0o644, path: 'a_b/__init__.py' }]);
});

p('refuses links out of the folder, other instances\' records, paths that climb, bad phases', () => {
  assert.match(parseInstanceReleases('x', { current: '../../../etc\n' }).problems.join(), "a link to '../../../etc'");
  assert.match(parseInstanceReleases('x', { current: '(not a link)\n' }).problems.join(), 'not a symbolic link');
  const state = { version: 1, instance: 'other', commit: C1, branch: 'main', time: 't', owner: 'o', run: 'r', listed: [], owed: [] };
  assert.match(parseInstanceReleases('x', { state: JSON.stringify(state) }).problems.join(), 'state.json is not');
  const journal = { version: 1, run: 'r', owner: 'o', time: 't', instance: 'x', branch: 'main', to: C1, phase: 'rm -rf /', update: [], install: [] };
  assert.match(parseInstanceReleases('x', { journal: JSON.stringify(journal) }).problems.join(), 'journal.json is not');
  assert.match(parseInstanceReleases('x', { journal: '{"version":1' }).problems.join(), 'not valid JSON');
  assert.is(parseFileList(`${SHA} 644 ../../etc/passwd\n`), undefined);
  assert.is(parseFileList(`${SHA} 644 /etc/passwd\n`), undefined);
  assert.is(parseFileList(`${SHA} 4755 a/b\n`), undefined);
  assert.is(parseFileList(`${SHA} 644 a/\u001b[2Jb\n`), undefined);
  assert.ok(parseInstanceReleases('x', { unsafe: true }).problems.length);
});

p('values reach server scripts as lines of data; one with a line break is refused', () => {
  assert.ok('error' in scriptInput(['ok', 'two\nlines']));
  assert.equal(scriptInput(['a', 'b c']), Buffer.from('a\nb c\n'));
});

p.run();

const s = suite('blink-deploy on a server whose release folder blink did not write');
let w: DeployWorld;
const TEST = ['--host', 'acme-test.example.test', '--yes'];
const rd = (): string => w.releaseDir('acme-test');

s.before(async () => {
  w = await deployedWorld();
});
s.after(async () => {
  await w?.stop();
});

s('current pointing out of the release folder is refused, and left alone', async () => {
  const cur = join(rd(), 'current');
  const was = w.current('acme-test')!;
  rmSync(cur);
  symlinkSync('../../../../etc', cur);
  w.commit('test', { 'custom-addons/acme_sale/README.md': 'next\n' });
  w.clearLogs();
  const r = await w.deploy(TEST);
  assert.is(r.code, 1);
  assert.match(r.out, 'error BLINK625');
  assert.match(r.out, "a link to '../../../../etc'");
  assert.equal(w.commands(), []);
  assert.equal(w.odooCalls(), []);
  rmSync(cur);
  symlinkSync(was, cur);
});

s('a FIFO in place of state.json is not read (no hang) and is refused', async () => {
  const state = join(rd(), 'state.json');
  renameSync(state, state + '.bak');
  spawnSync('mkfifo', [state]);
  try {
    const r = await w.deploy(['--status', '--json', '--host', 'acme-test.example.test']);
    assert.is(r.code, 0, r.out + r.err);
    const st = JSON.parse(r.out) as { instances: { commit?: string; by?: string }[] };
    assert.ok(st.instances[0]!.commit, 'the link is still read');
    assert.is(st.instances[0]!.by, undefined, 'the FIFO was skipped');
  } finally {
    rmSync(state);
    renameSync(state + '.bak', state);
  }
});

s('a journal of the wrong shape is refused, not recovered', async () => {
  const journal = join(rd(), 'journal.json');
  writeFileSync(journal, JSON.stringify({ version: 1, run: 'x', owner: 'o', time: 't', instance: 'acme-test', branch: 'test', to: '../../etc', phase: 'switching', update: [], install: [] }));
  w.clearLogs();
  const r = await w.deploy(TEST);
  rmSync(journal);
  assert.is(r.code, 1);
  assert.match(r.out, 'journal.json is not a deploy journal blink wrote');
  assert.equal(w.commands(), []);
});

s('a symlinked release folder is never followed', async () => {
  const outside = join(w.dir, 'elsewhere');
  mkdirSync(outside);
  const real = rd() + '.real';
  renameSync(rd(), real);
  symlinkSync(outside, rd());
  try {
    const r = await w.deploy(TEST);
    assert.is(r.code, 1);
    assert.match(r.out, 'symbolic link');
    assert.equal(readFileSync('/dev/null', 'utf8'), '');
    assert.equal(spawnSync('ls', ['-A', outside], { encoding: 'utf8' }).stdout, '', 'nothing was written through the link');
  } finally {
    rmSync(rd());
    renameSync(real, rd());
  }
});

s.run();
