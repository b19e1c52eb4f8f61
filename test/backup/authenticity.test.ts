/**
 * A backup proves where it came from: blink-backup ends each MANIFEST with an
 * HMAC-SHA256 under the instance's key (/etc/blink/backup-keys/<instance>.key,
 * outside any backup folder), and blink-restore refuses what that key does not
 * vouch for, what names another instance, and what is not encrypted the way
 * the instance is configured. The forgeries are made as someone who can write
 * the backup folder would make them: re-hashed, re-encrypted to the public age
 * recipient, plain, another instance's, `gpg --store`. Real PostgreSQL, gpg
 * and age (see fixture.ts).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool } from '../support/tools.js';
import { backupKey, backupsOf, databases, OWNER, readManifest, rowCounts, setUpServer, sha256File, treeHashes, type Server } from './fixture.js';

const T0 = '20260120T030000Z';
let server: Server;
let keys: string;

const s = suite('backup authenticity');

s.before(async () => {
  for (const tool of ['age', 'age-keygen', 'gpg', 'flock', 'psql', 'pg_dump', 'pg_restore', 'openssl']) requireTool(tool);
  server = await setUpServer();
  keys = join(server.root, 'test', 'keys');
  mkdirSync(keys, { recursive: true });
  spawnSync('age-keygen', ['-o', join(keys, 'age')], { encoding: 'utf8' });
  writeFileSync(join(server.root, 'etc/blink/age-recipients.txt'), spawnSync('age-keygen', ['-y', join(keys, 'age')], { encoding: 'utf8' }).stdout);
  writeFileSync(join(server.root, 'etc/blink/gpg-passphrase'), 'correct horse battery staple\n', { mode: 0o600 });
  // What a forger wants run: a dump whose restore leaves a mark.
  server.pg.sql('CREATE ROLE forger LOGIN');
  server.pg.sql('CREATE DATABASE evil OWNER forger');
  server.pg.sql('CREATE TABLE pwned (at text); INSERT INTO pwned VALUES (now()::text)', { db: 'evil', user: 'forger' });
});

s.after(async () => {
  await server?.close();
});

const ok = (r: { status: number | null; stdout: string; stderr: string }, what: string) => assert.is(r.status, 0, `${what} failed (${r.status}): ${r.stderr}`);
const dir = (id: string, stamp: string) => join(server.backupDir(id), stamp);

/** A plain custom-format dump of the forger's database, in `file`. */
function evilDump(file: string): void {
  const r = spawnSync('pg_dump', ['--format=custom', '--dbname=evil', `--file=${file}`], { env: { ...process.env, ...server.pg.env('forger') }, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
}

/**
 * Rewrites a backup's MANIFEST the way a forger can: file lines re-hashed from
 * the files now in the folder, some values changed, the auth line kept as it
 * was, dropped, or (with `key`) recomputed as only a holder of the key could.
 */
function reManifest(d: string, o: { set?: Record<string, string>; auth: 'keep' | 'drop' | { key: string } }): void {
  const old = readFileSync(join(d, 'MANIFEST'), 'utf8').split('\n').filter(Boolean);
  const files = readdirSync(d).filter((n) => /^(db\.dump|filestore\.tar\.gz)/.test(n)).sort();
  const body = old
    .filter((l) => !l.startsWith('auth: ') && !l.startsWith('file: '))
    .map((l) => {
      const k = /^([a-z_]+): /.exec(l)?.[1];
      return k && o.set?.[k] !== undefined ? `${k}: ${o.set[k]}` : l;
    });
  for (const f of files) body.push(`file: ${f} ${statSync(join(d, f)).size} ${sha256File(join(d, f))}`);
  let text = `${body.join('\n')}\n`;
  if (o.auth === 'keep') text += `${old.find((l) => l.startsWith('auth: '))}\n`;
  else if (o.auth !== 'drop') text += `auth: hmac-sha256 ${createHmac('sha256', o.auth.key).update(text).digest('hex')}\n`;
  writeFileSync(join(d, 'MANIFEST'), text);
}

/** What must hold after a refused restore: nothing changed, the service never stopped, no forged SQL ran. */
function unchanged(target: string, before: { counts: Record<string, number>; dbs: string[]; files: Record<string, string> }): void {
  assert.equal(rowCounts(server.pg, target), before.counts);
  assert.equal(databases(server.pg), before.dbs);
  assert.equal(treeHashes(server.filestore(target)), before.files);
  assert.equal(server.journalLines(), [], 'the service was never stopped');
  assert.is(server.pg.sql("SELECT count(*) FROM pg_tables WHERE tablename = 'pwned'", { db: target }).trim(), '0');
}
function snapshot(target: string) {
  server.clearJournal();
  return { counts: rowCounts(server.pg, target), dbs: databases(server.pg), files: treeHashes(server.filestore(target)) };
}

s('the MANIFEST ends with a standard HMAC-SHA256 of the lines above it, under the instance key kept outside the backups', () => {
  ok(server.run(server.backupScript, ['acme-prod'], { BLINK_NOW: T0 }), 'backup');
  const text = readFileSync(join(dir('acme-prod', T0), 'MANIFEST'), 'utf8');
  const m = /^([^]*)auth: hmac-sha256 ([0-9a-f]{64})\n$/.exec(text);
  assert.ok(m, 'the last line authenticates');
  assert.is(m![2], createHmac('sha256', backupKey('acme-prod')).update(m![1]!).digest('hex'));
  // openssl computes the same: an off-site copy can be checked with the key alone.
  const body = join(server.root, 'test', 'manifest-body');
  writeFileSync(body, m![1]!);
  const o = spawnSync('openssl', ['dgst', '-sha256', '-hmac', backupKey('acme-prod'), body], { encoding: 'utf8' });
  assert.ok(o.stdout.trim().endsWith(m![2]!), o.stdout);
  assert.is(readManifest(dir('acme-prod', T0)).values.sequence, '1');
  const key = join(server.root, 'etc/blink/backup-keys/acme-prod.key');
  assert.is(statSync(key).mode & 0o777, 0o600);
  assert.not.ok(readdirSync(dir('acme-prod', T0)).some((f) => f.includes('key')));
  assert.not.ok(text.includes(backupKey('acme-prod')), 'the key is not in the backup');
});

s('a good backup still restores', () => {
  server.clearJournal();
  const r = server.run(server.restoreScript, ['acme-prod', '--at', 'latest', '--to', 'acme-copy', '--force'], { BLINK_NOW: '20260121T000000Z' });
  ok(r, 'restore');
  assert.equal(rowCounts(server.pg, 'acme-copy'), rowCounts(server.pg, 'acme-prod'));
  assert.equal(treeHashes(server.filestore('acme-copy')), treeHashes(server.filestore('acme-prod')));
});

s('a forged dump with the MANIFEST re-hashed without the key is refused, with or without the old auth line', () => {
  const forged = dir('acme-prod', '20260120T090000Z');
  cpSync(dir('acme-prod', T0), forged, { recursive: true });
  evilDump(join(forged, 'db.dump'));
  const before = snapshot('acme-copy');
  for (const auth of ['drop', 'keep'] as const) {
    reManifest(forged, { set: { created: '2026-01-20T09:00:00Z', sequence: '99' }, auth });
    const r = server.run(server.restoreScript, ['acme-prod', '--at', '20260120T090000Z', '--to', 'acme-copy', '--force'], { BLINK_NOW: '20260121T010000Z' });
    assert.is(r.status, 1, `auth line ${auth}: ${r.stderr}`);
    assert.match(r.stderr, /backup .*acme-prod\/20260120T090000Z is not authenticated: the key of acme-prod does not vouch for its MANIFEST .*nothing was changed/);
    assert.is(server.run(server.restoreScript, ['--verify', 'acme-prod', '--at', '20260120T090000Z']).status, 1);
    unchanged('acme-copy', before);
  }
  // Its higher sequence and later name win nothing: latest is what the key vouches for.
  const v = server.run(server.restoreScript, ['--verify', 'acme-prod', '--at', 'latest']);
  ok(v, 'verify latest');
  assert.match(v.stdout, new RegExp(`backup ${T0} of acme-prod`));
  const list = server.run(server.restoreScript, ['--list', 'acme-prod'], { BLINK_NOW: '20260121T010000Z' });
  assert.match(list.stdout, /^20260120T090000Z .*\(unauthenticated: refused\)$/m);
  assert.match(list.stdout, /^20260120T030000Z .*\(latest\)$/m);
  rmSync(forged, { recursive: true });
});

s('a forged backup re-encrypted to the public age recipient is refused', () => {
  ok(server.run(server.backupScript, ['acme-age'], { BLINK_NOW: T0 }), 'age backup');
  const forged = dir('acme-age', '20260120T090000Z');
  cpSync(dir('acme-age', T0), forged, { recursive: true });
  const plain = join(server.root, 'test', 'evil.dump');
  evilDump(plain);
  const recipients = join(server.root, 'etc/blink/age-recipients.txt');
  assert.is(spawnSync('age', ['-R', recipients, '-o', join(forged, 'db.dump.age'), plain]).status, 0);
  reManifest(forged, { set: { created: '2026-01-20T09:00:00Z' }, auth: 'keep' });
  const before = snapshot('acme-age');
  const r = server.run(server.restoreScript, ['acme-age', '--at', '20260120T090000Z', '--identity', join(keys, 'age')], { BLINK_NOW: '20260121T010000Z' });
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, /acme-age\/20260120T090000Z is not authenticated/);
  unchanged('acme-age', before);
  rmSync(forged, { recursive: true });
});

s('a plain backup of an instance configured for gpg is refused, even an authentic one', () => {
  // Taken while the instance had no encryption (its settings changed since): authentic, but plain.
  const env = join(server.root, 'etc/blink/instances/acme-gpg.env');
  const settings = readFileSync(env, 'utf8');
  writeFileSync(env, settings.replace(/^ENCRYPT_METHOD=gpg$/m, 'ENCRYPT_METHOD='));
  try {
    ok(server.run(server.backupScript, ['acme-gpg'], { BLINK_NOW: '20260119T030000Z' }), 'plain backup');
  } finally {
    writeFileSync(env, settings);
  }
  assert.is(readManifest(dir('acme-gpg', '20260119T030000Z')).values.encryption, 'none');
  const before = snapshot('acme-gpg');
  const r = server.run(server.restoreScript, ['acme-gpg', '--at', 'latest'], { BLINK_NOW: '20260121T010000Z' });
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, /20260119T030000Z is encrypted with none, but acme-gpg is configured for gpg \(clients.yaml backup.encrypt\): refusing a backup not encrypted the way its instance is/);
  unchanged('acme-gpg', before);
  rmSync(dir('acme-gpg', '20260119T030000Z'), { recursive: true });
});

