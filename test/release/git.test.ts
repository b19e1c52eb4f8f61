import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { archiveAddons, branchRef, commitsBetween, isAncestor, repoRoot, resolveBranch, resolveCommit } from '../../src/release/git.js';
import { tempDir } from '../support/tmp.js';
import { commitAll, git, makeRepos, put, type Repos } from './gitRepos.js';

const HEX40 = /^[0-9a-f]{40}$/;
const codes = (r: { diagnostics: { code: string }[] }): string[] => r.diagnostics.map((d) => d.code);

// ---
const steps = suite('git: the steps before a release');
let repos: Repos;
steps.before.each(() => {
  repos = makeRepos();
});
steps.after.each(() => repos.cleanup());

steps('a clean, pushed branch resolves to one full commit id', () => {
  const r = resolveBranch({ repo: repos.clone, branch: 'main', fetch: true });
  assert.equal(r.diagnostics, []);
  assert.is(r.ref, 'refs/heads/main');
  assert.match(r.commit!, HEX40);
  assert.is(r.commit, git(repos.clone, 'rev-parse', 'origin/main'));
});

steps('repoRoot finds the top of the checkout; outside any repository it is BLINK600', () => {
  assert.is(repoRoot(join(repos.clone, 'custom-addons')).root, realpathSync(repos.clone));
  const outside = tempDir();
  try {
    const r = repoRoot(outside.dir);
    assert.equal(codes(r), ['BLINK600']);
    assert.match(r.diagnostics[0]!.hint!, 'deploy.repository');
  } finally {
    outside.cleanup();
  }
});

steps('a folder that is no checkout is BLINK600, whatever the branch name', () => {
  const r = resolveBranch({ repo: join(repos.clone, 'nope'), branch: 'main', fetch: true });
  assert.equal(codes(r), ['BLINK600']);
});

steps('a dirty tree is BLINK601 listing changed and untracked paths', () => {
  put(repos.clone, { 'README.md': 'edited\n', 'custom-addons/new_mod/x.py': '' });
  const r = resolveBranch({ repo: repos.clone, branch: 'main', fetch: false });
  assert.equal(codes(r), ['BLINK601']);
  assert.match(r.diagnostics[0]!.message, 'README.md');
  assert.match(r.diagnostics[0]!.message, 'custom-addons/new_mod/x.py');
  assert.match(r.diagnostics[0]!.hint!, 'stash');
  assert.is(r.commit, undefined);
});

