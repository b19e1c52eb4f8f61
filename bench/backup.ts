/**
 * Benchmark of blink-backup and blink-restore on a generated database.
 *
 *   npm run bench:backup [-- --size-mb 1024] [--filestore-mb 256] [--runs 3]
 *                        [--baseline REF] [--keep]
 *
 * Prints figures, asserts nothing. A PostgreSQL started here (as the tests
 * start theirs, test/support/postgres.ts) holds one database of --size-mb of
 * random bytes (a bytea table, 64 KiB a row: nothing for pg_dump's
 * compression to gain, like attachments) owned by a non-superuser role, and a
 * filestore of --filestore-mb in 1 MiB random files. One instance of a server
 * with a root folder (clients.yaml `root:`) is rendered twice, under two
 * roots that share the database and hold the same filestore:
 *
 *   current   the scripts of this checkout (the MANIFEST authenticated with
 *             an HMAC-SHA256 under the instance's key, sequence numbers,
 *             bounded waits)
 *   baseline  the scripts of --baseline REF (default: the parent of the
 *             commit that brought the authentication in, found with
 *             git log -S hmac_stdin), so authentication off
 *
 * Each run, interleaved (baseline, current), times as child processes:
 * blink-backup, blink-restore --verify --at latest, and blink-restore
 * --at latest (a fresh database and filestore swapped in). Medians of --runs
 * with min/max, and current / baseline per step. Wall time and CPU (GNU time
 * when present). Absolute seconds swing on a shared machine: compare the two
 * columns of one run, not runs of other days.
 *
 * The default baseline predates other changes to the scripts as well (the
 * filestore read as the system user, the archive checked before extraction):
 * to compare with authentication alone, pass the commit of main just before
 * backup-auth was merged. And the authentication steps themselves are timed
 * apart, in the current scripts' own functions (their shared block, run by
 * bash on the last backup): loading the key, the HMAC of the MANIFEST,
 * checking one backup, ordering the instance's backups. None of them reads
 * the data files (their sha256 was computed and checked before there was an
 * HMAC), so they cost the same for 1 MB and for 1 GB.
 *
 * Disk: about 3 × --size-mb for the database and its restored and kept copies,
 * plus 2 × (--size-mb + --filestore-mb) for the backups of the two roots
 * (each run's backups are deleted before the next). `--keep` leaves the
 * folder and prints it.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadTemplates } from '../src/load/loadTemplates.js';
import type { TemplateSet } from '../src/render/TemplateSet.js';
import type { Fleet, Server } from '../src/model/Fleet.js';
import { renderFleet } from '../src/render/renderFleet.js';
import { startPostgres, type Postgres } from '../test/support/postgres.js';
import { SAMPLE_DEPLOY, SAMPLE_SERVERS, sampleInstance, withDatabase } from '../test/support/sampleFleet.js';
import { median } from './lib/benchKit.js';
import { describe, detectRssMethod, measure, type Measurement } from './lib/measure.js';

const { values: opt } = parseArgs({
  options: {
    'size-mb': { type: 'string', default: '1024' },
    'filestore-mb': { type: 'string', default: '256' },
    runs: { type: 'string', default: '3' },
    baseline: { type: 'string' },
    keep: { type: 'boolean' },
  },
});
const SIZE_MB = Number(opt['size-mb']);
const FILESTORE_MB = Number(opt['filestore-mb']);
const RUNS = Number(opt.runs);
for (const [k, v] of [['--size-mb', SIZE_MB], ['--filestore-mb', FILESTORE_MB], ['--runs', RUNS]] as const) {
  if (!Number.isInteger(v) || v < (k === '--filestore-mb' ? 0 : 1)) throw new Error(`${k} takes a whole number`);
}

const REPO = new URL('../', import.meta.url).pathname;
const OWNER = 'bench_owner';
const ID = 'bench-prod';
const DB = 'bench-prod';
const DATA_DIR = `/opt/odoo/.local/share/Odoo-${ID}`;
const KEY = 'bench-backup-key-not-a-secret-0123456789abcdef';
const out = (s = ''): void => console.log(s);

function git(...args: string[]): string {
  const r = spawnSync('git', args, { cwd: REPO, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

/** The scripts before authentication: the parent of the first commit whose blink-backup has hmac_stdin. */
function baselineRef(): string {
  if (opt.baseline) return opt.baseline;
  const first = git('log', '--format=%H', '--reverse', '-S', 'hmac_stdin', '--', 'templates/blink-backup.sh.hbs').split('\n')[0];
  if (!first) throw new Error('no commit brings hmac_stdin into templates/blink-backup.sh.hbs: pass --baseline REF');
  return `${first}^`;
}

