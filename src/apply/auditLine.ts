import type { ApplyReport } from './ApplyReport.js';

/** One JSON line per run on the server's /var/lib/blink/audit.log: who, when, from which commit, what. Paths only, never contents. */
export function auditLine(r: ApplyReport, meta: { run: string; owner: string; time: string; commit?: string; result: string }): string {
  return JSON.stringify({
    time: meta.time,
    run: meta.run,
    by: meta.owner,
    commit: meta.commit ?? null,
    server: r.server,
    result: meta.result,
    ...r.changed,
    done: r.done,
    ...(r.recovered ? { recovered: r.recovered } : {}),
  });
}
