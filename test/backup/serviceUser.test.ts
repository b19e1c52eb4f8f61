/**
 * Root never works inside a folder the service user controls (issue 11, class 1). The
 * instances' system user owns their data_dir, as on a server; here a real process of that
 * user (the test's osUser) races the scripts: it swaps the restore's new filestore folder for
 * a link the moment inotify reports it, or keeps swapping the live filestore for a link while
 * blink-backup reads it. Where the links point (a root-owned folder standing in for
 * /etc/cron.d, a root-only folder holding a secret) nothing may appear, and nothing may
 * leave. Needs root (a second user); CI runs as root.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { requireTool } from '../support/tools.js';
import { asSystemUser, backupsOf, rowCounts, setUpServer, treeHashes, waitFor, type Server } from './fixture.js';

const asRoot = process.getuid?.() === 0;
const s = suite('blink-backup and blink-restore against the service user');
/** Without root there is no second user to race with; CI runs as root, and must not skip. */
const test = asRoot || process.env['CI'] ? s : s.skip;
const T0 = '20260120T030000Z';
let server: Server;
/** Root-owned, like /etc/cron.d: nothing may ever appear here. */
let cronD: string;
/** Root-only: a secret that must never reach a backup. */
let rootOnly: string;
const SECRET = 'TOP-SECRET-root-only-4b1d';

s.before(async () => {
  if (!asRoot) {
    if (process.env['CI']) throw new Error('these tests race the scripts with a second user: run them as root');
    return;
  }
  for (const tool of ['python3', 'runuser', 'flock', 'psql', 'pg_dump', 'pg_restore']) requireTool(tool);
  server = await setUpServer();
  cronD = join(server.root, 'test', 'etc-cron.d');
  mkdirSync(cronD);
  chmodSync(cronD, 0o755);
  rootOnly = join(server.root, 'test', 'root-only');
  mkdirSync(rootOnly);
  chmodSync(rootOnly, 0o700);
  writeFileSync(join(rootOnly, 'secret'), `${SECRET}\n`, { mode: 0o600 });
  writeFileSync(join(server.root, 'test', 'bin', 'swapper.py'), SWAPPER, { mode: 0o755 });
  writeFileSync(join(server.root, 'test', 'bin', 'toggler.py'), TOGGLER, { mode: 0o755 });
});

s.after(async () => {
  await server?.close();
});

/**
 * Run by the system user: watches a folder with inotify and, the moment a folder whose name
 * starts with PREFIX appears, moves it aside and puts a link to TARGET in its place. Writes
 * "ready" once it watches, then one line per swap.
 */
const SWAPPER = String.raw`#!/usr/bin/python3
import ctypes, os, struct, sys
folder, prefix, target, log = sys.argv[1:5]
libc = ctypes.CDLL(None, use_errno=True)
IN_CREATE, IN_MOVED_TO = 0x100, 0x80
fd = libc.inotify_init1(0)
if fd < 0 or libc.inotify_add_watch(fd, folder.encode(), IN_CREATE | IN_MOVED_TO) < 0:
    sys.exit("inotify: errno %d" % ctypes.get_errno())
with open(log, "a") as f:
    f.write("ready %d\n" % os.getpid())
while True:
    buf = os.read(fd, 65536)
    i = 0
    while i < len(buf):
        wd, mask, cookie, size = struct.unpack_from("iIII", buf, i)
        name = buf[i + 16:i + 16 + size].rstrip(b"\0").decode()
        i += 16 + size
        if not name.startswith(prefix) or name.endswith(".moved"):
            continue
        path = os.path.join(folder, name)
        try:
            os.rename(path, path + ".moved")
            os.symlink(target, path)
        except OSError as e:
            with open(log, "a") as f:
                f.write("missed %s: %s\n" % (name, e))
            continue
        with open(log, "a") as f:
            f.write("swapped %s\n" % name)
`;

/**
 * Run by the system user: keeps swapping FOLDER for a link to TARGET and back, as fast as it
 * can, until killed (SIGTERM puts the folder back).
 */
