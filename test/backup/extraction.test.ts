/**
 * A restore extracts files and folders, nothing else (issue 11, class 3). Backups of
 * acme-test get a crafted filestore.tar.gz (made by Python's tarfile, so any member type,
 * mode and size without root) and a MANIFEST resealed to match, as whoever can write the
 * backup folder could: device nodes, FIFOs, links and a name climbing out of the folder are
 * refused before anything changes; an archive's modes are not kept (0777 folders, setuid
 * files: folders get data_dir's 0750, files 0640); an archive that would not fit on the disk (a gzip bomb, an inode bomb) is refused
 * before one byte is written. The disk's free space comes from a df stand-in (BLINK_DF),
 * named so: a small filesystem cannot be mounted here.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool } from '../support/tools.js';
import { craftArchive, databases, reseal, rowCounts, setUpServer, treeHashes, type Member, type Server } from './fixture.js';

const s = suite('blink-restore extracts files and folders only');
const T0 = '20260120T030000Z';
let server: Server;
let stamp = 0;

s.before(async () => {
  for (const tool of ['python3', 'flock', 'psql', 'pg_dump', 'pg_restore', 'tar', 'gzip']) requireTool(tool);
  server = await setUpServer();
  const r = server.run(server.backupScript, ['acme-test'], { BLINK_NOW: T0 });
  if (r.status !== 0) throw new Error(r.stderr);
});

s.after(async () => {
  await server?.close();
});

/** A copy of acme-test's backup whose filestore archive holds exactly `members`; returns its name. */
function craftedBackup(members: Member[]): string {
  const name = `202601201${String(stamp++).padStart(5, '0')}Z`.replace(/^(\d{8})(\d{6})Z$/, '$1T$2Z');
  const dir = join(server.backupDir('acme-test'), name);
  cpSync(join(server.backupDir('acme-test'), T0), dir, { recursive: true });
  craftArchive(join(dir, 'filestore.tar.gz'), members);
  reseal(dir, join(server.root, 'etc/blink/backup-keys/acme-test.key'));
  return name;
}

/** A df stand-in (the restore's free-space check reads `df -B1 --output=avail,iavail`). */
function dfStandIn(avail: number, ifree: number): string {
  const path = join(server.root, 'test', 'bin', `df-${avail}-${ifree}`);
  writeFileSync(path, `#!/bin/sh\n# df stand-in: a disk with ${avail} bytes and ${ifree} inodes free.\nprintf '      Avail   IFree\\n%s %s\\n' ${avail} ${ifree}\n`, { mode: 0o755 });
  return path;
}

/** What must not change when a restore is refused. */
function snapshot() {
  return {
    rows: rowCounts(server.pg, 'acme-test'),
    files: treeHashes(server.filestore('acme-test')),
    dbs: databases(server.pg),
    beside: readdirSync(join(server.filestore('acme-test'), '..')).sort(),
  };
}

const LEGIT: Member[] = [
  { name: './ab', type: 'dir' },
  { name: './ab/abcdef', type: 'file', data: 'an attachment\n' },
];

