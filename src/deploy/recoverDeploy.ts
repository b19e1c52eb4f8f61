import { error, warning } from '../diagnostics/Diagnostic.js';
import type { Instance } from '../model/Fleet.js';
import type { DeployRemote } from '../remote/DeployRemote.js';
import type { DeployJournal, InstanceReleases } from '../remote/DeployState.js';
import type { DeployContext } from './DeployContext.js';
import type { DeployReport } from './DeployReport.js';
import { rollBackInstance } from './deployInstance.js';
import { deployAuditLine, restartAndCheck, restoreHint } from './instanceOps.js';

/**
 * Finish or undo what a killed deploy left, under the lock, from its journal:
 * `prepared` changed nothing; `updating` may have changed the database but
 * not the code, so the update is owed to the next deploy; `switching` is
 * finished (restart, health) or, if unhealthy, undone; `rolling-back` is
 * completed.
 */
export async function recoverDeploy(remote: DeployRemote, i: Instance, live: InstanceReleases, j: DeployJournal, ctx: DeployContext): Promise<DeployReport> {
  const started = Date.now();
  const report: DeployReport = {
    instance: i.id, server: i.server, host: i.host, branch: j.branch, ...(j.from ? { from: j.from } : {}), to: j.to,
    outcome: 'unchanged', updated: [], installed: [], done: [], seconds: 0, diagnostics: [],
    ...(j.backup ? { backup: j.backup } : {}),
  };
  ctx.progress?.(i.id, `recovering interrupted deploy ${j.run}`);
  const time = (ctx.now?.() ?? new Date()).toISOString();
  const audit = (result: string): string => deployAuditLine({ time, run: j.run, owner: ctx.owner, instance: i.id, branch: j.branch, ...(j.from ? { from: j.from } : {}), to: j.to, result, updated: j.update, installed: j.install, ...(j.backup ? { backup: j.backup } : {}) });
  const done = async (outcome: 'completed' | 'rolled-back' | 'abandoned', result: string, state?: Parameters<DeployRemote['finish']>[0]['state']): Promise<DeployReport> => {
    const running = state?.commit ?? j.from;
    const f = await remote.finish({ releaseDir: i.releaseDir, keep: ctx.keep, ...(running ? { current: running } : {}), ...(state?.previous ? { previous: state.previous } : {}), audit: audit(result), ...(state ? { state } : {}) });
    if (f) report.diagnostics.push(error('BLINK511', `${remote.server}: ${i.id}: ${f.error}; the journal is kept and the next blink-deploy retries`));
    report.recovered = { run: j.run, outcome };
    report.seconds = Math.round((Date.now() - started) / 100) / 10;
    return report;
  };

  if (j.phase === 'prepared' || j.phase === 'updating') {
    // The code never switched. An update that may have run is owed to the next deploy.
    const owed = j.phase === 'updating' ? j.update : [];
    if (j.phase === 'updating') {
      report.diagnostics.push(warning('BLINK626', `${remote.server}: ${i.id}: deploy ${j.run} was interrupted during the module update; ${j.from ? `${j.from.slice(0, 12)} still runs` : 'no release runs yet'}`, undefined, `${restoreHint(i, j.backup)}; the next blink-deploy of ${i.id} updates ${owed.length ? owed.join(',') : 'its modules'} again`));
    }
    const state = live.state && owed.length ? { ...live.state, owed: [...new Set([...live.state.owed, ...owed])].sort() } : undefined;
    return done('abandoned', `recovered: abandoned at ${j.phase}`, state);
  }
  if (j.phase === 'switching') {
    const sw = await remote.switchTo(i.releaseDir, j.to);
    const failure = sw ? error('BLINK623', `${remote.server}: ${i.id}: switching current: ${sw.error}`) : await restartAndCheck(remote, i, ctx);
    if (!failure) {
      report.done.push(`current → ${j.to.slice(0, 12)}`, `restart ${i.service}`, `health ${i.id}`);
      report.outcome = 'deployed';
      const previous = j.from && j.from !== j.to ? j.from : undefined;
      return done('completed', 'recovered: completed', {
        version: 1, instance: i.id, commit: j.to, ...(previous ? { previous } : {}), branch: j.branch, time, owner: j.owner, run: j.run,
        listed: [...i.modules].sort(), owed: live.state?.owed.filter((m) => !j.update.includes(m)) ?? [],
      });
    }
    report.diagnostics.push(failure);
  }
  if (!(await rollBackInstance(remote, { instance: i, ...(j.from ? { from: j.from } : {}), update: j.update, install: j.install }, ctx, report, { ...j, phase: 'rolling-back' }))) {
    report.outcome = 'failed';
    report.seconds = Math.round((Date.now() - started) / 100) / 10;
    return report;
  }
  report.outcome = 'rolled-back';
  return done('rolled-back', 'recovered: rolled back');
}
