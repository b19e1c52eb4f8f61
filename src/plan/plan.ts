import { posix } from 'node:path';
import { diffLibrary } from './diffLibrary.js';
import type { Instance, Server } from '../model/Fleet.js';
import type { ManifestEntry, RemoteState } from '../remote/RemoteState.js';
import { healthTarget, noActions, type Actions } from './Actions.js';
import { certificatePath, type DesiredFile } from './DesiredFile.js';
import type { FilePlan, FileState, ServerPlan } from './ServerPlan.js';
import { maskForDiff, OLD_SECRET_MARK, scrub } from '../secrets/maskSecrets.js';
import { compareUnresolved, type UnresolvedText } from './compareUnresolved.js';
import { postgresRestartSettings } from './postgresRestart.js';
import { mayHoldSecrets } from '../secrets/mayHoldSecrets.js';
import { managedPath } from '../render/managedPath.js';
import type { DesiredResources } from './DesiredResources.js';
import { planResources } from './planResources.js';

export interface PlanInput {
  server: Pick<Server, 'name' | 'commands'> & Partial<Pick<Server, 'root' | 'transport'>>;
  /** How the server is reached, for display (`ubuntu@1.2.3.4`, `local`). */
  target: string;
  /** Instances of this server in the selection: ports and services for actions. */
  instances: readonly Instance[];
  /** This server's desired files, bootstrap variants included. */
  desired: readonly DesiredFile[];
  state: RemoteState;
  /** Live contents of the files whose bytes differ, for the diffs, and of those with a missing secret, to compare. */
  oldContents?: ReadonlyMap<string, Uint8Array>;
  prune: boolean;
  /** Which manifest entries this run answers for (narrowed by --host); default: all. */
  owns?: (path: string, entry: ManifestEntry) => boolean;
  /** Resolved secret values: scrubbed from anything shown. */
  secretValues: readonly string[];
  /** Lines of context in diffs. @default 3 */
  context?: number;
  /** The folders, users, roles, databases and firewall this server's selected instances need (their live state is in `state.resources`). */
  resources?: DesiredResources;
}

const NGINX_KINDS = new Set(['vhost', 'vhost-link', 'nginx-map']);
const MAX_DIFF_BYTES = 256 * 1024;

