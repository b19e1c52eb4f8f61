import type { Diagnostic } from '../diagnostics/Diagnostic.js';
import type { Instance } from '../model/Fleet.js';
import type { Release, ReleaseFile } from '../release/Release.js';
import type { DeployState, InstanceReleases } from '../remote/DeployState.js';

/** `auto`: what changed plus what is owed; `all`: `-u all`; `none`: record as owed; or these modules. */
export type UpdateModules = 'auto' | 'all' | 'none' | string[];

/** One instance's deploy, as shown by `--diff` and carried out under the lock. */
export interface InstanceDeployPlan {
  instance: Instance;
  branch: string;
  /** The running release, if any. */
  from?: string;
  to: string;
  /** Nothing to do: `to` runs already and no module is owed or new. */
  unchanged: boolean;
  /** First deployment: `-i base,<modules>` without demo data. */
  first: boolean;
  /** Absent when the release is on the server already. */
  upload?: UploadPlan;
  update: string[];
  install: string[];
  /** Modules left for a later deploy (`--update-modules none`). */
  owed: string[];
  /** A production instance whose database the update changes: blink-backup first. */
  backup: boolean;
  /** Said plainly in the output and recorded: another branch than the environment's own, or forced. */
  notice?: string;
  /** The server's release folder held something blink did not write: nothing is done there. */
  refused?: Diagnostic;
  /** What the server had, for the state written after the deploy. */
  state?: DeployState;
}

export interface UploadPlan {
  /** The running release the new one is assembled from (its files hard-linked). */
  previous?: string;
  /** Files of `previous` kept as they are, at the same path. */
  kept: number;
  moved: [string, string][];
  removed: string[];
  /** Sent: new or changed. */
  files: ReleaseFile[];
  /** Bytes sent, and the release's size, for the figures. */
  bytes: number;
  totalBytes: number;
}

export interface PlanInput {
  instance: Instance;
  release: Release;
  branch: string;
  live: InstanceReleases;
  updateModules: UpdateModules;
  notice?: string;
}
