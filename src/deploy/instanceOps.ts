import type { Diagnostic } from '../diagnostics/Diagnostic.js';
import type { Instance } from '../model/Fleet.js';
import type { DeployRemote } from '../remote/DeployRemote.js';
import { fillCommand } from '../remote/shellQuote.js';
import { runCommand } from '../apply/serverCommands.js';
import { waitHealthy } from '../apply/waitHealthy.js';
import { healthTarget } from '../plan/Actions.js';
import type { DeployContext } from './DeployContext.js';

/**
 * The steps deployInstance and recoverDeploy share: restart the service and
 * wait until Odoo answers healthy, the same check as blink-apply's.
 */
export async function restartAndCheck(remote: DeployRemote, i: Instance, ctx: DeployContext): Promise<Diagnostic | undefined> {
  ctx.progress?.(i.id, 'restarting');
  const failed = await runCommand(remote, `restart ${i.service}`, fillCommand(ctx.commands.restart, { service: i.service, unit: `${i.service}.service` }), []);
  if (failed) return failed;
  ctx.progress?.(i.id, 'checking health');
  return waitHealthy(remote, healthTarget(i), ctx.commands, ctx.health);
}

/** What to run to take the database back to before the update, said whenever an update ran and the code went back. */
export function restoreHint(i: Instance, backup: string | undefined): string {
  return backup
    ? `the database was already updated by the new code; to take it back to before the deploy, run on ${i.server}: blink-restore ${i.id} --at ${backup}`
    : `the database may already be updated by the new code; deploy again once fixed, or restore the last backup on ${i.server} (blink-restore ${i.id} --list)`;
}

/** One JSON line in the server's /var/lib/blink/audit.log, beside blink-apply's. */
export function deployAuditLine(o: { time: string; run: string; owner: string; instance: string; branch: string; from?: string; to: string; result: string; updated?: string[]; installed?: string[]; backup?: string; notice?: string }): string {
  return JSON.stringify({
    time: o.time,
    run: o.run,
    by: o.owner,
    action: 'deploy',
    instance: o.instance,
    branch: o.branch,
    from: o.from ?? null,
    to: o.to,
    result: o.result,
    updated: o.updated ?? [],
    installed: o.installed ?? [],
    ...(o.backup ? { backup: o.backup } : {}),
    ...(o.notice ? { notice: o.notice } : {}),
  });
}
