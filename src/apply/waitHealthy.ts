import { error, type Diagnostic } from '../diagnostics/Diagnostic.js';
import { healthUrls, type HealthCommands } from '../compile/healthUrls.js';
import type { HealthTarget } from '../plan/Actions.js';
import type { HttpResult } from '../remote/Transport.js';
import type { HealthPolicy } from './ApplyContext.js';
import { judgeHealth, type HealthProblem } from './judgeHealth.js';

/**
 * GET each of the instance's health URLs until its answer says healthy,
 * `policy.retries` times at most per URL: the gevent process starts after the
 * HTTP port answers, so its URL gets its own attempts. The failure names the
 * URL, the last answer, and what to look at.
 */
export async function waitHealthy(remote: { server: string; httpGet(url: string, timeoutMs: number): Promise<HttpResult> }, t: HealthTarget, commands: HealthCommands, policy: HealthPolicy): Promise<Diagnostic | undefined> {
  for (const [n, url] of healthUrls(t, commands).entries()) {
    let problem: HealthProblem | undefined;
    for (let i = 0; i < policy.retries; i++) {
      if (i > 0) await sleep(policy.intervalMs);
      problem = judgeHealth(url, await remote.httpGet(url, policy.timeoutMs));
      if (!problem) break;
    }
    if (problem) {
      const hint = problem.databaseDown
        ? `Odoo runs but cannot reach its database server: start PostgreSQL, or fix db_host, db_port, db_user or db_password of ${t.instance}`
        : n > 0
          ? `with workers, Odoo's gevent process serves this port; see why it is not up in the log of ${t.service}`
          : `see the log of ${t.service} for why it does not answer`;
      return error('BLINK514', `${remote.server}: ${t.instance} is not healthy: ${url} answered ${problem.answered} after ${policy.retries} attempts`, undefined, hint);
    }
  }
  return undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
