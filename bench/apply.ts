/**
 * Benchmark of blink-apply --diff against live servers over ssh.
 *
 *   node --import tsx bench/apply.ts [--servers 20] [--instances 50] [--runs 3] [--no-ansible] [--ansible-pipelining] [--no-runtime-dir] [--keep] [--reuse DIR] [--assert]
 *
 * `--keep` leaves the servers' folder; `--reuse DIR` starts from it again
 * (same keys, ports and roots) and skips the first, slow apply.
 *
 * Starts one real sshd per server on 127.0.0.1 (each server its own root
 * folder), seeds them with one apply, then times the compiled CLI
 * (dist/, from `npm run bench:apply`; tsx otherwise):
 *   1. `blink-apply --diff` with nothing to change (target ≤ 3 s for 1,000 instances),
 *      as a repeated run (compiled fleet and rendered files from blink's cache), as
 *      the first run after a config change (one client's port edited in clients.yaml:
 *      it is parsed and checked again, that client's server rendered again and shown
 *      with changes), and with no cache at all (a fresh clone or CI job: every server
 *      rendered). Absolute seconds swing 2–5× between machines, so each run is paired
 *      with a floor timed just before it: plain `ssh` to every server, 4 at a time,
 *      running `sha256sum` over the same managed files. Targets: ≤ 1.2 × the floor
 *      repeated, ≤ 1.5 × after a config change;
 *   2. `blink-apply --diff` with 10% of the managed files edited on the servers,
 *      then the `blink-apply --yes` that puts them back;
 *   3. on one server's slice, `ansible-playbook --check --diff` with one template
 *      task per file (odoo.conf, unit, vhost, logrotate, cron of every instance)
 *      against `blink-apply --diff --server <it>`, same run, same sshd, repeated and
 *      after a config change (target: blink ≥ 200 × faster), and with no cache. Ansible runs with Debian's defaults;
 *      `--ansible-pipelining` turns on its pipelining (fewer ssh operations a task).
 * Services are stand-ins: restarts run `true`, health checks hit one
 * in-process HTTP server answering /web/health. All sshd share this machine's
 * CPUs (and disk) with the client: what would be 20 servers' work is done here.
 * Each sshd gives its logins an XDG_RUNTIME_DIR in /dev/shm, as pam_systemd
 * gives an ssh login /run/user/UID on a systemd server: blink's session
 * folder goes there, as it would on such a server (else in TMPDIR, on disk:
 * `--no-runtime-dir` measures that case).
 */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { answerOdooHealth } from '../test/support/odooHealth.js';
import { startSshd, writeSshConfig, type Sshd } from '../test/support/sshd.js';
import { expectExit, ratioStats, timedBatch, timedChild, type RatioRun } from './lib/benchKit.js';

const repo = resolve(import.meta.dirname, '..');
const { values: opt } = parseArgs({
  options: {
    servers: { type: 'string', default: '20' },
    instances: { type: 'string', default: '50' },
    runs: { type: 'string', default: '3' },
    'no-ansible': { type: 'boolean' },
    'ansible-pipelining': { type: 'boolean' },
    'no-runtime-dir': { type: 'boolean' },
    keep: { type: 'boolean' },
    reuse: { type: 'string' },
    assert: { type: 'boolean' },
  },
});
const SERVERS = Number(opt.servers);
const PER = Number(opt.instances);
const RUNS = Number(opt.runs);
const TARGET = { noChangeS: 3, ansibleRatio: 200, repeatedRatio: 1.2, coldRatio: 1.5 };

const name = (s: number): string => `b${String(s + 1).padStart(2, '0')}`;
const work = opt.reuse ? resolve(opt.reuse) : (mkdirSync(join(repo, 'bench/.work'), { recursive: true }), mkdtempSync(join(repo, 'bench/.work/apply-')));
const sshds: Sshd[] = [];
// Each server's login runtime folder (XDG_RUNTIME_DIR), in memory as pam_systemd's /run/user/UID is on a
// systemd server: blink keeps a session's scratch files there. Named after the bench folder, so --reuse finds it.
// `--no-runtime-dir`: servers without one (sshd with UsePAM no, most containers), blink's session folder in TMPDIR.
const runtime = !opt['no-runtime-dir'] && existsSync('/dev/shm') ? join('/dev/shm', `blink-bench-${basename(work)}`) : undefined;
const health = createServer((req, res) => answerOdooHealth('web', {}, req, res));