s('gpg --store data (no passphrase needed to "decrypt" it) is refused even under a MANIFEST the key vouches for', () => {
  ok(server.run(server.backupScript, ['acme-gpg'], { BLINK_NOW: T0 }), 'gpg backup');
  const forged = dir('acme-gpg', '20260120T090000Z');
  cpSync(dir('acme-gpg', T0), forged, { recursive: true });
  const plain = join(server.root, 'test', 'evil.dump');
  evilDump(plain);
  const home = join(server.root, 'test', 'gnupg');
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const store = spawnSync('gpg', ['--batch', '--yes', '--homedir', home, '--store', '-o', join(forged, 'db.dump.gpg'), plain], { encoding: 'utf8' });
  assert.is(store.status, 0, store.stderr);
  spawnSync('gpgconf', ['--homedir', home, '--kill', 'gpg-agent']);
  // As if the key had leaked too: only the encryption check stands in the way.
  reManifest(forged, { set: { created: '2026-01-20T09:00:00Z', sequence: '2' }, auth: { key: backupKey('acme-gpg') } });
  const before = snapshot('acme-gpg');
  const r = server.run(server.restoreScript, ['acme-gpg', '--at', 'latest'], { BLINK_NOW: '20260121T010000Z' });
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, /acme-gpg\/20260120T090000Z: db\.dump\.gpg is not gpg-encrypted data .*which gpg --decrypt would pass through; nothing was changed/);
  unchanged('acme-gpg', before);
  rmSync(forged, { recursive: true });
  // The real one restores with the configured passphrase.
  ok(server.run(server.restoreScript, ['acme-gpg', '--at', 'latest'], { BLINK_NOW: '20260121T020000Z' }), 'gpg restore');
  assert.equal(rowCounts(server.pg, 'acme-gpg'), rowCounts(server.pg, 'acme-prod'));
});

