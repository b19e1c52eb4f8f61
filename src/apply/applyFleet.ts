import { error, type Diagnostic } from '../diagnostics/Diagnostic.js';
import type { Artifact } from '../model/Artifact.js';
import type { Instance, Server } from '../model/Fleet.js';
import { desiredFiles, forServer, readPaths, type DesiredFile } from '../plan/DesiredFile.js';
import { plan } from '../plan/plan.js';
import { isPending, type ServerPlan } from '../plan/ServerPlan.js';
import { isFailure, type Remote } from '../remote/Remote.js';
import { readRemote } from '../remote/readRemote.js';
import type { ManifestEntry } from '../remote/RemoteState.js';
import type { ApplyContext, HealthPolicy } from './ApplyContext.js';
import { emptyReport, type ApplyReport } from './ApplyReport.js';
import { applyPlan } from './applyPlan.js';
import { mapLimit } from './mapLimit.js';
import { openAhead } from './openAhead.js';
import { unreachable } from './unreachable.js';
import type { UnresolvedSecrets } from '../secrets/resolveSecrets.js';
import { desiredResources, resourceQuery, type DesiredResources } from '../plan/DesiredResources.js';

/** What a run covers: the selected servers, their selected instances and those instances' artifacts. */
export interface FleetSelection {
  servers: Server[];
  instances: Instance[];
  artifacts: Artifact[];
  /** Manifest entries this run answers for (a --host selection narrows it). */
  owns?: (path: string, entry: ManifestEntry) => boolean;
}

export interface FleetOptions {
  remoteFor(server: Server): Remote;
  /** @default 4 */
  parallel: number;
  prune: boolean;
  /** From resolveSecrets. */
  resolved?: ReadonlyMap<Artifact, string>;
  /** From resolveSecrets with `allowMissing` (`--diff` only): those files are compared without their missing secrets, never applied. */
  unresolved?: ReadonlyMap<Artifact, UnresolvedSecrets>;
  secretValues: readonly string[];
  /** Per server, when known: scrubbing a server's output needs only its own values. */
  valuesByServer?: ReadonlyMap<string, string[]>;
  context?: number;
  /** `--create-users`: a missing service user is created, not a reason to stop. */
  createUsers?: boolean;
  progress?(server: string, step: string): void;
  /**
   * A server's desired files, made when its turn comes (while it is being
   * connected to) instead of from `sel.artifacts` up front; a Diagnostic
   * when they could not be made, and the server is then not read.
   */
  desiredFor?(server: Server): Promise<DesiredFile[] | Diagnostic>;
}

/** One server's diff: its plan, or why there is none. */
export interface ServerDiff {
  server: Server;
  remote: Remote;
  desired: DesiredFile[];
  /** Folders, users, roles, databases and firewall its selected instances need. */
  resources: DesiredResources;
  plan?: ServerPlan;
  error?: Diagnostic;
}

/** Connect, read and plan every selected server, `parallel` at a time. `done` fires per server as it finishes. */
export async function diffFleet(sel: FleetSelection, o: FleetOptions, done?: (index: number, d: ServerDiff) => void): Promise<ServerDiff[]> {
  const desired = o.desiredFor ? [] : desiredFiles(sel.artifacts, o.resolved ?? new Map(), o.unresolved);
  const connections = openAhead(sel.servers.map((s) => () => o.remoteFor(s)), o.parallel);
  return mapLimit(sel.servers, o.parallel, async (server, index) => {
    const d: ServerDiff = { server, remote: o.remoteFor(server), desired: o.desiredFor ? [] : forServer(desired, server), resources: desiredResources(server, sel.instances, { createUsers: o.createUsers === true }) };
    o.progress?.(server.name, 'connecting');
    try {
      // The handshake runs in ssh while this server's files are made here (or has run already:
      // connections are opened ahead of the reads).
      connections.reached(index);
      const opening = d.remote.open();
      const made = o.desiredFor ? await o.desiredFor(server) : d.desired;
      if ('code' in made) {
        // Not read: the connection is closed with the others at the end.
        d.error = made;
      } else {
        d.desired = made;
        // Asked before the session answers: the read waits in the channel, not for a round trip.
        const reading = readRemote(d.remote, d.desired, resourceQuery(d.resources, d.desired));
        // Observed below, unless the connection failed first: never an unhandled rejection.
        reading.catch(() => undefined);
        const opened = await opening;
        if (opened) d.error = unreachable(server.name, d.remote.target, opened.error);
        else {
          o.progress?.(server.name, 'reading');
          const read = await reading;
          if (isFailure(read)) d.error = read.refused ?? (read.unreachable ? unreachable(server.name, d.remote.target, read.error) : error('BLINK511', `${server.name}: ${read.error}`));
          else d.plan = plan({ ...planInput(d, sel, o), state: read.state, oldContents: read.oldContents });
        }
      }
    } catch (e) {
      d.error = unexpected(server.name, e);
    }
    o.progress?.(server.name, d.error ? 'failed' : 'planned');
    done?.(index, d);
    return d;
  });
}

