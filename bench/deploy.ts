/**
 * Benchmark of blink-deploy against real sshd on 127.0.0.1.
 *
 *   npm run bench:deploy [-- --runs 5] [--only upload|status] [--instances 50]
 *                        [--status-servers 20] [--status-instances 50] [--profile] [--keep] [--hold]
 *
 * Prints figures, asserts nothing. Absolute seconds swing 2–5× on a shared
 * machine, so each figure is a ratio to a floor timed in the same run, runs
 * interleaved (floor, blink, floor, blink…); median of --runs, with min/max.
 * Everything is timed as a child process (the compiled CLI in dist/).
 *
 *   1. Upload size and one-instance deploy. A synthetic custom-addons tree
 *      (40 Odoo 18 modules × 50 files, ~30 MB, seeded content) in a git repo
 *      made here (bare origin + clone, branch main); one sshd, one server with
 *      50 `test` instances (no backup) following main; odoo-bin is a script
 *      that exits 0 run by /bin/sh, restart and backup are `true`, each
 *      instance's port answers /web/health from an HTTP server in this
 *      process. Seeded with `--all --yes`. Each run commits a change of one
 *      Python file (a few KB) and pushes, then times
 *        floor: ssh true; tar of that one file | ssh 'tar -x'
 *        blink: blink-deploy --host <one instance> --yes --no-fetch
 *      One extra run with --json gives the bytes blink counts as sent and the
 *      instance's own seconds; it and one floor go through a relay that
 *      counts the bytes really on the wire. `--diff` and `--help` runs say
 *      where the rest of the time goes.
 *   2. `blink-deploy --status --all --no-fetch` for 1,000 instances on 20
 *      sshd (50 each). One instance is deployed for real; its release folder
 *      (tree, record, file list, state, current) is then laid out for the
 *      999 others with their own names, exactly as blink writes it, and the
 *      status output is checked once to read every instance back. Floor:
 *      plain ssh to every server, 4 at a time, each running cat of every
 *      instance's state.json and readlink of its current.
 *
 * `--hold` keeps figure 1's world (sshd, health ports) up after its figures
 * and prints the command that deploys one instance, for timing by hand;
 * Ctrl-C ends it.
 *
 * `--profile` adds one CPU profile (node --cpu-prof) of a deploy and of a
 * status run and prints their top self-time functions.
 */
import {
  cpSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, startSshd, writeSshConfig, type Sshd } from '../test/support/sshd.js';
import { writeDeployConfig, type DeployBenchInstance, type DeployBenchServer } from './lib/deployFleetConfig.js';
import {
  closeAll,
  countingRelay,
  expectExit,
  git,
  GIT_ENV,
  healthServers,
  median,
  ratioStats,
  timedBatch,
  timedChild,
  type CountingRelay,
  type RatioRun,
  type RatioStats,
  type Timed,
} from './lib/benchKit.js';
import { changedPython, writeSyntheticAddons, type AddonsTree } from './lib/syntheticAddons.js';

const repoDir = resolve(import.meta.dirname, '..');
const { values: opt } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    only: { type: 'string' },
    instances: { type: 'string', default: '50' },
    'status-servers': { type: 'string', default: '20' },
    'status-instances': { type: 'string', default: '50' },
    profile: { type: 'boolean' },
    keep: { type: 'boolean' },
    hold: { type: 'boolean' },
  },
});
const RUNS = Number(opt.runs);
const INSTANCES = Number(opt.instances);
const ST_SERVERS = Number(opt['status-servers']);
const ST_PER = Number(opt['status-instances']);
for (const [k, v] of Object.entries({ runs: RUNS, instances: INSTANCES, 'status-servers': ST_SERVERS, 'status-instances': ST_PER })) {
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${k} wants a positive whole number`);
}
if (opt.only !== undefined && opt.only !== 'upload' && opt.only !== 'status') throw new Error('--only wants upload or status');
const TARGET = { uploadPercent: 1, deployRatio: 1.5, statusRatio: 1.5 };
const TREE = { modules: 40, filesPerModule: 50, totalBytes: 30_000_000 };

const BIN = join(repoDir, 'dist/cli/blink-deploy.js');
if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run npm run bench:deploy (it builds first)`);

