import type { ExecResult, HttpResult } from './Transport.js';
import type { Failure, Lock } from './Remote.js';
import type { DeployJournal, DeployState, InstanceReleases, ReleaseRecord } from './DeployState.js';

/**
 * The operations blink-deploy needs on one server, in server paths.
 * `shellDeployRemote` runs each as one script of src/remote/sh over the
 * same Transport (and master connection) as blink-apply, and takes the same
 * lock. Failures come back as data, never as rejections.
 */
export interface DeployRemote {
  readonly server: string;
  readonly target: string;
  open(): Promise<Failure | undefined>;
  /** The server lock blink-apply takes: a deploy and an apply never interleave. */
  lock(owner: string): Promise<Lock | Failure>;
  /**
   * Every asked instance's release folder, in one round trip: its current
   * link, state and journal; with `releases` also the releases present; with
   * `withFiles` also those and the running release's record and file list;
   * with `onlyInterrupted`, all of that only for a folder holding a journal
   * (the rest read as empty).
   */
  read(items: readonly { releaseDir: string; releases?: boolean; withFiles?: boolean; onlyInterrupted?: boolean }[]): Promise<InstanceReleases[] | Failure>;
  /**
   * Assemble a release from links into `previous` and the uploaded files,
   * check it, rename it into place. `journal`, `update` and `switchTo` write
   * the journal they are given before they act, in the same round trip.
   */
  upload(u: Upload, journal?: DeployJournal): Promise<Failure | undefined>;
  /** Write the deploy journal, or remove it (undefined). */
  journal(releaseDir: string, j: DeployJournal | undefined): Promise<Failure | undefined>;
  /** Point `current` at a complete release in one rename, or remove it (undefined). */
  switchTo(releaseDir: string, commit: string | undefined, journal?: DeployJournal): Promise<Failure | undefined>;
  /** odoo-bin … --stop-after-init as the service user; output appended to `log`. */
  update(u: UpdateRun, journal?: DeployJournal): Promise<ExecResult>;
  /** The configured backup command, then the newest backup's name in `dir`. */
  backup(command: string, dir: string): Promise<{ stamp: string } | Failure>;
  /** A configured command (restart). */
  run(command: string): Promise<ExecResult>;
  httpGet(url: string, timeoutMs: number): Promise<HttpResult>;
  /** State (when given), audit line, journal removed, old releases pruned. */
  finish(f: Finish): Promise<Failure | undefined>;
  close(): Promise<void>;
}

/**
 * A release assembled from the running one: all its files hard-linked, then
 * `removed` taken out, `moved` linked from their old paths, `files` written.
 */
export interface Upload {
  releaseDir: string;
  commit: string;
  run: string;
  /** The running release the new one starts from; absent: from nothing. */
  previous?: string;
  /** sha256 of the release's file list (`<sha256> <mode> <path>` lines in byte order): what the server's own listing must hash to. */
  digest: string;
  /** Paths of `previous` the new release does not have. */
  removed: string[];
  /** [path in the new release, path in `previous`] of identical files that changed place. */
  moved: [string, string][];
  /** Files to send: new or changed. */
  files: { path: string; mode: number; content: Uint8Array }[];
  record: ReleaseRecord;
}

export interface UpdateRun {
  /** The instance's release folder, where the journal is. */
  releaseDir: string;
  user: string;
  python: string;
  odooBin: string;
  conf: string;
  db: string;
  addonsPath: string;
  log: string;
  args: string[];
}

export interface Finish {
  releaseDir: string;
  keep: number;
  /** Releases never pruned. */
  current?: string;
  previous?: string;
  audit: string;
  state?: DeployState;
}
