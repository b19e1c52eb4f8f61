/**
 * The IO edge to the operator's git. Every call is `git -C <repo> …` with an
 * argument vector, never a shell string, and every user-given name reaches git
 * only after validation and in a form git cannot read as an option
 * (`refs/heads/…`, hex ids, `--` before pathspecs).
 */
import { error, type Diagnostic } from '../diagnostics/Diagnostic.js';
import { didYouMean } from '../diagnostics/didYouMean.js';
import { gitReason as reason, gitText as text, NO_GIT, runGit as run } from './runGit.js';

export function repoRoot(dir: string): { root?: string; diagnostics: Diagnostic[] } {
  const r = run(dir, ['rev-parse', '--show-toplevel']);
  if (r.missing) return { diagnostics: [NO_GIT()] };
  if (!r.ok) {
    return {
      diagnostics: [
        error('BLINK600', `${dir} is not inside a git repository: ${reason(r)}`, undefined, "run blink-deploy from a checkout of the addons repository, or set 'deploy.repository' in clients.yaml to one"),
      ],
    };
  }
  return { root: text(r), diagnostics: [] };
}

/**
 * The git steps before a release of a branch: clean tree, fetch, branch
 * exists, in step with its upstream, one commit resolved. The first failing
 * step ends the walk, since every later step assumes the earlier ones.
 */