try {
  await new Promise<void>((r) => health.listen(0, '127.0.0.1', () => r()));
  const healthPort = (health.address() as { port: number }).port;
  for (let s = 0; s < SERVERS; s++) {
    const runtimeDir = runtime ? join(runtime, name(s)) : undefined;
    if (runtimeDir) mkdirSync(runtimeDir, { recursive: true, mode: 0o700 });
    sshds.push(await startSshd(join(work, 'sshd', name(s)), { reuse: opt.reuse !== undefined, ...(runtimeDir ? { runtimeDir } : {}) }));
  }
  const knownHosts = join(work, 'known_hosts');
  writeFileSync(knownHosts, sshds.map((d) => d.knownHostsLine).join('\n') + '\n');
  const sshConfig = join(work, 'ssh_config');
  writeSshConfig(sshConfig, knownHosts, sshds.map((d, s) => ({ alias: `bench-${name(s)}`, sshd: d })));
  const config = writeConfig(healthPort);
  // blink's cache, kept in the bench folder (the "no cache at all" figures empty it).
  const cache = join(work, 'blink-cache');
  const env = { ...secretEnv(), BLINK_CACHE_DIR: cache };
  const cli = (...args: string[]) => timed(['--config', config, '--addons', join(repo, 'custom-addons'), '--ssh-config', sshConfig, '--no-color', ...args], env);

  const seed = await cli('--yes', '--parallel', '8');
  if (seed.code !== 0) throw new Error(`seeding failed (exit ${seed.code}):\n${seed.stderr.slice(-3000)}\n${seed.stdout.slice(-3000)}`);
  console.log(`${opt.reuse ? 'converged' : 'seeded'} ${SERVERS} servers × ${PER} instances in ${seed.s.toFixed(1)} s (first apply, --parallel 8)`);

  // The floor: what a hand-written check of the same files costs on this machine, right now.
  const floorJobs = Array.from({ length: SERVERS }, (_, s) => {
    const files = managedFiles(s).map((p) => `'${rootOf(s)}${p}'`);
    return () => timedChild('ssh', ['-F', sshConfig, `bench-${name(s)}`, `sha256sum -- ${files.join(' ')} > /dev/null`]);
  });
  const floor = async (): Promise<number> => {
    const f = await timedBatch(floorJobs, 4);
    for (const r of f.results) expectExit(r, 0, 'floor: ssh + sha256sum');
    return f.s;
  };
  const repeated: RatioRun[] = [];
  const edited: RatioRun[] = [];
  const cold: RatioRun[] = [];
  for (let r = 0; r < RUNS; r++) {
    repeated.push({ floor: await floor(), blink: await expect(cli('--diff'), 0) });
    // The first run after a config change: one client's port edited in clients.yaml, so
    // clients.yaml is parsed and checked again and that client's server has changes to show.
    editClient(true);
    edited.push({ floor: await floor(), blink: await expect(cli('--diff'), 2) });
    editClient(false);
    await expect(cli('--diff'), 0);
    // No cache at all (a fresh clone, a CI job).
    rmSync(cache, { recursive: true, force: true });
    cold.push({ floor: await floor(), blink: await expect(cli('--diff'), 0) });
  }
  const rep = ratioStats(repeated);
  const edi = ratioStats(edited);
  const col = ratioStats(cold);
  const noChange = rep.blinkMedian;
  const noChangeAll = await median(RUNS, () => expect(cli('--diff', '--parallel', String(SERVERS)), 0));
  const noChangeFour = await median(RUNS, () => expect(cli('--diff', '--parallel', '4'), 0));
  const files = editTenPercent();
  const tenPercent = await median(RUNS, () => expect(cli('--diff'), 2));
  const applyTen = await expect(cli('--yes'), 0);

  console.log(`\nblink-apply --diff, ${SERVERS * PER} instances on ${SERVERS} servers (median of ${RUNS}; by default 8 servers read at once, the next 8 connected to meanwhile):`);
  console.log(`  nothing to change                ${noChange.toFixed(2)} s   (target ≤ ${TARGET.noChangeS} s)`);
  console.log(`    / floor, run by run: median ${rep.median.toFixed(2)}× (min ${rep.min.toFixed(2)}×, max ${rep.max.toFixed(2)}×; floor median ${rep.floorMedian.toFixed(2)} s)   (target ≤ ${TARGET.repeatedRatio}×)`);
  console.log(`  first run after a config change  ${edi.blinkMedian.toFixed(2)} s   (one client's port edited in clients.yaml: parsed and checked again, its server re-rendered, 1 server with changes)`);
  console.log(`    / floor, run by run: median ${edi.median.toFixed(2)}× (min ${edi.min.toFixed(2)}×, max ${edi.max.toFixed(2)}×; floor median ${edi.floorMedian.toFixed(2)} s)   (target ≤ ${TARGET.coldRatio}×)`);
  console.log(`  no cache at all (fresh clone, CI) ${col.blinkMedian.toFixed(2)} s   (every server rendered, nothing connected early)`);
  console.log(`    / floor, run by run: median ${col.median.toFixed(2)}× (min ${col.min.toFixed(2)}×, max ${col.max.toFixed(2)}×; floor median ${col.floorMedian.toFixed(2)} s)`);
  console.log(`  floor: ssh -F cfg <server> 'sha256sum <its managed files>', ${SERVERS} servers, 4 at a time, timed before each blink run`);
  console.log(`  servers' login runtime folder (XDG_RUNTIME_DIR, blink's session folders): ${runtime ? `${runtime}/<server> (tmpfs)` : 'none (TMPDIR, on disk)'}`);
  console.log(`  same, --parallel ${SERVERS}              ${noChangeAll.toFixed(2)} s`);
  console.log(`  same, --parallel 4               ${noChangeFour.toFixed(2)} s   (4 read at once, as the floor runs 4; 4 more being connected to)`);
  console.log(`  10% of files changed             ${tenPercent.toFixed(2)} s   (${files} files edited on the servers)`);
  console.log(`  blink-apply --yes putting them back   ${applyTen.toFixed(2)} s   (lock, stage, validate, swap, restarts, health checks; one run)`);

  let ratio: number | undefined;
  let ratioEdited: number | undefined;
  if (!opt['no-ansible']) {
    const slice = name(0);
    const blink = await median(RUNS, () => expect(cli('--diff', '--server', slice), 0));
    const blinkEdited = await median(RUNS, async () => {
      editClient(true);
      const s = await expect(cli('--diff', '--server', slice), 2);
      editClient(false);
      await expect(cli('--diff', '--server', slice), 0);
      return s;
    });
    const blinkCold = await median(RUNS, () => (rmSync(cache, { recursive: true, force: true }), expect(cli('--diff', '--server', slice), 0)));
    const ansible = runAnsible(slice, sshConfig);
    ratio = ansible.s / blink;
    console.log(`\nslice: ${slice}, ${PER} instances, ${ansible.files} files:`);
    console.log(`  ansible-playbook --check --diff                ${ansible.s.toFixed(2)} s  (${ansible.changed} changed; pipelining ${opt['ansible-pipelining'] ? 'on' : 'off'})`);
    console.log(`  blink-apply --diff --server                    ${blink.toFixed(2)} s  → ${ratio.toFixed(0)} × faster  (target ≥ ${TARGET.ansibleRatio} ×)`);
    console.log(`  same, first run after a config change          ${blinkEdited.toFixed(2)} s  → ${(ansible.s / blinkEdited).toFixed(0)} × faster  (target ≥ ${TARGET.ansibleRatio} ×; the whole clients.yaml parsed and checked)`);
    console.log(`  same, no cache at all                          ${blinkCold.toFixed(2)} s  → ${(ansible.s / blinkCold).toFixed(0)} × faster`);
    ratioEdited = ansible.s / blinkEdited;
  }
  if (opt.assert && (noChange > TARGET.noChangeS || rep.median > TARGET.repeatedRatio || edi.median > TARGET.coldRatio || (ratio !== undefined && ratio < TARGET.ansibleRatio) || (ratioEdited !== undefined && ratioEdited < TARGET.ansibleRatio))) process.exitCode = 1;
} finally {
  await Promise.all(sshds.map((d) => d.stop()));
  await new Promise<void>((r) => health.close(() => r()));
  if (!opt.keep && !opt.reuse) {
    rmSync(work, { recursive: true, force: true });
    if (runtime) rmSync(runtime, { recursive: true, force: true });
  }
  else console.log(`kept ${work}`);
}

