import { error, type Diagnostic } from '../diagnostics/Diagnostic.js';
import { isFailure, noResourceOps, type Check, type Remote, type StagedFile } from '../remote/Remote.js';
import type { FileOp, Journal } from '../remote/Journal.js';
import { hasActions } from '../plan/Actions.js';
import { nextManifest } from '../plan/nextManifest.js';
import type { ServerPlan } from '../plan/ServerPlan.js';
import { scrub } from '../secrets/maskSecrets.js';
import { fillCommand, shellQuote } from '../remote/shellQuote.js';
import { resourcesPending } from '../plan/planResources.js';
import type { ApplyContext } from './ApplyContext.js';
import { emptyReport, type ApplyReport } from './ApplyReport.js';
import { auditLine } from './auditLine.js';
import { recover, rollBack } from './recover.js';
import { checkHealthThenFail2ban, runActions, runCommand } from './serverCommands.js';

const NGINX_KINDS = new Set(['vhost', 'vhost-link', 'nginx-map']);
/** Checked together in a copy of /etc/fail2ban, like nginx's files. */
const FAIL2BAN_KINDS = new Set(['fail2ban']);

/**
 * Apply one server's confirmed plan, in DESIGN.md's order: lock, recover an
 * interrupted run, re-plan under the lock, stage, validate, journal, back up,
 * rename, actions, health, manifest and audit. Any failure after the first
 * rename rolls the server back. Never throws for a server-side problem.
 */
export async function applyPlan(remote: Remote, confirmed: ServerPlan, ctx: ApplyContext): Promise<ApplyReport> {
  const report = emptyReport(remote.server);
  const fail = (d: Diagnostic): ApplyReport => {
    report.diagnostics.push(d);
    report.outcome = 'failed';
    return report;
  };
  ctx.progress?.('locking');
  const lock = await remote.lock(ctx.owner);
  if (isFailure(lock)) return fail(error('BLINK511', `${remote.server}: ${lock.error}`));
  if (lock.held) return fail(error('BLINK512', `${remote.server} is being applied by ${lock.holder}`, undefined, 'wait for it to finish; a lock whose holder died is taken over'));
  try {
    // Taking the lock removed what killed runs had staged.
    for (const run of confirmed.staleStaging ?? []) report.done.push(`removed the staging folder of unfinished run ${run}`);
    let state = await remote.read(ctx.readPaths, ctx.readResources);
    if (isFailure(state)) return fail(state.refused ?? error('BLINK511', `${remote.server}: ${state.error}`));
    if (state.journal) {
      if (!(await recover(remote, state.journal, state.journalPhase ?? 'swapping', ctx, report))) {
        report.outcome = 'failed';
        return report;
      }
      state = await remote.read(ctx.readPaths, ctx.readResources);
      if (isFailure(state)) return fail(state.refused ?? error('BLINK511', `${remote.server}: ${state.error}`));
    }
    const p = ctx.replan(state);
    // What was shown is what gets applied; a recovery is announced in the diff, so it may change the picture.
    if (!confirmed.interrupted && fingerprint(p) !== fingerprint(confirmed)) {
      return fail(error('BLINK511', `${remote.server} changed between the diff and the apply; nothing was changed`, undefined, 'run blink-apply again to see the new diff'));
    }
    // A missing user, a folder behind a link, an unreadable PostgreSQL: nothing is changed until they are fixed.
    if (p.resources.blocked.length) {
      report.diagnostics.push(...p.resources.blocked);
      report.outcome = 'failed';
      return report;
    }
    const ops = fileOps(p);
    if (ops.length === 0 && !hasActions(p.actions) && !resourcesPending(p.resources)) {
      report.outcome = report.recovered || report.done.length ? 'applied' : 'unchanged';
      return report;
    }
    return await applyOps(remote, p, ops, ctx, report);
  } finally {
    await lock.release();
  }
}

