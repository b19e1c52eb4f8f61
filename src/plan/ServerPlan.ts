import type { ArtifactKind } from '../model/Artifact.js';
import type { Actions } from './Actions.js';
import type { DesiredFile } from './DesiredFile.js';
import type { JournalPhase } from '../remote/Journal.js';
import type { ManifestEntry } from '../remote/RemoteState.js';
import type { ResourcePlan, ResourcesPlan } from './ResourcePlan.js';
import { resourcesPending } from './planResources.js';

export type Change = 'add' | 'change' | 'mode' | 'delete' | 'none';

export interface FileState {
  sha256?: string;
  mode: number;
  /** Absent in a plan's `after` when the server does not set owners. */
  owner?: string;
  linkTarget?: string;
}

/** One managed path on one server. Holds no secret: `diff` is masked, a file with secrets has no hash. */
export interface FilePlan {
  path: string;
  kind: ArtifactKind;
  instance?: string;
  host?: string;
  change: Change;
  /** The live file differs from what blink wrote last (edited or removed by hand). */
  drift: boolean;
  /** In the manifest but no longer rendered: removed only with --prune. */
  orphan: boolean;
  /** The HTTP-only ACME vhost stands in until the certificate exists. */
  bootstrap: boolean;
  /**
   * The file may hold a secret, here or on the server (mayHoldSecrets): its
   * server lines show in `diff` only when known not to be secret, and neither
   * `before` nor `after` has a sha256.
   */
  sensitive: boolean;
  /**
   * Secrets this run does not have that the file needs (the names to set):
   * its lines holding them are unknown here. Only a `--diff` gets this far without them.
   */
  missingSecrets?: string[];
  /**
   * Every line but those holding a missing secret is the same on the server:
   * whether the file differs is not known. Neither a change nor unchanged
   * (`change` still says what is known: `none`, or `mode`).
   */
  notCompared?: boolean;
  before?: FileState;
  after?: FileState;
  /** Unified diff, secrets masked, no colour. */
  diff?: string;
}

/** Everything apply will do on one server, and the bytes it needs to do it. */
export interface ServerPlan {
  server: string;
  target: string;
  /** Every managed path, sorted; `none` ones included so the manifest can be rebuilt. */
  files: FilePlan[];
  actions: Actions;
  /** An earlier apply was interrupted; this run completes or rolls it back first. */
  interrupted?: { run: string; phase: JournalPhase; owner: string };
  /** Runs killed before they finished whose staging folder (resolved secrets) the next apply removes. */
  staleStaging?: string[];
  /** What to upload, keyed by path (resolved: never serialised). */
  desired: Map<string, DesiredFile>;
  /** Manifest entries carried over untouched: outside the selection, or orphans kept. */
  keep: Record<string, ManifestEntry>;
  /** Folders, users, roles, databases and the firewall: what the apply makes before any service starts, and what stops it. */
  resources: ResourcesPlan;
  /** Problems with server state (corrupt manifest…): reported, not fatal. */
  notes: string[];
}

export interface PlanCounts {
  add: number;
  change: number;
  mode: number;
  delete: number;
  orphan: number;
  drift: number;
  /** Files whose only possible difference is in lines holding a missing secret. */
  notCompared: number;
  /** Folders, roles, databases and users to make or fix. */
  resources: number;
  /** ufw commands to run. */
  firewall: number;
}

export function countPlan(p: ServerPlan): PlanCounts {
  const c: PlanCounts = { add: 0, change: 0, mode: 0, delete: 0, orphan: 0, drift: 0, notCompared: 0, resources: 0, firewall: 0 };
  for (const f of p.files) {
    if (f.change !== 'none') c[f.change]++;
    if (f.notCompared) c.notCompared++;
    if (f.orphan && f.change === 'none') c.orphan++;
    if (f.drift) c.drift++;
  }
  for (const r of p.resources.items) {
    if (r.change !== 'none') c.resources++;
    if (r.orphan) c.orphan++;
    if (r.drift) c.drift++;
  }
  c.firewall = p.resources.firewall?.steps.length ?? 0;
  return c;
}

/** Would an apply change anything on this server? A file not compared is not counted: nothing known says it would. */
export function isPending(p: ServerPlan): boolean {
  return p.files.some((f) => f.change !== 'none') || p.actions.certbot.length > 0 || p.interrupted !== undefined || (p.staleStaging?.length ?? 0) > 0 || resourcesPending(p.resources) || p.resources.blocked.length > 0;
}

/** The resources of a plan worth a line: changes, kept orphans, and unchanged ones with something to say. */
export function shownResources(p: ServerPlan): ResourcePlan[] {
  return p.resources.items.filter((r) => r.change !== 'none' || r.orphan || r.drift || r.notes.length > 0);
}