function rootOf(s: number): string {
  return join(work, 'roots', name(s));
}

/** clients.yaml: SERVERS ssh servers with their own roots and stand-in commands, PER production instances each. */
function writeConfig(healthPort: number): string {
  const dir = join(work, 'config');
  mkdirSync(join(dir, 'templates'), { recursive: true });
  writeFileSync(join(dir, 'base.conf'), readFileSync(join(repo, 'config/base.conf')));
  for (const k of ['production', 'test']) writeFileSync(join(dir, `templates/${k}.template.conf`), readFileSync(join(repo, `config/templates/${k}.template.conf`)));
  const servers: Record<string, unknown> = {};
  const clients: Record<string, unknown> = {};
  for (let s = 0; s < SERVERS; s++) {
    mkdirSync(join(rootOf(s), 'var/log/nginx'), { recursive: true });
    // A stand-in for psql: every role and database already there, in the answer of blink's one query (no PostgreSQL runs here).
    const dbs = Array.from({ length: PER }, (_, i) => ({ name: `c${String(s * PER + i + 1).padStart(4, '0')}-prod`, owner: 'odoo', encoding: 'UTF8', collate: 'C', ctype: 'C.UTF-8' }));
    const answer = join(work, `psql-${name(s)}.txt`);
    writeFileSync(answer, `blink-pg ${JSON.stringify({ roles: [{ name: 'odoo', login: true, createdb: true, superuser: false }], databases: dbs })}\n`);
    servers[name(s)] = {
      ssh: `bench-${name(s)}`,
      root: rootOf(s),
      cpus: 64,
      memory_mb: 262144,
      // Room for every instance's connection pool (the capacity check counts them); no fail2ban here.
      postgres: { max_connections: 10000 },
      fail2ban: { enabled: false },
      // ufw is not installed here: read (and said) on every diff, never applied.
      firewall: { enabled: true },
      // Stand-ins: nothing here runs systemd or PostgreSQL, and one HTTP server answers every health check.
      commands: { psql: `cat > /dev/null; cat ${answer}`, ufw: 'ufw-not-installed', daemon_reload: 'true', enable: 'true {service}', restart: 'true {service}', disable: 'true {service}', nginx_reload: 'true', postgres_test: 'true {file}', postgres_reload: 'true', postgres_restart: 'true', backup: 'true {instance}', health: `http://127.0.0.1:${healthPort}/web/health?port={port}&db_server_status=1` },
    };
    for (let i = 0; i < PER; i++) {
      const c = `c${String(s * PER + i + 1).padStart(4, '0')}`;
      clients[c] = { environments: { prod: { host: `${c}.bench.test`, server: name(s), branch: 'main', kind: 'production', port: 20000 + i * 4 } } };
    }
  }
  const doc = { version: 1, defaults: { system_user: 'root', python: '/usr/bin/python3', tls: 'none' }, servers, clients };
  // No line folding: a long psql stand-in path would otherwise continue on a second line, which
  // blink's fast YAML reader leaves to the slower library, and the figures would depend on where the repository is.
  writeFileSync(join(dir, 'clients.yaml'), stringify(doc, { lineWidth: 0 }));
  return dir;
}

