/**
 * The smaller holes of issue 11, class 6: a restore killed (SIGKILL) between its database
 * rename and its filestore move is finished or undone by the next run, from its journal, and
 * the copies it kept survive; a failed `odoo-bin neutralize` says why (Odoo logs to its
 * logfile, which the live service writes too); production copied into a test instance without
 * --neutralize needs --force; MANIFEST values reach the terminal escaped; a killed run's
 * gpg-agent and temporary files are cleaned by the next run. The kill points are the
 * scripts' BLINK_KILL_AT hook (the swap has no outside command to kill from) or a stand-in
 * holding the run (odoo-bin --version waits for the test's hold file).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool } from '../support/tools.js';
import { databases, reseal, rowCounts, setUpServer, treeHashes, waitFor, type Run, type Server } from './fixture.js';

const s = suite('blink-restore and blink-backup interrupted, and what they show');
const T0 = '20260120T030000Z';
let server: Server;

s.before(async () => {
  for (const tool of ['gpg', 'gpgconf', 'flock', 'python3', 'psql', 'pg_dump', 'pg_restore']) requireTool(tool);
  server = await setUpServer();
  const r = server.run(server.backupScript, ['acme-prod'], { BLINK_NOW: T0 });
  if (r.status !== 0) throw new Error(r.stderr);
});

s.after(async () => {
  await server?.close();
});

const ok = (r: Run, what: string) => assert.is(r.status, 0, `${what} failed (${r.status}): ${r.stdout}${r.stderr}`);
const journalFile = (id: string) => join(server.root, 'var/lib/blink/restore', `${id}.journal`);
const systemctl = () => server.journalLines().filter((l) => l.cmd === 'systemctl').map((l) => l.args);
/** The folders beside an instance's filestore. */
const beside = (id: string) => readdirSync(join(server.filestore(id), '..')).sort();

/** Runs the restore with BLINK_KILL_AT and checks it died by SIGKILL there. */
function killedRestore(args: string[], now: string, point: string): void {
  const r = spawnSync(server.restoreScript, args, {
    encoding: 'utf8',
    env: { PATH: `${process.env['PATH']}:/usr/sbin:/sbin`, LANG: 'C.UTF-8', TMPDIR: server.scriptTmp, BLINK_SYSTEMCTL: join(server.root, 'test/bin/systemctl'), BLINK_NOW: now, BLINK_KILL_AT: point },
  });
  assert.is(r.signal, 'SIGKILL', `the restore was to be killed at ${point}: status ${r.status}\n${r.stdout}${r.stderr}`);
}

