import { error, type Diagnostic } from '../diagnostics/Diagnostic.js';
import type { Instance } from '../model/Fleet.js';
import { locateModule } from '../compile/locateModule.js';
import { branchPolicy } from '../release/branchPolicy.js';
import { checkRelease } from '../release/checkRelease.js';
import { checkSources, isSource, sourceKey } from '../release/checkSources.js';
import { branchRef, isAncestor, resolveBranch, resolveCommit } from '../release/git.js';
import { readGitRelease } from '../release/readGitRelease.js';
import type { Release } from '../release/Release.js';
import type { DeployJob } from './deployServer.js';

export interface PrepareOptions {
  repo: string;
  addonsDir: string;
  /** `--branch`: deploy this branch instead of each environment's own. */
  branch?: string;
  /** `--commit`: this commit, whatever the branch. */
  commit?: string;
  fetch: boolean;
  force: boolean;
  python?: string;
  /** XML and Python files known to pass (see checkSources); grows with what passes now. */
  knownSources?: Set<string>;
  /** sha256 of git objects read before (see readGitRelease); grows with what is read now. */
  hashes?: Map<string, string>;
}

/**
 * The operator's side of a deploy, before any server is changed: git checks
 * and one commit per branch, the branch policy per instance, and the release
 * of each commit read from `git archive` and checked. Any error stops the run
 * with no server changed. The XML and Python checks (one python3 process per
 * release) come back as a promise, so the caller can read the servers while
 * they run; their errors stop the run all the same.
 */
export function prepareJobs(instances: readonly Instance[], o: PrepareOptions): { jobs: DeployJob[]; diagnostics: Diagnostic[]; sourceChecks: Promise<Diagnostic[]> } {
  const none = { jobs: [], sourceChecks: Promise.resolve([]) };
  const diagnostics: Diagnostic[] = [];
  // One commit per branch, resolved once and used for everything after.
  const commits = new Map<string, string | undefined>();
  const fixed = o.commit !== undefined ? resolveCommit(o.repo, o.commit) : undefined;
  if (fixed) diagnostics.push(...fixed.diagnostics);
  for (const i of instances) {
    const b = o.branch ?? i.branch;
    if (fixed || commits.has(b)) continue;
    const r = resolveBranch({ repo: o.repo, branch: b, fetch: o.fetch && commits.size === 0 });
    diagnostics.push(...r.diagnostics.map((d) => (d.code === 'BLINK602' && !o.branch ? { ...d, file: i.source.file, line: i.source.line, column: i.source.column, message: `${d.message} (the branch of ${i.id})` } : d)));
    commits.set(b, r.commit);
  }
  if (diagnostics.some((d) => d.severity === 'error')) return { ...none, diagnostics };

  const wanted: { instance: Instance; branch: string; commit: string; notice?: string }[] = [];
  for (const i of instances) {
    const branch = o.branch ?? i.branch;
    const commit = fixed?.commit ?? commits.get(branch)!;
    const own = branchRef(o.repo, i.branch);
    const p = branchPolicy({ instance: i, branch, reachableFromOwn: own !== undefined && isAncestor(o.repo, commit, own), force: o.force });
    diagnostics.push(...p.diagnostics);
    wanted.push({ instance: i, branch, commit, ...(p.notice ? { notice: p.notice } : {}) });
  }
  if (diagnostics.some((d) => d.severity === 'error')) return { ...none, diagnostics };

  const checks: Promise<Diagnostic[]>[] = [];
  const releases = new Map<string, Release | undefined>();
  for (const commit of new Set(wanted.map((w) => w.commit))) {
    const label = commit.slice(0, 12);
    const known = o.knownSources;
    const r = readGitRelease(o.repo, commit, o.addonsDir, {
      ...(o.hashes ? { hashes: o.hashes } : {}),
      mustRead: (path, sha256) => isSource(path) && !known?.has(sourceKey(path, sha256)),
    });
    diagnostics.push(...r.diagnostics);
    if (!r.release) continue;
    // The instances on this commit share clients.yaml's defaults: their declared modules are one set.
    const declared = Object.assign({}, ...wanted.filter((w) => w.commit === commit).map((w) => w.instance.declaredModules)) as Record<string, string>;
    diagnostics.push(...checkRelease(r.release, { addonsDir: o.addonsDir, label, declared }));
    checks.push(checkSources(r.release, { addonsDir: o.addonsDir, label, ...(o.python ? { python: o.python } : {}), ...(o.knownSources ? { known: o.knownSources } : {}) }));
    releases.set(commit, r.release);
  }
  const jobs: DeployJob[] = [];
  for (const w of wanted) {
    const release = releases.get(w.commit);
    if (!release) continue;
    const found = w.instance.modules.map((m) => ({ m, where: locateModule(m, { custom: release.modules, declared: w.instance.declaredModules }) }));
    const refused = found.filter((f) => f.where.in === 'not-installable').map((f) => f.m);
    if (refused.length) {
      diagnostics.push(error('BLINK220', `${w.instance.id} lists ${refused.join(', ')}, which ${refused.length === 1 ? 'is' : 'are'} not installable at ${w.commit.slice(0, 12)} (${w.branch}): the manifest says 'installable': False`, w.instance.source, `Odoo 18 would refuse to install ${refused.length === 1 ? 'it' : 'them'}: make ${refused.length === 1 ? 'it' : 'them'} installable on ${w.branch}, or remove ${refused.length === 1 ? 'it' : 'them'} from the environment's modules`));
      continue;
    }
    const missing = found.filter((f) => f.where.in === 'nowhere').map((f) => f.m);
    if (missing.length) {
      diagnostics.push(error('BLINK612', `${w.instance.id} lists ${missing.join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not in ${o.addonsDir} at ${w.commit.slice(0, 12)} (${w.branch})`, w.instance.source, `add ${missing.length === 1 ? 'it' : 'them'} to ${w.branch}, or remove ${missing.length === 1 ? 'it' : 'them'} from the environment's modules`));
      continue;
    }
    jobs.push({ instance: w.instance, release, branch: w.branch, ...(w.notice ? { notice: w.notice } : {}) });
  }
  return { jobs, diagnostics, sourceChecks: Promise.all(checks).then((all) => all.flat()) };
}
