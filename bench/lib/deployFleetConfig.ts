import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

/**
 * config/ folders for bench/deploy.ts, in the clients.yaml (version 1) format
 * test/deploy/fixture.ts writes: stand-in odoo-bin run by /bin/sh, `true` for
 * restart and backup, instances of kind `test` (no pre-update backup) all
 * following main, base.conf and templates copied from the repository's own
 * config/. Only what blink-deploy needs.
 */
export interface DeployBenchServer {
  name: string;
  /** Host alias in the bench's ssh_config. */
  ssh: string;
  root: string;
  /** Health URL template (`{port}` filled per instance). */
  health: string;
}

export interface DeployBenchInstance {
  client: string;
  env: string;
  host: string;
  server: string;
  port: number;
  geventPort?: number;
}

export function writeDeployConfig(o: {
  repoConfigDir: string;
  configDir: string;
  odooBin: string;
  servers: DeployBenchServer[];
  instances: DeployBenchInstance[];
  modules: string[];
}): void {
  mkdirSync(o.configDir, { recursive: true });
  cpSync(join(o.repoConfigDir, 'base.conf'), join(o.configDir, 'base.conf'));
  cpSync(join(o.repoConfigDir, 'templates'), join(o.configDir, 'templates'), { recursive: true });
  const servers: Record<string, unknown> = {};
  for (const s of o.servers) {
    servers[s.name] = {
      ssh: s.ssh,
      root: s.root,
      cpus: 64,
      memory_mb: 262144,
      // Room for every instance's connection pool (the capacity check counts them).
      postgres: { max_connections: 10000 },
      // Stand-ins: nothing here runs systemd or blink-backup.
      commands: { restart: 'true {service}', backup: 'true {instance}', health: s.health },
    };
  }
  const clients: Record<string, { modules: string[]; environments: Record<string, unknown> }> = {};
  for (const i of o.instances) {
    const c = (clients[i.client] ??= { modules: [...o.modules], environments: {} });
    c.environments[i.env] = { host: i.host, server: i.server, branch: 'main', kind: 'test', port: i.port, ...(i.geventPort !== undefined ? { gevent_port: i.geventPort } : {}) };
  }
  const doc = {
    version: 1,
    defaults: { odoo_bin: o.odooBin, python: '/bin/sh', system_user: 'root', tls: 'none' },
    servers,
    clients,
  };
  writeFileSync(join(o.configDir, 'clients.yaml'), stringify(doc, { lineWidth: 0 }));
}