s('a restore killed between the database rename and the filestore move is finished by the next one, which keeps its copies', () => {
  const original = { rows: rowCounts(server.pg, 'acme-copy'), files: treeHashes(server.filestore('acme-copy')) };
  server.clearJournal();
  killedRestore(['acme-prod', '--at', T0, '--to', 'acme-copy', '--force'], '20260121T100000Z', 'swap-db');
  // Killed there: the restored database is live, the filestore is still the old one, the service stopped.
  assert.ok(existsSync(journalFile('acme-copy')), 'the journal names the swap in progress');
  assert.equal(rowCounts(server.pg, 'acme-copy'), rowCounts(server.pg, 'acme-prod'));
  assert.equal(treeHashes(server.filestore('acme-copy')), original.files);
  assert.equal(systemctl(), ['stop odoo-acme-copy']);

  // Until it is finished, no backup of the mismatched instance is taken.
  const backup = server.run(server.backupScript, ['acme-copy'], { BLINK_NOW: '20260121T100500Z' });
  assert.is(backup.status, 1);
  assert.match(backup.stderr, /a blink-restore of acme-copy was interrupted during its swap .*: its database and filestore may not match; run blink-restore --recover acme-copy first/);

  // The next restore finishes it first, then does its own; what was live before the killed restore is kept.
  const r = server.run(server.restoreScript, ['acme-prod', '--at', T0, '--to', 'acme-copy', '--force'], { BLINK_NOW: '20260121T110000Z' });
  ok(r, 'the next restore');
  assert.match(r.stdout, /^finished the restore of acme-prod backup 20260120T030000Z into acme-copy that was interrupted during its swap \(run of 2026-01-21 10:00:00\)$/m);
  assert.match(r.stdout, /what was live before the interrupted restore stays too: database acme-copy_old_20260121T100000Z, filestore .*acme-copy\.old-20260121T100000Z/);
  assert.not.ok(existsSync(journalFile('acme-copy')));
  assert.equal(systemctl(), ['stop odoo-acme-copy', 'start odoo-acme-copy', 'stop odoo-acme-copy', 'start odoo-acme-copy']);
  assert.equal(rowCounts(server.pg, 'acme-copy'), rowCounts(server.pg, 'acme-prod'));
  assert.equal(treeHashes(server.filestore('acme-copy')), treeHashes(server.filestore('acme-prod')));
  assert.equal(rowCounts(server.pg, 'acme-copy_old_20260121T100000Z'), original.rows, 'the database from before the killed restore');
  assert.equal(treeHashes(join(server.filestore('acme-copy'), '..', 'acme-copy.old-20260121T100000Z')), original.files, 'its filestore');
  assert.equal(beside('acme-copy'), ['acme-copy', 'acme-copy.old-20260121T100000Z', 'acme-copy.old-20260121T110000Z']);

  // They go with the restore after, as copies kept by a restore do.
  ok(server.run(server.restoreScript, ['acme-prod', '--at', T0, '--to', 'acme-copy', '--force'], { BLINK_NOW: '20260121T120000Z' }), 'the restore after');
  assert.equal(beside('acme-copy'), ['acme-copy', 'acme-copy.old-20260121T120000Z']);
  assert.equal(databases(server.pg).filter((d) => d.startsWith('acme-copy')), ['acme-copy', 'acme-copy_old_20260121T120000Z']);
  ok(server.run(server.backupScript, ['acme-copy'], { BLINK_NOW: '20260121T120500Z' }), 'a backup once it is finished');
});

s('killed after the filestore was moved aside: --recover puts the restored one in place', () => {
  const restoredFrom = treeHashes(server.filestore('acme-prod'));
  server.clearJournal();
  killedRestore(['acme-prod', '--at', T0, '--to', 'acme-copy', '--force'], '20260122T100000Z', 'swap-fs');
  assert.not.ok(existsSync(server.filestore('acme-copy')), 'killed with no live filestore');
  const r = server.run(server.restoreScript, ['--recover', 'acme-copy'], { BLINK_NOW: '20260122T100500Z' });
  ok(r, '--recover');
  assert.match(r.stdout, /^finished the restore of acme-prod backup 20260120T030000Z into acme-copy/m);
  assert.equal(treeHashes(server.filestore('acme-copy')), restoredFrom);
  assert.equal(systemctl(), ['stop odoo-acme-copy', 'start odoo-acme-copy']);
  assert.not.ok(existsSync(journalFile('acme-copy')));
  const again = server.run(server.restoreScript, ['--recover', 'acme-copy']);
  ok(again, 'a second --recover');
  assert.is(again.stdout, 'no interrupted restore of acme-copy\n');
});

s('killed before the database rename committed: the next run undoes the restore and the instance is as it was', () => {
  server.pg.sql('DELETE FROM ir_attachment; DELETE FROM res_partner WHERE id > 50', { db: 'acme-copy', user: 'blink_owner' });
  const before = { rows: rowCounts(server.pg, 'acme-copy'), files: treeHashes(server.filestore('acme-copy')), dbs: databases(server.pg), beside: beside('acme-copy') };
  server.clearJournal();
  killedRestore(['acme-prod', '--at', T0, '--to', 'acme-copy', '--force'], '20260123T100000Z', 'swap-begin');
  const r = server.run(server.restoreScript, ['--recover', 'acme-copy'], { BLINK_NOW: '20260123T100500Z' });
  ok(r, '--recover');
  assert.match(r.stdout, /^undone the restore of acme-prod backup 20260120T030000Z into acme-copy/m);
  assert.equal(rowCounts(server.pg, 'acme-copy'), before.rows);
  assert.equal(treeHashes(server.filestore('acme-copy')), before.files);
  assert.equal(databases(server.pg), before.dbs);
  assert.equal(beside('acme-copy'), before.beside);
  assert.equal(systemctl(), ['stop odoo-acme-copy', 'start odoo-acme-copy']);
});

