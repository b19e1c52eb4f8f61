import { posix } from 'node:path';
import type { Diagnostic } from '../diagnostics/Diagnostic.js';
import { checkHealthUrls } from './checkHealthUrls.js';
import type { YamlSource } from '../load/YamlSource.js';
import type { ClientsFile } from '../model/ClientsFile.js';
import type { Server, ServerCommands } from '../model/Fleet.js';
import { DEFAULT_COMMANDS } from './defaults.js';

/** Servers with their defaults applied, in name order. */
export function resolveServers(file: ClientsFile, clients: YamlSource, configDir: string): { servers: Server[]; diagnostics: Diagnostic[] } {
  const servers: Server[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const name of Object.keys(file.servers).sort()) {
    const s = file.servers[name]!;
    const commands: ServerCommands = { ...DEFAULT_COMMANDS };
    for (const [k, v] of Object.entries(s.commands ?? {})) if (v !== undefined) commands[k as keyof ServerCommands] = v;
    diagnostics.push(...checkHealthUrls(name, s.commands ?? {}, (key) => clients.pos(['servers', name, 'commands', key])));
    servers.push({
      name,
      transport: s.ssh ? 'ssh' : 'local',
      ...(s.ssh ? { ssh: s.ssh } : {}),
      sshOptions: s.ssh_options ?? [],
      root: s.root ? posix.resolve(configDir, s.root) : '/',
      cpus: s.cpus,
      memoryMb: s.memory_mb,
      commands,
      source: clients.pos(['servers', name], true),
    });
  }
  return { servers, diagnostics };
}
