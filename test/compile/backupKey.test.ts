/**
 * backup.auth_key: every instance with backups gets its own key file,
 * /etc/blink/backup-keys/<instance>.key (root only, 0600), rendered from a
 * per-instance `${secret:…}` reference (by default `${secret:backup_key}`).
 * What compile can tell is BLINK290/291 with the clients.yaml position; what
 * only apply can tell (the value) is BLINK500/580/581, pointing at the same place.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { BuildResult } from '../../src/renderCompiled.js';
import { backupKeyLine, resolveSecrets } from '../../src/secrets/resolveSecrets.js';
import { instanceSecretEnv } from '../../src/secrets/secretRef.js';
import { secretsReady } from '../../src/secrets/secretsReady.js';
import { brief, buildTree, editClients, errorsOf, lineOf, sampleTree } from '../support/configTree.js';

const s = suite('backup keys');

function built(tree: Record<string, string>): BuildResult {
  return buildTree(tree);
}

s('by default each instance with backups gets its own key file, 0600 root-only, holding ${secret:backup_key}', () => {
  const r = built(editClients('test: { host: corteperfecto-test.somosblink.com, server: aws-1, branch: test, kind: test, port: 8079 }', 'test: { host: corteperfecto-test.somosblink.com, server: aws-1, branch: test, kind: test, port: 8079, backup: { enabled: false } }'));
  assert.equal(errorsOf(r), []);
  // The instances' keys (each server's configuration backup has its own, see configBackup.test.ts).
  const keys = r.artifacts.filter((a) => a.kind === 'backup-key' && a.instance !== undefined);
  assert.equal(keys.map((a) => a.path).sort(), ['/etc/blink/backup-keys/blink-internal.key', '/etc/blink/backup-keys/corteperfecto-prod.key', '/etc/blink/backup-keys/demo-showcase.key']);
  for (const a of keys) {
    assert.is(a.mode, 0o600);
    assert.is(a.owner, 'root:root');
    assert.equal(a.secretRefs, ['${secret:backup_key}']);
    assert.is(backupKeyLine(a.content), '${secret:backup_key}');
  }
  assert.is(r.fleet!.instances.find((i) => i.id === 'demo-showcase')!.backup.authKey, '${secret:backup_key}');
});

s('auth_key written out, or a ${NAME} shared by every instance, is BLINK290 where it is set', () => {
  for (const [value, why] of [
    ['0123456789abcdef0123456789abcdef', /must not be written out/],
    ['"${BACKUP_KEY}"', /a \$\{NAME\} reference gives every instance the same key/],
    ['"key-${secret:backup_key}"', /must not be written out/],
  ] as const) {
    const tree = editClients('backup: { keep_days: 3 }', `backup: { keep_days: 3, auth_key: ${value} }`);
    const errors = errorsOf(built(tree));
    assert.is(errors.length, 1, JSON.stringify(errors));
    assert.match(errors[0]!.message, why);
    assert.is(brief(errors[0]!).split(':')[0], 'BLINK290 config/clients.yaml');
    assert.is(errors[0]!.line, lineOf(tree, 'config/clients.yaml', 'auth_key'));
  }
  // Its own secret name is fine: BLINK_SECRET_DEMO_SHOWCASE_LAB_KEY.
  const r = built(editClients('backup: { keep_days: 3 }', 'backup: { keep_days: 3, auth_key: "${secret:lab_key}" }'));
  assert.equal(errorsOf(r), []);
  assert.equal(r.artifacts.find((a) => a.path === '/etc/blink/backup-keys/demo-showcase.key')!.secretRefs, ['${secret:lab_key}']);
});

s('a backup_dir holding or inside the key folder is BLINK291', () => {
  for (const dir of ['/etc/blink', '/', '/etc/blink/backup-keys/odoo']) {
    const tree = editClients('backup_dir: /var/backups/odoo', `backup_dir: ${dir}`);
    const errors = errorsOf(built(tree)).filter((d) => d.code === 'BLINK291');
    assert.is(errors.length, 1, dir);
    assert.match(errors[0]!.message, `backup_dir ${dir} overlaps /etc/blink/backup-keys`);
    assert.is(errors[0]!.line, lineOf(tree, 'config/clients.yaml', 'backup_dir:'));
  }
});

/** Every secret the sample fleet needs, with the backup keys given (or left out) by `keys`. */
function sources(r: BuildResult, keys: (id: string) => string | undefined) {
  const env: Record<string, string> = {};
  // Each server's configuration backup key, each its own: these tests are about the instances' keys.
  for (const x of r.fleet!.servers) if (x.configBackup) env[x.configBackup.authKey.slice(2, -1)] = `fake-config-backup-key-of-${x.name}-0123456789`;
  for (const i of r.fleet!.instances) {
    env[instanceSecretEnv(i.id, 'admin_passwd')] = `fake-admin-passwd-of-${i.id}`;
    const k = keys(i.id);
    if (k !== undefined) env[instanceSecretEnv(i.id, 'backup_key')] = k;
  }
  return { env };
}
function resolve(r: BuildResult, keys: (id: string) => string | undefined) {
  const fleet = r.fleet!;
  const byId = new Map(fleet.instances.map((i) => [i.id, i]));
  const src = sources(r, keys);
  const res = resolveSecrets(r.artifacts, src, { positionOf: (a) => (a.kind === 'backup-key' && a.instance ? byId.get(a.instance)!.backup.authKeyPos : undefined) });
  return { ...res, ready: secretsReady(fleet.servers, fleet.instances, fleet.instances, src) };
}