async function applyOps(remote: Remote, p: ServerPlan, ops: FileOp[], ctx: ApplyContext, report: ApplyReport): Promise<ApplyReport> {
  const time = (ctx.now?.() ?? new Date()).toISOString();
  const commit = ctx.commit ? { commit: ctx.commit } : {};
  const journal: Journal = { version: 1, run: ctx.run, owner: ctx.owner, time, files: ops, actions: p.actions, manifest: nextManifest(p, { run: ctx.run, time, ...commit }) };
  for (const f of p.files) if (f.change !== 'none') report.changed[f.change].push(f.path);
  const audit = (result: string): string => auditLine(report, { run: ctx.run, owner: ctx.owner, time, ...commit, result });
  const failed = async (d: Diagnostic, result: string): Promise<ApplyReport> => {
    report.diagnostics.push(d);
    report.outcome = 'failed';
    await remote.commit(ctx.run, undefined, audit(result));
    return report;
  };

  ctx.progress?.('staging');
  const checks = validationChecks(p, ops, ctx);
  const staged = stagedFiles(p, ops, checks.some((c) => c.kind === 'nginx'), checks.some((c) => c.kind === 'fail2ban'));
  const se = await remote.stage(ctx.run, staged);
  if (se) return failed(error('BLINK511', `${remote.server}: ${se.error}`), 'failed: staging');

  ctx.progress?.('validating');
  const failures = await remote.validate(ctx.run, checks);
  if (isFailure(failures)) return failed(error('BLINK511', `${remote.server}: ${failures.error}`), 'failed: validation');
  if (failures.length) {
    for (const f of failures.slice(0, -1)) report.diagnostics.push(checkDiagnostic(remote.server, f.check, f.output, ctx));
    const last = failures[failures.length - 1]!;
    return failed(checkDiagnostic(remote.server, last.check, last.output, ctx), 'failed: validation');
  }

  // What the services need besides their files, made before any of them starts: users, then folders, roles and databases, then the firewall.
  const made = await makeResources(remote, p, ctx, report);
  if (made) return failed(made, 'failed: resources');

  // Pruned services stop before their unit goes, so nothing runs without a unit file.
  const disabled: string[] = [];
  for (const s of p.actions.disable) {
    const d = await runCommand(remote, `disable ${s}`, fillCommand(ctx.commands.disable, { service: s, unit: `${s}.service` }), ctx.secretValues);
    if (d) {
      // Nothing was swapped yet: start again what this run stopped.
      for (const back of disabled) if (!(await runCommand(remote, `enable ${back}`, fillCommand(ctx.commands.enable, { service: back, unit: `${back}.service` }), ctx.secretValues))) report.done.push(`enable ${back} (rollback)`);
      return failed(d, 'failed: disable');
    }
    disabled.push(s);
    report.done.push(`disable ${s}`);
  }
  // A stopped instance's last state is backed up before any of its files goes; its database and data are never dropped.
  for (const instance of p.resources.finalBackup) {
    ctx.progress?.(`final backup of ${instance}`);
    const d = await runCommand(remote, `final backup of ${instance}`, fillCommand(ctx.commands.backup, { instance }), ctx.secretValues);
    if (d) {
      for (const back of disabled) if (!(await runCommand(remote, `enable ${back}`, fillCommand(ctx.commands.enable, { service: back, unit: `${back}.service` }), ctx.secretValues))) report.done.push(`enable ${back} (rollback)`);
      return failed(
        { ...d, code: 'BLINK555', message: `${d.message}\nnothing was removed: ${instance}'s files stay until its final backup succeeds`, hint: `see why the backup failed (blink-backup -v ${instance} on the server), fix it, and run blink-apply --prune again` },
        'failed: final backup',
      );
    }
    report.done.push(`final backup of ${instance}`);
  }

  ctx.progress?.('swapping');
  const swapError = await remote.swap(journal);
  if (swapError) {
    report.diagnostics.push(error('BLINK511', `${remote.server}: ${swapError.error}`));
    await rollBack(remote, journal, ctx, report, 'rolled back: swap failed');
    report.outcome = 'rolled-back';
    return report;
  }
  report.done.push(`installed ${ops.length} file${ops.length === 1 ? '' : 's'}`);

  ctx.progress?.('restarting');
  const acts = await runActions(remote, p.actions, ctx.commands, ctx.secretValues, ctx.restartPostgres === true);
  report.done.push(...acts.done);
  ctx.progress?.('checking health');
  const health = acts.failure ? acts : await checkHealthThenFail2ban(remote, p.actions, ctx.commands, ctx.health, ctx.secretValues);
  if (health.failure) {
    report.diagnostics.push(health.failure);
    await rollBack(remote, journal, ctx, report, `rolled back: ${health.failure.code === 'BLINK514' ? 'health check failed' : 'action failed'}`);
    report.outcome = 'rolled-back';
    return report;
  }
  report.done.push(...health.done);

  for (const host of p.actions.certbot) {
    ctx.progress?.(`certbot ${host}`);
    const d = await runCommand(remote, `certbot for ${host}`, fillCommand(ctx.commands.certbot, { host }), ctx.secretValues);
    // The ACME vhost keeps serving; nothing to roll back. The next apply tries again.
    if (d) report.diagnostics.push(d);
    else report.done.push(`certbot ${host}`);
  }

  // The data of the instances this run removed is kept: said once more after the apply, with the commands that drop it.
  for (const instance of p.resources.pruned) {
    const mine = p.resources.items.filter((r) => r.orphan && r.instance === instance).sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'database' ? -1 : 1));
    const data = mine.filter((r) => r.drop);
    if (!data.length) continue;
    const backups = mine.find((r) => r.purpose === 'backup')?.name;
    report.kept.push({ instance, kept: data.map((r) => `${r.kind} ${r.name}`), ...(backups ? { backups } : {}), drop: data.flatMap((r) => r.drop!) });
  }

  ctx.progress?.('writing the manifest');
  const ce = await remote.commit(ctx.run, journal.manifest, audit('applied'));
  if (ce) report.diagnostics.push(error('BLINK511', `${remote.server}: ${ce.error}`));
  report.outcome = report.diagnostics.some((d) => d.severity === 'error') ? 'failed' : 'applied';
  return report;
}

