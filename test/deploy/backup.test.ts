/**
 * The pre-update backup of a production deploy is blink-backup as rendered
 * for the server, dumping a real PostgreSQL started by the test (the backup
 * suite's server, test/backup/fixture.ts); when the update then fails, the
 * blink-restore command blink-deploy prints brings the database back.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { rowCounts, setUpServer, type Server } from '../backup/fixture.js';
import { deployWorld, type DeployWorld } from './fixture.js';

const s = suite('blink-deploy pre-update backup (real PostgreSQL)');
let server: Server;
let w: DeployWorld;

s.before(async () => {
  server = await setUpServer();
  const env = `env PATH=${process.env['PATH'] ?? '/usr/bin:/bin'}:/usr/sbin:/sbin LANG=C.UTF-8 TMPDIR=${server.scriptTmp} BLINK_SYSTEMCTL=${join(server.root, 'test/bin/systemctl')}`;
  w = await deployWorld({ root: server.root, backupCommand: `${env} ${server.backupScript} {instance}` });
  const r = await w.deploy(['--host', 'acme.example.test', '--yes']);
  if (r.code !== 0) throw new Error(r.out + r.err);
});
s.after(async () => {
  await w?.stop();
  await server?.close();
});

s('a failed update leaves the old release running and prints the restore command that undoes it', async () => {
  const before = w.current('acme-prod');
  const counts = rowCounts(server.pg, 'acme-prod');
  w.commit('main', { 'custom-addons/acme_base/views/base.xml': '<odoo><data><!-- migration --></data></odoo>\n' });
  w.setFail('odoo', true);
  // blink-backup names backups by the second: the first deployment's backup must not take this one's name.
  await new Promise((r) => setTimeout(r, 1100));
  // What a half-done migration leaves: data changed after the backup was taken.
  const r = await w.deploy(['--host', 'acme.example.test', '--yes']).finally(() => w.setFail('odoo', false));
  assert.is(r.code, 1, r.out + r.err);
  assert.is(w.current('acme-prod'), before);
  const m = /blink-restore acme-prod --at (\d{8}T\d{6}Z)/.exec(r.out);
  assert.ok(m, r.out);
  const stamp = m![1]!;
  assert.ok(server.run(server.restoreScript, ['--verify', 'acme-prod', '--at', stamp]).status === 0, 'the backup named is complete and verifies');
  server.pg.sql('DELETE FROM ir_attachment; DELETE FROM res_partner WHERE id > 100', { db: 'acme-prod' });
  assert.is.not(rowCounts(server.pg, 'acme-prod')['res_partner'], counts['res_partner']);
  const restore = server.run(server.restoreScript, ['acme-prod', '--at', stamp]);
  assert.is(restore.status, 0, restore.stderr);
  assert.equal(rowCounts(server.pg, 'acme-prod'), counts);
});

s.run();
