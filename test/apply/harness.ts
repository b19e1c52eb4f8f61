/**
 * Drives the library the way the CLI does (diff every server, then apply),
 * against real transports, and keeps everything printed for leak checks.
 */
import { applyFleet, diffFleet, type FleetSelection, type ServerDiff } from '../../src/apply/applyFleet.js';
import type { ApplyReport } from '../../src/apply/ApplyReport.js';
import { formatReport } from '../../src/apply/formatReport.js';
import type { Artifact } from '../../src/model/Artifact.js';
import type { Fleet, Server } from '../../src/model/Fleet.js';
import { formatServerPlan } from '../../src/plan/formatPlan.js';
import { planJson } from '../../src/plan/planJson.js';
import type { Remote } from '../../src/remote/Remote.js';
import { resolveSecrets } from '../../src/secrets/resolveSecrets.js';
import { defaultConfigBackupKey } from '../../src/compile/defaults.js';

export const CANARY = 'canary-7f3a9c1e';

/** One distinct admin_passwd and backup key per instance, and a configuration backup key per server, each containing the canary. */
export function secretEnv(fleet: Fleet): Record<string, string> {
  const env = (id: string, key: string) => `BLINK_SECRET_${id.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_${key}`;
  return Object.fromEntries([
    // Every server's, also where the Fleet at hand has none: the CLI compiles clients.yaml, whose default is on.
    ...fleet.servers.map((s) => [(s.configBackup?.authKey ?? defaultConfigBackupKey(s.name)).slice(2, -1), `${CANARY}-config-backup-key-of-${s.name}-0123456789`]),
    ...fleet.instances.flatMap((i) => [
      [env(i.id, 'ADMIN_PASSWD'), `${CANARY}-${i.id}`],
      // At least 32 characters, as blink-apply and the backup scripts require.
      [env(i.id, 'BACKUP_KEY'), `${CANARY}-backup-key-of-${i.id}-0123456789`],
    ]),
  ]);
}

export interface RunResult {
  diffs: ServerDiff[];
  reports?: ApplyReport[];
  /** Everything a user would have seen: formatted plans, JSON, reports. */
  printed: string;
  plan(server: string): NonNullable<ServerDiff['plan']>;
  report(server: string): ApplyReport;
}

export async function runFleet(
  fleet: Fleet,
  artifacts: Artifact[],
  remoteFor: (s: Server) => Remote,
  o: { apply?: boolean; prune?: boolean; env?: Record<string, string>; health?: { retries: number; intervalMs: number; timeoutMs: number } } = {},
): Promise<RunResult> {
  const secrets = resolveSecrets(artifacts, { env: o.env ?? secretEnv(fleet) });
  if (secrets.diagnostics.length) throw new Error(JSON.stringify(secrets.diagnostics));
  const sel: FleetSelection = { servers: fleet.servers, instances: fleet.instances, artifacts };
  const opts = { remoteFor, parallel: 4, prune: o.prune ?? false, resolved: secrets.contents, secretValues: secrets.values };
  const diffs = await diffFleet(sel, opts);
  let printed = diffs.map((d) => (d.plan ? formatServerPlan(d.plan, { color: false, prune: opts.prune }) + JSON.stringify(planJson(d.plan)) : JSON.stringify(d.error))).join('\n');
  let reports: ApplyReport[] | undefined;
  try {
    if (o.apply) {
      reports = await applyFleet(diffs, sel, { ...opts, run: `t${Date.now()}`, owner: 'test@host pid 1', health: o.health ?? { retries: 3, intervalMs: 100, timeoutMs: 1000 } });
      printed += reports.map((r) => formatReport(r, false) + JSON.stringify(r)).join('\n');
    }
  } finally {
    await Promise.all(diffs.map((d) => d.remote.close()));
  }
  return {
    diffs,
    ...(reports ? { reports } : {}),
    printed,
    plan: (s) => diffs.find((d) => d.server.name === s)!.plan!,
    report: (s) => reports!.find((r) => r.server === s)!,
  };
}