function secretEnv(): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/root' };
  for (let n = 1; n <= SERVERS * PER; n++) {
    env[`BLINK_SECRET_C${String(n).padStart(4, '0')}_PROD_ADMIN_PASSWD`] = `fake-bench-admin-password-${n}`;
    env[`BLINK_SECRET_C${String(n).padStart(4, '0')}_PROD_BACKUP_KEY`] = `fake-bench-backup-key-of-instance-${n}`;
  }
  // Each server's configuration backup key (config_backup.auth_key's default).
  for (let s = 0; s < SERVERS; s++) env[`BLINK_CONFIG_BACKUP_KEY_${name(s).toUpperCase().replace(/[^A-Z0-9]/g, '_')}`] = `fake-bench-config-backup-key-of-server-${s}-0123456789`;
  return env;
}

/** The regular files blink manages on server s (server paths), from its manifest. */
function managedFiles(s: number): string[] {
  const manifest = JSON.parse(readFileSync(join(rootOf(s), 'var/lib/blink/manifest.json'), 'utf8')) as { files: Record<string, { linkTarget?: string }> };
  return Object.entries(manifest.files)
    .filter(([, e]) => e.linkTarget === undefined)
    .map(([p]) => p);
}

/** An operator's edit of clients.yaml: the first client's port moved (edit) or put back (!edit). */
function editClient(edit: boolean): void {
  const file = join(work, 'config', 'clients.yaml');
  const [from, to] = edit ? ['port: 20000\n', `port: ${20000 + PER * 4 + 8}\n`] : [`port: ${20000 + PER * 4 + 8}\n`, 'port: 20000\n'];
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`clients.yaml: no "${from.trim()}" to edit`);
  writeFileSync(file, text.replace(from, to));
}

