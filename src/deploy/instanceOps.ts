import { error, type Diagnostic } from '../diagnostics/Diagnostic.js';
import type { Instance } from '../model/Fleet.js';
import type { DeployRemote } from '../remote/DeployRemote.js';
import { fillCommand } from '../remote/shellQuote.js';
import type { HealthPolicy } from '../apply/ApplyContext.js';
import type { DeployContext } from './DeployContext.js';

/**
 * The steps deployInstance and recoverDeploy share: restart the service and
 * wait until Odoo answers healthy.
 */
export async function restartAndCheck(remote: DeployRemote, i: Instance, ctx: DeployContext): Promise<Diagnostic | undefined> {
  ctx.progress?.(i.id, 'restarting');
  const r = await remote.run(fillCommand(ctx.commands.restart, { service: i.service, unit: `${i.service}.service` }));
  if (r.code !== 0) {
    const out = (r.stderr || r.stdout.toString('utf8')).trim().split('\n').slice(-5).join('\n');
    return error('BLINK511', `${remote.server}: restart ${i.service} failed (exit ${r.code})${out ? ':\n' + out : ''}`);
  }
  ctx.progress?.(i.id, 'checking health');
  return checkInstanceHealth(remote, i, ctx.commands.health, ctx.health);
}

/**
 * Odoo 18's own health routes: `/web/health?db_server_status=1` answers 200
 * only when the database answers too; with workers, the gevent process
 * serves `/websocket/health`, and it comes up seconds after the HTTP port.
 */
export function healthUrls(i: Instance, healthCommand: string): string[] {
  const fill = (port: number): string => healthCommand.replace(/\{port\}/g, String(port)).replace(/\{instance\}/g, i.id).replace(/\{service\}/g, i.service);
  const web = new URL(fill(i.port));
  web.searchParams.set('db_server_status', '1');
  const urls = [web.href];
  if (i.workers !== undefined && i.workers > 0) {
    const ws = new URL(fill(i.geventPort));
    ws.pathname = '/websocket/health';
    ws.search = '';
    urls.push(ws.href);
  }
  return urls;
}

async function checkInstanceHealth(remote: DeployRemote, i: Instance, healthCommand: string, policy: HealthPolicy): Promise<Diagnostic | undefined> {
  for (const url of healthUrls(i, healthCommand)) {
    let last = '';
    let ok = false;
    for (let n = 0; n < policy.retries && !ok; n++) {
      if (n > 0) await new Promise((r) => setTimeout(r, policy.intervalMs));
      const r = await remote.httpGet(url, policy.timeoutMs);
      ok = 'status' in r && r.status === 200;
      last = 'status' in r ? `HTTP ${r.status}` : r.error;
    }
    if (!ok) return error('BLINK514', `${remote.server}: ${i.id} is not healthy: ${url} answered ${last} after ${policy.retries} attempts`);
  }
  return undefined;
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
