import { planJson } from '../plan/planJson.js';
import { countPlan, isPending } from '../plan/ServerPlan.js';
import type { ApplyReport } from './ApplyReport.js';
import type { ServerDiff } from './applyFleet.js';

/**
 * The fleet line printed after every server's block; when secrets were
 * missing (a `--diff` without them), a second line says what that left out.
 */
export function fleetSummary(diffs: readonly ServerDiff[]): string {
  const t = { add: 0, change: 0, mode: 0, delete: 0, orphan: 0, drift: 0, notCompared: 0, resources: 0, firewall: 0 };
  for (const d of diffs) if (d.plan) for (const [k, n] of Object.entries(countPlan(d.plan))) t[k as keyof typeof t] += n;
  const pending = diffs.filter((d) => d.plan && isPending(d.plan)).length;
  const errors = diffs.filter((d) => d.error).length;
  // Folders, roles, databases and firewall rules are named only when there are some: most runs change none.
  const extra = `${t.resources ? `, ${t.resources} folders/roles/databases to make or fix` : ''}${t.firewall ? `, ${t.firewall} firewall changes` : ''}`;
  const line = `fleet: ${diffs.length} server${diffs.length === 1 ? '' : 's'}, ${pending} with changes, ${errors} unreachable or failed; ${t.add} to add, ${t.change} to change, ${t.mode} mode/owner, ${t.delete} to delete, ${t.orphan} orphans kept, ${t.drift} drifted${extra}`;
  const { files, secrets } = missingSecrets(diffs);
  if (!files) return line;
  return (
    `${line}, ${t.notCompared} not compared\n` +
    `not compared: the lines holding ${plural(secrets.length, 'secret')} this run does not have, in ${plural(files, 'file')} (${t.notCompared} differing nowhere else); ` +
    `the exit code covers everything else. Set them or pass --secrets FILE to compare them too`
  );
}

/** The run as data: `--json` output and the `--notify` body. Plans and reports hold no secret. */
export function summaryJson(diffs: readonly ServerDiff[], reports?: readonly ApplyReport[]): Record<string, unknown> {
  const { secrets } = missingSecrets(diffs);
  return {
    servers: diffs.map((d) => (d.plan ? planJson(d.plan) : { server: d.server.name, error: d.error })),
    // false: some lines (those holding `missingSecrets`) were not compared; `pending` speaks for the rest.
    complete: secrets.length === 0,
    missingSecrets: secrets,
    ...(reports ? { applied: reports } : {}),
  };
}

/** Files planned without some of their secrets, and the names of those secrets. */
function missingSecrets(diffs: readonly ServerDiff[]): { files: number; secrets: string[] } {
  let files = 0;
  const secrets = new Set<string>();
  for (const d of diffs) {
    for (const f of d.plan?.files ?? []) {
      if (!f.missingSecrets) continue;
      files++;
      for (const s of f.missingSecrets) secrets.add(s);
    }
  }
  return { files, secrets: [...secrets].sort() };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
