import { error } from '../diagnostics/Diagnostic.js';
import type { Fleet, Server } from '../model/Fleet.js';
import type { DeployRemote } from '../remote/DeployRemote.js';
import { mapLimit } from '../apply/mapLimit.js';
import type { DeployContext } from './DeployContext.js';
import type { UpdateModules } from './DeployPlan.js';
import type { DeployReport } from './DeployReport.js';
import { blankReport, deployServer, diffServer, type DeployJob, type ServerDeployDiff } from './deployServer.js';

export interface DeployFleetOptions {
  remoteFor(server: Server): DeployRemote;
  parallel: number;
  updateModules: UpdateModules;
  /** Per instance, on a terminal. */
  progress?(instance: string, step: string): void;
}

/** The servers the jobs are on, in fleet order, each with its jobs. */
export function jobsByServer(fleet: Fleet, jobs: readonly DeployJob[]): { server: Server; jobs: DeployJob[] }[] {
  return fleet.servers.map((server) => ({ server, jobs: jobs.filter((j) => j.instance.server === server.name) })).filter((x) => x.jobs.length);
}

/** Read and plan every server, `parallel` at a time. */
export function diffDeploy(fleet: Fleet, jobs: readonly DeployJob[], o: DeployFleetOptions, done?: (index: number, d: ServerDeployDiff) => void): Promise<ServerDeployDiff[]> {
  return mapLimit(jobsByServer(fleet, jobs), o.parallel, async (x, index) => {
    let d: ServerDeployDiff;
    for (const j of x.jobs) o.progress?.(j.instance.id, 'reading the server');
    try {
      d = await diffServer(o.remoteFor(x.server), x.jobs, o.updateModules);
    } catch (e) {
      d = { server: x.server.name, plans: [], live: [], interrupted: [], error: unexpected(x.server.name, e) };
    }
    for (const j of x.jobs) o.progress?.(j.instance.id, d.error ? 'failed' : 'planned');
    done?.(index, d);
    return d;
  });
}

/** Deploy every server's jobs (servers in parallel, a server's instances one after another). */
export async function runDeploy(
  fleet: Fleet,
  jobs: readonly DeployJob[],
  diffs: readonly ServerDeployDiff[],
  o: DeployFleetOptions & { context(server: Server): DeployContext },
  done?: (index: number, r: DeployReport[]) => void,
): Promise<DeployReport[]> {
  const per = await mapLimit(jobsByServer(fleet, jobs), o.parallel, async (x, index) => {
    let reports: DeployReport[];
    const diff = diffs.find((d) => d.server === x.server.name);
    try {
      if (diff?.error) throw diff.error;
      reports = await deployServer(o.remoteFor(x.server), x.jobs, fleet.instances.filter((i) => i.server === x.server.name), o.context(x.server), {
        updateModules: o.updateModules,
        ...(diff ? { shown: diff } : {}),
      });
    } catch (e) {
      const d = isDiagnostic(e) ? e : unexpected(x.server.name, e);
      reports = x.jobs.map((j) => ({ ...blankReport(j), outcome: d.code === 'BLINK510' ? 'unreachable' : 'failed', diagnostics: [d] }));
    }
    done?.(index, reports);
    return reports;
  });
  return per.flat();
}

function isDiagnostic(e: unknown): e is ReturnType<typeof error> {
  return typeof e === 'object' && e !== null && 'code' in e && 'severity' in e;
}

function unexpected(server: string, e: unknown) {
  return error('BLINK511', `${server}: unexpected failure: ${e instanceof Error ? e.message : String(e)}`);
}
