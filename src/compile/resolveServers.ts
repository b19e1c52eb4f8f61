import { posix } from 'node:path';
import { error, type Diagnostic } from '../diagnostics/Diagnostic.js';
import type { YamlSource } from '../load/YamlSource.js';
import type { ClientsFile } from '../model/ClientsFile.js';
import type { Server, ServerCommands } from '../model/Fleet.js';
import { SERVER_PATHS } from '../render/serverPaths.js';
import { shellQuote } from '../remote/shellQuote.js';
import { DEFAULT_COMMANDS } from './defaults.js';

/** Servers with their defaults applied, in name order. */
export function resolveServers(file: ClientsFile, clients: YamlSource, configDir: string): { servers: Server[]; diagnostics: Diagnostic[] } {
  const servers: Server[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const name of Object.keys(file.servers).sort()) {
    const s = file.servers[name]!;
    const root = s.root ? posix.resolve(configDir, s.root) : '/';
    if (s.set_owners === false && root === '/') {
      // Files owned by whoever applies, in the real /etc: odoo.conf (0640) would be unreadable to Odoo.
      diagnostics.push(
        error(
          'BLINK240',
          `server ${name} sets set_owners: false but has no root folder: its files would land in / owned by whoever applies, and Odoo could not read its odoo.conf`,
          clients.pos(['servers', name, 'set_owners'], true),
          'set_owners: false is for a server kept under a root: folder (a local trial); remove it, or give the server a root:',
        ),
      );
    }
    const commands: ServerCommands = { ...DEFAULT_COMMANDS };
    // The pre-update backup runs the server's own blink-backup: under its root folder when it has one.
    if (root !== '/') commands.backup = `${shellQuote(root)}${SERVER_PATHS.backupScript} {instance}`;
    for (const [k, v] of Object.entries(s.commands ?? {})) if (v !== undefined) commands[k as keyof ServerCommands] = v;
    // {root} is known now, and the same for every command of the server.
    for (const k of Object.keys(commands) as (keyof ServerCommands)[]) commands[k] = commands[k].replace(/\{root\}/g, () => shellQuote(root));
    servers.push({
      name,
      transport: s.ssh ? 'ssh' : 'local',
      ...(s.ssh ? { ssh: s.ssh } : { commandDir: configDir }),
      sshOptions: s.ssh_options ?? [],
      root,
      setOwners: s.set_owners ?? true,
      cpus: s.cpus,
      memoryMb: s.memory_mb,
      commands,
      source: clients.pos(['servers', name], true),
    });
  }
  return { servers, diagnostics };
}
