import { error, warning, type Diagnostic } from '../diagnostics/Diagnostic.js';
import type { ReadFile, Release, ReleaseFile } from '../release/Release.js';
import { moduleHashes } from '../release/changedModules.js';
import { isFailure, type Failure } from '../remote/Remote.js';
import { fillCommand } from '../remote/shellQuote.js';
import type { DeployRemote } from '../remote/DeployRemote.js';
import type { DeployJournal, DeployPhase, DeployState } from '../remote/DeployState.js';
import type { DeployContext } from './DeployContext.js';
import type { InstanceDeployPlan } from './DeployPlan.js';
import type { DeployReport } from './DeployReport.js';
import { deployAuditLine, restartAndCheck, restoreHint } from './instanceOps.js';
import { fileListDigest } from './planDeploy.js';
import { updateRun } from './updateRun.js';

/**
 * One instance's deploy under the server lock, in the seed's order: upload,
 * pre-update backup (production), module update, switch `current`, restart,
 * health, then state, audit and pruning. The journal is written before each
 * phase, so a killed deploy is finished or undone by the next run. Before the
 * switch a failure leaves the running release alone; after it, `current`
 * goes back and the service restarts on the old code.
 */
export async function deployInstance(remote: DeployRemote, p: InstanceDeployPlan, release: Release, ctx: DeployContext): Promise<DeployReport> {
  const started = Date.now();
  const i = p.instance;
  const report: DeployReport = {
    instance: i.id,
    server: i.server,
    host: i.host,
    branch: p.branch,
    ...(p.from ? { from: p.from } : {}),
    to: p.to,
    outcome: 'unchanged',
    updated: [],
    installed: [],
    ...(p.notice ? { notice: p.notice } : {}),
    done: [],
    seconds: 0,
    diagnostics: [],
  };
  const end = (outcome: DeployReport['outcome']): DeployReport => {
    report.outcome = outcome;
    report.seconds = Math.round((Date.now() - started) / 100) / 10;
    return report;
  };
  if (p.refused) return (report.diagnostics.push(p.refused), end('refused'));
  if (p.unchanged) return end('unchanged');
  const time = (ctx.now?.() ?? new Date()).toISOString();
  const step = (s: string): void => ctx.progress?.(i.id, s);
  const journal = (phase: DeployPhase, backup?: string): DeployJournal => ({
    version: 1, run: ctx.run, owner: ctx.owner, time, instance: i.id, branch: p.branch,
    ...(p.from ? { from: p.from } : {}), to: p.to, phase, update: p.update, install: p.install,
    ...(backup ? { backup } : {}),
  });
  const audit = (result: string): string =>
    deployAuditLine({ time, run: ctx.run, owner: ctx.owner, instance: i.id, branch: p.branch, ...(p.from ? { from: p.from } : {}), to: p.to, result, updated: report.updated, installed: report.installed, ...(report.backup ? { backup: report.backup } : {}), ...(p.notice ? { notice: p.notice } : {}) });
  const finish = async (result: string, state?: DeployState): Promise<void> => {
    const f = await remote.finish({ releaseDir: i.releaseDir, keep: ctx.keep, ...(state ? { current: state.commit } : p.from ? { current: p.from } : {}), ...(state?.previous ? { previous: state.previous } : {}), audit: audit(result), ...(state ? { state } : {}) });
    if (f) report.diagnostics.push(error('BLINK511', `${remote.server}: ${i.id}: ${f.error}`));
  };
  // Before the switch: the running release is untouched; drop the journal and say why.
  const failBefore = async (d: Diagnostic, result: string): Promise<DeployReport> => {
    report.diagnostics.push(d);
    await finish(result);
    return end('failed');
  };
  const check = (f: Failure | undefined, code: Diagnostic['code'], what: string): Diagnostic | undefined =>
    f ? error(f.unreachable ? 'BLINK510' : code, `${remote.server}: ${i.id}: ${what}: ${f.error}`) : undefined;

  // The bytes of the files to send, read from git now if the release was read without them; nothing has been written yet.
  const sent = !p.upload ? [] : allRead(p.upload.files) ? p.upload.files : (ctx.contents?.(p.upload.files) ?? { error: 'the release was read without its bytes' });
  if ('error' in sent) return (report.diagnostics.push(error('BLINK620', `${remote.server}: ${i.id}: reading the files to send from git: ${sent.error}`, undefined, 'run blink-deploy again; if it repeats, check the repository with git fsck')), end('failed'));

  // Each step writes the journal first, in its own round trip (see DeployRemote).
  let e: Diagnostic | undefined;
  if (!p.upload && (e = check(await remote.journal(i.releaseDir, journal('prepared')), 'BLINK511', 'writing the journal'))) return (report.diagnostics.push(e), end('failed'));
  if (p.upload) {
    step(`uploading ${p.upload.files.length} files`);
    const f = await remote.upload(
      {
        releaseDir: i.releaseDir, commit: p.to, run: ctx.run,
        ...(p.upload.previous ? { previous: p.upload.previous } : {}),
        digest: fileListDigest(release), removed: p.upload.removed, moved: p.upload.moved, files: sent,
        record: { version: 1, instance: i.id, commit: p.to, branch: p.branch, time, owner: ctx.owner, modules: moduleHashes(release) },
      },
      journal('prepared'),
    );
    if ((e = check(f, 'BLINK620', 'uploading the release'))) return failBefore(e, 'failed: upload');
    const linked = p.upload.kept + p.upload.moved.length;
    report.uploaded = { files: p.upload.files.length, bytes: p.upload.bytes, linked, totalBytes: p.upload.totalBytes };
    report.done.push(`uploaded ${p.upload.files.length} files (${p.upload.bytes} bytes), linked ${linked}`);
  }

  if (p.update.length || p.install.length) {
    if (p.backup) {
      step('backing up');
      const b = await remote.backup(fillCommand(ctx.commands.backup, { instance: i.id }), `${i.backup.dir}/${i.id}`);
      if (isFailure(b)) return failBefore(error('BLINK621', `${remote.server}: ${i.id}: ${b.error}; nothing was deployed`, undefined, 'the update needs a backup to come back to; fix the backup (blink-backup -v ' + i.id + ' on the server) and deploy again'), 'failed: backup');
      report.backup = b.stamp;
      report.done.push(`backup ${b.stamp}`);
    }
    step(`updating ${[...p.update, ...p.install].join(',')}`);
    const u = await remote.update(updateRun(p, ctx), journal('updating', report.backup));
    if (u.code !== 0) {
      const tail = u.stderr.trim().split('\n').slice(-8).join('\n');
      return failBefore(
        error('BLINK622', `${remote.server}: ${i.id}: odoo-bin module update failed (exit ${u.code}); the running release ${p.from?.slice(0, 12) ?? '(none)'} was left as it was${tail ? ':\n' + tail : ''}`, undefined, restoreHint(i, report.backup)),
        'failed: module update',
      );
    }
    report.updated = p.update;
    report.installed = p.install;
    report.done.push(`odoo-bin${p.update.length ? ' -u ' + p.update.join(',') : ''}${p.install.length ? ' -i ' + p.install.join(',') : ''}`);
  }

  step('switching');
  const sw = await remote.switchTo(i.releaseDir, p.to, journal('switching', report.backup));
  const failure = check(sw, 'BLINK623', 'switching current') ?? (report.done.push(`current → ${p.to.slice(0, 12)}`), await restartAndCheck(remote, i, ctx));
  if (failure) {
    report.diagnostics.push(failure);
    // A rollback that could not switch back keeps its journal: the next run retries it.
    if (!(await rollBackInstance(remote, p, ctx, report, journal('rolling-back', report.backup)))) return end('failed');
    await finish('rolled back');
    return end('rolled-back');
  }
  report.done.push(`restart ${i.service}`, `health ${i.id}`);
  await finish('deployed', {
    version: 1, instance: i.id, commit: p.to, ...(p.from && p.from !== p.to ? { previous: p.from } : p.state?.previous ? { previous: p.state.previous } : {}),
    branch: p.branch, time, owner: ctx.owner, run: ctx.run, listed: [...i.modules].sort(), owed: p.owed,
  });
  return end(report.diagnostics.some((d) => d.severity === 'error') ? 'failed' : 'deployed');
}

