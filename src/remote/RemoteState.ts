import type { ArtifactKind } from '../model/Artifact.js';
import type { FolderPurpose } from '../plan/DesiredResources.js';
import type { Journal, JournalPhase } from './Journal.js';
import type { UfwStatus } from './parseUfwStatus.js';

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
  /**
   * What blink made beside the files, keyed `folder:<path>`, `role:<name>`,
   * `database:<name>`: a recorded one that is gone is drift; a database or
   * data folder of a removed instance is kept, and listed until dropped by hand.
   * Absent in manifests written before blink made them.
   */
  resources?: Record<string, ResourceEntry>;
}

/** One folder, role or database blink made (or found in place) on a server. */
export interface ResourceEntry {
  kind: 'folder' | 'role' | 'database';
  purpose?: FolderPurpose;
  instance?: string;
  host?: string;
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
  /** The folders, users, roles, databases and firewall asked about (`ResourceQuery`), read in the same trip. */
  resources?: LiveResources;
}

/** What a read asks about besides files: one answer per server, whatever its number of instances. */
export interface ResourceQuery {
  /** Server paths of the folders instances need (the ones the last apply made come from manifest.folders). */
  folders: readonly string[];
  /** Service users whose existence matters. */
  users: readonly string[];
  /**
   * The owners (`user:group`) live ones are compared with. The read prints
   * owners as ids and looks up these names only: any other id shows as its
   * number.
   */
  owners?: readonly string[];
  /** psql on the server: every role and database in one query. */
  psql?: string;
  /** ufw on the server: `status verbose`. */
  ufw?: string;
}

export interface LiveFolder {
  type: 'folder' | 'link' | 'other';
  mode: number;
  owner: string;
}

export interface LiveRole {
  login: boolean;
  createdb: boolean;
  superuser: boolean;
}

export interface LiveDatabase {
  owner: string;
  encoding: string;
  collate: string;
  ctype: string;
}

export type LivePostgres = { roles: Map<string, LiveRole>; databases: Map<string, LiveDatabase> } | { error: string };
export type LiveFirewall = { installed: false } | { installed: true; error: string } | ({ installed: true } & UfwStatus);

export interface LiveResources {
  /** Keyed by server path: the folders found (absent ones are not in the map). */
  folders: Map<string, LiveFolder>;
  /** Folder → why blink will not touch it: a link or a file on the way (`/opt/odoo is a symbolic link`). */
  unsafeFolders: Map<string, string>;
  /** The asked users that exist. */
  users: Set<string>;
  postgres?: LivePostgres;
  firewall?: LiveFirewall;
  /** The server's port of the connection blink reads through (its SSH_CONNECTION), when it came over ssh. */
  sshPort?: number;
}

export const BLINK_DIR = '/var/lib/blink';
export const MANIFEST_PATH = `${BLINK_DIR}/manifest.json`;
