import type { ArtifactKind } from '../model/Artifact.js';
import type { Actions } from './Actions.js';
import type { DesiredFile } from './DesiredFile.js';
import type { JournalPhase } from '../remote/Journal.js';
import type { ManifestEntry } from '../remote/RemoteState.js';

export type Change = 'add' | 'change' | 'mode' | 'delete' | 'none';

export interface FileState {
  sha256?: string;
  mode: number;
  owner: string;
  linkTarget?: string;
}

/** One managed path on one server. Holds no secret: `diff` is masked. */
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
  sensitive: boolean;
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
}

export function countPlan(p: ServerPlan): PlanCounts {
  const c: PlanCounts = { add: 0, change: 0, mode: 0, delete: 0, orphan: 0, drift: 0 };
  for (const f of p.files) {
    if (f.change !== 'none') c[f.change]++;
    if (f.orphan && f.change === 'none') c.orphan++;
    if (f.drift) c.drift++;
  }
  return c;
}

/** Would an apply change anything on this server? */
export function isPending(p: ServerPlan): boolean {
  return p.files.some((f) => f.change !== 'none') || p.actions.certbot.length > 0 || p.interrupted !== undefined || (p.staleStaging?.length ?? 0) > 0;
}
