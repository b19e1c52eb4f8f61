import { createHash } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { archiveAddons } from '../../src/release/git.js';
import { readRelease } from '../../src/release/readRelease.js';
import { tar } from '../../src/remote/tar.js';
import { commitAll, git, makeRepos, MANIFEST, put, type Repos } from './gitRepos.js';
import { COMMIT } from './releaseOf.js';

// git archive puts a path of up to 256 bytes into ustar's prefix and name fields, and a longer one into a pax header.
const MEDIUM = `blink_a/static/src/${'deeply_nested_folder_name/'.repeat(4)}a_component_with_a_long_name.js`;
const LONG = `blink_a/static/src/${'deeply_nested_folder_name/'.repeat(10)}a_component_with_a_long_name.js`;

const briefs = (ds: { code: string; file?: string }[]): string[] => ds.map((d) => `${d.code} ${d.file ?? ''}`);

function archive(repos: Repos, commit: string): Buffer {
  const r = archiveAddons(repos.clone, commit, 'custom-addons');
  assert.equal(r.diagnostics, []);
  return r.tar!;
}

// ---
const fromGit = suite('readRelease: a git archive');
let repos: Repos;
let first: string;
fromGit.before(() => {
  repos = makeRepos();
  put(repos.clone, {
    'custom-addons/blink_a/__init__.py': 'from . import models\n',
    'custom-addons/blink_a/__manifest__.py': MANIFEST('blink_a', ['base', 'blink_base'], "    'auto_install': ['blink_base'],\n"),
    'custom-addons/blink_a/models.py': 'X = 1\n',
    'custom-addons/blink_a/bin/migrate.sh': { exec: '#!/bin/sh\nexit 0\n' },
    [`custom-addons/${MEDIUM}`]: 'export const x = 1;\n',
    [`custom-addons/${LONG}`]: 'export const y = 2;\n',
    'custom-addons/README.md': 'not a module\n',
    'custom-addons/docs/notes.txt': 'a folder without a manifest\n',
  });
  first = commitAll(repos.clone, 'modules');
});
fromGit.after(() => repos.cleanup());

fromGit('files in path order with modes and hashes; modules are the folders with a manifest', () => {
  const tar = archive(repos, first);
  assert.ok(tar.includes(` path=custom-addons/${LONG}\n`), 'git wrote a pax path header');
  const { release, diagnostics } = readRelease(first, tar, 'custom-addons');
  assert.equal(diagnostics, []);
  assert.is(release!.commit, first);
  const paths = release!.files.map((f) => f.path);
  assert.equal(paths, [...paths].sort());
  assert.ok(paths.includes('README.md') && paths.includes('docs/notes.txt'));
  assert.ok(MEDIUM.length > 100 && LONG.length > 256);
  assert.ok(paths.includes(MEDIUM), 'a path over 100 characters (ustar prefix) is read whole');
  assert.ok(paths.includes(LONG), 'a path over 256 characters (pax header) is read whole');
  assert.equal([...release!.modules.keys()], ['blink_a', 'blink_base']);
  const byPath = new Map(release!.files.map((f) => [f.path, f]));
  assert.is(byPath.get('blink_a/bin/migrate.sh')!.mode, 0o755);
  assert.is(byPath.get('blink_a/models.py')!.mode, 0o644);
  assert.is(byPath.get('blink_a/models.py')!.sha256, createHash('sha256').update('X = 1\n').digest('hex'));
  assert.is(byPath.get('blink_a/models.py')!.content!.toString(), 'X = 1\n');
  const a = release!.modules.get('blink_a')!;
  assert.equal({ version: a.version, depends: a.depends, autoInstall: a.autoInstall }, { version: '18.0.1.0.0', depends: ['base', 'blink_base'], autoInstall: ['blink_base'] });
});

fromGit('a module hash is sha256 over sorted "path\\0mode\\0sha256\\n" lines, and stable', () => {
  const one = readRelease(first, archive(repos, first), 'custom-addons').release!;
  const lines = one.files
    .filter((f) => f.path.startsWith('blink_a/'))
    .map((f) => `${f.path.slice('blink_a/'.length)}\0${f.mode.toString(8)}\0${f.sha256}\n`)
    .sort()
    .join('');
  assert.is(one.modules.get('blink_a')!.hash, createHash('sha256').update(lines).digest('hex'));
  // Same commit, same hashes; a commit that touches only blink_a leaves blink_base's hash alone.
  assert.equal(readRelease(first, archive(repos, first), 'custom-addons').release!.modules, one.modules);
  put(repos.clone, { 'custom-addons/blink_a/models.py': 'X = 2\n' });
  const second = commitAll(repos.clone, 'change a');
  const two = readRelease(second, archive(repos, second), 'custom-addons').release!;
  assert.is(two.modules.get('blink_base')!.hash, one.modules.get('blink_base')!.hash);
  assert.is.not(two.modules.get('blink_a')!.hash, one.modules.get('blink_a')!.hash);
  // A mode change alone is a change of the module.
  git(repos.clone, 'update-index', '--chmod=+x', 'custom-addons/blink_a/models.py');
  git(repos.clone, 'commit', '-q', '-m', 'exec');
  const third = git(repos.clone, 'rev-parse', 'HEAD');
  assert.is.not(readRelease(third, archive(repos, third), 'custom-addons').release!.modules.get('blink_a')!.hash, two.modules.get('blink_a')!.hash);
});