const TOGGLER = String.raw`#!/usr/bin/python3
import os, signal, sys, time
folder, target, log = sys.argv[1:4]
real = folder + ".real"
def put_back(*_):
    if os.path.islink(folder):
        os.unlink(folder)
    if os.path.isdir(real) and not os.path.exists(folder):
        os.rename(real, folder)
    sys.exit(0)
signal.signal(signal.SIGTERM, put_back)
with open(log, "a") as f:
    f.write("ready %d\n" % os.getpid())
n = 0
while True:
    os.rename(folder, real)
    os.symlink(target, folder)
    time.sleep(0.0005)
    os.unlink(folder)
    os.rename(real, folder)
    time.sleep(0.0005)
    n += 1
`;

/** Starts a watcher as the system user and waits until it is ready; stop() kills it by its own PID. */
async function startAsSystemUser(script: string, args: string[], log: string): Promise<{ stop: () => Promise<void>; lines: () => string[] }> {
  writeFileSync(log, '');
  chmodSync(log, 0o666);
  const child: ChildProcess = spawn('runuser', ['-u', server.osUser, '--', '/usr/bin/python3', script, ...args, log], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const lines = () => readFileSync(log, 'utf8').split('\n').filter(Boolean);
  await waitFor(() => lines().some((l) => l.startsWith('ready ')) || child.exitCode !== null, 10_000, `${script} to start`);
  const ready = lines().find((l) => l.startsWith('ready '));
  if (!ready) throw new Error(`${script} did not start: ${err}`);
  const pid = Number(ready.split(' ')[1]);
  return {
    lines,
    stop: async () => {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
    },
  };
}

/** The bytes of every file of every backup of an instance, decompressed where gzip. */
function backupBytes(id: string): string {
  let all = '';
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        const b = readFileSync(p);
        all += b.toString('latin1');
        if (e.name.endsWith('.gz')) all += gunzipSync(b).toString('latin1');
      }
    }
  };
  if (existsSync(server.backupDir(id))) walk(server.backupDir(id));
  return all;
}

