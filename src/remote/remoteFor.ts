import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from '../model/Fleet.js';
import type { Remote } from './Remote.js';
import type { DeployRemote } from './DeployRemote.js';
import type { Transport } from './Transport.js';
import { localTransport } from './localTransport.js';
import { shellRemote } from './shellRemote.js';
import { shellDeployRemote } from './shellDeployRemote.js';
import { sshTransport } from './sshTransport.js';

/**
 * Remotes for real servers: ssh (one master each, sockets in a private
 * folder) or local. A server's apply and deploy remotes share its one
 * transport. `dispose` removes the folder once every remote is closed.
 */
export function realRemotes(options: { sshConfig?: string }): {
  remoteFor: (s: Server) => Remote;
  deployRemoteFor: (s: Server) => DeployRemote;
  dispose: () => void;
} {
  let controlDir: string | undefined;
  const transports = new Map<string, Transport>();
  const transportFor = (s: Server): Transport => {
    let t = transports.get(s.name);
    if (t) return t;
    if (s.transport !== 'ssh' || !s.ssh) t = localTransport(s.name, s.commandDir);
    else {
      // mkdtemp makes it 0700: nobody else can reach our masters.
      controlDir ??= mkdtempSync(join(tmpdir(), 'blink-ssh-'));
      t = sshTransport({
        server: s.name,
        destination: s.ssh,
        sshOptions: s.sshOptions,
        controlDir,
        ...(options.sshConfig ? { sshConfig: options.sshConfig } : {}),
      });
    }
    transports.set(s.name, t);
    return t;
  };
  return {
    remoteFor: (s) => shellRemote(transportFor(s), s.root),
    deployRemoteFor: (s) => shellDeployRemote(transportFor(s), s.root),
    dispose: () => controlDir && rmSync(controlDir, { recursive: true, force: true }),
  };
}
