import type { ServerCommands } from '../model/Fleet.js';
import type { RemoteState, ResourceQuery } from '../remote/RemoteState.js';
import type { ServerPlan } from '../plan/ServerPlan.js';

export interface HealthPolicy {
  /** Attempts before the check fails. @default 10 */
  retries: number;
  /** Pause between attempts. @default 2000 */
  intervalMs: number;
  /** One attempt's timeout. @default 5000 */
  timeoutMs: number;
}

/** What applyPlan needs besides the plan and the server. */
export interface ApplyContext {
  /** Run id: sortable, safe in a file name (`20261128T101500Z-a1b2`). */
  run: string;
  /** `user@host pid N`: recorded in the lock, the journal and the audit line. */
  owner: string;
  /** The config's git commit, for the audit line. */
  commit?: string;
  commands: ServerCommands;
  health: HealthPolicy;
  /** Scrubbed from every command output shown. */
  secretValues: readonly string[];
  /** Each instance's Python (instance id → path): odoo.conf is checked by the interpreter Odoo reads it with. */
  python?: ReadonlyMap<string, string>;
  /** Restart PostgreSQL, not only reload it, when a setting it reads only at start changed (`--restart-postgres`). */
  restartPostgres?: boolean;
  /** Paths to read again once the lock is held. */
  readPaths: readonly string[];
  /** The folders, users, roles, databases and firewall to read with them. */
  readResources?: ResourceQuery;
  /** The plan for the state found under the lock (pure; no diffs needed). */
  replan(state: RemoteState): ServerPlan;
  progress?(step: string): void;
  now?(): Date;
}

export const DEFAULT_HEALTH: HealthPolicy = { retries: 10, intervalMs: 2000, timeoutMs: 5000 };