/** Artifact[] + RemoteState → Plan. Pure: no IO, same input, same plan. */
export function plan(input: PlanInput): ServerPlan {
  const { state } = input;
  const { chosen, certbot } = chooseFiles(input.desired, state);
  const manifest = state.manifest?.files ?? {};
  const owns = input.owns ?? (() => true);
  const files: FilePlan[] = [];

  for (const d of chosen.values()) {
    const live = state.files.get(d.path);
    const written = manifest[d.path];
    const sensitive = mayHoldSecrets(d.kind, d.sensitive, written?.sensitive);
    const after: FileState = { sha256: d.sha256, mode: d.mode, ...(d.owner !== undefined ? { owner: d.owner } : {}) };
    if (d.linkTarget !== undefined) {
      delete after.sha256;
      after.linkTarget = d.linkTarget;
    }
    // The hash of a file whose other lines are public tests guesses of its secret: never in a plan.
    if (sensitive) delete after.sha256;
    const f: FilePlan = {
      path: d.path,
      kind: d.kind,
      change: 'none',
      drift: false,
      orphan: false,
      bootstrap: d.role === 'bootstrap',
      sensitive,
      after,
    };
    if (d.instance !== undefined) f.instance = d.instance;
    if (d.host !== undefined) f.host = d.host;
    if (!live) {
      f.change = 'add';
      f.drift = written !== undefined;
    } else {
      f.before = { mode: live.mode, owner: live.owner };
      if (live.sha256 && !sensitive) f.before.sha256 = live.sha256;
      if (live.linkTarget !== undefined) f.before.linkTarget = live.linkTarget;
      // Links carry no mode of their own worth comparing.
      const sameMeta = d.linkTarget !== undefined || (live.mode === d.mode && (d.owner === undefined || live.owner === d.owner));
      if (d.unresolved && d.linkTarget === undefined && live.type === 'file') {
        // The desired bytes are not known, so neither is their hash: compare the lines that are.
        const old = input.oldContents?.get(d.path);
        const same = old === undefined || compareUnresolved(Buffer.from(old).toString('utf8'), unresolvedText(d), input.secretValues).same;
        f.change = !same ? 'change' : !sameMeta ? 'mode' : 'none';
        if (same) f.notCompared = true;
      } else {
        const sameBytes = d.linkTarget !== undefined ? live.type === 'link' && live.linkTarget === d.linkTarget : live.type === 'file' && live.sha256 === d.sha256;
        f.change = !sameBytes ? 'change' : !sameMeta ? 'mode' : 'none';
      }
      f.drift = written !== undefined && f.change !== 'none' && (written.linkTarget ?? written.sha256) !== (live.linkTarget ?? live.sha256);
    }
    if (d.unresolved) {
      f.missingSecrets = d.unresolved.names;
      // A hash of the content with references in it is no file's: not shown as the one to come.
      delete after.sha256;
    }
    if (f.change === 'add' || f.change === 'change') {
      const diff = fileDiff(d, input.oldContents?.get(d.path), live?.linkTarget, sensitive, input);
      if (diff) f.diff = diff;
    }
    files.push(f);
  }

  const keep: Record<string, ManifestEntry> = {};
  for (const [path, entry] of Object.entries(manifest)) {
    if (chosen.has(path)) continue;
    if (!owns(path, entry)) {
      keep[path] = entry;
      continue;
    }
    const live = state.files.get(path);
    if (!live) continue; // gone already: the manifest forgets it
    const sensitive = mayHoldSecrets(entry.kind, false, entry.sensitive);
    const f: FilePlan = {
      path,
      kind: entry.kind,
      change: input.prune ? 'delete' : 'none',
      drift: (entry.linkTarget ?? entry.sha256) !== (live.linkTarget ?? live.sha256),
      orphan: true,
      bootstrap: false,
      sensitive,
      before: { mode: live.mode, owner: live.owner },
    };
    if (live.sha256 && !sensitive) f.before!.sha256 = live.sha256;
    if (entry.instance !== undefined) f.instance = entry.instance;
    if (entry.host !== undefined) f.host = entry.host;
    if (!input.prune) keep[path] = entry;
    files.push(f);
  }
  files.sort((a, b) => a.path.localeCompare(b.path));

  // A service stopped for good (its unit deleted) gets a final backup first.
  const pruned = files.filter((f) => f.kind === 'unit' && f.change === 'delete').map((f) => managedPath(f.path)?.instance).filter((i): i is string => i !== undefined);
  const resources = planResources({
    server: { root: '/', transport: 'ssh', ...input.server },
    desired: input.resources ?? { folders: [], roles: [], databases: [], users: [], createUsers: false, notes: [] },
    ...(input.resources && state.resources ? { live: state.resources } : {}),
    ...(state.manifest?.resources ? { recorded: state.manifest.resources } : {}),
    // --host narrows by the entry's instance and host, as for files.
    owns: (_key, entry) => owns('', { kind: 'unit', mode: 0, ...(entry.instance !== undefined ? { instance: entry.instance } : {}), ...(entry.host !== undefined ? { host: entry.host } : {}) }),
    pruned,
  });
  const p: ServerPlan = {
    server: input.server.name,
    target: input.target,
    files,
    actions: planActions(files, input, certbot),
    desired: chosen,
    keep,
    resources,
    notes: [...state.problems, ...resources.notes],
  };
  if (state.journal) p.interrupted = { run: state.journal.run, phase: state.journalPhase ?? 'swapping', owner: state.journal.owner };
  if (state.staleStaging?.length) p.staleStaging = [...state.staleStaging];
  return p;
}

/**
 * Paths whose live bytes differ from the desired ones: the only contents
 * worth fetching. A file with a missing secret has no desired hash to compare:
 * its content is always fetched, to be compared line by line.
 */
export function pathsToFetch(desired: readonly DesiredFile[], state: RemoteState): string[] {
  const out: string[] = [];
  for (const d of chooseFiles(desired, state).chosen.values()) {
    const live = state.files.get(d.path);
    if (live?.type === 'file' && d.linkTarget === undefined && (d.unresolved !== undefined || live.sha256 !== d.sha256)) out.push(d.path);
  }
  return out;
}

function unresolvedText(d: DesiredFile): UnresolvedText {
  return { content: d.content.toString('utf8'), template: d.template, refs: d.unresolved?.refs ?? [], kind: d.kind };
}

/**
 * The managed files, with a host's bootstrap vhost in place of its TLS vhost
 * while the certificate is missing on the server.
 */
