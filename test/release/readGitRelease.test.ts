import { createHash } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { archiveAddons } from '../../src/release/git.js';
import { readGitRelease, withContents } from '../../src/release/readGitRelease.js';
import { readRelease } from '../../src/release/readRelease.js';
import type { Release } from '../../src/release/Release.js';
import { commitAll, git, makeRepos, MANIFEST, put, type Repos } from './gitRepos.js';

// What git archive gives is the reference: the release read object by object must be the same release.
const fromArchive = (repos: Repos, commit: string): Release => {
  const a = archiveAddons(repos.clone, commit, 'custom-addons');
  return readRelease(commit, a.tar!, 'custom-addons').release!;
};
/** Everything but the bytes and git's object ids, which the archive does not carry. */
const shape = (r: Release) => ({ commit: r.commit, files: r.files.map((f) => ({ path: f.path, mode: f.mode, sha256: f.sha256, size: f.size })), modules: r.modules });
const read = (r: Release): string[] => r.files.filter((f) => f.content).map((f) => f.path);

const s = suite('readGitRelease: a release read from git objects, only what it lacks');
let repos: Repos;
let first: string;
const env = { HOME: '/nonexistent', XDG_CONFIG_HOME: '/nonexistent' };
s.before(() => {
  repos = makeRepos();
  put(repos.clone, {
    'custom-addons/blink_a/__init__.py': 'from . import models\n',
    'custom-addons/blink_a/__manifest__.py': MANIFEST('blink_a', ['base', 'blink_base']),
    'custom-addons/blink_a/models.py': 'X = 1\n',
    'custom-addons/blink_a/views/a.xml': '<odoo/>\n',
    'custom-addons/blink_a/static/logo.txt': 'logo\n',
    'custom-addons/blink_a/bin/migrate.sh': { exec: '#!/bin/sh\nexit 0\n' },
  });
  first = commitAll(repos.clone, 'modules');
});
s.after(() => repos.cleanup());

s('with nothing known it reads every file, and it is the release git archive gives', () => {
  const hashes = new Map<string, string>();
  const r = readGitRelease(repos.clone, first, 'custom-addons', { hashes, env });
  assert.equal(r.diagnostics, []);
  assert.equal(shape(r.release!), shape(fromArchive(repos, first)));
  assert.equal(read(r.release!), r.release!.files.map((f) => f.path));
  assert.is(hashes.size, new Set(r.release!.files.map((f) => f.blob)).size, 'every object read is remembered');
});

s('with the hashes known it reads the manifests and the files the checks ask for; withContents reads the rest, checked', () => {
  const hashes = new Map<string, string>();
  readGitRelease(repos.clone, first, 'custom-addons', { hashes, env });
  put(repos.clone, { 'custom-addons/blink_a/models.py': 'X = 2\n' });
  const second = commitAll(repos.clone, 'change');
  const asked: string[] = [];
  const r = readGitRelease(repos.clone, second, 'custom-addons', { hashes, env, mustRead: (p) => (asked.push(p), p.endsWith('.xml')) });
  assert.equal(shape(r.release!), shape(fromArchive(repos, second)));
  assert.equal(read(r.release!).sort(), ['blink_a/__manifest__.py', 'blink_a/models.py', 'blink_a/views/a.xml', 'blink_base/__manifest__.py']);
  assert.ok(!asked.includes('blink_a/models.py'), 'a new object is read anyway: the checks are not asked');
  const all = withContents(repos.clone, r.release!.files);
  assert.ok(Array.isArray(all));
  const archived = new Map(fromArchive(repos, second).files.map((f) => [f.path, f.content!.toString('utf8')]));
  for (const f of all as { path: string; content: Buffer }[]) assert.is(f.content.toString('utf8'), archived.get(f.path), f.path);
});

s('a hash that does not match the object is an error naming the file, never a wrong file sent', () => {
  const r = readGitRelease(repos.clone, first, 'custom-addons', { hashes: new Map(), env });
  const logo = r.release!.files.find((f) => f.path === 'blink_a/static/logo.txt')!;
  const stale = { ...logo, content: undefined, sha256: 'f'.repeat(64) };
  delete stale.content;
  const out = withContents(repos.clone, [stale]);
  assert.ok('error' in out);
  assert.match((out as { error: string }).error, 'blink_a/static/logo.txt does not hash to what blink recorded');
});

s('gitattributes or core.autocrlf send the release through git archive, whole', () => {
  put(repos.clone, { '.gitattributes': 'custom-addons/blink_a/static/logo.txt export-ignore\n' });
  const ignored = commitAll(repos.clone, 'attributes');
  const r = readGitRelease(repos.clone, ignored, 'custom-addons', { hashes: new Map(), env });
  assert.equal(shape(r.release!), shape(fromArchive(repos, ignored)));
  assert.ok(!r.release!.files.some((f) => f.path === 'blink_a/static/logo.txt'), 'export-ignore applies, as in git archive');
  git(repos.clone, 'rm', '-q', '.gitattributes');
  const plain = commitAll(repos.clone, 'no attributes');
  git(repos.clone, 'config', 'core.autocrlf', 'true');
  try {
    const c = readGitRelease(repos.clone, plain, 'custom-addons', { hashes: new Map(), env });
    assert.equal(shape(c.release!), shape(fromArchive(repos, plain)));
    assert.is(c.release!.files.find((f) => f.path === 'blink_a/models.py')!.content!.toString(), 'X = 2\r\n', 'converted as git archive converts');
  } finally {
    git(repos.clone, 'config', '--unset', 'core.autocrlf');
  }
});

s('a symlink or a missing folder says what git archive would: BLINK616 and BLINK602', () => {
  put(repos.clone, { 'custom-addons/blink_a/secrets.txt': { link: '/etc/passwd' } });
  const linked = commitAll(repos.clone, 'link');
  const r = readGitRelease(repos.clone, linked, 'custom-addons', { hashes: new Map(), env });
  assert.is(r.release, undefined);
  assert.equal(r.diagnostics.map((d) => `${d.code} ${d.file}`), ['BLINK616 custom-addons/blink_a/secrets.txt']);
  assert.match(r.diagnostics[0]!.message, `symlink custom-addons/blink_a/secrets.txt -> /etc/passwd at ${linked.slice(0, 8)} is refused`);
  const none = readGitRelease(repos.clone, linked, 'addons', { env });
  assert.equal(none.diagnostics.map((d) => d.code), ['BLINK602']);
  assert.match(none.diagnostics[0]!.message, 'has no folder addons');
  git(repos.clone, 'rm', '-q', 'custom-addons/blink_a/secrets.txt');
  git(repos.clone, 'commit', '-q', '-m', 'unlink');
});

s('sizes are the bytes of each file', () => {
  const r = readGitRelease(repos.clone, first, 'custom-addons', { hashes: new Map(), env });
  for (const f of r.release!.files) assert.is(f.size, f.content!.length, f.path);
  assert.is(r.release!.files.find((f) => f.path === 'blink_a/models.py')!.sha256, createHash('sha256').update('X = 1\n').digest('hex'));
});

s.run();
