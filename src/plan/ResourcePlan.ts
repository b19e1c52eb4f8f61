import type { Diagnostic } from '../diagnostics/Diagnostic.js';
import type { ResourceOps } from '../remote/Remote.js';
import type { ResourceEntry } from '../remote/RemoteState.js';
import type { DesiredUser, FolderPurpose } from './DesiredResources.js';

export type ResourceKind = 'user' | 'folder' | 'role' | 'database';

/** One folder, role, database or service user in a server's plan, shown like a file. */
export interface ResourcePlan {
  kind: ResourceKind;
  /** Path of a folder, name of the others. */
  name: string;
  instance?: string;
  host?: string;
  purpose?: FolderPurpose;
  /** add: made by the apply; change: a role's grants or a database's owner; mode: a folder's mode or owner. */
  change: 'add' | 'change' | 'mode' | 'none';
  /** Recorded by the last apply and gone since (a database dropped by hand). */
  drift: boolean;
  /** Recorded, no longer wanted (a removed instance's database or data): kept, never dropped by blink. */
  orphan: boolean;
  /** What blink makes it, in words: `owner odoo, UTF8, locale C.UTF-8, collation C`, `0750 odoo:odoo`. */
  after: string;
  /** What it is now, when it differs: `0755 root:root`, `owner postgres`. */
  before?: string;
  /** Facts the apply does not change (a database's collation is fixed at creation). */
  notes: string[];
  /** A kept orphan: the exact commands that drop it, once its backup is checked. */
  drop?: string[];
}

/** The firewall's part of a plan: ufw commands in the order they run, and what is left alone. */
export interface FirewallPlan {
  steps: FirewallStep[];
  /** Rules blink does not manage, and why nothing is done (no ufw, SSH port unknown). */
  notes: string[];
  /** The port blink's own ssh connection comes in on: its rule is never deleted. */
  sshPort?: number;
}

export interface FirewallStep {
  /** Arguments after the ufw command, each a plain word blink made. */
  args: string[];
  sign: '+' | '-' | '~';
  why?: string;
}

/** Everything about a server's resources a plan carries. */
export interface ResourcesPlan {
  /** Sorted: users, folders, roles, databases; changes and kept orphans included, unchanged ones too (`none`). */
  items: ResourcePlan[];
  firewall?: FirewallPlan;
  /** What stops the apply of this server before anything is changed (a missing user, a folder behind a link, PostgreSQL not readable). */
  blocked: Diagnostic[];
  /** Problems worth a line that change nothing (a database on another host). */
  notes: string[];
  /** What the apply makes, in this order: users, then folders, roles and databases. */
  users: DesiredUser[];
  ops: ResourceOps;
  /** The manifest's resources once applied: what exists now, plus orphans kept and entries outside the run's selection. */
  manifest: Record<string, ResourceEntry>;
  /** Instances whose service this plan stops for good (prune). */
  pruned: string[];
  /** Of those, the ones that get a final backup first (all but those whose database is not there). */
  finalBackup: string[];
}
