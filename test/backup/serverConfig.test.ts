/**
 * `blink-backup --server-config`: the weekly backup of a server's configuration
 * (/etc/odoo, /etc/blink, nginx's sites, blink's manifest), rendered through
 * renderFleet for a server with a root folder and run for real: real tar and
 * gzip, real age and gpg, the instances' lock, upload and checksums. Every
 * archive is restored the way the runbook says (checksum, decrypt, extract into
 * a temporary folder) and compared with the live files.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createHmac } from 'node:crypto';
import { checkCron } from '../../src/compile/checkCron.js';
import { defaultConfigBackupKey } from '../../src/compile/defaults.js';
import { loadTemplates } from '../../src/load/loadTemplates.js';
import type { Artifact } from '../../src/model/Artifact.js';
import type { ConfigBackupSettings, Fleet } from '../../src/model/Fleet.js';
import { renderFleet } from '../../src/render/renderFleet.js';
import { CONFIG_BACKUP_NAME, SERVER_PATHS } from '../../src/render/serverPaths.js';
import { SAMPLE_SERVERS, sampleFleet } from '../support/sampleFleet.js';
import { requireTool } from '../support/tools.js';
import { contents, snapshot, type Snapshot } from '../support/treeSnapshot.js';
import { configBackupKey, installedContent, readManifest, sha256File, TEMPLATES_DIR } from './fixture.js';

const s = suite('blink-backup --server-config');

let dir: string;
let root: string;
let script: string;
let uploads: string;
let identity: string;
const PASSPHRASE_FILE = '/etc/blink/backup-passphrase';
const RECIPIENTS_FILE = '/etc/blink/backup-recipients.txt';
const BASE: Omit<ConfigBackupSettings, 'source'> = { schedule: '15 4 * * 0', keep: 8, dir: '/var/backups/odoo', authKey: defaultConfigBackupKey('aws-1'), authKeyPos: SAMPLE_SERVERS[0]!.source };
const KEY = configBackupKey('aws-1');
/** What the backup covers, relative to the root; the passphrase file stays out. */
const COVERED = ['etc/odoo', 'etc/blink', 'etc/nginx/sites-available', 'etc/nginx/sites-enabled'];

function render(settings: Omit<ConfigBackupSettings, 'source'> | undefined): Artifact[] {
  const fleet: Fleet = sampleFleet();
  fleet.servers = SAMPLE_SERVERS.map((x) => (x.name === 'aws-1' ? { ...x, root, ...(settings ? { configBackup: { ...settings, source: x.source } } : {}) } : x));
  const r = renderFleet(fleet, loadTemplates(TEMPLATES_DIR).templates);
  assert.equal(r.diagnostics, []);
  return r.artifacts.filter((a) => a.server === 'aws-1');
}

/** Writes what blink-apply would: every managed file of aws-1 under the root, links included. */
function install(artifacts: Artifact[]): void {
  for (const a of artifacts) {
    if (a.role !== 'managed') continue;
    const path = join(root, a.path);
    mkdirSync(dirname(path), { recursive: true });
    rmSync(path, { force: true });
    if (a.linkTarget !== undefined) symlinkSync(a.linkTarget, path);
    else {
      writeFileSync(path, installedContent(a), { mode: a.mode });
      chmodSync(path, a.mode);
    }
  }
}

/** The server.env of these settings, as blink-apply would install it. */
function useSettings(settings: Omit<ConfigBackupSettings, 'source'>): void {
  install(render(settings).filter((a) => a.path === SERVER_PATHS.configBackupEnv));
}