s('device nodes, FIFOs, links and names outside the folder are refused, and nothing changes', () => {
  const cases: [Member, RegExp][] = [
    [{ name: './ab/sda', type: 'blockdev' }, /block device \.\/ab\/sda/],
    [{ name: './ab/mem', type: 'chardev' }, /character device \.\/ab\/mem/],
    [{ name: './ab/pipe', type: 'fifo' }, /FIFO \.\/ab\/pipe/],
    [{ name: './ab/cron', type: 'symlink', link: '/etc/cron.d' }, /symbolic link \.\/ab\/cron -> \/etc\/cron\.d/],
    [{ name: './ab/shadow', type: 'hardlink', link: './ab/abcdef' }, /hard link \.\/ab\/shadow link to \.\/ab\/abcdef/],
    [{ name: '../escaped', type: 'file', data: 'x' }, /name outside the folder \.\.\/escaped/],
  ];
  const before = snapshot();
  for (const [member, what] of cases) {
    const name = craftedBackup([...LEGIT, member]);
    const r = server.run(server.restoreScript, ['acme-test', '--at', name], { BLINK_NOW: '20260121T000000Z' });
    assert.is(r.status, 1, `${member.type}: ${r.stderr}`);
    assert.match(r.stderr, /the filestore archive of \d{8}T\d{6}Z holds members that are neither files nor folders \(1: /, member.type);
    assert.match(r.stderr, what);
    assert.match(r.stderr, /refused, nothing was changed/);
    assert.equal(snapshot(), before, `${member.type}: nothing changed`);
  }
  assert.equal(server.journalLines(), [], 'the service was never stopped');
});

s('modes come from the script, not the archive: folders 0750 like data_dir, files 0640, owned by the system user', () => {
  const name = craftedBackup([
    { name: './open', type: 'dir', mode: 0o777 },
    { name: './open/world-writable', type: 'file', mode: 0o666, data: 'w\n' },
    { name: './open/setuid', type: 'file', mode: 0o4755, data: '#!/bin/sh\n' },
    { name: './sticky', type: 'dir', mode: 0o3777 },
    { name: './closed', type: 'dir', mode: 0o000 },
    { name: './closed/inside', type: 'file', mode: 0o000, data: 'kept\n' },
  ]);
  const r = server.run(server.restoreScript, ['acme-test', '--at', name], { BLINK_NOW: '20260121T010000Z' });
  assert.is(r.status, 0, r.stderr);
  const fs = server.filestore('acme-test');
  const uid = process.getuid?.() === 0 ? Number(execFileSync('id', ['-u', server.osUser], { encoding: 'utf8' })) : process.getuid!();
  const modes: Record<string, string> = {};
  const walk = (rel: string) => {
    const st = statSync(join(fs, rel));
    modes[rel || '.'] = (st.mode & 0o7777).toString(8);
    assert.is(st.uid, uid, `${rel} owned by the system user`);
    if (st.isDirectory()) for (const e of readdirSync(join(fs, rel))) walk(rel ? `${rel}/${e}` : e);
  };
  walk('');
  assert.equal(modes, {
    '.': '750',
    open: '750',
    'open/world-writable': '640',
    'open/setuid': '640',
    sticky: '750',
    closed: '750',
    'closed/inside': '640',
  });
});

s('a gzip bomb is refused before anything is written, from what the archive says it unpacks to', () => {
  // 160 MiB of zeros in about 160 KiB of gzip; the disk has 64 MiB free.
  const name = craftedBackup([...LEGIT, { name: './ab/bomb', type: 'file', zeros: 160 * 1024 * 1024 }, { name: './ab/after', type: 'file', data: 'x' }]);
  const before = snapshot();
  const r = server.run(server.restoreScript, ['acme-test', '--at', name], { BLINK_NOW: '20260121T020000Z', BLINK_DF: dfStandIn(64 * 1024 * 1024, 1_000_000) });
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, /not enough free space to restore the filestore of \d{8}T\d{6}Z: it unpacks to more than 16\dMiB \(reading stopped there\), and .* has 64MiB free \(\+10% needed\); nothing was changed/, r.stderr);
  assert.equal(snapshot(), before);
  assert.not.ok(readdirSync(join(server.filestore('acme-test'), '..')).some((n) => n.includes('.restore-')), 'no folder was made');
});

s('an archive of more files than the disk has inodes is refused too', () => {
  const many: Member[] = [{ name: './ab', type: 'dir' }];
  for (let k = 0; k < 1200; k++) many.push({ name: `./ab/${k}`, type: 'file', data: '' });
  const name = craftedBackup(many);
  const before = snapshot();
  const r = server.run(server.restoreScript, ['acme-test', '--at', name], { BLINK_NOW: '20260121T030000Z', BLINK_DF: dfStandIn(1024 ** 3, 1000) });
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, /not enough free inodes to restore the filestore of \d{8}T\d{6}Z: it holds more than \d+ files and folders \(reading stopped there\), and .* has 1000 free/, r.stderr);
  assert.equal(snapshot(), before);
});

s('an archive that fits restores, with the real df', () => {
  const name = craftedBackup([...LEGIT, { name: './ab/zeros', type: 'file', zeros: 1024 * 1024 }]);
  const r = server.run(server.restoreScript, ['acme-test', '--at', name], { BLINK_NOW: '20260121T040000Z' });
  assert.is(r.status, 0, r.stderr);
  assert.ok(existsSync(join(server.filestore('acme-test'), 'ab', 'zeros')));
  assert.is(statSync(join(server.filestore('acme-test'), 'ab', 'zeros')).size, 1024 * 1024);
});

s.run();
