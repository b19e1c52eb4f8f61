import type { Diagnostic } from '../diagnostics/Diagnostic.js';
import type { ExecResult, HttpResult } from './Transport.js';
import type { Manifest, RemoteState, ResourceQuery } from './RemoteState.js';
import type { Journal } from './Journal.js';

/**
 * The operations apply needs on one server, in server paths (any `root` is
 * the implementation's business). `shellRemote` builds each from one shell
 * script over a Transport; `memoryRemote` is the in-memory fake for tests.
 * Failures come back as data (`{ error }`), never as rejections.
 */
export interface Remote {
  readonly server: string;
  readonly target: string;
  open(): Promise<Failure | undefined>;
  /**
   * Live state of `paths` plus manifest and journal, in one round trip, with
   * the folders, users, roles, databases and firewall `resources` asks about.
   * State blink did not write (a path outside the managed set, a folder or
   * FIFO where blink writes a file, a link on the way) is refused whole.
   */
  read(paths: readonly string[], resources?: ResourceQuery): Promise<RemoteState | Failure>;
  /** Contents of the given files (only those that differ). */
  fetch(paths: readonly string[]): Promise<Map<string, Buffer> | Failure>;
  /** Held until released, or until this process dies. Taking it removes what runs killed on this server left staged. */
  lock(owner: string): Promise<Lock | Failure>;
  /** Upload files under their real names into the run's staging tree. */
  stage(run: string, files: readonly StagedFile[]): Promise<Failure | undefined>;
  /** Run each check against the staging tree; the failed ones come back. */
  validate(run: string, checks: readonly Check[]): Promise<CheckFailure[] | Failure>;
  /** Write the journal, back up, then rename every file into place. */
  swap(journal: Journal): Promise<Failure | undefined>;
  /** Put back the files of a journal from its backups; safe to repeat. */
  rollback(journal: Journal): Promise<Failure | undefined>;
  /** Make folders, roles and databases (each only when missing or not as given); never drops anything. */
  ensure(ops: ResourceOps): Promise<Failure | undefined>;
  /** Run a configured command (restart, reload, certbot…). */
  run(command: string): Promise<ExecResult>;
  httpGet(url: string, timeoutMs: number): Promise<HttpResult>;
  /** Write manifest and audit line, then drop journal and staging tree. */
  commit(run: string, manifest: Manifest | undefined, auditLine: string): Promise<Failure | undefined>;
  close(): Promise<void>;
}

export interface Failure {
  error: string;
  /** The server could not be reached at all. */
  unreachable?: boolean;
  /** What the server holds was refused (not what blink writes): the diagnostic to show as it is. */
  refused?: Diagnostic;
}

export function isFailure(x: unknown): x is Failure {
  return typeof x === 'object' && x !== null && 'error' in x && typeof (x as Failure).error === 'string';
}

export type Lock = { held: false; release(): Promise<void> } | { held: true; holder: string };

export interface StagedFile {
  path: string;
  mode: number;
  content: Uint8Array;
  linkTarget?: string;
}

/**
 * A validation on the staging tree. `command` is the server's configured
 * command; `path` the server path of the staged file it checks.
 */
export interface Check {
  kind: 'nginx' | 'unit' | 'logrotate' | 'odoo-conf' | 'postgres' | 'fail2ban';
  command: string;
  path?: string;
  /** nginx, fail2ban: managed files this run deletes, left out of the candidate configuration. */
  remove?: string[];
}

export interface CheckFailure {
  check: Check;
  output: string;
}

/** What one apply makes beside its files. Names are validated where they are planned; SQL quotes them again. */
export interface ResourceOps {
  folders: { path: string; mode: number; owner?: string }[];
  /** Created LOGIN CREATEDB when missing; `grant`: an existing one is given LOGIN CREATEDB. */
  roles: { name: string; grant?: boolean }[];
  /** Created when missing; `setOwner`: an existing one is given to `owner`. */
  databases: { name: string; owner: string; encoding: string; locale: string; collation: string; setOwner?: boolean }[];
  /** psql on the server; required when there are roles or databases. */
  psql?: string;
}

export function noResourceOps(ops: ResourceOps): boolean {
  return ops.folders.length + ops.roles.length + ops.databases.length === 0;
}
