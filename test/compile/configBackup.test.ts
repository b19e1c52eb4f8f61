/**
 * clients.yaml `servers.<name>.config_backup`: on by default, weekly, kept by
 * count; encryption and upload the server's own, else defaults.backup's; the
 * files it renders (server.env and the cron job) follow it; mistakes are
 * reported at their key.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CONFIG_BACKUP_DEFAULTS } from '../../src/compile/defaults.js';
import type { Server } from '../../src/model/Fleet.js';
import { SERVER_PATHS } from '../../src/render/serverPaths.js';
import { brief, buildTree, editClients, errorsOf, lineOf } from '../support/configTree.js';

const s = suite('config_backup in clients.yaml');
const Y = 'config/clients.yaml';
const AWS = '  aws-1:\n    ssh: ubuntu@aws-1';

const server = (r: ReturnType<typeof buildTree>, name: string): Server => r.fleet!.servers.find((x) => x.name === name)!;
const files = (r: ReturnType<typeof buildTree>, name: string): string[] =>
  r.artifacts.filter((a) => a.server === name && (a.path === SERVER_PATHS.configBackupEnv || a.path === SERVER_PATHS.configBackupCron || a.path === SERVER_PATHS.configBackupKey)).map((a) => a.path);

s('on by default: weekly, the newest 8 kept, in defaults.backup_dir, with server.env and the cron job', () => {
  const r = buildTree(editClients(AWS, AWS));
  assert.equal(errorsOf(r).map(brief), []);
  const b = server(r, 'aws-1').configBackup!;
  assert.equal({ schedule: b.schedule, keep: b.keep, dir: b.dir }, { schedule: CONFIG_BACKUP_DEFAULTS.schedule, keep: CONFIG_BACKUP_DEFAULTS.keep, dir: '/var/backups/odoo' });
  assert.is(b.encrypt, undefined);
  assert.is(b.upload, undefined);
  // Its key: an environment variable named after the server, as the instances' are after them.
  assert.is(b.authKey, '${BLINK_CONFIG_BACKUP_KEY_AWS_1}');
  assert.is(server(r, 'lab').configBackup!.authKey, '${BLINK_CONFIG_BACKUP_KEY_LAB}');
  assert.equal(files(r, 'aws-1'), [SERVER_PATHS.configBackupKey, SERVER_PATHS.configBackupEnv, SERVER_PATHS.configBackupCron]);
  // The lab too: its backup lands under its root.
  assert.equal(files(r, 'lab'), [SERVER_PATHS.configBackupKey, SERVER_PATHS.configBackupEnv, SERVER_PATHS.configBackupCron]);
});

s("encryption and upload: the server's own, else defaults.backup's, as the instances'", () => {
  const withDefaults = editClients('  backup_dir: /var/backups/odoo\n', '  backup_dir: /srv/backups\n  backup:\n    encrypt: { age_recipients_file: /etc/blink/recipients.txt }\n    upload: /usr/local/sbin/ship\n');
  let r = buildTree(withDefaults);
  assert.equal(errorsOf(r).map(brief), []);
  assert.equal({ ...server(r, 'aws-1').configBackup!, source: undefined, authKeyPos: undefined }, { schedule: '15 4 * * 0', keep: 8, dir: '/srv/backups', encrypt: { method: 'age', file: '/etc/blink/recipients.txt' }, upload: '/usr/local/sbin/ship', authKey: '${BLINK_CONFIG_BACKUP_KEY_AWS_1}', authKeyPos: undefined, source: undefined });
  const own = { ...withDefaults, [Y]: withDefaults[Y]!.replace(AWS, `${AWS}\n    config_backup: { schedule: "0 5 * * 1", keep: 12, encrypt: { gpg_passphrase_file: /etc/blink/config-passphrase }, upload: /usr/local/sbin/ship-config }`) };
  r = buildTree(own);
  assert.equal(errorsOf(r).map(brief), []);
  const b = server(r, 'aws-1').configBackup!;
  assert.equal({ ...b, source: undefined, authKeyPos: undefined }, { schedule: '0 5 * * 1', keep: 12, dir: '/srv/backups', encrypt: { method: 'gpg', file: '/etc/blink/config-passphrase' }, upload: '/usr/local/sbin/ship-config', authKey: '${BLINK_CONFIG_BACKUP_KEY_AWS_1}', authKeyPos: undefined, source: undefined });
  assert.is(b.source.line, lineOf(own, Y, 'config_backup:'));
  const env = r.artifacts.find((a) => a.server === 'aws-1' && a.path === SERVER_PATHS.configBackupEnv)!.content;
  assert.match(env, /^KEEP=12$/m);
  assert.match(env, /^ENCRYPT_METHOD=gpg\nENCRYPT_FILE=\/etc\/blink\/config-passphrase$/m);
  const cron = r.artifacts.find((a) => a.server === 'aws-1' && a.path === SERVER_PATHS.configBackupCron)!.content;
  assert.match(cron, /^0 5 \* \* 1 root \/usr\/local\/sbin\/blink-backup --server-config$/m);
});

s('enabled: false renders neither file', () => {
  const r = buildTree(editClients(AWS, `${AWS}\n    config_backup: { enabled: false }`));
  assert.equal(errorsOf(r).map(brief), []);
  assert.is(server(r, 'aws-1').configBackup, undefined);
  assert.equal(files(r, 'aws-1'), []);
});

s('a bad schedule, a secret in the upload command, a keep of 0 and a key that is no ${NAME} are errors at their key', () => {
  for (const [value, code, needle] of [
    ['{ schedule: "15 4 * * 8" }', 'BLINK016', 'schedule'],
    ['{ auth_key: "${secret:config_key}" }', 'BLINK285', 'auth_key'],
    ['{ auth_key: "fake-literal-key-that-would-sit-in-the-repository" }', 'BLINK285', 'auth_key'],
    ['{ upload: "ship --token ${secret:token}" }', 'BLINK015', 'upload'],
    ['{ keep: 0 }', undefined, 'keep'],
  ] as const) {
    const tree = editClients(AWS, `${AWS}\n    config_backup: ${value}`);
    const r = buildTree(tree);
    const errors = errorsOf(r);
    const line = lineOf(tree, Y, 'config_backup:');
    const column = tree[Y]!.split('\n')[line - 1]!.indexOf(needle) + 1;
    const hit = errors.find((d) => d.file === Y && d.line === line && d.column === column + needle.length + 2 && (code === undefined || d.code === code));
    assert.ok(hit, `${value}: ${errors.map(brief).join(', ')}`);
    assert.is(r.artifacts.length, 0);
  }
});

s.run();
