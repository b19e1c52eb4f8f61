/**
 * A config/ folder describing a test world, so the CLI runs end to end:
 * clients.yaml with the world's servers (roots, stand-in commands) and
 * instances, plus the repository's base.conf and kind templates.
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Fleet } from '../../src/model/Fleet.js';

export function writeConfig(dir: string, fleet: Fleet): string {
  const config = join(dir, 'config');
  mkdirSync(join(config, 'templates'), { recursive: true });
  cpSync(join(process.cwd(), 'config', 'base.conf'), join(config, 'base.conf'));
  cpSync(join(process.cwd(), 'config', 'templates'), join(config, 'templates'), { recursive: true });
  const clients: Record<string, { name: string; environments: Record<string, unknown> }> = {};
  for (const i of fleet.instances) {
    clients[i.client] ??= { name: i.clientName, environments: {} };
    clients[i.client]!.environments[i.env] = { host: i.host, server: i.server, branch: i.branch, kind: i.kind, port: i.port, gevent_port: i.geventPort, ...(i.workers !== undefined ? { workers: i.workers } : {}) };
  }
  const doc = {
    version: 1,
    defaults: { system_user: 'root', python: '/usr/bin/python3', tls: 'none' },
    servers: Object.fromEntries(
      fleet.servers.map((s) => {
        // A Server without fail2ban settings has it turned off; clients.yaml's default is on.
        const fail2ban = s.fail2ban ? { bantime: s.fail2ban.bantime, maxretry: s.fail2ban.maxretry, findtime: s.fail2ban.findtime } : { enabled: false };
        // Likewise the firewall; roles and databases are made only where the server says so.
        const firewall = s.firewall ? { allow: s.firewall.allow } : { enabled: false };
        const postgres = s.postgres.databases ? {} : { postgres: { databases: false } };
        return [s.name, { ...(s.ssh ? { ssh: s.ssh } : {}), root: s.root, cpus: 2, memory_mb: 4096, commands: s.commands, fail2ban, firewall, ...postgres }];
      }),
    ),
    clients,
  };
  writeFileSync(join(config, 'clients.yaml'), stringify(doc));
  return config;
}