/**
 * Service users (`--create-users`), then folders, roles and databases in one
 * script, then the firewall's ufw commands, in the plan's order (the ssh
 * port's rule first). Each step may be run again: what exists is left as it is.
 */
async function makeResources(remote: Remote, p: ServerPlan, ctx: ApplyContext, report: ApplyReport): Promise<Diagnostic | undefined> {
  const r = p.resources;
  for (const u of r.users) {
    ctx.progress?.(`creating user ${u.name}`);
    const d = await runCommand(remote, `creating user ${u.name}`, fillCommand(ctx.commands.create_user, { user: u.name, home: u.home }), ctx.secretValues);
    if (d) return { ...d, code: 'BLINK552' };
    report.done.push(`created user ${u.name}`);
  }
  if (!noResourceOps(r.ops)) {
    ctx.progress?.('making folders, roles and databases');
    const e = await remote.ensure(r.ops);
    if (e) return error('BLINK552', `${remote.server}: ${scrub(e.error, ctx.secretValues)}`, undefined, 'nothing else was changed; fix what the server says and run blink-apply again (what was made stays, and is not made twice)');
    for (const f of r.ops.folders) report.done.push(`folder ${f.path} (${f.mode.toString(8).padStart(4, '0')}${f.owner ? ` ${f.owner}` : ''})`);
    for (const x of r.ops.roles) report.done.push(`${x.grant ? 'granted LOGIN CREATEDB to' : 'created'} role ${x.name}`);
    for (const x of r.ops.databases) report.done.push(`${x.setOwner ? `gave database ${x.name} to` : `created database ${x.name}, owner`} ${x.owner}`);
  }
  for (const step of r.firewall?.steps ?? []) {
    const command = `${ctx.commands.ufw} ${step.args.map(shellQuote).join(' ')}`;
    ctx.progress?.(`firewall: ufw ${step.args.join(' ')}`);
    const d = await runCommand(remote, `firewall: ufw ${step.args.join(' ')}`, command, ctx.secretValues);
    if (d) return { ...d, code: 'BLINK554' };
    report.done.push(`firewall: ufw ${step.args.join(' ')}`);
  }
  return undefined;
}

/** Writes for add/change/mode (a mode change rewrites the same bytes: one atomic path for all), deletes for pruned orphans. */
export function fileOps(p: ServerPlan): FileOp[] {
  const ops: FileOp[] = [];
  for (const f of p.files) {
    if (f.change === 'none') continue;
    if (f.change === 'delete') {
      ops.push({ path: f.path, op: 'delete', hadOld: true });
      continue;
    }
    const d = p.desired.get(f.path)!;
    // No owner (set_owners: false): the swap leaves the file to whoever applies.
    const op: FileOp = { path: f.path, op: 'write', hadOld: f.before !== undefined, mode: d.mode, ...(d.owner !== undefined ? { owner: d.owner } : {}) };
    if (d.linkTarget !== undefined) op.linkTarget = d.linkTarget;
    ops.push(op);
  }
  return ops;
}