interface World {
  label: string;
  root: string;
  backup: string;
  restore: string;
}

/** Renders the instance under `root` with `templates`, installed as blink-apply would (the backup key resolved). */
function install(label: string, root: string, templates: TemplateSet, pg: Postgres): World {
  const server: Server = { ...SAMPLE_SERVERS.find((x) => x.name === 'lab')!, root };
  const base = sampleInstance({ client: 'bench', clientName: 'Bench', env: 'prod', host: 'bench.example.com', server: 'lab', kind: 'production', port: 8069, tls: 'none', line: 1 }, { systemUser: pg.osUser });
  const fleet: Fleet = { configLabel: 'config', servers: [server], instances: [withDatabase(base, { host: pg.host, port: pg.port, user: OWNER })], deploy: { ...SAMPLE_DEPLOY } };
  const rendered = renderFleet(fleet, templates);
  if (rendered.diagnostics.length) throw new Error(`render (${label}): ${JSON.stringify(rendered.diagnostics)}`);
  for (const a of rendered.artifacts) {
    if (a.linkTarget !== undefined || a.role !== 'managed') continue;
    const path = join(root, a.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, a.kind === 'backup-key' ? a.content.replace('${secret:backup_key}', KEY) : a.content, { mode: a.mode });
    chmodSync(path, a.mode);
  }
  return { label, root, backup: join(root, 'usr/local/sbin/blink-backup'), restore: join(root, 'usr/local/sbin/blink-restore') };
}

/** `rows` rows of 64 KiB of random bytes (md5 output: nothing to compress), in batches so progress shows. */
function fillDatabase(pg: Postgres, mb: number): void {
  pg.sql(`CREATE ROLE ${OWNER} LOGIN CREATEDB`);
  pg.sql(`CREATE DATABASE "${DB}" OWNER ${OWNER}`);
  pg.sql('CREATE TABLE blob (id int PRIMARY KEY, data bytea NOT NULL); ALTER TABLE blob ALTER data SET STORAGE EXTERNAL', { db: DB, user: OWNER });
  const rows = mb * 16;
  const batch = 1024;
  for (let from = 1; from <= rows; from += batch) {
    const to = Math.min(rows, from + batch - 1);
    pg.sql(
      `INSERT INTO blob SELECT g, decode(string_agg(md5(random()::text || g || '.' || i), ''), 'hex') FROM generate_series(${from}, ${to}) g, generate_series(1, 4096) i GROUP BY g`,
      { db: DB, user: OWNER },
    );
    process.stderr.write(`\rdatabase: ${Math.round((to / rows) * mb)} / ${mb} MB`);
  }
  process.stderr.write('\n');
  pg.sql('VACUUM ANALYZE blob', { db: DB, user: OWNER });
}

function fillFilestore(dir: string, mb: number): void {
  for (let i = 0; i < mb; i++) {
    const name = randomBytes(20).toString('hex');
    const p = join(dir, name.slice(0, 2), name);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, randomBytes(1 << 20));
  }
}

const AUTH_REPEAT = 20;

/**
 * The authentication steps of the current scripts, timed in their own functions: the shared
 * block of the installed blink-restore, run by bash against the world's last backup.
 */