s('at apply: a missing key is BLINK500 at the environment, a short one BLINK580, one shared by two instances BLINK581', () => {
  const tree = sampleTree();
  const r = built(tree);
  const good = resolve(r, (id) => `fake-backup-key-of-${id}-0123456789abcdef`);
  assert.equal(good.diagnostics, []);
  assert.is(good.ready, true);
  const file = good.contents.get(r.artifacts.find((a) => a.path === '/etc/blink/backup-keys/demo-showcase.key')!)!;
  assert.is(backupKeyLine(file), 'fake-backup-key-of-demo-showcase-0123456789abcdef');

  const missing = resolve(r, (id) => (id === 'demo-showcase' ? undefined : `fake-backup-key-of-${id}-0123456789abcdef`));
  assert.equal(missing.diagnostics.map(brief), [`BLINK500 config/clients.yaml:${lineOf(tree, 'config/clients.yaml', 'showcase:')}:7`]);
  assert.match(missing.diagnostics[0]!.message, 'secret BLINK_SECRET_DEMO_SHOWCASE_BACKUP_KEY is not set (needed by demo-showcase (/etc/blink/backup-keys/demo-showcase.key))');
  assert.is(missing.ready, false);

  const short = resolve(r, (id) => (id === 'demo-showcase' ? 'fake-short' : `fake-backup-key-of-${id}-0123456789abcdef`));
  assert.equal(short.diagnostics.map((d) => d.code), ['BLINK580']);
  assert.match(short.diagnostics[0]!.message, 'demo-showcase: the backup key (BLINK_SECRET_DEMO_SHOWCASE_BACKUP_KEY) is 10 characters; it needs at least 32');
  assert.not.match(JSON.stringify(short.diagnostics), 'fake-short');
  assert.is(short.ready, false);

  const shared = resolve(r, () => 'fake-one-backup-key-for-all-0123456789abcdef');
  assert.equal(shared.diagnostics.map((d) => d.code), ['BLINK581']);
  assert.match(shared.diagnostics[0]!.message, 'blink-internal, corteperfecto-prod, corteperfecto-test, demo-showcase have the same backup key');
  assert.is(shared.ready, false);
});

s.run();
