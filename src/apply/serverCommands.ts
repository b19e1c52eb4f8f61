import { error, type Diagnostic } from '../diagnostics/Diagnostic.js';
import type { ServerCommands } from '../model/Fleet.js';
import type { Actions } from '../plan/Actions.js';
import type { Remote } from '../remote/Remote.js';
import { fillCommand } from '../remote/shellQuote.js';
import { scrub } from '../secrets/maskSecrets.js';
import type { HealthPolicy } from './ApplyContext.js';
import { waitHealthy } from './waitHealthy.js';

export interface StepResult {
  done: string[];
  failure?: Diagnostic;
}

/** One configured command; a failure names the step and its (scrubbed) output. Apply's and deploy's remotes both run commands. */
export async function runCommand(remote: Pick<Remote, 'server' | 'run'>, label: string, command: string, secrets: readonly string[]): Promise<Diagnostic | undefined> {
  const r = await remote.run(command);
  if (r.code === 0) return undefined;
  const output = scrub((r.stderr || r.stdout.toString('utf8')).trim().split('\n').slice(-5).join('\n'), secrets);
  return error('BLINK511', `${remote.server}: ${label} failed (exit ${r.code})${output ? ':\n' + output : ''}`);
}

/**
 * After the swap: daemon-reload, PostgreSQL (before the Odoo services that
 * connect to it), start new services, restart changed ones, reload nginx.
 * PostgreSQL restarts only when asked and a setting read at start changed:
 * a restart drops every instance's connections.
 */
export async function runActions(remote: Remote, a: Actions, commands: ServerCommands, secrets: readonly string[], restartPostgres = false): Promise<StepResult> {
  const done: string[] = [];
  const steps: [string, string][] = [];
  if (a.daemonReload) steps.push(['daemon-reload', commands.daemon_reload]);
  if (a.postgresReload) steps.push(restartPostgres && a.postgresRestart?.length ? ['restart postgresql', commands.postgres_restart] : ['reload postgresql', commands.postgres_reload]);
  for (const s of a.enable) steps.push([`enable ${s}`, fillCommand(commands.enable, { service: s, unit: `${s}.service` })]);
  for (const s of a.restart) steps.push([`restart ${s}`, fillCommand(commands.restart, { service: s, unit: `${s}.service` })]);
  if (a.nginxReload) steps.push(['reload nginx', commands.nginx_reload]);
  for (const [label, command] of steps) {
    const failure = await runCommand(remote, label, command, secrets);
    if (failure) return { done, failure };
    done.push(label);
  }
  return { done };
}

/**
 * Undo what runActions did, after the old files are back: services that ran
 * the new files restart on the old ones. Best effort: every step is tried,
 * failures come back as warnings.
 */
export async function undoActions(remote: Remote, a: Actions, commands: ServerCommands, secrets: readonly string[]): Promise<{ done: string[]; diagnostics: Diagnostic[] }> {
  const done: string[] = [];
  const diagnostics: Diagnostic[] = [];
  const steps: [string, string][] = [];
  if (a.daemonReload) steps.push(['daemon-reload', commands.daemon_reload]);
  // The old file is back: PostgreSQL reads it again (a restart it had is not undone).
  if (a.postgresReload) steps.push(['reload postgresql', commands.postgres_reload]);
  for (const s of a.enable) steps.push([`disable ${s}`, fillCommand(commands.disable, { service: s, unit: `${s}.service` })]);
  for (const s of a.disable) steps.push([`enable ${s}`, fillCommand(commands.enable, { service: s, unit: `${s}.service` })]);
  for (const s of a.restart) steps.push([`restart ${s}`, fillCommand(commands.restart, { service: s, unit: `${s}.service` })]);
  if (a.nginxReload) steps.push(['reload nginx', commands.nginx_reload]);
  if (a.fail2banReload) steps.push(['reload fail2ban', commands.fail2ban_reload]);
  for (const [label, command] of steps) {
    const failure = await runCommand(remote, label, command, secrets);
    if (failure) diagnostics.push({ ...failure, severity: 'warning' });
    else done.push(label);
  }
  return { done, diagnostics };
}

/** Each touched instance's health, all at once; the first failure is the step's. */
export async function checkHealth(remote: Remote, a: Actions, commands: ServerCommands, policy: HealthPolicy): Promise<StepResult> {
  const results = await Promise.all(a.health.map((h) => waitHealthy(remote, h, commands, policy)));
  const failure = results.find((d) => d !== undefined);
  return failure ? { done: [], failure } : { done: a.health.map((h) => `health ${h.instance}`) };
}

/**
 * The health checks, then fail2ban's reload: its jail reads the instances'
 * log files, which Odoo creates when it starts, so they exist once the
 * instances answer (a file missing at reload is not watched until the next).
 */
export async function checkHealthThenFail2ban(remote: Remote, a: Actions, commands: ServerCommands, policy: HealthPolicy, secrets: readonly string[]): Promise<StepResult> {
  const health = await checkHealth(remote, a, commands, policy);
  if (health.failure || !a.fail2banReload) return health;
  const failure = await runCommand(remote, 'reload fail2ban', commands.fail2ban_reload, secrets);
  return failure ? { done: health.done, failure } : { done: [...health.done, 'reload fail2ban'] };
}
