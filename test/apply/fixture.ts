/**
 * Test servers for apply: per-server roots under a temp folder, the sample
 * instances re-homed onto them with free ports, and stand-ins for what cannot
 * run here: a recording script in place of systemctl (every restart/reload
 * is a line in commands.log) and in-process HTTP servers in place of Odoo
 * answering its health routes (test/support/odooHealth.ts): /web/health on
 * each instance's port, /websocket/health on its gevent port. The first
 * instance of each server (production) runs workers, so its gevent port is
 * checked too.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import { join } from 'node:path';
import type { Artifact } from '../../src/model/Artifact.js';
import type { Fleet, Instance, Server, ServerCommands } from '../../src/model/Fleet.js';
import { loadTemplates } from '../../src/load/loadTemplates.js';
import { renderFleet } from '../../src/render/renderFleet.js';
import { postgresSettings } from '../../src/compile/postgresSettings.js';
import { DEFAULT_COMMANDS } from '../../src/compile/defaults.js';
import { answerOdooHealth, type OdooHealthState } from '../support/odooHealth.js';
import { SAMPLE_DEPLOY, sampleInstance, type SampleSpec } from '../support/sampleFleet.js';
import { freePort } from '../support/sshd.js';

export interface TestServer {
  name: string;
  transport: 'ssh' | 'local';
  /** ssh_config alias for ssh servers. */
  ssh?: string;
}

export interface TestWorld {
  dir: string;
  fleet: Fleet;
  rootOf(server: string): string;
  /** Lines recorded by the systemctl stand-in: `<server> <verb> <service>`. */
  commands(): string[];
  clearCommands(): void;
  /** Make an instance's health stand-in answer 503 (true) or 200 (false). */
  setUnhealthy(instance: string, bad: boolean): void;
  /** Odoo's own answer when its database server is down: HTTP 500 with status fail (true), or healthy again (false). */
  setDatabaseDown(instance: string, down: boolean): void;
  /** The gevent stand-in drops the next `attempts` connections, as a gevent process still starting. */
  setGeventLate(instance: string, attempts: number): void;
  /** Every health request so far: `<instance> <path and query>`. */
  healthRequests(): string[];
  /** Called on every health request (a test may kill the apply there). */
  onHealth?: (instance: string) => void;
  render(fleet?: Fleet): Artifact[];
  stop(): Promise<void>;
}

const TEMPLATES = loadTemplates(join(process.cwd(), 'templates')).templates;

