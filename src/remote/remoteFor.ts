import type { Server } from '../model/Fleet.js';
import type { Remote } from './Remote.js';
import type { DeployRemote } from './DeployRemote.js';
import { shellRemote } from './shellRemote.js';
import { shellDeployRemote } from './shellDeployRemote.js';
import { transportPool, type ConnectSpec, type TransportPool } from './transportPool.js';

/**
 * Remotes for real servers, on one transport per server (`transportPool`:
 * ssh masters or local): a server's apply and deploy remotes share it.
 * `preconnect` starts ssh masters before the fleet is compiled; nothing runs
 * on a server before its remote is asked for. `dispose` closes every master.
 * Given a pool, the remotes use it (and its masters already started).
 */
export function realRemotes(options: { sshConfig?: string } | TransportPool): {
  remoteFor: (s: Server) => Remote;
  deployRemoteFor: (s: Server) => DeployRemote;
  preconnect: (specs: readonly ConnectSpec[]) => void;
  dispose: () => Promise<void>;
} {
  const pool = 'transportFor' in options ? options : transportPool(options);
  return {
    remoteFor: (s) => shellRemote(pool.transportFor(s), s.root),
    deployRemoteFor: (s) => shellDeployRemote(pool.transportFor(s), s.root),
    preconnect: (specs) => pool.preconnect(specs),
    dispose: () => pool.dispose(),
  };
}
