import { planJson } from '../plan/planJson.js';
import { countPlan, isPending } from '../plan/ServerPlan.js';
import type { ApplyReport } from './ApplyReport.js';
import type { ServerDiff } from './applyFleet.js';

/** The fleet line printed after every server's block. */
export function fleetSummary(diffs: readonly ServerDiff[]): string {
  const t = { add: 0, change: 0, mode: 0, delete: 0, orphan: 0, drift: 0 };
  for (const d of diffs) if (d.plan) for (const [k, n] of Object.entries(countPlan(d.plan))) t[k as keyof typeof t] += n;
  const pending = diffs.filter((d) => d.plan && isPending(d.plan)).length;
  const errors = diffs.filter((d) => d.error).length;
  return `fleet: ${diffs.length} server${diffs.length === 1 ? '' : 's'}, ${pending} with changes, ${errors} unreachable or failed; ${t.add} to add, ${t.change} to change, ${t.mode} mode/owner, ${t.delete} to delete, ${t.orphan} orphans kept, ${t.drift} drifted`;
}

/** The run as data: `--json` output and the `--notify` body. Plans and reports hold no secret. */
export function summaryJson(diffs: readonly ServerDiff[], reports?: readonly ApplyReport[]): Record<string, unknown> {
  return {
    servers: diffs.map((d) => (d.plan ? planJson(d.plan) : { server: d.server.name, error: d.error })),
    ...(reports ? { applied: reports } : {}),
  };
}