/** Two instances per server by default: `<server>-a`, `<server>-b`. */
export async function testWorld(dir: string, servers: TestServer[], perServer = 2, tls: 'none' | 'letsencrypt' = 'none'): Promise<TestWorld> {
  mkdirSync(dir, { recursive: true });
  const log = join(dir, 'commands.log');
  const record = join(dir, 'systemctl-standin.sh');
  const killpoint = join(dir, 'killpoint.sh');
  // Stand-in for systemctl/nginx reload: records the call; flag files make it slow, fail, or kill the apply.
  writeFileSync(record, `#!/bin/sh\nprintf '%s\\n' "$*" >> ${log}\n[ ! -e ${dir}/sleep-"$2" ] || sleep "$(cat ${dir}/sleep-"$2")"\n${killpoint} "$2"\n[ ! -e ${dir}/fail-"$2" ] || exit 1\n`);
  // Kills the running apply (its pid in apply.pid) once, when a test armed this point.
  writeFileSync(killpoint, `#!/bin/sh\nif [ -e ${dir}/kill-at-"$1" ]; then rm -f ${dir}/kill-at-"$1"; kill -9 "$(cat ${dir}/apply.pid)"; sleep 1; fi\nexit 0\n`);
  // Stand-in for certbot: records the call, then leaves a self-signed certificate where certbot would.
  const certbot = join(dir, 'certbot-standin.sh');
  writeFileSync(
    certbot,
    `#!/bin/sh\n${record} "$1" certbot "$3"\nd="$2/etc/letsencrypt/live/$3"; mkdir -p "$d"\nopenssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj "/CN=$3" -keyout "$d/privkey.pem" -out "$d/fullchain.pem" 2>/dev/null\n`,
  );
  chmodSync(record, 0o755);
  chmodSync(killpoint, 0o755);
  chmodSync(certbot, 0o755);
  writeFileSync(log, '');
  const states = new Map<string, OdooHealthState>();
  const requests: string[] = [];
  const http: HttpServer[] = [];
  const instances: Instance[] = [];
  const fleetServers: Server[] = [];
  let line = 10;
  for (const s of servers) {
    const root = join(dir, 'roots', s.name);
    for (const d of ['var/log/nginx', 'var/log/odoo', 'var/www/letsencrypt', 'etc/nginx/sites-enabled']) mkdirSync(join(root, d), { recursive: true });
    const commands: ServerCommands = {
      daemon_reload: `${record} ${s.name} daemon-reload`,
      enable: `${record} ${s.name} enable {service}`,
      restart: `${record} ${s.name} restart {service}`,
      disable: `${record} ${s.name} disable {service}`,
      nginx_test: 'nginx -t -c {file}',
      nginx_reload: `${record} ${s.name} reload nginx`,
      unit_verify: `${killpoint} verify && systemd-analyze verify {unit}`,
      logrotate_verify: 'logrotate -d {file}',
      certbot: `${certbot} ${s.name} ${root} {host}`,
      health: DEFAULT_COMMANDS.health,
      websocket_health: DEFAULT_COMMANDS.websocket_health,
      backup: `${record} ${s.name} backup {instance}`,
      postgres_test: `${record} ${s.name} postgres-test {file}`,
      postgres_reload: `${record} ${s.name} reload postgresql`,
      postgres_restart: `${record} ${s.name} restart postgresql`,
      fail2ban_test: 'fail2ban-client -c {dir} -t && fail2ban-regex /dev/null {dir}/filter.d/odoo-login.conf',
      fail2ban_reload: `${record} ${s.name} reload fail2ban`,
      // Roles and databases are off on these servers (postgres.databases below) unless a test starts a PostgreSQL.
      psql: DEFAULT_COMMANDS.psql,
      ufw: DEFAULT_COMMANDS.ufw,
      create_user: `${record} ${s.name} create-user {user}`,
    };
    fleetServers.push({
      name: s.name,
      transport: s.transport,
      ...(s.ssh ? { ssh: s.ssh } : {}),
      sshOptions: [],
      root,
      setOwners: true,
      cpus: 2,
      memoryMb: 4096,
      commands,
      postgres: { ...postgresSettings(undefined, 4096), databases: false },
      source: { file: 'config/clients.yaml', line: line++, column: 3 },
    });
    for (let k = 0; k < perServer; k++) {
      const env = String.fromCharCode(97 + k);
      const port = await freePort();
      const geventPort = await freePort();
      const production = k === 0;
      const spec: SampleSpec = { client: s.name, clientName: s.name, env, host: `${env}.${s.name}.test`, server: s.name, kind: production ? 'production' : 'test', port, tls, line: line++, ...(production ? { workers: 2 } : {}) };
      const inst = sampleInstance(spec, { systemUser: 'root', python: '/usr/bin/python3', geventPort });
      instances.push(inst);
      const state: OdooHealthState = {};
      states.set(inst.id, state);
      for (const [route, p] of [['web', port], ['websocket', geventPort]] as const) {
        const srv = createServer((req, res) => {
          requests.push(`${inst.id} ${req.url}`);
          world.onHealth?.(inst.id);
          answerOdooHealth(route, state, req, res);
        });
        await new Promise<void>((r) => srv.listen(p, '127.0.0.1', () => r()));
        http.push(srv);
      }
    }
  }
  const fleet: Fleet = { configLabel: 'config', servers: fleetServers, instances, deploy: { ...SAMPLE_DEPLOY } };
  const rootOf = (name: string): string => fleetServers.find((s) => s.name === name)!.root;
  const world: TestWorld = {
    dir,
    fleet,
    rootOf,
    commands: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []),
    clearCommands: () => writeFileSync(log, ''),
    setUnhealthy: (id, bad) => void (states.get(id)!.down = bad),
    setDatabaseDown: (id, down) => void (states.get(id)!.databaseDown = down),
    setGeventLate: (id, attempts) => void (states.get(id)!.geventLate = attempts),
    healthRequests: () => [...requests],
    render: (f = fleet) => renderPerServer(f),
    stop: async () => {
      await Promise.all(http.map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
  return world;
}

/** Each server rendered with its own root, so logs and webroots in vhosts point inside it. */
export function renderPerServer(fleet: Fleet): Artifact[] {
  const out: Artifact[] = [];
  for (const s of fleet.servers) {
    const one: Fleet = { ...fleet, servers: [s], instances: fleet.instances.filter((i) => i.server === s.name) };
    const r = renderFleet(one, TEMPLATES, { root: s.root });
    if (r.diagnostics.some((d) => d.severity === 'error')) throw new Error(JSON.stringify(r.diagnostics));
    out.push(...r.artifacts);
  }
  return out;
}
