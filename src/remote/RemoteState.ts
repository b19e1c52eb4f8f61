import type { ArtifactKind } from '../model/Artifact.js';
import type { Journal, JournalPhase } from './Journal.js';

/** One managed path as it is on the server right now. */
export interface LiveFile {
  type: 'file' | 'link' | 'other';
  /** Permission bits, e.g. 0o640. */
  mode: number;
  /** `user:group` */
  owner: string;
  sha256?: string;
  /** For links, with the server root taken off again. */
  linkTarget?: string;
}

/** What blink wrote last on a server: `/var/lib/blink/manifest.json`. */
export interface Manifest {
  version: 1;
  server: string;
  run: string;
  time: string;
  commit?: string;
  /** Keyed by server path. */
  files: Record<string, ManifestEntry>;
}

export interface ManifestEntry {
  kind: ArtifactKind;
  sha256?: string;
  /**
   * The file blink wrote held resolved secrets: the server's copy is masked
   * in diffs even once the config no longer puts a secret in it.
   */
  sensitive?: true;
  linkTarget?: string;
  mode: number;
  /** Absent when the server does not set owners. */
  owner?: string;
  instance?: string;
  host?: string;
}

/** Everything apply needs to know about a server, read in one round trip. */
export interface RemoteState {
  server: string;
  /** Keyed by server path (without the root); absent paths are not in the map. */
  files: Map<string, LiveFile>;
  manifest?: Manifest;
  /** Left by an apply that did not finish. */
  journal?: Journal;
  journalPhase?: JournalPhase;
  /**
   * Runs whose staging folder is still on the server (killed before they
   * finished): it holds resolved secrets until the next apply removes it.
   */
  staleStaging?: string[];
  /** Problems with server state worth a note in the plan. */
  problems: string[];
}

export const BLINK_DIR = '/var/lib/blink';
export const MANIFEST_PATH = `${BLINK_DIR}/manifest.json`;