function authSteps(w: World): [string, number][] {
  const script = spawnSync('cat', [w.restore], { encoding: 'utf8' }).stdout;
  const shared = /# ---- shared:[^]*# ---- end shared ----\n/.exec(script)?.[0];
  if (!shared) throw new Error(`${w.restore}: no shared block`);
  const dir = join(w.root, 'var/backups/odoo', ID);
  const harness = `set -Eeuo pipefail
SELF=${JSON.stringify(w.restore)}
PROG=bench-auth
${shared}
dir=${JSON.stringify(dir)}
stamp=$(list_backups "$dir" | tail -n 1)
t() { local what=$1 i t0 t1; shift; for ((i = 0; i < ${AUTH_REPEAT}; i++)); do t0=$EPOCHREALTIME; "$@" >/dev/null; t1=$EPOCHREALTIME; printf '%s\\t%s\\n' "$what" "$(( (\${t1/./} - \${t0/./}) ))"; done; }
hmac_manifest() { head -n -1 -- "$dir/$stamp/MANIFEST" | hmac_stdin; }
t 'load and check the key (load_key)' load_key "$KEY_DIR/${ID}.key" "$dir"
t 'HMAC of the MANIFEST (hmac_stdin)' hmac_manifest
t 'check one backup (authentic)' authentic "$dir/$stamp"
t 'order the backups (order_backups, 1 backup)' order_backups "$dir"
`;
  const r = spawnSync('bash', ['-c', harness], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`authentication steps: ${r.stderr}`);
  const by = new Map<string, number[]>();
  for (const line of r.stdout.trim().split('\n')) {
    const [what, us] = line.split('\t');
    by.set(what!, [...(by.get(what!) ?? []), Number(us)]);
  }
  return [...by].map(([what, xs]) => [what, median(xs)]);
}

