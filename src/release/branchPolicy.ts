import { error, type Diagnostic, type SourcePos } from '../diagnostics/Diagnostic.js';

export interface BranchPolicyInput {
  instance: { id: string; branch: string; production: boolean; source?: SourcePos };
  /** The branch being deployed. */
  branch: string;
  /** Whether the commit being deployed is on the instance's own branch. */
  reachableFromOwn: boolean;
  force: boolean;
}

/**
 * Which code an environment may run. An instance's `branch:` is its default;
 * a test environment may run any branch (that is what it is for), but
 * production only runs commits its own branch already holds, so nothing
 * reaches customers without being merged first. `--force` overrides, and
 * says so. A notice is for the operator and the audit line.
 */
export function branchPolicy(o: BranchPolicyInput): { diagnostics: Diagnostic[]; notice?: string } {
  const { instance: i, branch } = o;
  const other = branch !== i.branch;
  if (!i.production) {
    return other ? { diagnostics: [], notice: `${i.id} follows ${i.branch}; deploying ${branch} instead` } : { diagnostics: [] };
  }
  if (o.reachableFromOwn) {
    return other ? { diagnostics: [], notice: `${i.id} follows ${i.branch}; deploying ${branch}, whose commit is already on ${i.branch}` } : { diagnostics: [] };
  }
  if (o.force) {
    return { diagnostics: [], notice: `${i.id} is production and follows ${i.branch}; deploying ${branch}, which is not on ${i.branch}, because of --force` };
  }
  return {
    diagnostics: [
      error(
        'BLINK604',
        `${i.id} is production and follows ${i.branch}; ${branch === i.branch ? 'this commit' : `branch ${branch}`} is not on ${i.branch}`,
        i.source,
        `merge ${branch} into ${i.branch} first (and push it), or pass --force to deploy it anyway`,
      ),
    ],
  };
}