const work = mkdtempSync(join(tmpdir(), 'blink-bench-deploy-'));
const sshds: Sshd[] = [];
const servers: HttpServer[] = [];
const relays: CountingRelay[] = [];
let cleaned = false;
async function cleanup(): Promise<void> {
  if (cleaned) return;
  cleaned = true;
  await Promise.all(sshds.map((d) => d.stop()));
  await closeAll(servers);
  await Promise.all(relays.map((r) => r.close()));
  if (opt.keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => void cleanup().finally(() => process.exit(130)));

const out = (s = ''): void => console.log(s);
const fmtS = (s: number): string => `${s.toFixed(2)} s`;
const fmtX = (x: number): string => `${x.toFixed(2)}×`;
const fmtB = (n: number): string => (n < 1024 ? `${n} B` : n < 1 << 20 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / (1 << 20)).toFixed(2)} MiB`);
const targets: string[] = [];

try {
  out(`blink-deploy benchmark: ${RUNS} run${RUNS === 1 ? '' : 's'} per figure, floor and blink interleaved; ratios are blink / floor of the same run`);
  out(`work folder ${work}; node ${process.version}`);
  if (opt.only !== 'status') await uploadFigure();
  if (opt.only !== 'upload') await statusFigure();
  out('\n== targets ==');
  for (const t of targets) out(t);
} finally {
  await cleanup();
}

// ---------------------------------------------------------------- figure 1

async function uploadFigure(): Promise<void> {
  const dir = join(work, 'upload');
  const root = join(dir, 'root');
  mkdirSync(root, { recursive: true });
  const sshd = await startSshd(join(dir, 'sshd'));
  sshds.push(sshd);
  const alias = 'deploy-one';
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, sshd.knownHostsLine + '\n');
  const sshConfig = join(dir, 'ssh_config');
  writeSshConfig(sshConfig, knownHosts, [{ alias, sshd }]);

  // Health: one HTTP server per instance port (bound to port 0, so no race with other listeners).
  const health = await healthServers(Array.from({ length: INSTANCES }, () => 0));
  servers.push(...health);
  const httpPorts = health.map((h) => (h.address() as { port: number }).port);
  const used = new Set(httpPorts);
  const geventPorts: number[] = [];
  while (geventPorts.length < INSTANCES) {
    const p = await freePort();
    if (!used.has(p)) used.add(p), geventPorts.push(p);
  }
  const instances: DeployBenchInstance[] = httpPorts.map((port, i) => {
    const c = `c${String(i + 1).padStart(2, '0')}`;
    return { client: c, env: 'test', host: `${c}.deploy.test`, server: 's1', port, geventPort: geventPorts[i]! };
  });
  const target = instances[0]!;
  const targetId = `${target.client}-${target.env}`;

  const odooBin = join(dir, 'odoo-bin');
  writeFileSync(odooBin, '# odoo-bin stand-in (Odoo cannot run here), run by /bin/sh as "python"\nexit 0\n');

  const t0 = process.hrtime.bigint();
  const { clone, tree } = makeRepo(dir, TREE, (configDir, modules) =>
    writeDeployConfig({
      repoConfigDir: join(repoDir, 'config'),
      configDir,
      odooBin,
      servers: [{ name: 's1', ssh: alias, root, health: 'http://127.0.0.1:{port}/web/health?db_server_status=1' }],
      instances,
      modules,
    }),
  );
  const addons = join(clone, 'custom-addons');
  out(`\n== 1. one-instance deploy after a one-file change ==`);
  out(`tree: ${tree.files} files, ${tree.bytes.toLocaleString('en')} bytes in ${tree.modules.length} modules (made and committed in ${secondsSince(t0)})`);

  const cache = join(dir, 'blink-cache');
  const env = childEnv(cache);
  const blink = (args: string[], o: { sshConfig?: string; nodeArgs?: string[] } = {}): Promise<Timed> =>
    timedChild(process.execPath, [...(o.nodeArgs ?? []), BIN, ...args, '--ssh-config', o.sshConfig ?? sshConfig, '--no-color'], { cwd: clone, env });

  const seed = expectExit(await blink(['--all', '--yes', '--no-fetch', '--json']), 0, 'seeding: blink-deploy --all --yes');
  const seeded = (JSON.parse(seed.stdout) as DeployJson).instances.filter((i) => i.result === 'deployed').length;
  if (seeded !== INSTANCES) throw new Error(`seeding deployed ${seeded} of ${INSTANCES} instances:\n${seed.stdout.slice(-3000)}`);
  out(`seeded: ${INSTANCES} instances on 1 server (ssh to 127.0.0.1), blink-deploy --all --yes in ${fmtS(seed.s)}`);

  const floorDir = join(dir, 'floor-extract');
  mkdirSync(floorDir);
  const floor = (config = sshConfig): Promise<Timed> =>
    timedChild('sh', ['-c', `ssh -F "$1" "$2" true && tar -C "$3" -cf - "$4" | ssh -F "$1" "$2" "tar -xf - -C '$5'"`, 'floor', config, alias, addons, tree.changeTarget, floorDir], { env });
  let change = 0;
  const commitChange = (): string => {
    change++;
    writeFileSync(join(addons, tree.changeTarget), changedPython(tree, change));
    git(clone, 'commit', '-q', '-am', `bench change ${change}`);
    git(clone, 'push', '-q', 'origin', 'main');
    return git(clone, 'rev-parse', 'HEAD');
  };
  const releaseDir = join(root, 'opt/odoo/releases', targetId);
  const changedBytes = Buffer.byteLength(changedPython(tree, 1));

  out(`each run: commit + push a change of ${tree.changeTarget} (${fmtB(changedBytes)}), then`);
  out(`  floor: ssh -F cfg ${alias} true; tar -C custom-addons -cf - <that file> | ssh -F cfg ${alias} 'tar -xf - -C <tmp>'`);
  out(`  blink: blink-deploy --host ${target.host} --yes --no-fetch  (BLINK_CACHE_DIR kept across runs)`);
  const runs: RatioRun[] = [];
  let cacheHits = 0;
  out(`  run   floor      blink      blink/floor   fleet cache`);
  for (let r = 0; r < RUNS; r++) {
    const commit = commitChange();
    const f = expectExit(await floor(), 0, 'floor');
    const before = cacheStamp(cache);
    const b = expectExit(await blink(['--host', target.host, '--yes', '--no-fetch']), 0, 'blink-deploy --host');
    const hit = cacheStamp(cache) === before && before !== '';
    if (hit) cacheHits++;
    const now = readlinkSync(join(releaseDir, 'current'));
    if (now !== commit) throw new Error(`after the run, ${targetId} runs ${now}, not ${commit}:\n${b.stdout.slice(-2000)}`);
    runs.push({ floor: f.s, blink: b.s });
    out(`  ${String(r + 1).padEnd(4)}  ${fmtS(f.s).padEnd(9)}  ${fmtS(b.s).padEnd(9)}  ${fmtX(b.s / f.s).padEnd(12)}  ${hit ? 'hit' : 'miss (recompiled)'}`);
  }
  const st = ratioStats(runs);
  printStats('blink-deploy / floor', st);
  if (cacheHits < RUNS) out(`  note: the compiled-fleet cache missed in ${RUNS - cacheHits} of ${RUNS} runs (a change to clients.yaml, a manifest or the addons' file names recompiles it)`);

  // The extra runs: bytes (blink's count and the wire), then where the time goes.
  const relay = await countingRelay(sshd.port);
  relays.push(relay);
  const countedHosts = join(dir, 'known_hosts_counted');
  writeFileSync(countedHosts, sshd.knownHostsLine.replace(/^\[127\.0\.0\.1\]:\d+/, `[127.0.0.1]:${relay.port}`) + '\n');
  const countedConfig = join(dir, 'ssh_config_counted');
  writeSshConfig(countedConfig, countedHosts, [{ alias, sshd: { port: relay.port, identity: sshd.identity } }]);
  commitChange();
  relay.reset();
  const j = expectExit(await blink(['--host', target.host, '--yes', '--no-fetch', '--json'], { sshConfig: countedConfig }), 0, 'blink-deploy --json');
  const blinkWire = relay.sent;
  const blinkWireBack = relay.received;
  relay.reset();
  expectExit(await floor(countedConfig), 0, 'floor through the relay');
  const floorWire = relay.sent;
  const report = JSON.parse(j.stdout) as DeployJson;
  const inst = report.instances.find((i) => i.host === target.host);
  const up = inst?.uploaded;
  const planUp = report.plans?.find((p) => p.instance === targetId)?.upload;
  const sentBytes = up?.bytes ?? planUp?.bytes;
  const totalBytes = up?.totalBytes ?? up?.total_bytes ?? planUp?.total_bytes ?? tree.bytes;
  if (sentBytes === undefined) throw new Error(`no uploaded.bytes in the --json output:\n${j.stdout.slice(0, 3000)}`);
  const pct = (100 * sentBytes) / totalBytes;
  out(`\nbytes (one extra run with --json):`);
  out(`  uploaded: ${up?.files ?? planUp?.files} file(s), ${sentBytes.toLocaleString('en')} bytes; linked ${up?.linked ?? planUp?.linked} from the running release; tree ${totalBytes.toLocaleString('en')} bytes`);
  out(`  bytes sent / tree bytes: ${pct.toFixed(3)} %   (target ≤ ${TARGET.uploadPercent} %)`);
  out(`  on the wire, client → server, counted by a TCP relay in front of sshd (ssh encryption and framing included):`);
  out(`    blink-deploy run: ${blinkWire.toLocaleString('en')} bytes = ${((100 * blinkWire) / totalBytes).toFixed(3)} % of the tree (server → client ${blinkWireBack.toLocaleString('en')})`);
  out(`    floor:            ${floorWire.toLocaleString('en')} bytes (two ssh connections, one tar of the file)`);
  targets.push(`bytes sent / tree bytes: ${pct.toFixed(3)} % (target ≤ ${TARGET.uploadPercent} %: ${pct <= TARGET.uploadPercent ? 'met' : 'not met'})`);
  // The stricter reading: everything ssh carried to the server for the whole run, framing and encryption included.
  const wirePct = (100 * blinkWire) / totalBytes;
  targets.push(`bytes on the wire to the server / tree bytes: ${wirePct.toFixed(3)} % (target ≤ ${TARGET.uploadPercent} %: ${wirePct <= TARGET.uploadPercent ? 'met' : 'not met'})`);
  targets.push(`one-instance deploy / floor: ${fmtX(st.median)} (target ≤ ${fmtX(TARGET.deployRatio)}: ${st.median <= TARGET.deployRatio ? 'met' : 'not met'})`);

  // Where the time goes: node start-up (--help loads the whole CLI), the --diff
  // part (fleet compile, git, archive, release checks, ssh connect, read state,
  // plan), the deploy steps (the rest), and the instance's own seconds.
  const helps: number[] = [];
  for (let r = 0; r < Math.max(3, RUNS); r++) helps.push(expectExit(await blink(['--help']), 0, 'blink-deploy --help').s);
  commitChange();
  const diff = expectExit(await blink(['--host', target.host, '--diff', '--no-fetch']), 2, 'blink-deploy --diff');
  const stamp = cacheStamp(cache);
  const full = expectExit(await blink(['--host', target.host, '--yes', '--no-fetch', '--json']), 0, 'blink-deploy (after --diff)');
  const fullHit = stamp !== '' && cacheStamp(cache) === stamp;
  const instSeconds = (JSON.parse(full.stdout) as DeployJson).instances[0]?.seconds;
  const help = median(helps);
  out(`\nwhere the time goes (single runs on the next commit, except start-up: median of ${helps.length}):`);
  out(`  node start-up, CLI loaded (--help)                          ${fmtS(help)}`);
  out(`  --diff on the new commit (+ compile, git, archive,          ${fmtS(diff.s)}  (${fmtS(diff.s - help)} after start-up)`);
  out(`    release checks, ssh connect, read, plan; fleet cache miss)`);
  out(`  the deploy (--yes run right after; fleet cache ${fullHit ? 'hit' : 'miss'})               ${fmtS(full.s)}`);
  out(`    instance seconds in its --json (journal → finish)          ${instSeconds === undefined ? '?' : fmtS(instSeconds)}`);
  out(`  floor median, for scale                                     ${fmtS(st.floorMedian)}`);
  out(`  (the extra --json run above: instance seconds ${inst?.seconds ?? '?'}, wall ${fmtS(j.s)})`);

  if (opt.hold) {
    out(`\nholding figure 1's world; in ${clone}, after a commit:`);
    out(`  env BLINK_CACHE_DIR=${cache} ${process.execPath} ${BIN} --host ${target.host} --yes --no-fetch --ssh-config ${sshConfig}`);
    out(`  floor: ssh -F ${sshConfig} ${alias} true`);
    out('Ctrl-C ends it.');
    await new Promise(() => {});
  }
  if (opt.profile) {
    commitChange();
    const profDir = join(dir, 'profile');
    expectExit(await blink(['--host', target.host, '--yes', '--no-fetch'], { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`] }), 0, 'blink-deploy --cpu-prof');
    printProfile('blink-deploy --host (one change)', profDir);
  }
}

// ---------------------------------------------------------------- figure 2

async function statusFigure(): Promise<void> {
  const dir = join(work, 'status');
  const name = (s: number): string => `st${String(s + 1).padStart(2, '0')}`;
  const rootOf = (s: number): string => join(dir, 'roots', name(s));
  const t0 = process.hrtime.bigint();
  const mine: Sshd[] = [];
  for (let s = 0; s < ST_SERVERS; s++) {
    const d = await startSshd(join(dir, 'sshd', name(s)));
    sshds.push(d);
    mine.push(d);
    mkdirSync(rootOf(s), { recursive: true });
  }
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, mine.map((d) => d.knownHostsLine).join('\n') + '\n');
  const sshConfig = join(dir, 'ssh_config');
  writeSshConfig(sshConfig, knownHosts, mine.map((d, s) => ({ alias: `status-${name(s)}`, sshd: d })));
  // Only the one real deploy of the seed checks health: one server answers for every port.
  const [health] = await healthServers([0]);
  servers.push(health!);
  const hp = (health!.address() as { port: number }).port;
  const fleetServers: DeployBenchServer[] = mine.map((_, s) => ({ name: name(s), ssh: `status-${name(s)}`, root: rootOf(s), health: `http://127.0.0.1:${hp}/web/health?port={port}&db_server_status=1` }));
  const instances: DeployBenchInstance[] = [];
  for (let s = 0; s < ST_SERVERS; s++) {
    for (let i = 0; i < ST_PER; i++) {
      const c = `k${String(s * ST_PER + i + 1).padStart(4, '0')}`;
      instances.push({ client: c, env: 'test', host: `${c}.status.test`, server: name(s), port: 20000 + i * 4 });
    }
  }
  const ids = instances.map((i) => `${i.client}-${i.env}`);
  const odooBin = join(dir, 'odoo-bin');
  writeFileSync(odooBin, '# odoo-bin stand-in (Odoo cannot run here), run by /bin/sh as "python"\nexit 0\n');
  const { clone, tree } = makeRepo(dir, { modules: 2, filesPerModule: 31, totalBytes: 200_000 }, (configDir, modules) =>
    writeDeployConfig({ repoConfigDir: join(repoDir, 'config'), configDir, odooBin, servers: fleetServers, instances, modules }),
  );
  const env = childEnv(join(dir, 'blink-cache'));
  const blink = (args: string[], nodeArgs: string[] = []): Promise<Timed> => timedChild(process.execPath, [...nodeArgs, BIN, ...args, '--ssh-config', sshConfig, '--no-color'], { cwd: clone, env });

  out(`\n== 2. blink-deploy --status, ${instances.length.toLocaleString('en')} instances on ${ST_SERVERS} servers ==`);
  // Seed: one real deploy, then its release folder laid out for every other instance.
  const first = instances[0]!;
  expectExit(await blink(['--host', first.host, '--yes', '--no-fetch']), 0, 'seeding: blink-deploy of the first instance');
  const releases = (s: number): string => join(rootOf(s), 'opt/odoo/releases');
  const template = join(releases(0), ids[0]!);
  const commit = readlinkSync(join(template, 'current'));
  for (let k = 1; k < instances.length; k++) replicateRelease(template, join(releases(Math.floor(k / ST_PER)), ids[k]!), ids[0]!, ids[k]!);
  // One more commit on main, so every instance is one behind.
  writeFileSync(join(clone, 'custom-addons', tree.changeTarget), changedPython(tree, 1));
  git(clone, 'commit', '-q', '-am', 'one more commit');
  git(clone, 'push', '-q', 'origin', 'main');
  const check = expectExit(await blink(['--status', '--all', '--no-fetch', '--json']), 0, 'blink-deploy --status --json');
  const rows = (JSON.parse(check.stdout) as { instances: { instance: string; commit?: string; behind?: number; problems: string[] }[] }).instances;
  const good = rows.filter((r) => r.commit === commit && r.behind === 1 && r.problems.length === 0).length;
  if (rows.length !== instances.length || good !== instances.length) {
    throw new Error(`--status read ${good} of ${instances.length} instances as seeded (${rows.length} rows); first odd one: ${JSON.stringify(rows.find((r) => r.commit !== commit || r.problems.length))}`);
  }
  out(`seeded: 1 real deploy + ${instances.length - 1} release folders laid out like it (${secondsSince(t0)} with ${ST_SERVERS} sshd started); --status --json reads all ${rows.length} back at ${commit.slice(0, 12)}, 1 behind, no problems`);

  // Floor: what a hand-written status does, every server 4 at a time.
  const floorJobs = mine.map((_, s) => {
    const mineIds = ids.slice(s * ST_PER, (s + 1) * ST_PER);
    const script = `cd '${releases(s)}' && for i in ${mineIds.join(' ')}; do cat "$i/state.json"; readlink "$i/current"; done`;
    return () => timedChild('ssh', ['-F', sshConfig, `status-${name(s)}`, script], { env });
  });
  out(`each run:`);
  out(`  floor: ssh -F cfg <server> 'cat <instance>/state.json; readlink <instance>/current' for its ${ST_PER} instances, ${ST_SERVERS} servers, 4 at a time`);
  out(`  blink: blink-deploy --status --all --no-fetch (text; default --parallel 4)`);
  out(`  run   floor      blink      blink/floor`);
  const runs: RatioRun[] = [];
  for (let r = 0; r < RUNS; r++) {
    const f = await timedBatch(floorJobs, 4);
    for (const x of f.results) {
      expectExit(x, 0, 'floor ssh');
      const read = x.stdout.split('\n').filter((l) => /^[0-9a-f]{40}$/.test(l)).length;
      if (read !== ST_PER) throw new Error(`floor ssh read ${read} current links, want ${ST_PER}:\n${x.stdout.slice(0, 1000)}`);
    }
    const b = expectExit(await blink(['--status', '--all', '--no-fetch']), 0, 'blink-deploy --status');
    const lines = b.stdout.trim().split('\n').length;
    if (lines !== instances.length + 1) throw new Error(`--status printed ${lines} lines, want ${instances.length + 1}`);
    runs.push({ floor: f.s, blink: b.s });
    out(`  ${String(r + 1).padEnd(4)}  ${fmtS(f.s).padEnd(9)}  ${fmtS(b.s).padEnd(9)}  ${fmtX(b.s / f.s)}`);
  }
  const st = ratioStats(runs);
  printStats('blink-deploy --status / floor', st);
  targets.push(`--status of ${instances.length.toLocaleString('en')} instances / floor: ${fmtX(st.median)} (target ≤ ${fmtX(TARGET.statusRatio)}: ${st.median <= TARGET.statusRatio ? 'met' : 'not met'})`);

  if (opt.profile) {
    const profDir = join(dir, 'profile');
    expectExit(await blink(['--status', '--all', '--no-fetch'], ['--cpu-prof', `--cpu-prof-dir=${profDir}`]), 0, 'blink-deploy --status --cpu-prof');
    printProfile('blink-deploy --status --all', profDir);
  }
}

// ---------------------------------------------------------------- helpers

interface DeployJson {
  instances: { instance: string; host: string; to: string; result: string; seconds: number; uploaded?: { files: number; bytes: number; linked: number; totalBytes?: number; total_bytes?: number } }[];
  plans?: { instance: string; upload: { files: number; bytes: number; linked: number; total_bytes: number } | null }[];
}

/** A bare origin and a clone (branch main) with config/ and custom-addons/, committed and pushed. */
function makeRepo(dir: string, spec: { modules: number; filesPerModule: number; totalBytes: number }, config: (configDir: string, modules: string[]) => void): { clone: string; tree: AddonsTree } {
  const origin = join(dir, 'origin.git');
  const clone = join(dir, 'clone');
  git(dir, 'init', '-q', '--bare', '-b', 'main', origin);
  git(dir, 'clone', '-q', origin, clone);
  git(clone, 'symbolic-ref', 'HEAD', 'refs/heads/main');
  const tree = writeSyntheticAddons(join(clone, 'custom-addons'), spec);
  config(join(clone, 'config'), tree.modules);
  git(clone, 'add', '-A');
  git(clone, 'commit', '-q', '-m', 'fleet and addons');
  git(clone, 'push', '-q', '-u', 'origin', 'main');
  return { clone, tree };
}

function childEnv(cache: string): Record<string, string> {
  return { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/root', ...(process.env['USER'] ? { USER: process.env['USER'] } : {}), ...GIT_ENV, BLINK_CACHE_DIR: cache, NO_COLOR: '1' };
}

/** Names and mtimes of the cache folder's files: unchanged across a run means the run used the cache. */
/** The compiled-fleet cache files (the release-check record beside them changes with every new file checked). */
function cacheStamp(dir: string): string {
  if (!existsSync(dir)) return '';
  return readdirSync(dir)
    .filter((f) => f.startsWith('fleet-'))
    .sort()
    .map((f) => `${f}:${statSync(join(dir, f)).mtimeMs}`)
    .join(',');
}

/**
 * An instance's release folder as blink writes it, made from another's: the
 * release trees hard-linked, file lists copied, records and state rewritten
 * with the new instance's name, `current` pointing at the same commit.
 */
function replicateRelease(from: string, to: string, fromId: string, toId: string): void {
  mkdirSync(to, { recursive: true });
  for (const e of readdirSync(from)) {
    const src = join(from, e);
    const dst = join(to, e);
    const st = lstatSync(src);
    if (st.isSymbolicLink()) symlinkSync(readlinkSync(src), dst);
    else if (st.isDirectory() && /^[0-9a-f]{40}$/.test(e)) linkTree(src, dst);
    else if (st.isDirectory()) cpSync(src, dst, { recursive: true });
    else if (e.endsWith('.json')) {
      const j = JSON.parse(readFileSync(src, 'utf8')) as { instance?: string };
      if (j.instance !== fromId) throw new Error(`${src}: instance ${j.instance}, want ${fromId}`);
      writeFileSync(dst, JSON.stringify({ ...j, instance: toId }) + '\n');
    } else cpSync(src, dst);
  }
}

function linkTree(src: string, dst: string): void {
  mkdirSync(dst);
  for (const e of readdirSync(src, { withFileTypes: true })) {
    if (e.isDirectory()) linkTree(join(src, e.name), join(dst, e.name));
    else linkSync(join(src, e.name), join(dst, e.name));
  }
}

function printStats(what: string, st: RatioStats): void {
  out(`  ${what}: median ${fmtX(st.median)} (min ${fmtX(st.min)}, max ${fmtX(st.max)}) over ${RUNS} run${RUNS === 1 ? '' : 's'}; medians floor ${fmtS(st.floorMedian)}, blink ${fmtS(st.blinkMedian)}`);
}

function secondsSince(t: bigint): string {
  return fmtS(Number(process.hrtime.bigint() - t) / 1e9);
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Top self time by function in the one .cpuprofile under `dir`. */
function printProfile(what: string, dir: string): void {
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) return out(`  (no profile written in ${dir})`);
  const p = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  p.samples.forEach((id, k) => {
    const n = byId.get(id)!;
    const f = n.callFrame;
    const where = f.url ? `${f.url.replace(`file://${repoDir}/`, '').replace(/^node:/, 'node:')}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName || '(anonymous)'} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + (p.timeDeltas[k] ?? 0));
  });
  const total = (p.endTime - p.startTime) / 1e3;
  out(`\nCPU profile of ${what} (main thread, ${total.toFixed(0)} ms profiled; top self time):`);
  for (const [k, us] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15)) out(`  ${(us / 1e3).toFixed(0).padStart(6)} ms  ${k}`);
}

