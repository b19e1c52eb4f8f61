import { pathsToFetch } from '../plan/plan.js';
import { readPaths, type DesiredFile } from '../plan/DesiredFile.js';
import { isFailure, type Failure, type Remote } from './Remote.js';
import type { RemoteState, ResourceQuery } from './RemoteState.js';

/**
 * One server's side of a plan: its state in one round trip (the folders,
 * users, roles, databases and firewall `resources` asks about included), then the contents
 * of only the files whose bytes differ (a second trip, only when there are any).
 */
export async function readRemote(remote: Remote, desired: readonly DesiredFile[], resources?: ResourceQuery): Promise<{ state: RemoteState; oldContents: Map<string, Buffer> } | Failure> {
  const state = await remote.read(readPaths(desired), resources);
  if (isFailure(state)) return state;
  const differ = pathsToFetch(desired, state);
  const oldContents = differ.length ? await remote.fetch(differ) : new Map<string, Buffer>();
  if (isFailure(oldContents)) return oldContents;
  return { state, oldContents };
}
