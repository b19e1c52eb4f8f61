/**
 * A deploy world: a git repository made by the test (a bare "origin", a clone
 * with config/ and custom-addons/, branches main and test), one server whose
 * root is a temp folder, two instances on it following different branches,
 * and stand-ins for what cannot run here, each named as such:
 * - odoo-bin: a shell script that records its arguments (Odoo cannot be
 *   installed on these machines) and fails when told to;
 * - systemctl restart / the backup command: one recording script; the
 *   backup stand-in leaves a backup folder the way blink-backup does;
 * - Odoo's HTTP side: in-process servers answering /web/health and
 *   /websocket/health as Odoo 18 does (test/support/odooHealth.ts), or 503,
 *   a database server that is down, a gevent process still starting.
 * Any stand-in can SIGKILL the running deploy (its pid in deploy.pid) once,
 * when a test arms `kill-at-<step>`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import { dirname, join } from 'node:path';
import { deployCli, type DeployDeps } from '../../src/cli/deploy.js';
import { answerOdooHealth, type OdooHealthState } from '../support/odooHealth.js';
import { freePort } from '../support/sshd.js';
import { recordingIo } from '../support/cliIo.js';
import { tempDir } from '../support/tmp.js';

export const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Blink Test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'Blink Test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

export interface DeployWorld {
  dir: string;
  /** The operator's checkout. */
  repo: string;
  origin: string;
  root: string;
  ports: Record<string, { http: number; gevent: number }>;
  git(...args: string[]): string;
  /** Check out `branch`, write (or delete: null) files, commit, push; returns the commit. */
  commit(branch: string, files: Record<string, string | null>, message?: string): string;
  /** blink-deploy in this process, in the checkout. */
  deploy(args: string[], deps?: DeployDeps): Promise<{ code: number; out: string; err: string }>;
  /** The CLI as its own process (for SIGKILL); resolves when it exits. */
  spawnDeploy(args: string[]): { pid: number; done: Promise<{ code: number | null; out: string; err: string }> };
  /** odoo-bin stand-in calls, one line each: its arguments. */
  odooCalls(): string[];
  /** restart/backup stand-in calls: `<verb> <arg>`. */
  commands(): string[];
  clearLogs(): void;
  /** Make a stand-in fail (`odoo`, `restart`, `backup`) or an instance unhealthy (`health-<id>`: 503). */
  setFail(what: string, on: boolean): void;
  /** Odoo's answer when its database server is down: HTTP 500, status fail (until set back). */
  setDatabaseDown(instance: string, down: boolean): void;
  /** The gevent stand-in drops the next `attempts` connections, as a gevent process still starting. */
  setGeventLate(instance: string, attempts: number): void;
  /** SIGKILL the deploy when the stand-in of `step` runs (`odoo`, `restart`, `backup`, `health`). */
  killAt(step: string): void;
  current(instance: string): string | undefined;
  releaseDir(instance: string): string;
  /** A file as the instance sees it through `current`. */
  seen(instance: string, path: string): string | undefined;
  audit(): Record<string, unknown>[];
  health: string[];
  stop(): Promise<void>;
}

const ADDONS: Record<string, string> = {
  'custom-addons/acme_base/__init__.py': 'from . import models\n',
  'custom-addons/acme_base/__manifest__.py': "{'name': 'Acme base', 'version': '18.0.1.0.0', 'license': 'LGPL-3', 'depends': ['base'], 'data': ['views/base.xml']}\n",
  'custom-addons/acme_base/models/__init__.py': '# models\n',
  'custom-addons/acme_base/views/base.xml': '<odoo><data><!-- v1 --></data></odoo>\n',
  'custom-addons/acme_sale/__init__.py': '',
  'custom-addons/acme_sale/__manifest__.py': "{'name': 'Acme sale', 'version': '18.0.1.0.0', 'license': 'LGPL-3', 'depends': ['acme_base', 'sale'], 'data': []}\n",
  'custom-addons/acme_sale/README.md': 'sale tweaks\n',
  'custom-addons/acme_extra/__init__.py': '',
  'custom-addons/acme_extra/__manifest__.py': "{'name': 'Acme extra', 'version': '18.0.1.0.0', 'license': 'LGPL-3', 'depends': ['acme_base']}\n",
};

