/**
 * Time cannot erase history: backups are ordered by the sequence their
 * authenticated MANIFEST carries, the newest 3 are never pruned whatever their
 * dates, and blink-backup refuses to run while the newest backup is stamped
 * after the clock. The clock is moved with the scripts' own override,
 * BLINK_NOW: 40 days ahead, then back (see fixture.ts for the server).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool } from '../support/tools.js';
import { backupsOf, readManifest, setUpServer, type Server } from './fixture.js';

const ID = 'acme-ret'; // production, retention by age: keep_days 30
const DAYS = ['20260117T030000Z', '20260118T030000Z', '20260119T030000Z', '20260120T030000Z'];
const AHEAD = '20260301T030000Z'; // 40 days after the last one
let server: Server;

const s = suite('backup order and clock');

s.before(async () => {
  for (const tool of ['flock', 'psql', 'pg_dump', 'pg_restore']) requireTool(tool);
  server = await setUpServer();
});

s.after(async () => {
  await server?.close();
});

const ok = (r: { status: number | null; stdout: string; stderr: string }, what: string) => assert.is(r.status, 0, `${what} failed (${r.status}): ${r.stderr}`);
const seq = (stamp: string, dir = server.backupDir(ID)) => readManifest(join(dir, stamp)).values.sequence;
/** The backup `--at WHEN` designates, as blink-restore --verify names it. */
function designated(when: string, now: string, extra: string[] = []): string {
  const r = server.run(server.restoreScript, ['--verify', ID, '--at', when, ...extra], { BLINK_NOW: now });
  ok(r, `verify --at ${when}`);
  return /^backup (\S+) of /.exec(r.stdout)![1]!;
}

s('each backup gets the next sequence number, recorded in its authenticated MANIFEST', () => {
  for (const now of DAYS) ok(server.run(server.backupScript, [ID], { BLINK_NOW: now }), `backup at ${now}`);
  assert.equal(backupsOf(server, ID), DAYS);
  assert.equal(DAYS.map((d) => seq(d)), ['1', '2', '3', '4']);
  assert.is(readFileSync(join(server.root, 'var/lib/blink/backup-seq', ID), 'utf8'), '4\n');
});

s('one run with the clock 40 days ahead keeps the newest 3 backups, whatever their dates', () => {
  ok(server.run(server.backupScript, [ID], { BLINK_NOW: AHEAD }), 'backup 40 days ahead');
  // keep_days 30 measured from a clock 40 days ahead would leave only the new one.
  assert.equal(backupsOf(server, ID), [DAYS[2], DAYS[3], AHEAD]);
  assert.is(seq(AHEAD), '5');
  assert.match(readFileSync(server.log, 'utf8'), /acme-ret: pruned 20260117T030000Z/);
});

s('with the clock back, blink-backup and --prune refuse to run while the newest backup is stamped in the future', () => {
  const before = readdirSync(server.backupDir(ID)).sort();
  for (const args of [[ID], ['--prune', ID]]) {
    const r = server.run(server.backupScript, args, { BLINK_NOW: '20260120T090000Z' });
    assert.is(r.status, 1, r.stderr);
    assert.match(
      r.stderr,
      /ERROR: the newest backup, 20260301T030000Z \(sequence 5\), is stamped 39d 18h after this server's clock \(20260120T090000Z\): the clock is behind now, or was ahead when 20260301T030000Z was taken\. Nothing was backed up or deleted\. Set the clock right \(timedatectl\), then move \S+\/acme-ret\/20260301T030000Z out of \S+\/acme-ret .* and run again/,
    );
  }
  assert.equal(readdirSync(server.backupDir(ID)).sort(), before, 'nothing taken, nothing pruned');
  // Until then, latest is what was taken last: the highest sequence.
  assert.is(designated('latest', '20260120T090000Z'), AHEAD);
  const list = server.run(server.restoreScript, ['--list', ID], { BLINK_NOW: '20260120T090000Z' });
  assert.match(list.stdout, /^20260301T030000Z\s+2026-03-01 03:00:00\s+in the future\s+.*\(latest\)$/m);
});

s('moved aside, the future-stamped backup stays readable; the next backups continue the sequence and --at latest picks them over a later name', () => {
  const aside = join(server.root, 'var/backups/odoo', `${ID}.clock-ahead`);
  mkdirSync(aside, { recursive: true });
  renameSync(join(server.backupDir(ID), AHEAD), join(aside, AHEAD));
  ok(server.run(server.backupScript, [ID], { BLINK_NOW: '20260120T100000Z' }), 'backup with the clock right');
  // 6, not 5 again: the sequence is kept outside the backup folder too.
  assert.is(seq('20260120T100000Z'), '6');
  assert.is(designated('latest', '20260120T110000Z', ['--dir', aside]), AHEAD);
  // Put back (by the operator, or by anyone who can write the folder): it no longer wins by its name.
  renameSync(join(aside, AHEAD), join(server.backupDir(ID), AHEAD));
  assert.is(designated('latest', '20260120T110000Z'), '20260120T100000Z');
  ok(server.run(server.backupScript, [ID], { BLINK_NOW: '20260120T120000Z' }), 'the next backup runs: the newest is not in the future');
  assert.is(seq('20260120T120000Z'), '7');
  assert.is(designated('latest', '20260120T130000Z'), '20260120T120000Z');
  assert.is(designated('2026-01-20', '20260120T130000Z'), '20260120T120000Z');
  const list = server.run(server.restoreScript, ['--list', ID], { BLINK_NOW: '20260120T130000Z' });
  const order = list.stdout.trim().split('\n').slice(1).map((l) => l.split(/\s+/)[0]);
  assert.equal(order, [DAYS[2], DAYS[3], AHEAD, '20260120T100000Z', '20260120T120000Z'], 'listed in the order taken');
  assert.ok(existsSync(join(server.backupDir(ID), AHEAD)));
});

s.run();