function tarListing(archive: string): string[] {
  const r = spawnSync('tar', ['-tvzf', archive], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n');
}

test('a restore races a service-user process swapping its new filestore folder for a link: nothing lands where the link points', async () => {
  const r0 = server.run(server.backupScript, ['acme-prod'], { BLINK_NOW: T0 });
  assert.is(r0.status, 0, r0.stderr);
  const parent = join(server.filestore('acme-copy'), '..');
  const counts = rowCounts(server.pg, 'acme-copy');
  const files = treeHashes(server.filestore('acme-copy'));
  const watcher = await startAsSystemUser(join(server.root, 'test', 'bin', 'swapper.py'), [parent, '.acme-copy.restore-', cronD], join(server.root, 'test', 'swapper.log'));
  let r;
  try {
    r = server.run(server.restoreScript, ['acme-prod', '--at', T0, '--to', 'acme-copy', '--force'], { BLINK_NOW: '20260121T100000Z' });
  } finally {
    await watcher.stop();
  }
  // The race happened: the folder the restore made was swapped for a link to cronD.
  assert.ok(watcher.lines().some((l) => l.startsWith('swapped .acme-copy.restore-20260121T100000Z.')), watcher.lines().join('\n'));
  assert.equal(readdirSync(cronD), [], `written through the link: ${readdirSync(cronD).join(', ')}\n${r.stderr}`);
  assert.is(statSync(cronD).mode & 0o7777, 0o755, 'the link target keeps its mode');
  assert.is(statSync(cronD).uid, 0);
  // The restore could not extract through the link (as the system user), or saw the link: it failed and changed nothing.
  assert.is(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /restoring the filestore of 20260120T030000Z failed: .*Permission denied|\.acme-copy\.restore-\S+ was replaced while the filestore was restored into it/);
  assert.equal(rowCounts(server.pg, 'acme-copy'), counts);
  assert.ok(lstatSync(server.filestore('acme-copy')).isDirectory());
  assert.equal(treeHashes(server.filestore('acme-copy')), files);

  // Without the race, the next restore works and takes away what the swapper left.
  const again = server.run(server.restoreScript, ['acme-prod', '--at', T0, '--to', 'acme-copy', '--force'], { BLINK_NOW: '20260121T110000Z' });
  assert.is(again.status, 0, again.stderr);
  assert.equal(treeHashes(server.filestore('acme-copy')), treeHashes(server.filestore('acme-prod')));
  assert.equal(readdirSync(parent).sort(), ['acme-copy', 'acme-copy.old-20260121T110000Z']);
  assert.equal(readdirSync(cronD), []);
});

test('blink-backup refuses a filestore folder the service user replaced with a link to a root-only folder', () => {
  const fs = server.filestore('acme-test');
  const moved = asSystemUser(server, 'sh', ['-c', 'mv -T -- "$1" "$1.real" && ln -s -- "$2" "$1"', 'plant', fs, rootOnly]);
  assert.is(moved.status, 0, moved.stderr);
  try {
    const r = server.run(server.backupScript, ['acme-test'], { BLINK_NOW: T0 });
    assert.is(r.status, 1, r.stderr);
    assert.match(r.stderr, /filestore\/acme-test is a symbolic link: blink-backup follows no link in folders postgres controls/);
    assert.equal(backupsOf(server, 'acme-test'), []);
    assert.not.ok(backupBytes('acme-test').includes(SECRET));
  } finally {
    asSystemUser(server, 'sh', ['-c', 'rm -f -- "$1" && mv -T -- "$1.real" "$1"', 'unplant', fs]);
  }
});

test('links and FIFOs the service user put inside the filestore stay out of the backup, which restores', () => {
  const zz = join(server.filestore('acme-test'), 'zz');
  const planted = asSystemUser(server, 'sh', ['-c', 'ln -s -- "$2/secret" "$1/link" && ln -s -- "$2" "$1/dirlink" && mkfifo -- "$1/fifo"', 'plant', zz, rootOnly]);
  assert.is(planted.status, 0, planted.stderr);
  const r = server.run(server.backupScript, ['acme-test'], { BLINK_NOW: '20260120T040000Z' });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, /left out of the backup: 3 entries of .*filestore\/acme-test that are neither files nor folders/);
  const listing = tarListing(join(server.backupDir('acme-test'), '20260120T040000Z', 'filestore.tar.gz'));
  assert.ok(listing.some((l) => l.endsWith(' ./zz/stale-file')), listing.join('\n'));
  assert.ok(listing.every((l) => l.startsWith('-') || l.startsWith('d')), `only files and folders:\n${listing.join('\n')}`);
  assert.not.ok(backupBytes('acme-test').includes(SECRET));
  // A backup of what blink-backup archives always restores (the restore refuses anything else).
  asSystemUser(server, 'rm', ['-f', '--', join(zz, 'link'), join(zz, 'dirlink'), join(zz, 'fifo')]);
  const before = treeHashes(server.filestore('acme-test'));
  const restored = server.run(server.restoreScript, ['acme-test', '--at', '20260120T040000Z'], { BLINK_NOW: '20260120T050000Z' });
  assert.is(restored.status, 0, restored.stderr);
  assert.equal(treeHashes(server.filestore('acme-test')), before);
});

test('backups taken while a service-user process keeps swapping the filestore for a link never hold root-only files', async () => {
  const fs = server.filestore('acme-ret');
  const toggler = await startAsSystemUser(join(server.root, 'test', 'bin', 'toggler.py'), [fs, rootOnly], join(server.root, 'test', 'toggler.log'));
  const results: number[] = [];
  try {
    for (let k = 0; k < 6; k++) {
      const r = server.run(server.backupScript, ['acme-ret'], { BLINK_NOW: `2026012${k}T030000Z` });
      results.push(r.status ?? -1);
    }
  } finally {
    await toggler.stop();
  }
  assert.ok(lstatSync(fs).isDirectory(), 'the toggler put the folder back');
  assert.not.ok(backupBytes('acme-ret').includes(SECRET), `a backup holds the root-only file (statuses ${results.join(' ')})`);
  assert.ok(results.every((st) => st === 0 || st === 1), results.join(' '));
});

s.run();