export function resolveBranch(o: { repo: string; branch: string; fetch: boolean }): { commit?: string; ref?: string; diagnostics: Diagnostic[] } {
  const { repo, branch } = o;
  // First, since it also tells a folder that is no checkout from a bad branch name.
  const dirty = checkClean(repo);
  if (dirty) return { diagnostics: [dirty] };

  const invalid = checkBranchName(repo, branch);
  if (invalid) return { diagnostics: [invalid] };

  const local = localBranch(repo, branch);
  if (local.missingGit) return { diagnostics: [NO_GIT()] };

  if (o.fetch) {
    const remote = local.exists ? local.remote : defaultRemote(repo);
    // An upstream of "." is another local branch: there is nothing to fetch.
    if (remote && remote !== '.') {
      const f = run(repo, ['fetch', '--quiet', '--end-of-options', remote]);
      if (!f.ok) {
        return {
          diagnostics: [
            error('BLINK600', `git fetch ${remote} failed: ${reason(f)}`, undefined, `check the network and your access to '${remote}', or pass --no-fetch to deploy from what this checkout already has`),
          ],
        };
      }
    }
  }

  let ref: string;
  if (local.exists) {
    ref = `refs/heads/${branch}`;
    const drift = checkUpstream(repo, branch, local.upstream);
    if (drift) return { diagnostics: [drift] };
  } else {
    const tracking = remoteTracking(repo, branch);
    if (tracking.length === 0) return { diagnostics: [missingBranch(repo, branch)] };
    const one = pickTracking(repo, branch, tracking);
    if (one === undefined) {
      return {
        diagnostics: [
          error('BLINK602', `branch '${branch}' exists only as remote-tracking branches of several remotes (${tracking.map(short).join(', ')})`, undefined, `create the local branch from the one you mean, e.g. git branch ${branch} ${short(tracking[0]!)}`),
        ],
      };
    }
    ref = one;
  }

  const commit = run(repo, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  if (!commit.ok) return { diagnostics: [error('BLINK602', `${ref} does not name a commit`, undefined, 'check the branch with git log')] };
  return { commit: text(commit), ref, diagnostics: [] };
}

/**
 * The ref resolveBranch takes for a branch (the local one, else the only or
 * the default remote's remote-tracking one), without its checks; undefined
 * when there is none. For asking whether a commit is on an instance's branch.
 */
export function branchRef(repo: string, branch: string): string | undefined {
  if (checkBranchName(repo, branch)) return undefined;
  if (localBranch(repo, branch).exists) return `refs/heads/${branch}`;
  return pickTracking(repo, branch, remoteTracking(repo, branch));
}

/** For `--commit SHA`: any commit this checkout has, by full or abbreviated id. */
export function resolveCommit(repo: string, sha: string): { commit?: string; diagnostics: Diagnostic[] } {
  if (!/^[0-9a-f]{4,40}$/i.test(sha)) {
    return { diagnostics: [error('BLINK602', `'${sha}' is not a commit id`, undefined, 'give a hex commit id of at least 4 digits, e.g. from git log --oneline')] };
  }
  const r = run(repo, ['rev-parse', '--verify', '--quiet', `${sha}^{commit}`]);
  if (r.missing) return { diagnostics: [NO_GIT()] };
  if (!r.ok) {
    return {
      diagnostics: [
        error('BLINK602', `commit ${sha} is not in ${repo}`, undefined, 'git fetch to get it, or give a longer id if the short one is ambiguous'),
      ],
    };
  }
  return { commit: text(r), diagnostics: [] };
}

/** Whether `commit` is on `ref` (a commit id or a full ref name such as refs/heads/main). */
export function isAncestor(repo: string, commit: string, ref: string): boolean {
  if (!isSafeRev(commit) || !isSafeRev(ref)) return false;
  return run(repo, ['merge-base', '--is-ancestor', commit, ref]).ok;
}

/** How many commits `from` is behind `ref`; undefined when this checkout does not know `from`. */
export function commitsBetween(repo: string, from: string, ref: string): number | undefined {
  if (!/^[0-9a-f]{4,40}$/i.test(from) || !isSafeRev(ref)) return undefined;
  if (!run(repo, ['cat-file', '-e', `${from}^{commit}`]).ok) return undefined;
  const r = run(repo, ['rev-list', '--count', `${from}..${ref}`]);
  return r.ok ? Number(text(r)) : undefined;
}

/**
 * commitsBetween for --status: a fleet runs a handful of commits on a handful
 * of branches, so git is asked once per (commit, branch), not per instance.
 */
export function commitsBehind(repo: string): (commit: string, branch: string) => number | undefined {
  const refs = new Map<string, string | undefined>();
  const counts = new Map<string, number | undefined>();
  return (commit, branch) => {
    if (!refs.has(branch)) refs.set(branch, branchRef(repo, branch));
    const ref = refs.get(branch);
    const key = `${commit} ${branch}`;
    if (ref !== undefined && !counts.has(key)) counts.set(key, commitsBetween(repo, commit, ref));
    return counts.get(key);
  };
}

export function archiveAddons(repo: string, commit: string, addonsDir: string): { tar?: Buffer; diagnostics: Diagnostic[] } {
  const dir = addonsDir.replace(/\/+$/, '');
  if (!isSafeRev(commit)) return { diagnostics: [error('BLINK602', `'${commit}' is not a commit id`)] };
  if (dir === '' || dir.startsWith('/') || dir.split('/').includes('..')) {
    return { diagnostics: [error('BLINK602', `addons folder '${addonsDir}' must be a relative path inside the repository`, undefined, "set 'deploy.addonsDir' in clients.yaml, e.g. custom-addons")] };
  }
  // Literal pathspecs: a folder name is a name, never pathspec magic like ':(glob)'.
  const r = run(repo, ['--literal-pathspecs', 'archive', '--format=tar', commit, '--', dir]);
  if (r.missing) return { diagnostics: [NO_GIT()] };
  if (!r.ok) {
    const notThere = /did not match any files/.test(r.stderr);
    return {
      diagnostics: [
        notThere
          ? error('BLINK602', `commit ${commit.slice(0, 8)} has no folder ${dir}`, undefined, `commit the addons under ${dir}/, or set 'deploy.addonsDir' in clients.yaml to where they are`)
          : error('BLINK600', `git archive of ${commit.slice(0, 8)} failed: ${reason(r)}`),
      ],
    };
  }
  return { tar: r.stdout, diagnostics: [] };
}

function checkBranchName(repo: string, branch: string): Diagnostic | undefined {
  const r = run(repo, ['check-ref-format', '--branch', branch]);
  if (r.missing) return NO_GIT();
  // `--branch` expands `@{-1}` and friends; only a name that stays itself is a branch name.
  if (r.ok && text(r) === branch && !branch.startsWith('-')) return undefined;
  return error('BLINK602', `'${branch}' is not a valid branch name`, undefined, 'give the branch name as git branch lists it, e.g. main or hotfix/invoice-qr');
}

function checkClean(repo: string): Diagnostic | undefined {
  const r = run(repo, ['status', '--porcelain=v1', '-z', '--untracked-files=all']);
  if (r.missing) return NO_GIT();
  if (!r.ok) return error('BLINK600', `git status failed in ${repo}: ${reason(r)}`, undefined, "run blink-deploy from a checkout of the addons repository, or set 'deploy.repository' in clients.yaml to one");
  const paths: string[] = [];
  const fields = r.stdout.toString('utf8').split('\0');
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    if (f.length < 4) continue;
    paths.push(f.slice(3));
    // A rename or copy is followed by its source path in its own field.
    if (f[0] === 'R' || f[0] === 'C') i++;
  }
  if (paths.length === 0) return undefined;
  const shown = paths.slice(0, 5).join(', ') + (paths.length > 5 ? `, and ${paths.length - 5} more` : '');
  return error('BLINK601', `working tree of ${repo} has ${paths.length} uncommitted change${paths.length === 1 ? '' : 's'}: ${shown}`, undefined, 'a release is a commit: commit or stash the changes (git stash -u), then deploy again');
}