function chooseFiles(desired: readonly DesiredFile[], state: RemoteState): { chosen: Map<string, DesiredFile>; certbot: string[] } {
  const chosen = new Map<string, DesiredFile>();
  for (const d of desired) if (d.role === 'managed') chosen.set(d.path, d);
  const certbot = new Set<string>();
  for (const d of desired) {
    if (d.role !== 'bootstrap' || !d.host || !d.bootstrapFor) continue;
    if (state.files.has(certificatePath(d.host))) continue;
    const managed = chosen.get(d.bootstrapFor);
    const owner = managed ? managed.owner : d.owner;
    chosen.set(d.bootstrapFor, { ...d, path: d.bootstrapFor, mode: managed?.mode ?? d.mode, ...(owner !== undefined ? { owner } : {}) });
    certbot.add(d.host);
  }
  return { chosen: new Map([...chosen].sort(([a], [b]) => a.localeCompare(b))), certbot: [...certbot].sort() };
}

function planActions(files: readonly FilePlan[], input: PlanInput, certbot: string[]): Actions {
  const a = noActions();
  const touched = (f: FilePlan): boolean => f.change === 'add' || f.change === 'change' || f.change === 'delete';
  const byInstance = new Map<string, FilePlan[]>();
  for (const f of files) {
    if (!touched(f)) continue;
    if (f.kind === 'unit') a.daemonReload = true;
    if (NGINX_KINDS.has(f.kind)) a.nginxReload = true;
    if (f.kind === 'postgres-conf' && f.change !== 'delete') {
      const d = input.desired.find((x) => x.path === f.path && x.role === 'managed');
      const old = input.oldContents?.get(f.path);
      a.postgresReload = true;
      a.postgresRestart = d ? postgresRestartSettings(old && f.change === 'change' ? Buffer.from(old).toString('utf8') : f.change === 'mode' ? d.content.toString('utf8') : undefined, d.content.toString('utf8')) : [];
    }
    if (f.kind === 'fail2ban') a.fail2banReload = true;
    if (f.kind === 'unit' && f.change === 'delete') a.disable.push(posix.basename(f.path).replace(/\.service$/, ''));
    if (f.instance && f.change !== 'delete') byInstance.set(f.instance, [...(byInstance.get(f.instance) ?? []), f]);
  }
  for (const inst of input.instances) {
    const changed = byInstance.get(inst.id) ?? [];
    const unit = changed.find((f) => f.kind === 'unit');
    if (unit?.change === 'add') a.enable.push(inst.service);
    else if (unit || changed.some((f) => f.kind === 'odoo-conf')) a.restart.push(inst.service);
    else continue;
    a.health.push(healthTarget(inst));
  }
  a.certbot = certbot;
  return a;
}

function fileDiff(d: DesiredFile, old: Uint8Array | undefined, oldLink: string | undefined, holdsSecrets: boolean, input: PlanInput): string | undefined {
  if (d.linkTarget !== undefined) return `${oldLink !== undefined ? `-> ${oldLink}\n` : ''}+> ${d.linkTarget}`;
  if (d.content.length > MAX_DIFF_BYTES || (old && old.length > MAX_DIFF_BYTES)) return '(large file: diff not shown)';
  const oldText = old ? Buffer.from(old).toString('utf8') : '';
  // Only a file that holds secrets has lines to mask by their template: `${VAR}` in a
  // shell script is the script's own syntax (render kept no reference from it).
  const masked = d.unresolved ? compareUnresolved(oldText, unresolvedText(d), input.secretValues).masked() : maskForDiff(oldText, d.content.toString('utf8'), holdsSecrets ? d.template : '', input.secretValues, { kind: d.kind, holdsSecrets });
  const patch = diffLibrary().structuredPatch('a', 'b', masked.old, masked.new, '', '', { context: input.context ?? 3 });
  const lines: string[] = [];
  for (const h of patch.hunks) {
    const body = h.lines.filter((l) => !l.startsWith('\\'));
    lines.push(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`);
    // A changed secret shows as a pair, `-key = (sensitive)` then `+key = (sensitive, changed)`,
    // like any changed line: a `+` alone would read as a line added.
    for (const l of body) lines.push(l.endsWith(OLD_SECRET_MARK) ? scrub(l.slice(0, -1), input.secretValues) : l);
  }
  return lines.join('\n');
}