function run(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(script, args, {
    encoding: 'utf8',
    env: { PATH: `${process.env.PATH ?? '/usr/bin:/bin'}:/usr/sbin:/sbin`, LANG: 'C.UTF-8', HOME: dir, ...env },
    timeout: 60_000,
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const configDir = (): string => join(root, 'var/backups/odoo', CONFIG_BACKUP_NAME);
const backups = (): string[] => (existsSync(configDir()) ? readdirSync(configDir()).filter((n) => /^\d{8}T\d{6}Z$/.test(n)).sort() : []);

/** The covered folders as they are under `base`: content (or link target) and mode of every file. */
function covered(base: string): Record<string, Snapshot> {
  return Object.fromEntries(COVERED.map((p) => [p, Object.fromEntries(Object.entries(snapshot(join(base, p))).map(([k, v]) => [k, { ...v, mtimeMs: 0 }]))]));
}

/** What a backup of the live server holds: the covered folders without the backup keys, which never leave the server in one. */
function expected(): Record<string, Snapshot> {
  const live = covered(root);
  for (const k of Object.keys(live['etc/blink']!)) if (k.startsWith('backup-keys/')) delete live['etc/blink']![k];
  return live;
}

/** The MANIFEST's last line is the HMAC-SHA256 of the lines above it under the server's key, as blink-restore checks an instance's. */
function assertAuthentic(folder: string): void {
  const text = readFileSync(join(folder, 'MANIFEST'), 'utf8');
  const lines = text.split('\n');
  const auth = /^auth: hmac-sha256 ([0-9a-f]{64})$/.exec(lines[lines.length - 2]!);
  assert.ok(auth, 'the MANIFEST ends with its auth line');
  const signed = lines.slice(0, -2).join('\n') + '\n';
  assert.is(auth![1], createHmac('sha256', KEY).update(signed).digest('hex'), 'authenticated with the server\'s key');
}

/**
 * Restores one backup the way docs/runbooks/restore.md says: check the archive
 * against its MANIFEST, decrypt it, extract it into a new folder.
 */
function restore(stamp: string): { into: string; manifest: ReturnType<typeof readManifest> } {
  const folder = join(configDir(), stamp);
  const manifest = readManifest(folder);
  // The runbook's own check of the auth line, as written there, with the key under this root.
  const runbook = readFileSync(new URL('../../docs/runbooks/restore.md', import.meta.url), 'utf8');
  const check = /head -n -1 MANIFEST \| (python3 -c '[^']*') \/etc\/blink\/backup-keys\/_server-config\.key/.exec(runbook)![1]!;
  const byHand = spawnSync('bash', ['-c', `head -n -1 MANIFEST | ${check} "$1"`, 'check', join(root, SERVER_PATHS.configBackupKey)], { cwd: folder, encoding: 'utf8' });
  assert.is(byHand.stdout, readFileSync(join(folder, 'MANIFEST'), 'utf8').trimEnd().split('\n').pop()! + '\n', byHand.stderr);
  assert.is(manifest.files.length, 1);
  const file = manifest.files[0]!;
  assert.is(sha256File(join(folder, file.name)), file.sha256, 'the archive matches its MANIFEST');
  const into = mkdtempSync(join(dir, 'restored-'));
  const decrypt =
    manifest.values.encryption === 'age'
      ? `age -d -i '${identity}' "$1"`
      : manifest.values.encryption === 'gpg'
        ? `gpg --batch --quiet --homedir '${dir}/gnupg' --pinentry-mode loopback --passphrase-file '${root}${PASSPHRASE_FILE}' --decrypt "$1"`
        : 'cat "$1"';
  mkdirSync(join(dir, 'gnupg'), { recursive: true, mode: 0o700 });
  const r = spawnSync('bash', ['-c', `set -o pipefail; ${decrypt} | tar -xzf - -C "$2"`, 'restore', join(folder, file.name), into], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  return { into, manifest };
}

s.before(() => {
  for (const tool of ['shellcheck', 'tar', 'gzip', 'age', 'age-keygen', 'gpg', 'gpgconf', 'flock', 'sha256sum']) requireTool(tool);
  dir = mkdtempSync(join(tmpdir(), 'blink-server-config-'));
  root = join(dir, 'aws-1');
  script = join(root, SERVER_PATHS.backupScript);
  install(render(BASE));

  // What blink-apply leaves beside the rendered files: each odoo.conf with its
  // resolved secret, the manifest, and the backups' own key files.
  const conf = join(root, 'etc/odoo/corteperfecto.somosblink.com.conf');
  writeFileSync(conf, readFileSync(conf, 'utf8').replace('${secret:admin_passwd}', 'fake-admin-passwd-for-tests'));
  mkdirSync(join(root, 'var/lib/blink'), { recursive: true });
  writeFileSync(join(root, 'var/lib/blink/manifest.json'), '{"version":1,"files":{}}\n', { mode: 0o600 });
  writeFileSync(join(root, 'var/lib/blink/manifest.paths'), '/etc/odoo/corteperfecto.somosblink.com.conf\n', { mode: 0o600 });
  writeFileSync(join(root, 'var/lib/blink/audit.log'), '{"result":"applied"}\n');
  writeFileSync(join(root, PASSPHRASE_FILE), 'fake-passphrase-for-tests\n', { mode: 0o600 });
  identity = join(dir, 'age-identity.txt');
  const keygen = spawnSync('age-keygen', ['-o', identity], { encoding: 'utf8' });
  assert.is(keygen.status, 0, keygen.stderr);
  writeFileSync(join(root, RECIPIENTS_FILE), spawnSync('age-keygen', ['-y', identity], { encoding: 'utf8' }).stdout);
  uploads = join(dir, 'uploads.log');
  writeFileSync(join(dir, 'upload-ok'), `#!/bin/sh\nprintf '%s %s %s\\n' "$BLINK_INSTANCE" "$BLINK_BACKUP" "$*" >> '${uploads}'\n`, { mode: 0o755 });
  writeFileSync(join(dir, 'upload-fail'), '#!/bin/sh\necho "bucket unreachable" >&2\nexit 7\n', { mode: 0o755 });
});

s.after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

s('rendered: the weekly cron line, and server.env as plain KEY=value', () => {
  const arts = render({ ...BASE, encrypt: { method: 'age', file: RECIPIENTS_FILE }, upload: '/usr/local/sbin/ship-backup' });
  const cron = arts.find((a) => a.path === SERVER_PATHS.configBackupCron)!;
  assert.is(`${cron.kind} ${cron.mode.toString(8)}`, 'cron 644');
  assert.not.match(cron.path.split('/').pop()!, '.', 'cron skips file names with a dot');
  const line = cron.content.split('\n').find((l) => /^[^#A-Z]/.test(l) && l.trim())!;
  assert.is(line, '15 4 * * 0 root /usr/local/sbin/blink-backup --server-config');
  assert.is(checkCron(line.split(' ').slice(0, 5).join(' ')), undefined);
  assert.ok(cron.content.endsWith('\n'));
  const env = arts.find((a) => a.path === SERVER_PATHS.configBackupEnv)!;
  const lines = env.content.split('\n').filter((l) => l && !l.startsWith('#'));
  assert.equal(lines, ['SERVER=aws-1', 'BACKUP_DIR=/var/backups/odoo', 'KEEP=8', 'ENCRYPT_METHOD=age', `ENCRYPT_FILE=${RECIPIENTS_FILE}`, 'UPLOAD=/usr/local/sbin/ship-backup']);
  // Off: neither file.
  assert.not.ok(render(undefined).some((a) => a.path === SERVER_PATHS.configBackupEnv || a.path === SERVER_PATHS.configBackupCron));
  const r = spawnSync('shellcheck', ['--shell=bash', '--severity=style', script], { encoding: 'utf8' });
  assert.is(r.stdout + r.stderr, '', 'shellcheck blink-backup');
});

s('a backup: the folders and the manifest in one archive with its checksum; restored, it is the live configuration', () => {
  const r = run(['--server-config'], { BLINK_NOW: '20260104T041500Z' });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, '');
  assert.equal(backups(), ['20260104T041500Z']);
  assert.equal(readdirSync(configDir()), ['20260104T041500Z'], 'no temporary folder left');
  const folder = join(configDir(), '20260104T041500Z');
  assert.equal(readdirSync(folder).sort(), ['MANIFEST', 'config.tar.gz']);
  const { into, manifest } = restore('20260104T041500Z');
  assert.is(manifest.values.backup, 'server-config');
  assert.is(manifest.values.server, 'aws-1');
  assert.is(manifest.values.created, '2026-01-04T04:15:00Z');
  assert.is(manifest.values.encryption, 'none');
  assert.is(manifest.files[0]!.name, 'config.tar.gz');

  // Authenticated under the server's own key, numbered like an instance's backups.
  assertAuthentic(folder);
  assert.is(manifest.values.sequence, '1');
  // Byte for byte and mode for mode, the vhost links as links; the secret blink-apply resolved is there.
  const back = covered(into);
  assert.equal(back, expected());
  // The backup keys stay behind: the instances' and the server's own.
  assert.ok(existsSync(join(root, SERVER_PATHS.configBackupKey)) && existsSync(join(root, 'etc/blink/backup-keys/corteperfecto-prod.key')));
  assert.not.ok(existsSync(join(into, 'etc/blink/backup-keys')), 'no backup key in the archive');
  assert.is(manifest.values.excluded, '/etc/blink/backup-keys');
  assert.is(contents(back['etc/nginx/sites-enabled']!)['corteperfecto.somosblink.com'], '-> /etc/nginx/sites-available/corteperfecto.somosblink.com');
  assert.match(readFileSync(join(into, 'etc/odoo/corteperfecto.somosblink.com.conf'), 'utf8'), 'admin_passwd = fake-admin-passwd-for-tests');
  assert.is(readFileSync(join(into, 'var/lib/blink/manifest.json'), 'utf8'), readFileSync(join(root, 'var/lib/blink/manifest.json'), 'utf8'));
  assert.is(readFileSync(join(into, 'var/lib/blink/manifest.paths'), 'utf8'), readFileSync(join(root, 'var/lib/blink/manifest.paths'), 'utf8'));
  // Only what was asked for: not the audit log, not the backups themselves, nothing else of /etc.
  assert.equal(readdirSync(into).sort(), ['etc', 'var']);
  assert.equal(readdirSync(join(into, 'etc')).sort(), ['blink', 'nginx', 'odoo']);
  assert.equal(readdirSync(join(into, 'var/lib/blink')).sort(), ['manifest.json', 'manifest.paths']);
  const log = readFileSync(join(root, 'var/log/blink/backup.log'), 'utf8');
  assert.match(log, /_server-config: backup complete: .*20260104T041500Z/);
  assert.ok(existsSync(join(root, 'run/lock/blink', `${CONFIG_BACKUP_NAME}.lock`)), 'its lock, under the root');
});

s('encrypted with age or gpg, as server.env says; a gpg passphrase file never goes into the archive', () => {
  useSettings({ ...BASE, encrypt: { method: 'age', file: RECIPIENTS_FILE } });
  let r = run(['--server-config'], { BLINK_NOW: '20260111T041500Z' });
  assert.is(r.status, 0, r.stderr);
  let folder = join(configDir(), '20260111T041500Z');
  assert.equal(readdirSync(folder).sort(), ['MANIFEST', 'config.tar.gz.age']);
  assert.is(readFileSync(join(folder, 'config.tar.gz.age')).subarray(0, 21).toString(), 'age-encryption.org/v1');
  let restored = restore('20260111T041500Z');
  assert.is(restored.manifest.values.encryption, 'age');
  assertAuthentic(folder);
  assert.is(restored.manifest.values.sequence, '2');
  // A gpg passphrase only counts when something is encrypted with it: here nothing, so it is kept.
  assert.equal(covered(restored.into), expected());

  useSettings({ ...BASE, encrypt: { method: 'gpg', file: PASSPHRASE_FILE } });
  r = run(['--server-config'], { BLINK_NOW: '20260118T041500Z' });
  assert.is(r.status, 0, r.stderr);
  folder = join(configDir(), '20260118T041500Z');
  assert.equal(readdirSync(folder).sort(), ['MANIFEST', 'config.tar.gz.gpg']);
  restored = restore('20260118T041500Z');
  assert.is(restored.manifest.values.encryption, 'gpg');
  assert.match(readFileSync(join(folder, 'MANIFEST'), 'utf8'), `\nexcluded: ${PASSPHRASE_FILE}\nexcluded: /etc/blink/backup-keys\n`);
  assert.not.ok(existsSync(join(restored.into, PASSPHRASE_FILE)), 'the passphrase is not in what it protects');
  const live = expected();
  delete live['etc/blink']![PASSPHRASE_FILE.slice('/etc/blink/'.length)];
  assert.equal(covered(restored.into), live);
  assert.match(readFileSync(join(root, 'var/log/blink/backup.log'), 'utf8'), /without the passphrase files \/etc\/blink\/backup-passphrase/);
});

s('uploaded like an instance\'s backup; a failed upload keeps the local copy and exits 3', () => {
  useSettings({ ...BASE, upload: `${join(dir, 'upload-ok')} --to remote:bucket` });
  let r = run(['--server-config'], { BLINK_NOW: '20260125T041500Z' });
  assert.is(r.status, 0, r.stderr);
  const folder = join(configDir(), '20260125T041500Z');
  assert.is(readFileSync(uploads, 'utf8'), `${CONFIG_BACKUP_NAME} ${folder} --to remote:bucket ${folder}\n`);
  useSettings({ ...BASE, upload: join(dir, 'upload-fail') });
  r = run(['--server-config'], { BLINK_NOW: '20260201T041500Z' });
  assert.is(r.status, 3);
  assert.match(r.stderr, /upload of .*20260201T041500Z failed \(status 7\); the local copy is kept: bucket unreachable/);
  assert.ok(existsSync(join(configDir(), '20260201T041500Z', 'MANIFEST')));
});

s('kept by count: the newest KEEP, whatever their dates', () => {
  useSettings(BASE);
  for (const n of readdirSync(configDir())) rmSync(join(configDir(), n), { recursive: true });
  // Two years of silence, then three backups on one day (a manual run beside the weekly ones): age would keep none
  // of the old ones and GFS one a day; the count keeps the newest eight, whatever their dates.
  const stamps = ['20240107T041500Z', '20240114T041500Z', '20240121T041500Z', '20240128T041500Z', '20240204T041500Z', '20240211T041500Z', '20260301T041500Z', '20260301T120000Z', '20260301T180000Z', '20260308T041500Z'];
  for (const stamp of stamps) {
    const r = run(['--server-config'], { BLINK_NOW: stamp });
    assert.is(r.status, 0, r.stderr);
  }
  assert.equal(backups(), stamps.slice(-8));
  // A smaller KEEP applies at the next run, or with --prune alone.
  useSettings({ ...BASE, keep: 3 });
  const r = run(['--prune', '--server-config'], { BLINK_NOW: '20260309T000000Z' });
  assert.is(r.status, 0, r.stderr);
  assert.equal(backups(), stamps.slice(-3));
  assert.match(readFileSync(join(root, 'var/log/blink/backup.log'), 'utf8'), /_server-config: pruned 20240114T041500Z/);
});

s('the lock is the instances\': a second run at the same time is refused', () => {
  useSettings(BASE);
  const lock = join(root, 'run/lock/blink', `${CONFIG_BACKUP_NAME}.lock`);
  const r = spawnSync('flock', [lock, script, '--server-config'], { encoding: 'utf8', env: { PATH: `${process.env.PATH}:/usr/sbin:/sbin`, BLINK_NOW: '20260315T041500Z' } });
  assert.is(r.status, 1);
  assert.match(r.stderr, /another blink-backup or blink-restore of _server-config is running/);
  assert.not.ok(backups().includes('20260315T041500Z'));
});

s('bad settings or arguments are refused with what to do, before anything is written', () => {
  const env = join(root, SERVER_PATHS.configBackupEnv);
  const good = readFileSync(env, 'utf8');
  try {
    writeFileSync(env, `${good}LD_PRELOAD=/tmp/x.so\n`);
    let r = run(['--server-config']);
    assert.is(r.status, 2);
    assert.match(r.stderr, /server\.env:\d+: unknown key LD_PRELOAD/);
    writeFileSync(env, good.replace('SERVER=aws-1', 'SERVER=aws-2'));
    r = run(['--server-config']);
    assert.is(r.status, 2);
    assert.match(r.stderr, /SERVER is aws-2, but this blink-backup is server aws-1's/);
    writeFileSync(env, good.replace('KEEP=8', 'KEEP=0'));
    r = run(['--server-config']);
    assert.is(r.status, 2);
    assert.match(r.stderr, /KEEP must be a number of backups, at least 1/);
    rmSync(env);
    r = run(['--server-config']);
    assert.is(r.status, 2);
    assert.match(r.stderr, /no configuration backup on this server: cannot read .*server\.env \(config_backup is off in clients\.yaml/);
    r = run(['--server-config', 'corteperfecto-prod']);
    assert.is(r.status, 2);
    assert.match(r.stderr, /usage: blink-backup/);
  } finally {
    writeFileSync(env, good);
  }
});

s.run();