interface LocalBranch {
  exists: boolean;
  missingGit?: boolean;
  upstream?: string;
  remote?: string;
}

function localBranch(repo: string, branch: string): LocalBranch {
  const name = `refs/heads/${branch}`;
  const r = run(repo, ['for-each-ref', '--format=%(refname)%00%(upstream)%00%(upstream:remotename)', name]);
  if (r.missing) return { exists: false, missingGit: true };
  // The pattern also matches refs below it (`refs/heads/<b>/x`), so pick the exact one.
  for (const line of r.stdout.toString('utf8').split('\n')) {
    const [ref, upstream, remote] = line.split('\0');
    if (ref !== name) continue;
    const b: LocalBranch = { exists: true };
    if (upstream) b.upstream = upstream;
    if (remote) b.remote = remote;
    return b;
  }
  return { exists: false };
}

/** The remote a plain `git fetch` would use when no upstream says otherwise. */
function defaultRemote(repo: string): string | undefined {
  const remotes = text(run(repo, ['remote'])).split('\n').filter(Boolean);
  if (remotes.includes('origin')) return 'origin';
  return remotes.length === 1 ? remotes[0] : undefined;
}

function remoteTracking(repo: string, branch: string): string[] {
  const r = run(repo, ['for-each-ref', '--format=%(refname)', `refs/remotes/*/${branch}`]);
  // Exactly refs/remotes/<remote>/<branch>: the pattern also matches refs below the branch.
  return text(r)
    .split('\n')
    .filter((ref) => /^refs\/remotes\/[^/]+\//.test(ref) && ref.replace(/^refs\/remotes\/[^/]+\//, '') === branch)
    .sort();
}

/** One remote-tracking ref of a branch: the only one, else the default remote's. */
function pickTracking(repo: string, branch: string, tracking: readonly string[]): string | undefined {
  if (tracking.length <= 1) return tracking[0];
  const preferred = `refs/remotes/${defaultRemote(repo)}/${branch}`;
  return tracking.find((t) => t === preferred);
}

function checkUpstream(repo: string, branch: string, upstream: string | undefined): Diagnostic | undefined {
  if (upstream === undefined) return undefined;
  if (!run(repo, ['show-ref', '--verify', '--quiet', upstream]).ok) {
    return error('BLINK603', `upstream ${short(upstream)} of branch '${branch}' is gone`, undefined, `push the branch again (git push -u origin ${branch}), or drop the upstream (git branch --unset-upstream ${branch})`);
  }
  const r = run(repo, ['rev-list', '--left-right', '--count', `refs/heads/${branch}...${upstream}`]);
  if (!r.ok) return error('BLINK600', `git rev-list failed for '${branch}': ${reason(r)}`);
  const [ahead, behind] = text(r).split(/\s+/).map(Number) as [number, number];
  if (ahead === 0 && behind === 0) return undefined;
  const commits = (n: number): string => `${n} commit${n === 1 ? '' : 's'}`;
  const state =
    behind > 0 && ahead > 0
      ? `${commits(behind)} behind and ${ahead} ahead of`
      : behind > 0
        ? `${commits(behind)} behind`
        : `${commits(ahead)} ahead of`;
  const hints: string[] = [];
  if (behind > 0) hints.push(`git pull --ff-only to take the ${commits(behind)} from the remote`);
  if (ahead > 0) hints.push(`git push to publish the ${commits(ahead)} made here`);
  return error('BLINK603', `branch '${branch}' is ${state} ${short(upstream)}`, undefined, `${hints.join(', then ')}; a release must be what the team sees on the remote`);
}

function missingBranch(repo: string, branch: string): Diagnostic {
  const names = new Set<string>();
  for (const ref of text(run(repo, ['for-each-ref', '--format=%(refname)', 'refs/heads/', 'refs/remotes/'])).split('\n')) {
    if (ref.startsWith('refs/heads/')) names.add(ref.slice('refs/heads/'.length));
    else if (ref.startsWith('refs/remotes/') && !ref.endsWith('/HEAD')) names.add(ref.split('/').slice(3).join('/'));
  }
  names.delete('');
  const guess = didYouMean(branch, names);
  return error(
    'BLINK602',
    `branch '${branch}' does not exist in ${repo}`,
    undefined,
    guess ? `did you mean '${guess}'?` : `create it, or git fetch if it is new on the remote; branches here: ${[...names].sort().slice(0, 10).join(', ') || 'none'}`,
  );
}

/** A commit id or a full ref name: nothing git could take for an option. */
function isSafeRev(rev: string): boolean {
  return /^[0-9a-f]{4,40}$/i.test(rev) || (/^refs\//.test(rev) && !/[\s~^:?*[\\]|\.\.|@\{/.test(rev));
}

const short = (ref: string): string => ref.replace(/^refs\/(heads|remotes)\//, '');