s('a failed odoo-bin neutralize shows its reason, from its own lines of the logfile the live service writes too', async () => {
  // A database whose neutralization fails for real: Odoo's cron table is missing.
  server.pg.sql('ALTER TABLE ir_cron RENAME TO ir_cron_gone', { db: 'acme-test', user: 'blink_owner' });
  ok(server.run(server.backupScript, ['acme-test'], { BLINK_NOW: T0 }), 'backup');
  server.pg.sql('ALTER TABLE ir_cron_gone RENAME TO ir_cron', { db: 'acme-test', user: 'blink_owner' });
  const log = join(server.root, 'var/log/odoo/odoo-acme-test.log');
  // The live service writing its own lines to the same file meanwhile.
  const writer = `while :; do printf '%s 4242 INFO acme-test werkzeug: GET /web/health 200\\n' "$(date -u '+%F %T,000')" >> '${log}'; sleep 0.01; done`;
  const asRoot = process.getuid?.() === 0;
  const live = spawn(asRoot ? 'runuser' : 'sh', asRoot ? ['-u', server.osUser, '--', 'sh', '-c', writer] : ['-c', writer], { stdio: 'ignore', detached: true });
  let r: Run;
  try {
    await waitFor(() => existsSync(log) && readFileSync(log, 'utf8').includes('werkzeug'), 5000, 'the live service');
    r = server.run(server.restoreScript, ['acme-test', '--at', T0, '--neutralize'], { BLINK_NOW: '20260124T100000Z' });
  } finally {
    // The writer's whole process group (runuser, sh): by the PID of the group it leads.
    process.kill(-live.pid!, 'SIGKILL');
  }
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, /odoo-bin neutralize failed; acme-test is unchanged: .*ERROR \? odoo\.sql_db: bad query: UPDATE ir_mail_server .*relation "ir_cron" does not exist/);
  assert.match(r.stderr, /CRITICAL \? odoo\.cli\.neutralize: An error occurred during the neutralization\. THE DATABASE IS NOT NEUTRALIZED!/);
  assert.not.match(r.stderr, /werkzeug/, 'the live service\'s lines are left out');
  assert.is(server.pg.sql("SELECT count(*) FROM pg_tables WHERE tablename = 'ir_cron'", { db: 'acme-test' }).trim(), '1', 'acme-test is unchanged');
});

