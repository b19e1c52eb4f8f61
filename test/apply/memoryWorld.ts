/** The sample fleet's aws-1 on an in-memory server: unit tests of plan and apply without a disk. */
import { loadTemplates } from '../../src/load/loadTemplates.js';
import { renderFleet } from '../../src/render/renderFleet.js';
import type { Artifact } from '../../src/model/Artifact.js';
import type { Fleet } from '../../src/model/Fleet.js';
import { desiredFiles, forServer, readPaths, type DesiredFile } from '../../src/plan/DesiredFile.js';
import { plan } from '../../src/plan/plan.js';
import type { ServerPlan } from '../../src/plan/ServerPlan.js';
import { memoryRemote, memoryServer, type MemoryServer } from '../../src/remote/memoryRemote.js';
import type { Remote } from '../../src/remote/Remote.js';
import { readRemote } from '../../src/remote/readRemote.js';
import { resolveSecrets } from '../../src/secrets/resolveSecrets.js';
import { applyPlan } from '../../src/apply/applyPlan.js';
import type { ApplyReport } from '../../src/apply/ApplyReport.js';
import { sampleFleet } from '../support/sampleFleet.js';
import { desiredResources, resourceQuery } from '../../src/plan/DesiredResources.js';
import { secretEnv } from './harness.js';

const TEMPLATES = loadTemplates(`${process.cwd()}/templates`).templates;

export function awsArtifacts(fleet: Fleet = sampleFleet()): Artifact[] {
  const r = renderFleet(fleet, TEMPLATES);
  return r.artifacts.filter((a) => a.server === 'aws-1');
}

export interface MemRun {
  plan: ServerPlan;
  report?: ApplyReport;
  desired: DesiredFile[];
}

/** Read, plan and (optionally) apply aws-1 of `fleet` on the in-memory `world`. */
/** `resources`: plan and apply the folders, users, roles, databases and firewall too (`createUsers`: as --create-users). */
export async function memRun(world: MemoryServer, o: { fleet?: Fleet; artifacts?: Artifact[]; apply?: boolean; prune?: boolean; remote?: Remote; restartPostgres?: boolean; env?: Record<string, string>; resources?: { createUsers?: boolean } } = {}): Promise<MemRun> {
  const fleet = o.fleet ?? sampleFleet();
  const artifacts = o.artifacts ?? awsArtifacts(fleet);
  const secrets = resolveSecrets(artifacts, { env: o.env ?? secretEnv(fleet) });
  const server = fleet.servers.find((s) => s.name === 'aws-1')!;
  const desired = forServer(desiredFiles(artifacts, secrets.contents), server);
  const remote = o.remote ?? memoryRemote('aws-1', world);
  const instances = fleet.instances.filter((i) => i.server === 'aws-1');
  const resources = o.resources ? desiredResources(server, instances, o.resources) : undefined;
  const query = resources ? resourceQuery(resources) : undefined;
  const input = { server, target: 'memory', instances, desired, prune: o.prune ?? false, secretValues: secrets.values, ...(resources ? { resources } : {}) };
  const read = await readRemote(remote, desired, query);
  if ('error' in read) throw new Error(read.error);
  const p = plan({ ...input, state: read.state, oldContents: read.oldContents });
  if (!o.apply) return { plan: p, desired };
  const report = await applyPlan(remote, p, {
    run: `r${Date.now()}`,
    owner: 'test pid 1',
    commands: server.commands,
    health: { retries: 2, intervalMs: 1, timeoutMs: 10 },
    secretValues: secrets.values,
    readPaths: readPaths(desired),
    ...(query ? { readResources: query } : {}),
    ...(o.restartPostgres ? { restartPostgres: true } : {}),
    replan: (state) => plan({ ...input, state }),
  });
  return { plan: p, report, desired };
}

/** aws-1 with every sample certificate present, so TLS vhosts are chosen. */
export function awsServer(): MemoryServer {
  const w = memoryServer();
  for (const host of ['blink.somosblink.com', 'corteperfecto.somosblink.com', 'corteperfecto-test.somosblink.com']) {
    w.files.set(`/etc/letsencrypt/live/${host}/fullchain.pem`, { content: Buffer.from('cert'), mode: 0o644, owner: 'root:root' });
  }
  return w;
}