function allRead(files: readonly ReleaseFile[]): files is ReadFile[] {
  return files.every((f) => f.content !== undefined);
}

/**
 * Back to the release that ran before (none on a first deploy), restart on
 * it; says what the database may need. False when `current` could not be
 * switched back: the journal then stays for the next run.
 */
export async function rollBackInstance(remote: DeployRemote, p: { instance: InstanceDeployPlan['instance']; from?: string; update: string[]; install: string[] }, ctx: DeployContext, report: DeployReport, j: DeployJournal): Promise<boolean> {
  const i = p.instance;
  ctx.progress?.(i.id, 'rolling back');
  const sw = await remote.switchTo(i.releaseDir, p.from, j);
  if (sw) {
    report.diagnostics.push(error('BLINK623', `${remote.server}: ${i.id}: switching back failed: ${sw.error}; the journal is kept and the next blink-deploy retries`));
    return false;
  }
  report.done.push(p.from ? `current → ${p.from.slice(0, 12)} (rollback)` : 'current removed (rollback)');
  // Odoo resolved `current` when it started: only a restart stops it running the code that failed.
  const h = await restartAndCheck(remote, i, ctx);
  if (h) report.diagnostics.push({ ...h, severity: 'warning', message: `${h.message} (after going back to ${p.from?.slice(0, 12) ?? 'no release'})` });
  else report.done.push(`restart ${i.service} (rollback)`);
  const dbChanged = p.update.length > 0 || p.install.length > 0;
  report.diagnostics.push(warning('BLINK624', `${remote.server}: ${i.id}: rolled back to ${p.from?.slice(0, 12) ?? 'no release'}`, undefined, dbChanged ? restoreHint(i, report.backup ?? j.backup) : undefined));
  return true;
}