/** `root`: an existing server root to use (its owner removes it); `backupCommand`: in place of the backup stand-in. */
export async function deployWorld(o: { modules?: string[]; sshAlias?: string; sshConfig?: string; root?: string; backupCommand?: string } = {}): Promise<DeployWorld> {
  const tmp = tempDir('blink-deploy-');
  const dir = tmp.dir;
  const origin = join(dir, 'origin.git');
  const repo = join(dir, 'work');
  const root = o.root ?? join(dir, 'root');
  mkdirSync(root, { recursive: true });
  const env = { ...process.env, ...GIT_ENV };
  const git = (cwd: string, ...args: string[]): string => {
    const r = spawnSync('git', args, { cwd, env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  };
  git(dir, 'init', '-q', '--bare', '-b', 'main', origin);
  git(dir, 'clone', '-q', origin, repo);

  // Stand-ins (see the file comment).
  const log = join(dir, 'commands.log');
  const odooLog = join(dir, 'odoo.log');
  const killpoint = join(dir, 'killpoint.sh');
  writeFileSync(killpoint, `#!/bin/sh\nif [ -e ${dir}/kill-at-"$1" ]; then rm -f ${dir}/kill-at-"$1"; kill -9 "$(cat ${dir}/deploy.pid)"; sleep 1; fi\nexit 0\n`);
  const standin = join(dir, 'standin.sh');
  writeFileSync(
    standin,
    `#!/bin/sh
# Stand-in for systemctl and blink-backup (named so in the test): records the call.
printf '%s\\n' "$*" >> ${log}
${killpoint} "$1"
[ ! -e ${dir}/fail-"$1" ] || { echo "stand-in $1 told to fail" >&2; exit 1; }
if [ "$1" = backup ]; then
  n=$(ls ${root}/var/backups/odoo/"$2" 2>/dev/null | wc -l)
  d=${root}/var/backups/odoo/"$2"/20261130T0000$(printf '%02d' "$n")Z; mkdir -p "$d"; echo "instance: $2" > "$d/MANIFEST"
fi
exit 0
`,
  );
  const odooBin = join(dir, 'odoo-bin');
  writeFileSync(
    odooBin,
    `# odoo-bin stand-in (Odoo cannot run here): records its arguments, run by sh as "python".
printf '%s\\n' "$*" >> ${odooLog}
${killpoint} odoo
[ ! -e ${dir}/fail-odoo ] || { echo "odoo-bin stand-in: module update failed (told to)"; exit 1; }
exit 0
`,
  );
  for (const f of [killpoint, standin]) chmodSync(f, 0o755);

  const ports: DeployWorld['ports'] = {};
  const states: Record<string, OdooHealthState> = {};
  const health: string[] = [];
  const http: HttpServer[] = [];
  for (const id of ['acme-prod', 'acme-test']) {
    ports[id] = { http: await freePort(), gevent: await freePort() };
    const state: OdooHealthState = (states[id] = {});
    for (const which of ['http', 'gevent'] as const) {
      const srv = createServer((req, res) => {
        health.push(`${id} ${req.url}`);
        spawnSync(killpoint, ['health']);
        answerOdooHealth(which === 'http' ? 'web' : 'websocket', state, req, res);
      });
      await new Promise<void>((r) => srv.listen(ports[id]![which], '127.0.0.1', () => r()));
      http.push(srv);
    }
  }

  const modules = o.modules ?? ['acme_base', 'acme_sale'];
  const server = o.sshAlias ? `    ssh: ${o.sshAlias}\n    root: ${root}` : `    root: ${root}`;
  const clients = `version: 1
defaults:
  odoo_bin: ${odooBin}
  python: /bin/sh
  system_user: root
  tls: none
deploy:
  keep: 3
servers:
  s1:
${server}
    cpus: 2
    memory_mb: 8192
    commands:
      restart: ${standin} restart {service}
      backup: ${JSON.stringify(o.backupCommand ?? `${standin} backup {instance}`)}
clients:
  acme:
    modules: [${modules.join(', ')}]
    environments:
      prod: { host: acme.example.test, server: s1, branch: main, kind: production, port: ${ports['acme-prod']!.http}, gevent_port: ${ports['acme-prod']!.gevent}, workers: 2 }
      test: { host: acme-test.example.test, server: s1, branch: test, kind: test, port: ${ports['acme-test']!.http}, gevent_port: ${ports['acme-test']!.gevent} }
`;
  mkdirSync(join(repo, 'config'));
  cpSync(join(process.cwd(), 'config', 'base.conf'), join(repo, 'config', 'base.conf'));
  cpSync(join(process.cwd(), 'config', 'templates'), join(repo, 'config', 'templates'), { recursive: true });
  writeFileSync(join(repo, 'config', 'clients.yaml'), clients);
  writeFileSync(join(repo, '.gitignore'), 'config/.lab-server/\n');
  writeTree(repo, ADDONS);
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'fleet and addons');
  git(repo, 'push', '-q', '-u', 'origin', 'main');
  git(repo, 'checkout', '-q', '-b', 'test');
  git(repo, 'push', '-q', '-u', 'origin', 'test');
  git(repo, 'checkout', '-q', 'main');

  // blink's cache as users have it: releases are read from git objects, only what the cache lacks.
  const cliEnv = (): Record<string, string> => ({ ...(process.env as Record<string, string>), ...GIT_ENV, BLINK_CACHE_DIR: join(dir, 'blink-cache'), NO_COLOR: '1' });
  const flags = (args: string[]): string[] => [...args, '--health-interval', '50', '--health-retries', '3', ...(o.sshConfig ? ['--ssh-config', o.sshConfig] : [])];
  const rd = (id: string): string => join(root, 'opt/odoo/releases', id);
  const lines = (f: string): string[] => (existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean) : []);
  return {
    dir,
    repo,
    origin,
    root,
    ports,
    git: (...args) => git(repo, ...args),
    commit(branch, files, message = 'change') {
      git(repo, 'checkout', '-q', branch);
      writeTree(repo, files);
      git(repo, 'add', '-A');
      git(repo, 'commit', '-q', '-m', message);
      git(repo, 'push', '-q', 'origin', branch);
      const c = git(repo, 'rev-parse', 'HEAD');
      git(repo, 'checkout', '-q', 'main');
      return c;
    },
    async deploy(args, deps) {
      const io = recordingIo(repo, { env: cliEnv() });
      const code = await deployCli(flags(args), io, deps);
      return { code, out: io.out(), err: io.err() };
    },
    spawnDeploy(args) {
      // A temp folder of its own (a short path: ssh's control socket goes in it), removed once it exits:
      // a killed deploy cannot remove its ssh control folder itself.
      const tmp = tempDir('blink-k-');
      const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(process.cwd(), 'src/cli/blink-deploy.ts'), ...flags(args)], { cwd: repo, env: { ...cliEnv(), TMPDIR: tmp.dir }, stdio: ['ignore', 'pipe', 'pipe'] });
      child.on('close', () => tmp.cleanup());
      writeFileSync(join(dir, 'deploy.pid'), String(child.pid));
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => (out += c));
      child.stderr.on('data', (c: Buffer) => (err += c));
      const done = new Promise<{ code: number | null; out: string; err: string }>((r) => child.on('close', (code: number | null) => r({ code, out, err })));
      return { pid: child.pid!, done };
    },
    odooCalls: () => lines(odooLog),
    commands: () => lines(log),
    clearLogs() {
      writeFileSync(log, '');
      writeFileSync(odooLog, '');
      health.length = 0;
    },
    setFail(what, on) {
      if (what.startsWith('health-')) return void (states[what.slice(7)]!.down = on);
      const f = join(dir, `fail-${what}`);
      if (on) writeFileSync(f, '');
      else rmSync(f, { force: true });
    },
    setDatabaseDown: (id, down) => void (states[id]!.databaseDown = down),
    setGeventLate: (id, attempts) => void (states[id]!.geventLate = attempts),
    killAt: (step) => writeFileSync(join(dir, `kill-at-${step}`), ''),
    current(id) {
      try {
        return readlinkSync(join(rd(id), 'current'));
      } catch {
        return undefined;
      }
    },
    releaseDir: rd,
    seen(id, path) {
      const p = join(rd(id), 'current', path);
      return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
    },
    audit: () => lines(join(root, 'var/lib/blink/audit.log')).map((l) => JSON.parse(l)),
    health,
    async stop() {
      await Promise.all(http.map((s) => new Promise<void>((r) => s.close(() => r()))));
      tmp.cleanup();
    },
  };
}

/** A world whose two instances have had their first deployment. */
export async function deployedWorld(o: Parameters<typeof deployWorld>[0] = {}): Promise<DeployWorld> {
  const w = await deployWorld(o);
  const r = await w.deploy(['--all', '--yes']);
  if (r.code !== 0) {
    await w.stop();
    throw new Error(`the first deployment failed:\n${r.out}${r.err}`);
  }
  return w;
}

function writeTree(dir: string, files: Record<string, string | null>): void {
  for (const [rel, content] of Object.entries(files)) {
    const p = join(dir, rel);
    if (content === null) rmSync(p, { force: true });
    else {
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, content);
    }
  }
}
