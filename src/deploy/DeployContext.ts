import type { ServerCommands } from '../model/Fleet.js';
import type { HealthPolicy } from '../apply/ApplyContext.js';
import type { ReadFile, ReleaseFile } from '../release/Release.js';

/** What a deploy needs besides the plan and the server. */
export interface DeployContext {
  /** Run id: sortable, safe in a file name. */
  run: string;
  /** `user@host pid N`: in the lock, the journal, the state and the audit line. */
  owner: string;
  commands: ServerCommands;
  health: HealthPolicy;
  /** Releases kept per instance. */
  keep: number;
  /** Root the server's paths are relocated under (`/` on a real server): the config file odoo-bin reads is there. */
  root: string;
  /**
   * The files with their bytes, for files of a release read without them
   * (see readGitRelease); absent when every release carries its bytes.
   */
  contents?(files: readonly ReleaseFile[]): ReadFile[] | { error: string };
  progress?(instance: string, step: string): void;
  now?(): Date;
}
