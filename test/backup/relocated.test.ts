/**
 * blink-backup and blink-restore of a server with a root folder (clients.yaml
 * `root:`, like the sample fleet's lab): rendered by renderFleet, installed
 * under the root as blink-apply would, and run by a normal user whose HOME is
 * not writable, against a real PostgreSQL started here. The backup lands under
 * the root, the restore reads it from there, and no file appears anywhere a
 * normal user could write outside this test's folder.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { loadTemplates } from '../../src/load/loadTemplates.js';
import type { Artifact } from '../../src/model/Artifact.js';
import type { Fleet, Server } from '../../src/model/Fleet.js';
import { defaultConfigBackupKey } from '../../src/compile/defaults.js';
import { renderFleet } from '../../src/render/renderFleet.js';
import { startPostgres, type Postgres } from '../support/postgres.js';
import { SAMPLE_DEPLOY, SAMPLE_SERVERS, sampleInstance, withDatabase } from '../support/sampleFleet.js';
import { requireTool } from '../support/tools.js';
import { installedContent, OWNER, rowCounts, TEMPLATES_DIR, treeHashes } from './fixture.js';

const s = suite('blink-backup and blink-restore under a root folder');
const asRoot = process.getuid?.() === 0;
/** Who runs the scripts: a normal user. Under root, `nobody`, whose files nothing else here makes. */
const USER = asRoot ? 'nobody' : userInfo().username;
/** Where a normal user can write outside this test's folder: anything new there is a leak. */
const WORLD_WRITABLE = ['/tmp', '/var/tmp', '/dev/shm', '/run/lock'].filter(existsSync);
const ID = 'demo-showcase';
const DB = 'demo-showcase';
const DATA_DIR = `/opt/odoo/.local/share/Odoo-${ID}`;

let pg: Postgres;
let dir: string;
let root: string;
let systemctlLog: string;
let env: Record<string, string>;
let artifacts: Artifact[];

s.before(async () => {
  for (const tool of ['shellcheck', 'flock', 'psql', 'pg_dump', 'pg_restore', 'readlink', 'find']) requireTool(tool);
  if (asRoot) requireTool('runuser');
  pg = await startPostgres({ prefix: 'blink-relocated-pg-' });
  dir = mkdtempSync(join(tmpdir(), 'blink-relocated-'));
  root = join(dir, 'lab-server');
  const home = join(dir, 'home');
  mkdirSync(home);

  pg.sql(`CREATE ROLE ${OWNER} LOGIN CREATEDB`);
  pg.sql(`CREATE DATABASE "${DB}" OWNER ${OWNER}`);
  pg.sql(
    "CREATE TABLE res_partner (id serial PRIMARY KEY, name varchar NOT NULL); INSERT INTO res_partner (name) SELECT 'Partner ' || g FROM generate_series(1, 500) g;",
    { db: DB, user: OWNER },
  );

  // The sample fleet's lab server, with its root here; the instance reaches PostgreSQL through its odoo.conf.
  const lab = SAMPLE_SERVERS.find((x) => x.name === 'lab')!;
  const server: Server = { ...lab, root, configBackup: { schedule: '15 4 * * 0', keep: 8, dir: '/var/backups/odoo', authKey: defaultConfigBackupKey('lab'), authKeyPos: lab.source, source: lab.source } };
  const base = sampleInstance({ client: 'demo', clientName: 'Demo', env: 'showcase', host: 'demo.lab.somosblink.com', server: 'lab', kind: 'test', port: 8069, tls: 'none', line: 26 });
  const fleet: Fleet = { configLabel: 'config', servers: [server], instances: [withDatabase(base, { host: pg.host, port: pg.port, user: OWNER })], deploy: { ...SAMPLE_DEPLOY } };
  const templates = loadTemplates(TEMPLATES_DIR);
  const rendered = renderFleet(fleet, templates.templates);
  assert.equal(rendered.diagnostics, []);
  artifacts = rendered.artifacts;
  for (const a of artifacts) {
    if (a.linkTarget !== undefined || a.role !== 'managed') continue;
    const path = join(root, a.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, installedContent(a), { mode: a.mode });
    chmodSync(path, a.mode);
  }
  const filestore = join(root, DATA_DIR, 'filestore', DB);
  mkdirSync(join(filestore, 'ab'), { recursive: true });
  writeFileSync(join(filestore, 'ab', 'abcdef'), 'an attachment\n');
  writeFileSync(join(filestore, 'ab', 'with space.txt'), 'another one\n');

  // Restore stops and starts the service: a recorder stands in for systemctl.
  systemctlLog = join(dir, 'systemctl.log');
  const systemctl = join(dir, 'systemctl-standin');
  writeFileSync(systemctl, `#!/bin/sh\n# systemctl stand-in for this test: records the call.\nprintf '%s\\n' "$*" >> '${systemctlLog}'\n`, { mode: 0o755 });
  writeFileSync(systemctlLog, '');

  if (asRoot) {
    spawnSync('chown', ['-R', `${USER}:`, dir]);
    chmodSync(dir, 0o755);
  }
  // HOME exists but cannot be written: a script that wrote there would fail or show.
  chmodSync(home, 0o555);
  env = {
    PATH: `${process.env.PATH ?? '/usr/bin:/bin'}:/usr/sbin:/sbin`,
    LANG: 'C.UTF-8',
    HOME: home,
    USER,
    LOGNAME: USER,
    BLINK_SYSTEMCTL: systemctl,
  };
});

