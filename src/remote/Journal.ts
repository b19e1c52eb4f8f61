import type { Actions } from '../plan/Actions.js';
import type { Manifest } from './RemoteState.js';

/**
 * Written on the server before the first file is replaced, removed after the
 * manifest is written. Whoever finds one knows exactly which files may be new,
 * where the old ones are, and which restarts are owed.
 */
export interface Journal {
  version: 1;
  run: string;
  /** Who ran it: `user@host pid N`. */
  owner: string;
  time: string;
  files: FileOp[];
  /** The actions the run owed once the files were in place. */
  actions: Actions;
  /** What to write as the manifest when the run completes. */
  manifest: Manifest;
}

/**
 * `swapping`: renames may be partly done; `swapped`: every file is new, the
 * actions may not have run; `rolling-back`: old files are being put back.
 */
export type JournalPhase = 'swapping' | 'swapped' | 'rolling-back';

/** One file replaced (from the staging tree) or removed by a run. */
export interface FileOp {
  path: string;
  op: 'write' | 'delete';
  /** Whether something was at `path` before (and so was backed up). */
  hadOld: boolean;
  mode?: number;
  owner?: string;
  linkTarget?: string;
}