fromGit('a symlink in the tree is BLINK616 naming it, and there is no release', () => {
  put(repos.clone, { 'custom-addons/blink_a/secrets.txt': { link: '/etc/passwd' } });
  const commit = commitAll(repos.clone, 'link');
  const r = readRelease(commit, archive(repos, commit), 'custom-addons');
  assert.is(r.release, undefined);
  assert.equal(briefs(r.diagnostics), ['BLINK616 custom-addons/blink_a/secrets.txt']);
  assert.match(r.diagnostics[0]!.message, `symlink custom-addons/blink_a/secrets.txt -> /etc/passwd at ${commit.slice(0, 8)} is refused`);
  git(repos.clone, 'rm', '-q', 'custom-addons/blink_a/secrets.txt');
  git(repos.clone, 'commit', '-q', '-m', 'unlink');
});

fromGit('an archive of another commit than the one asked for is refused', () => {
  const r = readRelease('f'.repeat(40), archive(repos, first), 'custom-addons');
  assert.equal(r.diagnostics.map((d) => d.code), ['BLINK616']);
  assert.match(r.diagnostics[0]!.message, `archive is of commit ${first.slice(0, 8)}`);
});

fromGit.run();

// ---
const hostile = suite('readRelease: entries a release may not hold');

/** A one-entry tar whose type flag is rewritten, checksum fixed up. */
function retyped(path: string, type: string, linkTarget = ''): Buffer {
  const buf = tar([{ path, mode: 0o644, content: new Uint8Array() }]);
  buf.write(type, 156, 1, 'latin1');
  buf.write(linkTarget, 157, 100, 'utf8');
  buf.fill(' ', 148, 156);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += buf[i]!;
  buf.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'latin1');
  return buf;
}

hostile('links, devices and FIFOs are BLINK616', () => {
  for (const [type, word] of [
    ['1', 'hard link custom-addons/m/x -> custom-addons/m/y'],
    ['2', 'symlink custom-addons/m/x -> /etc'],
    ['3', 'character device custom-addons/m/x'],
    ['4', 'block device custom-addons/m/x'],
    ['6', 'FIFO custom-addons/m/x'],
  ] as const) {
    const r = readRelease(COMMIT, retyped('custom-addons/m/x', type, type === '1' ? 'custom-addons/m/y' : '/etc'), 'custom-addons');
    assert.is(r.release, undefined);
    assert.equal(briefs(r.diagnostics), ['BLINK616 custom-addons/m/x'], type);
    assert.match(r.diagnostics[0]!.message, word);
  }
});

hostile("paths with '..', absolute paths, control characters or outside the folder are BLINK616", () => {
  const cases: [string, string][] = [
    ['custom-addons/../evil.py', "climbs out with '..'"],
    ['/etc/cron.d/evil', 'is an absolute path'],
    ['custom-addons/m/\u001b[2Jx.py', 'control characters'],
    ['other/x.py', 'is outside custom-addons/'],
  ];
  for (const [path, why] of cases) {
    const r = readRelease(COMMIT, tar([{ path, mode: 0o644, content: Buffer.from('x') }]), 'custom-addons');
    assert.is(r.release, undefined, path);
    assert.equal(r.diagnostics.map((d) => d.code), ['BLINK616'], path);
    assert.match(r.diagnostics[0]!.message, why);
    assert.not.match(r.diagnostics[0]!.message, '\u001b', 'a control character is shown escaped');
  }
});

hostile('a truncated or corrupt archive is BLINK616, not a partial release', () => {
  const good = tar([{ path: 'custom-addons/m/a.py', mode: 0o644, content: Buffer.from('x'.repeat(600)) }]);
  assert.equal(readRelease(COMMIT, good.subarray(0, 700), 'custom-addons').diagnostics.map((d) => d.code), ['BLINK616']);
  const corrupt = Buffer.from(good);
  corrupt[10] = 0x41;
  const r = readRelease(COMMIT, corrupt, 'custom-addons');
  assert.is(r.release, undefined);
  assert.match(r.diagnostics[0]!.message, 'bad header checksum');
  assert.equal(readRelease(COMMIT, Buffer.alloc(0), 'custom-addons').diagnostics.map((d) => d.code), ['BLINK616']);
});

hostile.run();
