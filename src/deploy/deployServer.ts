import { error, type Diagnostic } from '../diagnostics/Diagnostic.js';
import type { Instance } from '../model/Fleet.js';
import type { Release } from '../release/Release.js';
import { isFailure } from '../remote/Remote.js';
import type { DeployRemote } from '../remote/DeployRemote.js';
import type { DeployContext } from './DeployContext.js';
import type { InstanceDeployPlan, UpdateModules } from './DeployPlan.js';
import type { InstanceReleases } from '../remote/DeployState.js';
import type { DeployReport } from './DeployReport.js';
import { deployInstance } from './deployInstance.js';
import { planDeploy } from './planDeploy.js';
import { recoverDeploy } from './recoverDeploy.js';
import { unreachable } from '../apply/unreachable.js';

/** One instance to deploy: the release of its resolved commit. */
export interface DeployJob {
  instance: Instance;
  release: Release;
  branch: string;
  notice?: string;
}

/** One server's side of a deploy run, before anything is changed. */
export interface ServerDeployDiff {
  server: string;
  plans: InstanceDeployPlan[];
  /** What the server held for each plan (same order). */
  live: InstanceReleases[];
  /** Instances with a journal: their interrupted deploy is dealt with first. */
  interrupted: string[];
  error?: Diagnostic;
}

/** Read the server's release folders (no lock) and plan each job: what `--diff` shows. */
export async function diffServer(remote: DeployRemote, jobs: readonly DeployJob[], updateModules: UpdateModules): Promise<ServerDeployDiff> {
  const out: ServerDeployDiff = { server: remote.server, plans: [], live: [], interrupted: [] };
  const opened = await remote.open();
  if (opened) return { ...out, error: unreachable(remote.server, remote.target, opened.error) };
  const live = await remote.read(jobs.map((j) => ({ releaseDir: j.instance.releaseDir, withFiles: true })));
  if (isFailure(live)) return { ...out, error: error(live.unreachable ? 'BLINK510' : 'BLINK511', `${remote.server}: ${live.error}`) };
  jobs.forEach((j, k) => {
    if (live[k]!.journal) out.interrupted.push(j.instance.id);
    out.live.push(live[k]!);
    out.plans.push(planDeploy({ instance: j.instance, release: j.release, branch: j.branch, live: live[k]!, updateModules, ...(j.notice ? { notice: j.notice } : {}) }));
  });
  return out;
}

/**
 * Deploy every job of one server under its lock: first finish or undo any
 * interrupted deploy of the server's instances, then plan again on what is
 * there now and deploy the jobs one after another. A plan that differs from
 * the one shown (someone deployed in between) is refused.
 */
export async function deployServer(remote: DeployRemote, jobs: readonly DeployJob[], onServer: readonly Instance[], ctx: DeployContext, o: { updateModules: UpdateModules; shown?: ServerDeployDiff }): Promise<DeployReport[]> {
  const failAll = (d: Diagnostic, outcome: DeployReport['outcome'] = 'failed'): DeployReport[] => jobs.map((j) => ({ ...blankReport(j), outcome, diagnostics: [d] }));
  for (const j of jobs) ctx.progress?.(j.instance.id, 'waiting for the server lock');
  const lock = await remote.lock(ctx.owner);
  if (isFailure(lock)) return failAll(error(lock.unreachable ? 'BLINK510' : 'BLINK511', `${remote.server}: ${lock.error}`), lock.unreachable ? 'unreachable' : 'failed');
  if (lock.held) return failAll(error('BLINK512', `${remote.server} is being changed by ${lock.holder}`, undefined, 'a deploy and an apply never run on one server at once: wait for it to finish; a lock whose holder died is taken over'));
  const reports: DeployReport[] = [];
  try {
    const jobIds = new Set(jobs.map((j) => j.instance.id));
    // The running release's file list, read for the diff, is reused when that release still runs: a release never changes once complete.
    const seen = new Map(o.shown?.plans.map((p, k) => [p.instance.id, o.shown!.live[k]!]) ?? []);
    const all = [...jobs.map((j) => j.instance), ...onServer.filter((i) => !jobIds.has(i.id))];
    // The server's other instances are read only for a journal: an interrupted deploy of any of them is dealt with now.
    let live = await remote.read(all.map((i) => (jobIds.has(i.id) ? { releaseDir: i.releaseDir, releases: true, withFiles: !seen.get(i.id)?.files } : { releaseDir: i.releaseDir, onlyInterrupted: true })));
    if (isFailure(live)) return failAll(error(live.unreachable ? 'BLINK510' : 'BLINK511', `${remote.server}: ${live.error}`));
    const recovered = new Map<string, DeployReport>();
    for (const [k, i] of all.entries()) {
      const j = live[k]!.journal;
      if (j && live[k]!.problems.length === 0) recovered.set(i.id, await recoverDeploy(remote, i, live[k]!, j, ctx));
    }
    if (recovered.size) {
      live = await remote.read(jobs.map((j) => ({ releaseDir: j.instance.releaseDir, withFiles: true })));
      if (isFailure(live)) return [...recovered.values(), ...failAll(error('BLINK511', `${remote.server}: ${live.error}`))];
    }
    for (const [id, r] of recovered) if (!jobIds.has(id)) reports.push(r);
    for (const [k, j] of jobs.entries()) {
      const before = seen.get(j.instance.id);
      const now = before?.files && !live[k]!.files && before.current === live[k]!.current ? { ...live[k]!, ...(before.record ? { record: before.record } : {}), files: before.files } : live[k]!;
      const p = planDeploy({ instance: j.instance, release: j.release, branch: j.branch, live: now, updateModules: o.updateModules, ...(j.notice ? { notice: j.notice } : {}) });
      const shown = o.shown?.plans.find((s) => s.instance.id === j.instance.id);
      const recovery = recovered.get(j.instance.id);
      // A recovery that could not finish keeps its journal; deploying over it would lose the way back.
      if (recovery?.outcome === 'failed') {
        reports.push({ ...recovery, branch: j.branch, to: j.release.commit });
        continue;
      }
      let r: DeployReport;
      // A recovery is announced in the diff, so it may change the picture; anything else moving under us is refused.
      if (shown && !recovery && fingerprint(shown) !== fingerprint(p)) {
        r = { ...blankReport(j), outcome: 'failed', diagnostics: [error('BLINK511', `${remote.server}: ${j.instance.id} changed between the diff and the deploy; nothing was changed`, undefined, 'run blink-deploy again to see the new plan')] };
      } else r = await deployInstance(remote, p, j.release, ctx);
      ctx.progress?.(j.instance.id, r.outcome);
      if (recovery?.recovered) {
        r.recovered = recovery.recovered;
        r.diagnostics.unshift(...recovery.diagnostics);
        r.done.unshift(...recovery.done.map((d) => `${d} (owed by ${recovery.recovered!.run})`));
      }
      reports.push(r);
    }
    return reports;
  } finally {
    await lock.release();
  }
}

/** A job's report before anything happened (failed until told otherwise). */
export function blankReport(j: DeployJob): DeployReport {
  return { instance: j.instance.id, server: j.instance.server, host: j.instance.host, branch: j.branch, to: j.release.commit, outcome: 'failed', updated: [], installed: [], done: [], seconds: 0, diagnostics: [] };
}

function fingerprint(p: InstanceDeployPlan): string {
  return [p.from ?? '-', p.to, p.update.join(','), p.install.join(','), p.owed.join(','), p.refused ? 'refused' : ''].join('|');
}
