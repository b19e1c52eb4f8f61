import { posix } from 'node:path';
import { error, type Diagnostic } from '../diagnostics/Diagnostic.js';
import type { YamlSource } from '../load/YamlSource.js';
import type { ClientsFile } from '../model/ClientsFile.js';
import type { Server, ServerCommands } from '../model/Fleet.js';
import { DEFAULT_COMMANDS } from './defaults.js';
import { postgresSettings } from './postgresSettings.js';
import { sshOptionRefusal } from './sshOptionPolicy.js';

/** Commands that check a candidate file before it is installed, and the placeholder that names it. */
const CHECKED_FILE: Partial<Record<keyof ServerCommands, string>> = { nginx_test: '{file}', unit_verify: '{unit}', logrotate_verify: '{file}', postgres_test: '{file}' };

/** Servers with their defaults applied, in name order. */
export function resolveServers(file: ClientsFile, clients: YamlSource, configDir: string): { servers: Server[]; diagnostics: Diagnostic[] } {
  const servers: Server[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const name of Object.keys(file.servers).sort()) {
    const s = file.servers[name]!;
    (s.ssh_options ?? []).forEach((option, k) => {
      const why = sshOptionRefusal(option);
      if (why) {
        diagnostics.push(
          error('BLINK260', `server ${name}: ssh option ${JSON.stringify(option)} refused: ${why}`, clients.pos(['servers', name, 'ssh_options', k]), 'options that run programs, load libraries, forward the agent or weaken host key checks are never taken from clients.yaml; put them in your own ssh_config and pass it with --ssh-config'),
        );
      }
    });
    const commands: ServerCommands = { ...DEFAULT_COMMANDS };
    for (const [k, v] of Object.entries(s.commands ?? {})) if (v !== undefined) commands[k as keyof ServerCommands] = v;
    // A check without the candidate's path checks what the server runs now, and passes whatever blink is about to write.
    for (const [k, placeholder] of Object.entries(CHECKED_FILE)) {
      const c = s.commands?.[k as keyof ServerCommands];
      if (c !== undefined && !c.includes(placeholder)) {
        diagnostics.push(error('BLINK261', `server ${name}: commands.${k} has no ${placeholder}: it would check the server's current files, not the ones blink is about to install`, clients.pos(['servers', name, 'commands', k]), `put ${placeholder} where the file to check goes, e.g. ${JSON.stringify(DEFAULT_COMMANDS[k as keyof ServerCommands])}`));
      }
    }
    const postgres = postgresSettings(s.postgres, s.memory_mb);
    // The cluster's version is the server's: a command names its binaries with {version}.
    for (const k of Object.keys(commands) as (keyof ServerCommands)[]) commands[k] = commands[k].replaceAll('{version}', String(postgres.version));
    servers.push({
      name,
      transport: s.ssh ? 'ssh' : 'local',
      ...(s.ssh ? { ssh: s.ssh } : {}),
      sshOptions: (s.ssh_options ?? []).filter((o) => !sshOptionRefusal(o)),
      root: s.root ? posix.resolve(configDir, s.root) : '/',
      cpus: s.cpus,
      memoryMb: s.memory_mb,
      commands,
      postgres,
      source: clients.pos(['servers', name], true),
    });
  }
  return { servers, diagnostics };
}