const fmtS = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const fmtX = (x: number) => `${x.toFixed(3)}×`;

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'blink-bench-backup-'));
  // The scripts read the filestore as the instance's system user: it must reach it.
  chmodSync(work, 0o755);
  const free = statfsSync(work);
  const needMb = 3 * SIZE_MB + 2 * (SIZE_MB + FILESTORE_MB) + FILESTORE_MB * 2;
  if ((free.bavail * free.bsize) / (1 << 20) < needMb) throw new Error(`${work}: about ${needMb} MB free needed`);
  const ref = baselineRef();
  const pg = await startPostgres({ prefix: 'blink-bench-backup-pg-' });
  try {
    const method = detectRssMethod();
    const current = loadTemplates(join(REPO, 'templates')).templates;
    const baseline: TemplateSet = {
      dir: current.dir,
      files: new Map([...current.files, ...['blink-backup.sh.hbs', 'blink-restore.sh.hbs'].map((f) => [f, git('show', `${ref}:templates/${f}`) + '\n'] as [string, string])]),
    };
    out(`blink-backup / blink-restore: ${SIZE_MB} MB database, ${FILESTORE_MB} MB filestore, ${RUNS} run${RUNS === 1 ? '' : 's'}`);
    out(`baseline: the scripts of ${ref} (${git('log', '-1', '--format=%h %s', ref)})`);
    out(`current:  the scripts of this checkout (${git('log', '-1', '--format=%h %s')}${git('status', '--porcelain', 'templates').length ? ', with uncommitted changes' : ''})`);
    out(describe(method));
    out();

    fillDatabase(pg, SIZE_MB);
    const worlds = [install('baseline', join(work, 'baseline'), baseline, pg), install('current', join(work, 'current'), current, pg)];
    const filestore = (w: World) => join(w.root, DATA_DIR, 'filestore', DB);
    fillFilestore(filestore(worlds[0]!), FILESTORE_MB);
    cpSync(filestore(worlds[0]!), filestore(worlds[1]!), { recursive: true });
    // As on a server, the data dirs belong to the instance's system user (test/backup/fixture.ts does the same).
    if (process.getuid?.() === 0) {
      for (const w of worlds) {
        chmodSync(w.root, 0o755);
        const r = spawnSync('chown', ['-R', `${pg.osUser}:`, join(w.root, 'opt/odoo/.local')], { encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`chown: ${r.stderr}`);
      }
    }
    mkdirSync(join(work, 'tmp'), { recursive: true });

    const env = {
      PATH: `${process.env.PATH ?? '/usr/bin:/bin'}:/usr/sbin:/sbin`,
      LANG: 'C.UTF-8',
      TMPDIR: join(work, 'tmp'),
      BLINK_SYSTEMCTL: 'true',
      BLINK_LOCK_WAIT: '0',
    };
    const run = async (w: World, script: string, args: string[], now: string): Promise<Measurement> => {
      const m = await measure(method, 'env', ['-i', ...Object.entries({ ...env, BLINK_NOW: now }).map(([k, v]) => `${k}=${v}`), script, ...args]);
      if (m.status !== 0) throw new Error(`${w.label} ${script.split('/').pop()} ${args.join(' ')} exited ${m.status}: ${m.stderr}`);
      return m;
    };
    const steps = ['backup', 'verify', 'restore'] as const;
    const wall: Record<string, number[]> = {};
    const cpu: Record<string, number[]> = {};
    const note = (label: string, step: string, m: Measurement) => {
      (wall[`${label} ${step}`] ??= []).push(m.wallMs);
      if (m.cpuMs !== undefined) (cpu[`${label} ${step}`] ??= []).push(m.cpuMs);
    };
    let size = 0;
    for (let r = 0; r < RUNS; r++) {
      const day = String(r + 1).padStart(2, '0');
      for (const [n, w] of worlds.entries()) {
        const backups = join(w.root, 'var/backups/odoo', ID);
        rmSync(backups, { recursive: true, force: true });
        // Each its own minute: a restore names the database it keeps after the time.
        note(w.label, 'backup', await run(w, w.backup, [ID], `202601${day}T03${n}000Z`));
        note(w.label, 'verify', await run(w, w.restore, ['--verify', ID, '--at', 'latest'], `202601${day}T04${n}000Z`));
        note(w.label, 'restore', await run(w, w.restore, [ID, '--at', 'latest'], `202601${day}T05${n}000Z`));
        const taken = readdirSync(backups).filter((n) => /^\d{8}T\d{6}Z$/.test(n));
        size = Number(spawnSync('du', ['-sb', join(backups, taken[0]!)], { encoding: 'utf8' }).stdout.split('\t')[0]);
      }
      process.stderr.write(`run ${r + 1} / ${RUNS} done\n`);
    }

    out(`backup folder: ${(size / (1 << 20)).toFixed(0)} MiB`);
    const auth = authSteps(worlds[1]!);
    out();
    out('step      baseline (median, min–max)       current (median, min–max)        current / baseline');
    for (const step of steps) {
      const b = wall[`baseline ${step}`]!;
      const c = wall[`current ${step}`]!;
      const range = (xs: number[]) => `${fmtS(median(xs))} (${fmtS(Math.min(...xs))}–${fmtS(Math.max(...xs))})`.padEnd(33);
      out(`${step.padEnd(10)}${range(b)}${range(c)}${fmtX(median(c) / median(b))}`);
    }
    out();
    out(`authentication steps in the current scripts (median of ${AUTH_REPEAT}, bash's own clock):`);
    for (const [what, us] of auth) out(`  ${what.padEnd(46)}${(us / 1000).toFixed(1)} ms`);
    if (Object.keys(cpu).length) {
      out();
      out('CPU (user + sys, median):');
      for (const step of steps) {
        const b = cpu[`baseline ${step}`];
        const c = cpu[`current ${step}`];
        if (b && c) out(`  ${step.padEnd(8)} baseline ${fmtS(median(b))}, current ${fmtS(median(c))}: ${fmtX(median(c) / median(b))}`);
      }
    }
  } finally {
    await pg.stop();
    if (opt.keep) out(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

await main();