steps('more than five changes are listed as five and a count', () => {
  put(repos.clone, Object.fromEntries(['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((n) => [`${n}.txt`, n])));
  const r = resolveBranch({ repo: repos.clone, branch: 'main', fetch: false });
  assert.match(r.diagnostics[0]!.message, /7 uncommitted changes: a\.txt, b\.txt, c\.txt, d\.txt, e\.txt, and 2 more$/);
});

steps('a missing branch is BLINK602 with did-you-mean', () => {
  git(repos.clone, 'branch', 'feature');
  const r = resolveBranch({ repo: repos.clone, branch: 'featrue', fetch: false });
  assert.equal(codes(r), ['BLINK602']);
  assert.match(r.diagnostics[0]!.message, "'featrue' does not exist");
  assert.is(r.diagnostics[0]!.hint, "did you mean 'feature'?");
  // Remote-only branches are candidates too, since a CI checkout has few local ones.
  assert.is(resolveBranch({ repo: repos.clone, branch: 'tset', fetch: false }).diagnostics[0]!.hint, "did you mean 'test'?");
});

steps('names git could read as options, or that git would rewrite, are refused before any git step', () => {
  for (const name of ['-x', '--upload-pack=touch', '@{-1}', 'a..b', 'refs/heads/../x', '']) {
    const r = resolveBranch({ repo: repos.clone, branch: name, fetch: true });
    assert.equal(codes(r), ['BLINK602'], name);
    assert.match(r.diagnostics[0]!.message, 'not a valid branch name');
  }
});

steps('behind its upstream is BLINK603 with git pull --ff-only; without fetch it is not known yet', () => {
  const other = repos.cloneAgain('other');
  put(other, { 'custom-addons/blink_base/more.py': '' });
  commitAll(other, 'more');
  put(other, { 'custom-addons/blink_base/more2.py': '' });
  commitAll(other, 'more2');
  git(other, 'push', '-q', 'origin', 'main');
  assert.equal(codes(resolveBranch({ repo: repos.clone, branch: 'main', fetch: false })), []);
  const r = resolveBranch({ repo: repos.clone, branch: 'main', fetch: true });
  assert.equal(codes(r), ['BLINK603']);
  assert.is(r.diagnostics[0]!.message, "branch 'main' is 2 commits behind origin/main");
  assert.match(r.diagnostics[0]!.hint!, 'git pull --ff-only');
});

steps('ahead of its upstream is BLINK603 with git push; both at once names both', () => {
  put(repos.clone, { 'custom-addons/blink_base/local.py': '' });
  commitAll(repos.clone, 'local');
  const ahead = resolveBranch({ repo: repos.clone, branch: 'main', fetch: true });
  assert.equal(codes(ahead), ['BLINK603']);
  assert.is(ahead.diagnostics[0]!.message, "branch 'main' is 1 commit ahead of origin/main");
  assert.match(ahead.diagnostics[0]!.hint!, 'git push');

  const other = repos.cloneAgain('other');
  put(other, { 'custom-addons/blink_base/remote.py': '' });
  commitAll(other, 'remote');
  git(other, 'push', '-q', 'origin', 'main');
  const both = resolveBranch({ repo: repos.clone, branch: 'main', fetch: true });
  assert.is(both.diagnostics[0]!.message, "branch 'main' is 1 commit behind and 1 ahead of origin/main");
  assert.match(both.diagnostics[0]!.hint!, /git pull --ff-only.*git push/);
});

steps('a local branch without upstream is fine', () => {
  git(repos.clone, 'branch', 'local-only');
  const r = resolveBranch({ repo: repos.clone, branch: 'local-only', fetch: true });
  assert.equal(r.diagnostics, []);
  assert.is(r.ref, 'refs/heads/local-only');
});

steps('a failed fetch is BLINK600 naming --no-fetch; --no-fetch then works offline', () => {
  git(repos.clone, 'remote', 'set-url', 'origin', join(repos.remote, '..', 'gone.git'));
  const r = resolveBranch({ repo: repos.clone, branch: 'main', fetch: true });
  assert.equal(codes(r), ['BLINK600']);
  assert.match(r.diagnostics[0]!.message, 'git fetch origin failed');
  assert.match(r.diagnostics[0]!.hint!, '--no-fetch');
  assert.equal(codes(resolveBranch({ repo: repos.clone, branch: 'main', fetch: false })), []);
});

steps('a branch that exists only as a remote-tracking branch (CI checkout) is taken from there', () => {
  const r = resolveBranch({ repo: repos.clone, branch: 'hotfix/x', fetch: true });
  assert.equal(r.diagnostics, []);
  assert.is(r.ref, 'refs/remotes/origin/hotfix/x');
  assert.is(r.commit, git(repos.clone, 'rev-parse', 'origin/hotfix/x'));
  assert.is(branchRef(repos.clone, 'hotfix/x'), 'refs/remotes/origin/hotfix/x');
  assert.is(branchRef(repos.clone, 'main'), 'refs/heads/main');
  assert.is(branchRef(repos.clone, 'nope'), undefined);
});

steps('a branch pushed after the clone is found thanks to the fetch', () => {
  const other = repos.cloneAgain('other');
  git(other, 'checkout', '-q', '-b', 'fresh');
  git(other, 'push', '-q', 'origin', 'fresh');
  assert.equal(codes(resolveBranch({ repo: repos.clone, branch: 'fresh', fetch: false })), ['BLINK602']);
  assert.is(resolveBranch({ repo: repos.clone, branch: 'fresh', fetch: true }).ref, 'refs/remotes/origin/fresh');
});

steps.run();

// ---
const commits = suite('git: commits and archives');
let shared: Repos;
commits.before(() => {
  shared = makeRepos();
});
commits.after(() => shared.cleanup());

commits('resolveCommit expands a short id; unknown or non-hex ids are BLINK602', () => {
  const full = git(shared.clone, 'rev-parse', 'main');
  assert.equal(resolveCommit(shared.clone, full.slice(0, 7)), { commit: full, diagnostics: [] });
  assert.equal(codes(resolveCommit(shared.clone, 'deadbeefdeadbeef')), ['BLINK602']);
  const option = resolveCommit(shared.clone, '--all');
  assert.equal(codes(option), ['BLINK602']);
  assert.match(option.diagnostics[0]!.message, 'not a commit id');
});

commits('isAncestor and commitsBetween', () => {
  const main = git(shared.clone, 'rev-parse', 'main');
  const test = git(shared.clone, 'rev-parse', 'origin/test');
  assert.ok(isAncestor(shared.clone, main, 'refs/remotes/origin/test'));
  assert.not.ok(isAncestor(shared.clone, test, 'refs/heads/main'));
  assert.not.ok(isAncestor(shared.clone, main, '--all'));
  assert.is(commitsBetween(shared.clone, main, 'refs/remotes/origin/test'), 1);
  assert.is(commitsBetween(shared.clone, test, 'refs/remotes/origin/test'), 0);
  assert.is(commitsBetween(shared.clone, 'ab'.repeat(20), 'refs/heads/main'), undefined);
  assert.is(commitsBetween(shared.clone, 'not-a-sha', 'refs/heads/main'), undefined);
});

commits('archiveAddons gives a tar of the folder; a folder missing at that commit is BLINK602 naming it', () => {
  const main = git(shared.clone, 'rev-parse', 'main');
  const ok = archiveAddons(shared.clone, main, 'custom-addons/');
  assert.equal(ok.diagnostics, []);
  assert.ok(ok.tar!.length > 1024);
  assert.ok(ok.tar!.includes('custom-addons/blink_base/__manifest__.py'));
  assert.not.ok(ok.tar!.includes('README.md'));
  const missing = archiveAddons(shared.clone, main, 'addons');
  assert.equal(codes(missing), ['BLINK602']);
  assert.match(missing.diagnostics[0]!.message, `commit ${main.slice(0, 8)} has no folder addons`);
  assert.equal(codes(archiveAddons(shared.clone, main, '../etc')), ['BLINK602']);
});

commits.run();
