/**
 * What blink-deploy keeps on a server, per instance, under its release
 * folder (`/opt/odoo/releases/<instance>/`):
 *
 *   <commit>/        the release tree, root-owned, read-only to the service user
 *   <commit>.files   one line per file: `<sha256> <mode> <path>`
 *   <commit>.json    ReleaseRecord; written last, so it marks a complete release
 *   current          symlink to `<commit>`, switched by one rename
 *   state.json       DeployState: what runs and what is owed
 *   journal.json     DeployJournal, only while a deploy is under way
 *   logs/<run>.log   odoo-bin's output of each module update
 *
 * All of it is read back as untrusted data: `parseInstanceReleases` accepts
 * only the exact shapes blink writes.
 */
export interface ReleaseRecord {
  version: 1;
  instance: string;
  commit: string;
  branch: string;
  time: string;
  owner: string;
  /** Module → content hash (see release/Release.ts). */
  modules: Record<string, string>;
}

export interface DeployState {
  version: 1;
  instance: string;
  /** The running release. */
  commit: string;
  /** The release it replaced, if any: the way back. */
  previous?: string;
  branch: string;
  time: string;
  owner: string;
  run: string;
  /** The instance's modules in clients.yaml when it was last deployed: what is new next time. */
  listed: string[];
  /** Modules whose update was skipped or interrupted: updated by the next deploy. */
  owed: string[];
}

export type DeployPhase = 'prepared' | 'updating' | 'switching' | 'rolling-back';

/**
 * Written before anything that changes the instance, rewritten at each
 * phase, removed when the deploy ends. `prepared`: the release may be on
 * the server, nothing else changed; `updating`: odoo-bin may have changed
 * the database, `current` is still `from`; `switching`: `current` may point
 * at `to` and the service may run it; `rolling-back`: going back to `from`.
 */
export interface DeployJournal {
  version: 1;
  run: string;
  owner: string;
  time: string;
  instance: string;
  branch: string;
  from?: string;
  to: string;
  phase: DeployPhase;
  update: string[];
  install: string[];
  /** The pre-update backup, when one was taken. */
  backup?: string;
}

export interface ReleaseFileEntry {
  path: string;
  mode: number;
  sha256: string;
}

/** One instance's release folder as read from its server, validated. */
export interface InstanceReleases {
  current?: string;
  state?: DeployState;
  journal?: DeployJournal;
  /** Complete releases on the server (those with a record). */
  releases: string[];
  /** Record and file list of the release asked for, when present. */
  record?: ReleaseRecord;
  files?: ReleaseFileEntry[];
  /** Anything that is not exactly what blink writes; the instance is then left alone. */
  problems: string[];
}
