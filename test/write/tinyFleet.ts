import { DEFAULT_COMMANDS } from '../../src/compile/defaults.js';
import { postgresSettings } from '../../src/compile/postgresSettings.js';
import { SAMPLE_DEPLOY, sampleInstance } from '../support/sampleFleet.js';
import type { Artifact } from '../../src/model/Artifact.js';
import type { Fleet, Instance, Server, ServerCommands } from '../../src/model/Fleet.js';

/**
 * A hand-built fleet for the write tests: two servers (one ssh, one local),
 * three instances, a few artifacts of each shape. Small on purpose, so the
 * expected fleet.json and fleet.md can be read in the test.
 */
const commands: ServerCommands = { ...DEFAULT_COMMANDS };

export function server(name: string, ssh?: string): Server {
  const s: Server = {
    name,
    transport: ssh ? 'ssh' : 'local',
    sshOptions: [],
    root: '/',
    setOwners: true,
    cpus: 2,
    memoryMb: 4096,
    commands,
    postgres: postgresSettings(undefined, 4096),
    source: { file: 'config/clients.yaml', line: 1, column: 1 },
  };
  if (ssh) s.ssh = ssh;
  return s;
}

/** One instance as compile derives it (sampleInstance), with what these tests fix: prod's backup and log retention, base.conf only, no options. */
export function instance(client: string, env: string, host: string, srv: string, port: number, over: Partial<Instance> = {}): Instance {
  const spec = { client, clientName: client, env, host, server: srv, kind: env === 'prod' ? ('production' as const) : ('test' as const), port, line: 10 };
  return sampleInstance(spec, {
    logKeepDays: 30,
    backup: { enabled: true, schedule: '0 */6 * * *', keepDays: 30, dir: '/var/backups/odoo', authKey: '${secret:backup_key}', authKeyPos: { file: 'config/clients.yaml', line: 10, column: 7 } },
    options: [],
    iniSources: ['base.conf'],
    ...over,
  });
}

export function tinyFleet(): Fleet {
  return {
    configLabel: 'config',
    servers: [server('aws-1', 'ubuntu@198.51.100.7'), server('lab')],
    instances: [
      instance('acme', 'prod', 'acme.example.com', 'aws-1', 8069),
      instance('acme', 'test', 'acme-test.example.com', 'aws-1', 8079, { db: 'acme|test' }),
      instance('zeta', 'prod', 'zeta.example.com', 'lab', 8069),
    ],
    deploy: { ...SAMPLE_DEPLOY },
  };
}

export function conf(i: Instance, extra = ''): Artifact {
  const content = `# generated\n[options]\nadmin_passwd = \${secret:admin_passwd}\ndb_name = ${i.db}\n${extra}`;
  return {
    server: i.server,
    instance: i.id,
    host: i.host,
    path: `/etc/odoo/${i.host}.conf`,
    kind: 'odoo-conf',
    content,
    mode: 0o640,
    owner: 'root:odoo',
    secretRefs: ['${secret:admin_passwd}'],
    role: 'managed',
  };
}

export function vhostLink(i: Instance): Artifact {
  return {
    server: i.server,
    instance: i.id,
    host: i.host,
    path: `/etc/nginx/sites-enabled/${i.host}`,
    kind: 'vhost-link',
    content: '',
    linkTarget: `/etc/nginx/sites-available/${i.host}`,
    mode: 0o777,
    owner: 'root:root',
    secretRefs: [],
    role: 'managed',
  };
}

export function vhost(i: Instance, role: 'managed' | 'bootstrap' = 'managed'): Artifact {
  const a: Artifact = {
    server: i.server,
    instance: i.id,
    host: i.host,
    path: `/etc/nginx/sites-available/${i.host}${role === 'bootstrap' ? '.acme' : ''}`,
    kind: 'vhost',
    content: `# ${role}\nserver { server_name ${i.host}; }\n`,
    mode: 0o644,
    owner: 'root:root',
    secretRefs: [],
    role,
  };
  if (role === 'bootstrap') a.bootstrapFor = `/etc/nginx/sites-available/${i.host}`;
  return a;
}

export function script(srv: string, name: string): Artifact {
  return {
    server: srv,
    path: `/usr/local/sbin/${name}`,
    kind: 'script',
    content: `#!/bin/sh\necho ${name}\n`,
    mode: 0o750,
    owner: 'root:odoo',
    secretRefs: [],
    role: 'managed',
  };
}

export function tinyArtifacts(fleet: Fleet = tinyFleet()): Artifact[] {
  const out: Artifact[] = [];
  for (const i of fleet.instances) out.push(conf(i), vhost(i), vhostLink(i));
  out.push(vhost(fleet.instances[0]!, 'bootstrap'));
  for (const s of fleet.servers) out.push(script(s.name, 'blink-backup'));
  return out;
}