s.after(async () => {
  try {
    await pg?.stop();
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
});

/** Runs a command as the normal user, in the environment above only (no TMPDIR, no PG*). */
function runAsUser(cmd: string, args: string[], extra: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const o: SpawnSyncOptions = { encoding: 'utf8', env: { ...env, ...extra }, cwd: dir, timeout: 60_000 };
  const r = asRoot ? spawnSync('runuser', ['-u', USER, '--', 'env', '-i', ...Object.entries({ ...env, ...extra }).map(([k, v]) => `${k}=${v}`), cmd, ...args], o) : spawnSync(cmd, args, o);
  if (r.error) throw r.error;
  return { status: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** Files and folders of USER in the world-writable folders, newer than `marker`, outside this test's folders. */
function leaks(marker: string): string[] {
  const r = spawnSync('find', [...WORLD_WRITABLE, '-xdev', '-newer', marker, '-user', USER, '-print'], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .filter((p) => p !== dir && !p.startsWith(dir + '/') && p !== pg.base && !p.startsWith(pg.base + '/'));
}

s('the rendered scripts of a server with a root folder are shellcheck-clean, like those of a server without', () => {
  const plain = renderFleet({ configLabel: 'config', servers: [SAMPLE_SERVERS[0]!], instances: [], deploy: { ...SAMPLE_DEPLOY } }, loadTemplates(TEMPLATES_DIR).templates).artifacts;
  const check = join(dir, 'shellcheck');
  mkdirSync(check, { recursive: true });
  for (const [label, set] of [['with a root folder', artifacts], ['without', plain]] as const) {
    for (const a of set.filter((x) => x.kind === 'script')) {
      const file = join(check, `${label.replace(/ /g, '-')}-${a.path.split('/').pop()}`);
      writeFileSync(file, a.content);
      const r = spawnSync('shellcheck', ['--shell=bash', '--severity=style', file], { encoding: 'utf8' });
      assert.is(r.stdout + r.stderr, '', `shellcheck ${a.path} ${label}`);
    }
  }
  // The env file keeps the server's paths: the scripts put the root in front.
  const envFile = artifacts.find((a) => a.path === `/etc/blink/instances/${ID}.env`)!;
  assert.match(envFile.content, /^BACKUP_DIR=\/var\/backups\/odoo$/m);
  assert.match(envFile.content, /^# Paths are the server's: server lab has a root folder/m);
});

s('as a normal user with a read-only HOME, blink-backup backs up under the root and blink-restore restores from there; nothing is written outside', () => {
  const backup = join(root, 'usr/local/sbin/blink-backup');
  const restore = join(root, 'usr/local/sbin/blink-restore');
  // find -newer compares modification times: the marker is dated a little before now.
  const marker = join(dir, 'marker');
  writeFileSync(marker, '');
  const before = new Date(Date.now() - 2000);
  utimesSync(marker, before, before);

  let r = runAsUser(backup, [ID], { BLINK_NOW: '20260120T030000Z' });
  assert.is(r.status, 0, r.stderr);
  const taken = join(root, 'var/backups/odoo', ID, '20260120T030000Z');
  assert.equal(readdirSync(taken).sort(), ['MANIFEST', 'db.dump', 'filestore.tar.gz']);
  assert.match(readFileSync(join(root, 'var/log/blink/backup.log'), 'utf8'), /demo-showcase: backup complete/);
  assert.ok(existsSync(join(root, 'run/lock/blink', `${ID}.lock`)), 'the lock is under the root');
  assert.equal(readdirSync(join(root, 'tmp')), [], 'temporary files went under the root, and are gone');

  // What the restore must undo: rows and a file lost, a file added.
  const counts = rowCounts(pg, DB);
  const files = treeHashes(join(root, DATA_DIR, 'filestore', DB));
  pg.sql('DELETE FROM res_partner WHERE id > 10', { db: DB, user: OWNER });
  rmSync(join(root, DATA_DIR, 'filestore', DB, 'ab', 'abcdef'));
  writeFileSync(join(root, DATA_DIR, 'filestore', DB, 'ab', 'new'), 'after the backup\n');

  r = runAsUser(restore, ['--list', ID], { BLINK_NOW: '20260120T040000Z' });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /^20260120T030000Z .*\(latest\)$/m);
  r = runAsUser(restore, [ID, '--at', 'latest'], { BLINK_NOW: '20260120T050000Z' });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`filestore ${root}${DATA_DIR}/filestore/${DB}\\)`));
  assert.equal(rowCounts(pg, DB), counts);
  assert.equal(treeHashes(join(root, DATA_DIR, 'filestore', DB)), files);
  assert.equal(readFileSync(systemctlLog, 'utf8').trim().split('\n'), [`stop odoo-${ID}`, `start odoo-${ID}`]);

  assert.equal(leaks(marker), [], `written outside ${dir}`);
  assert.equal(readdirSync(join(dir, 'home')), [], 'nothing in HOME');
});

s('as a normal user, blink-backup --server-config archives the configuration under the root, and writes nothing outside', () => {
  const backup = join(root, 'usr/local/sbin/blink-backup');
  const marker = join(dir, 'marker-config');
  writeFileSync(marker, '');
  const before = new Date(Date.now() - 2000);
  utimesSync(marker, before, before);

  const r = runAsUser(backup, ['--server-config'], { BLINK_NOW: '20260125T041500Z' });
  assert.is(r.status, 0, r.stderr);
  const taken = join(root, 'var/backups/odoo/_server-config/20260125T041500Z');
  assert.equal(readdirSync(taken).sort(), ['MANIFEST', 'config.tar.gz']);
  assert.ok(existsSync(join(root, 'run/lock/blink/_server-config.lock')), 'the lock is under the root');
  // Named under the root, as on the server: the archive holds etc/odoo/…, never the root's own path.
  const listing = spawnSync('tar', ['-tzf', join(taken, 'config.tar.gz')], { encoding: 'utf8' }).stdout.split('\n');
  assert.ok(listing.includes('etc/odoo/demo.lab.somosblink.com.conf'), listing.join(' '));
  assert.ok(listing.includes('etc/blink/server.env'));
  assert.ok(listing.every((l) => l === '' || /^(etc|var)\//.test(l)), listing.join(' '));
  const into = join(dir, 'restored-config');
  mkdirSync(into);
  assert.is(spawnSync('tar', ['-xzf', join(taken, 'config.tar.gz'), '-C', into]).status, 0);
  assert.is(readFileSync(join(into, 'etc/odoo/demo.lab.somosblink.com.conf'), 'utf8'), readFileSync(join(root, 'etc/odoo/demo.lab.somosblink.com.conf'), 'utf8'));
  assert.equal(leaks(marker), [], `written outside ${dir}`);
  assert.equal(readdirSync(join(dir, 'home')), [], 'nothing in HOME');
});

s('copied away from its root, the script of a server with a root folder refuses to guess one', () => {
  const elsewhere = join(dir, 'elsewhere');
  mkdirSync(elsewhere, { recursive: true });
  cpSync(join(root, 'usr/local/sbin/blink-backup'), join(elsewhere, 'blink-backup'));
  if (asRoot) spawnSync('chown', ['-R', `${USER}:`, elsewhere]);
  const r = runAsUser(join(elsewhere, 'blink-backup'), [ID]);
  assert.is(r.status, 2);
  assert.match(r.stderr, /server lab keeps its files under a root folder/);
  assert.match(r.stderr, /run it as <root>\/usr\/local\/sbin\/blink-backup/);
});

s.run();