s("another instance's backup is refused in its folder; restored only as that instance's, with --to", () => {
  ok(server.run(server.backupScript, ['acme-test'], { BLINK_NOW: T0 }), 'test backup');
  const planted = dir('acme-copy', T0);
  cpSync(dir('acme-test', T0), planted, { recursive: true });
  const before = snapshot('acme-copy');
  // acme-copy's key does not vouch for acme-test's backup.
  let r = server.run(server.restoreScript, ['acme-copy', '--at', T0], { BLINK_NOW: '20260121T010000Z' });
  assert.is(r.status, 1);
  assert.match(r.stderr, /acme-copy\/20260120T030000Z is not authenticated/);
  // With acme-test's key it is authentic, but of acme-test: the MANIFEST names it.
  const otherKey = join(server.root, 'etc/blink/backup-keys/acme-test.key');
  r = server.run(server.restoreScript, ['acme-copy', '--at', T0, '--key-file', otherKey], { BLINK_NOW: '20260121T010000Z' });
  assert.is(r.status, 1);
  assert.match(r.stderr, /is a backup of acme-test, not of acme-copy; nothing was changed\. To restore it into acme-copy, name where it comes from: blink-restore acme-test --dir \S+\/acme-copy --at 20260120T030000Z --to acme-copy/);
  unchanged('acme-copy', before);
  // Named for what it is, it restores.
  r = server.run(server.restoreScript, ['acme-test', '--dir', server.backupDir('acme-copy'), '--at', T0, '--to', 'acme-copy'], { BLINK_NOW: '20260121T020000Z' });
  ok(r, 'restore acme-test backup --to acme-copy');
  assert.equal(rowCounts(server.pg, 'acme-copy'), rowCounts(server.pg, 'acme-test'));
  rmSync(planted, { recursive: true });
});