export interface FleetApplyOptions extends FleetOptions {
  context?: number;
  run: string;
  owner: string;
  commit?: string;
  health: HealthPolicy;
  /** `--restart-postgres`. */
  restartPostgres?: boolean;
}

/** Apply every server with pending changes; the others are reported unchanged (or with their read error). */
export async function applyFleet(diffs: readonly ServerDiff[], sel: FleetSelection, o: FleetApplyOptions, done?: (index: number, r: ApplyReport) => void): Promise<ApplyReport[]> {
  return mapLimit(diffs, o.parallel, async (d, index) => {
    let report: ApplyReport;
    try {
      report = await applyOne(d, sel, o);
    } catch (e) {
      // One server's bug or broken pipe must not take the others down; its journal, if any, is recovered next time.
      report = { ...emptyReport(d.server.name), outcome: 'failed', diagnostics: [unexpected(d.server.name, e)] };
    }
    o.progress?.(d.server.name, report.outcome);
    done?.(index, report);
    return report;
  });
}

async function applyOne(d: ServerDiff, sel: FleetSelection, o: FleetApplyOptions): Promise<ApplyReport> {
  if (d.error || !d.plan) return { ...emptyReport(d.server.name), outcome: d.error?.code === 'BLINK510' ? 'unreachable' : 'failed', diagnostics: d.error ? [d.error] : [] };
  // The CLI refuses an apply with a missing secret before any server is read; this keeps a library caller from writing a reference where a secret belongs.
  const missing = [...new Set(d.desired.flatMap((f) => f.unresolved?.names ?? []))].sort();
  if (missing.length) return { ...emptyReport(d.server.name), outcome: 'failed', diagnostics: missing.map((n) => error('BLINK500', `secret ${n} is not set: ${d.server.name} cannot be applied without it`)) };
  if (!isPending(d.plan)) return emptyReport(d.server.name);
  const ctx = applyContext(d, sel, o);
  const report = await applyPlan(d.remote, d.plan, ctx);
  // A host that just got its certificate now takes its TLS vhost: one more pass, same lock discipline.
  if (report.outcome === 'applied' && d.plan.actions.certbot.length && report.done.some((s) => s.startsWith('certbot '))) {
    const read = await readRemote(d.remote, d.desired, resourceQuery(d.resources, d.desired));
    if (!isFailure(read)) {
      const next = plan({ ...planInput(d, sel, o), state: read.state });
      if (isPending(next)) merge(report, await applyPlan(d.remote, next, { ...ctx, run: ctx.run + '-tls' }));
    }
  }
  return report;
}

const NONE: string[] = [];
function serverValues(server: string, o: FleetOptions): readonly string[] {
  return o.valuesByServer ? (o.valuesByServer.get(server) ?? NONE) : o.secretValues;
}

function unexpected(server: string, e: unknown): Diagnostic {
  return error('BLINK511', `${server}: unexpected failure: ${e instanceof Error ? e.message : String(e)}`);
}

function planInput(d: ServerDiff, sel: FleetSelection, o: FleetOptions) {
  return {
    server: d.server,
    target: d.remote.target,
    instances: sel.instances.filter((i) => i.server === d.server.name),
    desired: d.desired,
    prune: o.prune,
    secretValues: serverValues(d.server.name, o),
    resources: d.resources,
    ...(sel.owns ? { owns: sel.owns } : {}),
    ...(o.context !== undefined ? { context: o.context } : {}),
  };
}

function applyContext(d: ServerDiff, sel: FleetSelection, o: FleetApplyOptions): ApplyContext {
  return {
    run: o.run,
    owner: o.owner,
    ...(o.commit ? { commit: o.commit } : {}),
    commands: d.server.commands,
    health: o.health,
    ...(o.restartPostgres ? { restartPostgres: true } : {}),
    secretValues: serverValues(d.server.name, o),
    python: new Map(sel.instances.filter((i) => i.server === d.server.name).map((i) => [i.id, i.python])),
    readPaths: readPaths(d.desired),
    readResources: resourceQuery(d.resources, d.desired),
    replan: (state) => plan({ ...planInput(d, sel, o), state }),
    progress: (step) => o.progress?.(d.server.name, step),
  };
}

function merge(into: ApplyReport, r: ApplyReport): void {
  into.done.push(...r.done);
  for (const k of ['add', 'change', 'mode', 'delete'] as const) into.changed[k].push(...r.changed[k]);
  into.diagnostics.push(...r.diagnostics);
  if (r.outcome !== 'unchanged' && r.outcome !== 'applied') into.outcome = r.outcome;
}