/** Append a line to every tenth managed file, as a hand edit would. */
function editTenPercent(): number {
  let n = 0;
  for (let s = 0; s < SERVERS; s++) {
    const manifest = JSON.parse(readFileSync(join(rootOf(s), 'var/lib/blink/manifest.json'), 'utf8')) as { files: Record<string, { linkTarget?: string }> };
    Object.entries(manifest.files)
      .filter(([, e]) => e.linkTarget === undefined)
      .forEach(([p], i) => i % 10 === 0 && (appendFileSync(join(rootOf(s), p), '# bench edit\n'), n++));
  }
  return n;
}

interface Timed {
  code: number;
  s: number;
  stdout: string;
  stderr: string;
}

/** Async on purpose: the health stand-in lives in this process and must keep answering. */
function timed(args: string[], env: Record<string, string>): Promise<Timed> {
  const bin = existsSync(join(repo, 'dist/cli/blink-apply.js')) ? [join(repo, 'dist/cli/blink-apply.js')] : ['--import', 'tsx', join(repo, 'src/cli/blink-apply.ts')];
  const t = process.hrtime.bigint();
  const child = spawn(process.execPath, [...bin, ...args], { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((r) => child.on('close', (code) => r({ code: code ?? -1, s: Number(process.hrtime.bigint() - t) / 1e9, stdout, stderr })));
}

async function expect(p: Promise<Timed>, code: number): Promise<number> {
  const r = await p;
  if (r.code !== code) throw new Error(`expected exit ${code}, got ${r.code}:\n${r.stderr.slice(-2000)}\n${r.stdout.slice(-2000)}`);
  return r.s;
}

async function median(n: number, f: () => Promise<number>): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) xs.push(await f());
  xs.sort((a, b) => a - b);
  return xs[Math.floor(xs.length / 2)]!;
}

/** One template task per file of the slice, sources taken from what blink installed, so nothing differs. */
function runAnsible(server: string, sshConfig: string): { s: number; files: number; changed: number } {
  const dir = join(work, 'ansible');
  mkdirSync(join(dir, 'templates'), { recursive: true });
  const root = join(work, 'roots', server);
  const manifest = JSON.parse(readFileSync(join(root, 'var/lib/blink/manifest.json'), 'utf8')) as { files: Record<string, { kind: string; mode: number; owner: string }> };
  const tasks: string[] = [];
  let k = 0;
  for (const [path, e] of Object.entries(manifest.files)) {
    if (!['odoo-conf', 'unit', 'vhost', 'logrotate', 'cron'].includes(e.kind)) continue;
    const src = join(dir, 'templates', `${k}.j2`);
    writeFileSync(src, '{% raw %}' + readFileSync(join(root, path), 'utf8') + '{% endraw %}');
    const [user, group] = e.owner.split(':');
    tasks.push(`    - name: ${path}\n      ansible.builtin.template: { src: ${src}, dest: ${join(root, path)}, mode: '0${e.mode.toString(8)}', owner: ${user}, group: ${group} }`);
    k++;
  }
  writeFileSync(join(dir, 'play.yml'), `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks.join('\n')}\n`);
  writeFileSync(join(dir, 'inventory.ini'), `${server} ansible_host=bench-${server} ansible_python_interpreter=/usr/bin/python3 ansible_ssh_common_args='-F ${sshConfig}'\n`);
  const t = process.hrtime.bigint();
  const r = spawnSync('ansible-playbook', ['-i', join(dir, 'inventory.ini'), join(dir, 'play.yml'), '--check', '--diff'], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: { ...process.env, ANSIBLE_PIPELINING: opt['ansible-pipelining'] ? 'True' : 'False', ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCAL_TEMP: join(dir, 'tmp') },
  });
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== 0) throw new Error(`ansible-playbook failed (exit ${r.status}):\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-2000)}`);
  const changed = Number(/changed=(\d+)/.exec(r.stdout)?.[1] ?? -1);
  return { s, files: k, changed };
}

