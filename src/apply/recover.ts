import { error, warning } from '../diagnostics/Diagnostic.js';
import type { Remote } from '../remote/Remote.js';
import type { Journal, JournalPhase } from '../remote/Journal.js';
import type { ApplyContext } from './ApplyContext.js';
import type { ApplyReport } from './ApplyReport.js';
import { auditLine } from './auditLine.js';
import { checkHealthThenFail2ban, runActions, undoActions } from './serverCommands.js';

/**
 * Finish what an interrupted run left, under the lock. Every file is already
 * either old or new; `swapped` means all are new, so the owed actions run
 * (and a failing health check rolls back); otherwise the old files go back
 * and the services are restarted on them.
 */
export async function recover(remote: Remote, journal: Journal, phase: JournalPhase, ctx: ApplyContext, report: ApplyReport): Promise<boolean> {
  ctx.progress?.(`recovering interrupted run ${journal.run}`);
  const time = (ctx.now?.() ?? new Date()).toISOString();
  if (phase === 'swapped') {
    const acts = await runActions(remote, journal.actions, ctx.commands, ctx.secretValues);
    report.done.push(...acts.done.map((d) => `${d} (owed by ${journal.run})`));
    const health = acts.failure ? acts : await checkHealthThenFail2ban(remote, journal.actions, ctx.commands, ctx.health, ctx.secretValues);
    if (!health.failure) {
      report.recovered = { run: journal.run, outcome: 'completed' };
      const e = await remote.commit(journal.run, journal.manifest, auditLine(report, { ...meta(journal, time), result: 'recovered: completed' }));
      if (e) report.diagnostics.push(error('BLINK511', `${remote.server}: ${e.error}`));
      return !e;
    }
    report.diagnostics.push(health.failure);
  }
  return rollBack(remote, journal, ctx, report, 'recovered: rolled back');
}

/** Put the journal's old files back, restart on them, clear the journal. */
export async function rollBack(remote: Remote, journal: Journal, ctx: ApplyContext, report: ApplyReport, result: string): Promise<boolean> {
  ctx.progress?.('rolling back');
  const e = await remote.rollback(journal);
  if (e) {
    // The journal stays: the next run tries again.
    report.diagnostics.push(error('BLINK511', `${remote.server}: ${e.error}; the journal is kept and the next apply retries the rollback`));
    return false;
  }
  const undo = await undoActions(remote, journal.actions, ctx.commands, ctx.secretValues);
  report.done.push(...undo.done.map((d) => `${d} (rollback)`));
  report.diagnostics.push(...undo.diagnostics);
  if (result.startsWith('recovered')) report.recovered = { run: journal.run, outcome: 'rolled-back' };
  else report.diagnostics.push(warning('BLINK515', `${remote.server}: rolled back to the files it had before run ${journal.run}`));
  const time = (ctx.now?.() ?? new Date()).toISOString();
  const c = await remote.commit(journal.run, undefined, auditLine(report, { ...meta(journal, time), result }));
  if (c) report.diagnostics.push(error('BLINK511', `${remote.server}: ${c.error}`));
  return !c;
}

function meta(j: Journal, time: string): { run: string; owner: string; time: string; commit?: string } {
  return { run: j.run, owner: j.owner, time, ...(j.manifest.commit ? { commit: j.manifest.commit } : {}) };
}