s('a backup whose folder was renamed to another time is refused', () => {
  const renamed = dir('acme-prod', '20260125T000000Z');
  cpSync(dir('acme-prod', T0), renamed, { recursive: true });
  const r = server.run(server.restoreScript, ['--verify', 'acme-prod', '--at', '20260125T000000Z']);
  assert.is(r.status, 1);
  assert.match(r.stderr, /20260125T000000Z was taken at 20260120T030000Z, not at the time its folder is named after/);
  rmSync(renamed, { recursive: true });
});

s('the off-site copy is verified with the same key, from wherever it was fetched', () => {
  const offsite = join(server.root, 'test', 'offsite', 'acme-prod');
  mkdirSync(offsite, { recursive: true });
  cpSync(dir('acme-prod', T0), join(offsite, T0), { recursive: true });
  let r = server.run(server.restoreScript, ['--verify', 'acme-prod', '--dir', offsite, '--at', 'latest']);
  ok(r, 'verify the off-site copy');
  assert.match(r.stdout, /backup 20260120T030000Z of acme-prod: 2 files match the manifest/);
  const m = join(offsite, T0, 'MANIFEST');
  writeFileSync(m, readFileSync(m, 'utf8').replace('instance: acme-prod', 'instance: acme-prod '));
  r = server.run(server.restoreScript, ['--verify', 'acme-prod', '--dir', offsite, '--at', T0]);
  assert.is(r.status, 1);
  assert.match(r.stderr, /offsite\/acme-prod\/20260120T030000Z is not authenticated/);
});

