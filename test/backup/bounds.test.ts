/**
 * Nothing hangs a schedule: an upload that ignores SIGTERM is killed
 * (timeout -k) and the instance lock is free for the next backup, and pg_dump
 * gives up when a real PostgreSQL session holds ACCESS EXCLUSIVE on a table
 * (--lock-wait-timeout), saying who holds it. Both report clearly.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool } from '../support/tools.js';
import { backupsOf, OWNER, setUpServer, waitFor, type Run, type Server } from './fixture.js';

let server: Server;
const s = suite('backup bounds');

s.before(async () => {
  for (const tool of ['flock', 'psql', 'pg_dump', 'pg_restore', 'timeout']) requireTool(tool);
  // The upload command comes from the environment: each test names its own stand-in.
  server = await setUpServer([{ id: 'acme-hang', backup: { upload: '"$BLINK_TEST_UPLOAD"' } }]);
});

s.after(async () => {
  await server?.close();
});

/** The run's result, or null (the run killed) when it takes longer than `ms`. */
async function within(run: { pid: number; done: Promise<Run> }, ms: number): Promise<Run | null> {
  let timer: NodeJS.Timeout | undefined;
  const r = await Promise.race([run.done, new Promise<null>((res) => (timer = setTimeout(() => res(null), ms)))]);
  clearTimeout(timer);
  if (r === null) {
    process.kill(run.pid, 'SIGKILL');
    await run.done;
  }
  return r;
}

/** Processes whose command line holds `needle`. */
function processesWith(needle: string): string[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(needle);
      } catch {
        return false;
      }
    });
}

s('an upload that ignores SIGTERM is killed after the grace period, reported, and the next backup takes the lock', async () => {
  // Upload stand-in: ignores SIGTERM (so does its sleep, which inherits that) and would run 30 s.
  const standin = join(server.root, 'test', 'bin', 'upload-deaf');
  writeFileSync(standin, `#!/bin/sh\n# upload stand-in for this test: ignores SIGTERM\ntrap '' TERM\necho started >> '${join(server.root, 'test', 'upload-deaf.log')}'\ni=0\nwhile [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done\n`, { mode: 0o755 });
  const env = { BLINK_TEST_UPLOAD: standin, BLINK_UPLOAD_TIMEOUT: '1s', BLINK_UPLOAD_KILL_AFTER: '1s' };
  const t0 = Date.now();
  const run = server.start(server.backupScript, ['acme-hang'], { ...env, BLINK_NOW: '20260120T030000Z' });
  const r = await within(run, 20_000);
  assert.ok(r, 'blink-backup came back within 20 s');
  const took = Date.now() - t0;
  assert.is(r!.status, 3, r!.stderr);
  assert.match(r!.stderr, /ERROR: upload of \S+acme-hang\/20260120T030000Z timed out after 1s, ignored SIGTERM and was killed 1s later; the local copy is kept/);
  assert.ok(took < 15_000, `took ${took} ms`);
  assert.is(readFileSync(join(server.root, 'test', 'upload-deaf.log'), 'utf8'), 'started\n');
  await waitFor(() => processesWith('upload-deaf').length === 0, 5_000, 'the upload stand-in to be gone');
  // The lock is free at once (BLINK_LOCK_WAIT 0): an upload that behaves runs next.
  writeFileSync(standin, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  const next = server.run(server.backupScript, ['acme-hang'], { ...env, BLINK_NOW: '20260120T090000Z' });
  assert.is(next.status, 0, next.stderr);
  assert.equal(backupsOf(server, 'acme-hang'), ['20260120T030000Z', '20260120T090000Z']);
});

s('an upload that stops on SIGTERM is reported as timed out and stopped', () => {
  const standin = join(server.root, 'test', 'bin', 'upload-slow');
  writeFileSync(standin, '#!/bin/sh\n# upload stand-in for this test: slow, stops on SIGTERM\nsleep 30\n', { mode: 0o755 });
  const r = server.run(server.backupScript, ['acme-hang'], { BLINK_TEST_UPLOAD: standin, BLINK_UPLOAD_TIMEOUT: '1s', BLINK_NOW: '20260120T150000Z' });
  assert.is(r.status, 3);
  assert.match(r.stderr, /upload of \S+ timed out after 1s and was stopped \(SIGTERM\); the local copy is kept/);
});

s('pg_dump gives up on a table held ACCESS EXCLUSIVE by another session, says who holds it, and the next backup runs', async () => {
  // A real session of the database's role holding the lock, as a migration or VACUUM FULL would.
  const holder: ChildProcessWithoutNullStreams = spawn('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', 'acme-prod'], {
    env: { ...process.env, ...server.pg.env(OWNER) },
  });
  let out = '';
  holder.stdout.on('data', (d) => (out += d));
  holder.stdin.write("BEGIN;\nLOCK TABLE res_partner IN ACCESS EXCLUSIVE MODE;\nSELECT 'locked ' || pg_backend_pid();\n");
  try {
    await waitFor(() => /locked \d+/.test(out), 10_000, 'the lock');
    const pid = /locked (\d+)/.exec(out)![1];
    const t0 = Date.now();
    const run = server.start(server.backupScript, ['acme-prod'], { BLINK_PG_LOCK_WAIT: '2', BLINK_NOW: '20260120T030000Z' });
    const r = await within(run, 30_000);
    assert.ok(r, 'blink-backup came back within 30 s');
    assert.is(r!.status, 1, r!.stderr);
    assert.match(
      r!.stderr,
      new RegExp(`ERROR: pg_dump of database acme-prod gave up after 2 s waiting for a table lock: held by pid ${pid} \\(role ${OWNER}, since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\); another session holds a conflicting lock .*no backup was kept, the next run tries again: .*LOCK TABLE public\\.res_partner`),
    );
    assert.ok(Date.now() - t0 < 25_000);
    assert.equal(backupsOf(server, 'acme-prod'), []);
    assert.equal(readdirSync(server.backupDir('acme-prod')), [], 'no temporary folder left');
  } finally {
    holder.stdin.end('ROLLBACK;\n');
    await new Promise((res) => (holder.exitCode !== null ? res(null) : holder.once('close', res)));
  }
  const next = server.run(server.backupScript, ['acme-prod'], { BLINK_PG_LOCK_WAIT: '2', BLINK_NOW: '20260120T090000Z' });
  assert.is(next.status, 0, next.stderr);
  assert.equal(backupsOf(server, 'acme-prod'), ['20260120T090000Z']);
});

s('BLINK_PG_LOCK_WAIT must be a number of seconds', () => {
  const r = server.run(server.backupScript, ['acme-prod'], { BLINK_PG_LOCK_WAIT: '5min', BLINK_NOW: '20260120T100000Z' });
  assert.is(r.status, 2);
  assert.match(r.stderr, /BLINK_PG_LOCK_WAIT must be a number of seconds/);
});

s.run();