function validationChecks(p: ServerPlan, ops: FileOp[], ctx: ApplyContext): Check[] {
  const checks: Check[] = [];
  const touched = new Map(p.files.map((f) => [f.path, f]));
  if (ops.some((o) => NGINX_KINDS.has(touched.get(o.path)?.kind ?? ''))) {
    const remove = ops.filter((o) => o.op === 'delete' && NGINX_KINDS.has(touched.get(o.path)?.kind ?? '')).map((o) => o.path);
    checks.push({ kind: 'nginx', command: ctx.commands.nginx_test, ...(remove.length ? { remove } : {}) });
  }
  if (ops.some((o) => FAIL2BAN_KINDS.has(touched.get(o.path)?.kind ?? ''))) {
    const remove = ops.filter((o) => o.op === 'delete' && FAIL2BAN_KINDS.has(touched.get(o.path)?.kind ?? '')).map((o) => o.path);
    checks.push({ kind: 'fail2ban', command: ctx.commands.fail2ban_test, ...(remove.length ? { remove } : {}) });
  }
  for (const o of ops) {
    if (o.op !== 'write') continue;
    const kind = touched.get(o.path)?.kind;
    if (kind === 'unit') checks.push({ kind: 'unit', command: ctx.commands.unit_verify, path: o.path });
    if (kind === 'logrotate') checks.push({ kind: 'logrotate', command: ctx.commands.logrotate_verify, path: o.path });
    if (kind === 'postgres-conf') checks.push({ kind: 'postgres', command: ctx.commands.postgres_test, path: o.path });
    if (kind === 'odoo-conf') {
      const instance = touched.get(o.path)?.instance;
      checks.push({ kind: 'odoo-conf', command: (instance && ctx.python?.get(instance)) || 'python3', path: o.path });
    }
  }
  return checks;
}

/** The written files, plus every nginx (fail2ban) file when nginx (fail2ban) is validated: the check reads them together. */
function stagedFiles(p: ServerPlan, ops: FileOp[], withNginx: boolean, withFail2ban: boolean): StagedFile[] {
  const paths = new Set(ops.filter((o) => o.op === 'write').map((o) => o.path));
  if (withNginx) for (const d of p.desired.values()) if (NGINX_KINDS.has(d.kind)) paths.add(d.path);
  if (withFail2ban) for (const d of p.desired.values()) if (FAIL2BAN_KINDS.has(d.kind)) paths.add(d.path);
  return [...paths].sort().map((path) => {
    const d = p.desired.get(path)!;
    const f: StagedFile = { path, mode: d.mode, content: d.content };
    if (d.linkTarget !== undefined) f.linkTarget = d.linkTarget;
    return f;
  });
}

function checkDiagnostic(server: string, check: Check, output: string, ctx: ApplyContext): Diagnostic {
  const what = check.kind === 'nginx' ? 'nginx -t on the staged tree' : check.kind === 'fail2ban' ? 'fail2ban_test on the staged jail' : `${check.kind} check of ${check.path}`;
  const text = scrub(output.split('\n').slice(-8).join('\n'), ctx.secretValues);
  return error('BLINK513', `${server}: ${what} failed; nothing was changed${text ? ':\n' + text : ''}`);
}

/** The changes a plan makes, to tell whether the server moved under us. */
function fingerprint(p: ServerPlan): string {
  return (
    p.files
      .filter((f) => f.change !== 'none')
      .map((f) => `${f.change} ${f.path} ${f.after?.sha256 ?? f.after?.linkTarget ?? ''} ${f.before?.sha256 ?? ''}`)
      .join('\n') +
    `\n${p.actions.certbot.join(',')}` +
    p.resources.items.filter((r) => r.change !== 'none').map((r) => `\n${r.change} ${r.kind} ${r.name} ${r.before ?? ''}`).join('') +
    (p.resources.firewall?.steps ?? []).map((s) => `\nufw ${s.args.join(' ')}`).join('') +
    p.resources.blocked.map((d) => `\n${d.code}`).join('')
  );
}