s('production copied into a test instance without --neutralize needs --force: its crons and mail would run there', () => {
  const dbs = databases(server.pg);
  const rows = rowCounts(server.pg, 'acme-test');
  server.clearJournal();
  const r = server.run(server.restoreScript, ['acme-prod', '--at', T0, '--to', 'acme-test'], { BLINK_NOW: '20260125T100000Z' });
  assert.is(r.status, 2);
  assert.match(r.stderr, /acme-prod is a production instance and acme-test is not: copied as it is, production's crons and outgoing mail stay live in acme-test .*add --neutralize, or --force to copy it as it is/);
  assert.equal(databases(server.pg), dbs);
  assert.equal(rowCounts(server.pg, 'acme-test'), rows);
  assert.equal(server.journalLines(), []);
  ok(server.run(server.restoreScript, ['acme-prod', '--at', T0, '--to', 'acme-test', '--force'], { BLINK_NOW: '20260125T100000Z' }), 'with --force');
  // The same instance, or production into production (which needs --force anyway), are not such copies.
  ok(server.run(server.restoreScript, ['acme-prod', '--at', T0], { BLINK_NOW: '20260125T110000Z' }), 'production into itself');
});

s('MANIFEST values reach the terminal escaped, in --list and in errors', () => {
  const name = '20260120T040000Z';
  const dir = join(server.backupDir('acme-prod'), name);
  cpSync(join(server.backupDir('acme-prod'), T0), dir, { recursive: true });
  const manifest = readFileSync(join(dir, 'MANIFEST'), 'utf8');
  writeFileSync(join(dir, 'MANIFEST'), manifest.replace('encryption: none', 'encryption: none\x1b]0;pwned\x07\x1b[2J\rx\\y\u009b31m'));
  reseal(dir, join(server.root, 'etc/blink/backup-keys/acme-prod.key'));
  const list = server.run(server.restoreScript, ['--list', 'acme-prod'], { BLINK_NOW: '20260126T000000Z' });
  ok(list, '--list');
  assert.not.match(list.stdout + list.stderr, /[\x00-\x08\x0b-\x1f\x7f\u0080-\u009f]/, 'no control character reaches the terminal');
  assert.match(list.stdout, /^20260120T040000Z .*none\\x1b\]0;pwned\\x07\\x1b\[2J\\x0dx\\x5cy\\xc2\\x9b31m {2}\(latest\)$/m);
  const verify = server.run(server.restoreScript, ['--verify', 'acme-prod', '--at', name]);
  assert.is(verify.status, 1);
  assert.not.match(verify.stderr, /[\x00-\x08\x0b-\x1f\x7f\u0080-\u009f]/);
  assert.match(verify.stderr, /MANIFEST: unknown encryption 'none\\x1b\]0;pwned\\x07\\x1b\[2J\\x0dx\\x5cy\\xc2\\x9b31m'/);
  const at = server.run(server.restoreScript, ['acme-prod', '--at', '2026-01-27\x1b[2J']);
  assert.not.match(at.stderr, /\x1b/);
  rmSync(dir, { recursive: true });
});

s('a SIGKILLed run leaves its gpg-agent and temporary files; the next run of either script removes them', async () => {
  writeFileSync(join(server.root, 'etc/blink/gpg-passphrase'), 'correct horse battery staple\n', { mode: 0o600 });
  const agents = () =>
    readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p))
      .filter((p) => {
        try {
          const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
          return cmd.includes('gpg-agent') && cmd.includes(server.scriptTmp);
        } catch {
          return false;
        }
      });
  const hold = join(server.handshake, 'hold');
  writeFileSync(hold, '');
  // The backup encrypts (gpg starts its agent), then waits in odoo-bin --version: killed there.
  const run = server.start(server.backupScript, ['acme-gpg'], { BLINK_NOW: T0 });
  try {
    await waitFor(() => existsSync(join(server.handshake, 'version-started')), 20_000, 'the backup to reach odoo-bin --version');
    process.kill(run.pid, 'SIGKILL');
  } finally {
    rmSync(hold, { force: true });
    rmSync(join(server.handshake, 'version-started'), { force: true });
  }
  const killed = await run.done;
  assert.is(killed.status, null, 'killed');
  // The stand-in the run waited in is gone when the instance's lock is free again.
  await waitFor(() => spawnSync('flock', ['-n', join(server.root, 'run/lock/blink/acme-gpg.lock'), 'true']).status === 0, 10_000, 'the killed run\'s lock');
  assert.ok(agents().length > 0, 'the killed run left its gpg-agent');
  assert.ok(readdirSync(server.scriptTmp).length > 0, 'and its temporary files');

  // Any next run cleans up: here a --verify of another instance's backup.
  ok(server.run(server.restoreScript, ['--verify', 'acme-prod', '--at', T0]), '--verify');
  await waitFor(() => agents().length === 0, 5000, 'the gpg-agent to be stopped');
  assert.equal(readdirSync(server.scriptTmp), []);
  assert.match(readFileSync(server.log, 'utf8'), /removed .*blink-run\.\w+, left by a run that was killed/);
});

s.run();
