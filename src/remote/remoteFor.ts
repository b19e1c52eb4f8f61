import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from '../model/Fleet.js';
import type { Remote } from './Remote.js';
import { localTransport } from './localTransport.js';
import { shellRemote } from './shellRemote.js';
import { sshTransport } from './sshTransport.js';

/**
 * Remotes for real servers: ssh (one master each, sockets in a private
 * folder) or local. `dispose` removes the folder once every remote is closed.
 */
export function realRemotes(options: { sshConfig?: string }): { remoteFor: (s: Server) => Remote; dispose: () => void } {
  let controlDir: string | undefined;
  const remoteFor = (s: Server): Remote => {
    if (s.transport !== 'ssh' || !s.ssh) return shellRemote(localTransport(s.name), s.root);
    // mkdtemp makes it 0700: nobody else can reach our masters.
    controlDir ??= mkdtempSync(join(tmpdir(), 'blink-ssh-'));
    const t = sshTransport({
      server: s.name,
      destination: s.ssh,
      sshOptions: s.sshOptions,
      controlDir,
      ...(options.sshConfig ? { sshConfig: options.sshConfig } : {}),
    });
    return shellRemote(t, s.root);
  };
  return { remoteFor, dispose: () => controlDir && rmSync(controlDir, { recursive: true, force: true }) };
}