s('the key must be there, root-only (0600) and long enough, or nothing runs', () => {
  const key = join(server.root, 'etc/blink/backup-keys/acme-up.key');
  const content = readFileSync(key, 'utf8');
  chmodSync(key, 0o644);
  let r = server.run(server.backupScript, ['acme-up'], { BLINK_NOW: T0 });
  assert.is(r.status, 2);
  assert.match(r.stderr, /acme-up\.key must belong to \S+ with mode 0600: whoever can read it can vouch for a forged backup/);
  chmodSync(key, 0o600);
  writeFileSync(key, content.replace(backupKey('acme-up'), 'short'));
  r = server.run(server.backupScript, ['acme-up'], { BLINK_NOW: T0 });
  assert.is(r.status, 2);
  assert.match(r.stderr, /the backup key in \S+acme-up\.key has 5 characters; it needs at least 32/);
  rmSync(key);
  r = server.run(server.restoreScript, ['--list', 'acme-up']);
  assert.is(r.status, 2);
  assert.match(r.stderr, /no backup key at \S+acme-up\.key: blink-apply writes it from clients.yaml's backup.auth_key/);
  writeFileSync(key, content, { mode: 0o600 });
  assert.not.ok(existsSync(server.backupDir('acme-up')) && backupsOf(server, 'acme-up').length > 0);
});

s("the dump's SQL runs as the target database's own role: never a superuser, nor one owning other clients' databases", () => {
  const before = snapshot('acme-copy');
  // A superuser (here through PGUSER, which wins over odoo.conf's db_user) is refused outright.
  let r = server.run(server.restoreScript, ['acme-prod', '--at', T0, '--to', 'acme-copy', '--force'], { BLINK_NOW: '20260122T000000Z', PGUSER: server.pg.superuser });
  assert.is(r.status, 2);
  assert.match(r.stderr, /the restore connects to PostgreSQL as postgres, a superuser: a backup's SQL would run with every right on every database/);
  unchanged('acme-copy', before);
  // The role also owning another client's database is refused unless --shared-role says so.
  server.pg.sql(`CREATE DATABASE "other-prod" OWNER ${OWNER}`);
  try {
    const withOther = snapshot('acme-copy');
    r = server.run(server.restoreScript, ['acme-prod', '--at', T0, '--to', 'acme-copy', '--force'], { BLINK_NOW: '20260122T000000Z' });
    assert.is(r.status, 2);
    assert.match(r.stderr, /role blink_owner, which the backup's SQL runs as, also owns 1 database\(s\) of other clients or of no instance here: other-prod\. A backup's SQL could reach them: give each instance its own role/);
    unchanged('acme-copy', withOther);
    r = server.run(server.restoreScript, ['acme-prod', '--at', T0, '--to', 'acme-copy', '--force', '--shared-role'], { BLINK_NOW: '20260122T000000Z' });
    ok(r, 'restore --shared-role');
  } finally {
    server.pg.sql('DROP DATABASE "other-prod"');
  }
  // A database owned by another role is not this one's to restore.
  server.pg.sql('CREATE ROLE other_owner LOGIN CREATEDB');
  server.pg.sql('ALTER DATABASE "acme-test" OWNER TO other_owner');
  try {
    r = server.run(server.restoreScript, ['acme-prod', '--at', T0, '--to', 'acme-test', '--force', '--shared-role'], { BLINK_NOW: '20260122T010000Z' });
    assert.is(r.status, 2);
    assert.match(r.stderr, /database acme-test is owned by role other_owner, but the restore connects as blink_owner/);
  } finally {
    server.pg.sql(`ALTER DATABASE "acme-test" OWNER TO ${OWNER}`);
  }
});

s.run();
