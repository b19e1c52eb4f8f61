import { createHash } from 'node:crypto';
import { error } from '../diagnostics/Diagnostic.js';
import { changedModules, dependencyClosure } from '../release/changedModules.js';
import type { Release } from '../release/Release.js';
import type { ReleaseFileEntry } from '../remote/DeployState.js';
import type { InstanceDeployPlan, PlanInput, UploadPlan } from './DeployPlan.js';

/**
 * Pure: what deploying `release` to one instance would do, given what its
 * server has. Modules to update are those whose content changed since the
 * running release, among the instance's modules, what they depend on and
 * what Odoo auto-installs with them (dependencyClosure), plus any owed by an
 * earlier deploy; modules newly listed in clients.yaml are installed.
 */
export function planDeploy(p: PlanInput): InstanceDeployPlan {
  const { instance, release, live } = p;
  const to = release.commit;
  const base = { instance, branch: p.branch, to, ...(p.notice ? { notice: p.notice } : {}) };
  if (live.problems.length) {
    const refused = error('BLINK625', `${instance.server}: ${instance.id}: the release folder ${instance.releaseDir} holds what blink did not write: ${live.problems.join('; ')}`, undefined, 'look at it on the server and remove or repair it; blink will not act on it');
    return { ...base, unchanged: false, first: false, update: [], install: [], owed: [], backup: false, refused };
  }
  const from = live.current;
  const state = live.state?.commit === from ? live.state : undefined;
  const first = from === undefined;
  const listed = new Set(state?.listed ?? []);
  const owedBefore = state?.owed ?? [];
  let update: string[] = [];
  let install: string[] = [];
  let owed: string[] = [];
  if (first) {
    install = ['base', ...instance.modules.filter((m) => m !== 'base')];
  } else {
    install = instance.modules.filter((m) => !listed.has(m));
    const changed = from === to ? [] : changedModules(live.record?.modules, release);
    const inUse = new Set(changed.length ? dependencyClosure(release, [...new Set([...instance.modules, ...listed])]) : []);
    const due = sorted([...changed.filter((m) => inUse.has(m)), ...owedBefore].filter((m) => !install.includes(m)));
    if (p.updateModules === 'auto') update = due;
    else if (p.updateModules === 'all') update = due.length || install.length || from !== to ? ['all'] : [];
    else if (p.updateModules === 'none') owed = due;
    else update = sorted(p.updateModules);
  }
  const unchanged = from === to && update.length === 0 && install.length === 0 && owed.length === owedBefore.length;
  const upload = live.releases.includes(to) ? undefined : uploadPlan(release, from !== undefined && live.files ? { commit: from, files: live.files } : undefined);
  return {
    ...base,
    ...(from ? { from } : {}),
    unchanged,
    first,
    ...(upload ? { upload } : {}),
    update,
    install,
    owed,
    backup: instance.production && (update.length > 0 || install.length > 0),
    ...(state ? { state } : {}),
  };
}

/**
 * The new release starts on the server as hard links to every file of the
 * running one; only what differs travels: paths to remove, identical files
 * that moved (linked from their old path), and new or changed files (sent).
 */
export function uploadPlan(release: Release, previous?: { commit: string; files: readonly ReleaseFileEntry[] }): UploadPlan {
  const oldAt = new Map<string, ReleaseFileEntry>();
  const oldBySum = new Map<string, string>();
  for (const f of previous?.files ?? []) {
    oldAt.set(f.path, f);
    if (!oldBySum.has(`${f.sha256} ${f.mode}`)) oldBySum.set(`${f.sha256} ${f.mode}`, f.path);
  }
  const plan: UploadPlan = { ...(previous ? { previous: previous.commit } : {}), kept: 0, moved: [], removed: [], files: [], bytes: 0, totalBytes: 0 };
  const paths = new Set<string>();
  for (const f of release.files) {
    paths.add(f.path);
    plan.totalBytes += f.size;
    const here = oldAt.get(f.path);
    if (here && here.sha256 === f.sha256 && here.mode === f.mode) {
      plan.kept++;
      continue;
    }
    const same = oldBySum.get(`${f.sha256} ${f.mode}`);
    if (same !== undefined) plan.moved.push([f.path, same]);
    else {
      plan.files.push(f);
      plan.bytes += f.size;
    }
  }
  for (const p of oldAt.keys()) if (!paths.has(p)) plan.removed.push(p);
  return plan;
}

/** The release's file list as the server keeps it: `<sha256> <mode> <path>` lines in byte order of the paths (as `LC_ALL=C sort` orders them). */
export function fileList(release: Release): string {
  return [...release.files]
    .sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)))
    .map((f) => `${f.sha256} ${f.mode.toString(8)} ${f.path}\n`)
    .join('');
}

/** What the server's listing of the assembled release must hash to. */
export function fileListDigest(release: Release): string {
  return createHash('sha256').update(fileList(release)).digest('hex');
}

function sorted(xs: Iterable<string>): string[] {
  return [...new Set(xs)].sort();
}
