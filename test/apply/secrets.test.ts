import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveSecrets } from '../../src/secrets/resolveSecrets.js';
import { loadSecretsFile } from '../../src/secrets/loadSecretsFile.js';
import { instanceSecretEnv } from '../../src/secrets/secretRef.js';
import { maskForDiff, scrub } from '../../src/secrets/maskSecrets.js';
import { tempDir } from '../support/tmp.js';
import { awsArtifacts } from './memoryWorld.js';
import { secretsReady } from '../../src/secrets/secretsReady.js';
import { sampleFleet } from '../support/sampleFleet.js';
import { secretEnv } from './harness.js';

const s = suite('secrets');

/** The aws-1 files holding admin_passwd; the backup keys, the other secret files, have their own tests (test/compile/backupKey.test.ts). */
const confArtifacts = () => awsArtifacts().filter((a) => a.kind !== 'backup-key');

s('the per-instance variable name', () => {
  assert.is(instanceSecretEnv('corteperfecto-prod', 'admin_passwd'), 'BLINK_SECRET_CORTEPERFECTO_PROD_ADMIN_PASSWD');
});

s('every missing name is listed at once, without values', () => {
  const r = resolveSecrets(confArtifacts(), { env: { BLINK_SECRET_BLINK_INTERNAL_ADMIN_PASSWD: 'x-secret-1' } });
  const missing = r.diagnostics.filter((d) => d.code === 'BLINK500').map((d) => d.message);
  assert.is(missing.length, 2);
  assert.match(missing[0]!, 'BLINK_SECRET_CORTEPERFECTO_PROD_ADMIN_PASSWD');
  assert.match(missing[1]!, 'BLINK_SECRET_CORTEPERFECTO_TEST_ADMIN_PASSWD');
  assert.not.ok(JSON.stringify(r.diagnostics).includes('x-secret-1'));
});

s('a --diff may go without a secret: a warning each, the reference left in place, a line break still refused', () => {
  const env = { BLINK_SECRET_BLINK_INTERNAL_ADMIN_PASSWD: 'x-secret-1' };
  const r = resolveSecrets(confArtifacts(), { env }, { allowMissing: true });
  assert.equal(r.diagnostics.map((d) => [d.code, d.severity]), [['BLINK530', 'warning'], ['BLINK530', 'warning']]);
  assert.match(r.diagnostics[0]!.message, 'secret BLINK_SECRET_CORTEPERFECTO_PROD_ADMIN_PASSWD is not set');
  const left = [...r.unresolved].map(([a, u]) => [a.path, u]).sort();
  assert.equal(left, [
    ['/etc/odoo/corteperfecto-test.somosblink.com.conf', { refs: ['secret:admin_passwd'], names: ['BLINK_SECRET_CORTEPERFECTO_TEST_ADMIN_PASSWD'] }],
    ['/etc/odoo/corteperfecto.somosblink.com.conf', { refs: ['secret:admin_passwd'], names: ['BLINK_SECRET_CORTEPERFECTO_PROD_ADMIN_PASSWD'] }],
  ]);
  for (const [a] of r.unresolved) assert.match(r.contents.get(a)!, 'admin_passwd = ${secret:admin_passwd}\n');
  // With a secrets file, the message names both places; the name to set stays the variable.
  const withFile = resolveSecrets(confArtifacts(), { env, file: {} }, { allowMissing: true });
  assert.match(withFile.diagnostics[0]!.message, 'BLINK_SECRET_CORTEPERFECTO_PROD_ADMIN_PASSWD (or corteperfecto-prod.admin_passwd in the secrets file)');
  assert.equal([...withFile.unresolved.values()].flatMap((u) => u.names).sort(), ['BLINK_SECRET_CORTEPERFECTO_PROD_ADMIN_PASSWD', 'BLINK_SECRET_CORTEPERFECTO_TEST_ADMIN_PASSWD']);
  // Without the option: errors, and nothing is marked unresolved (an apply never gets that far).
  const strict = resolveSecrets(confArtifacts(), { env });
  assert.equal(strict.diagnostics.map((d) => d.code), ['BLINK500', 'BLINK500']);
  assert.is(strict.unresolved.size, 0);
  // A secret is one line, which is what lets a line holding a missing one stand for exactly one server line.
  const broken = resolveSecrets(confArtifacts(), { env: { ...env, BLINK_SECRET_CORTEPERFECTO_PROD_ADMIN_PASSWD: 'two\nlines' } }, { allowMissing: true });
  assert.ok(broken.diagnostics.some((d) => d.code === 'BLINK500' && d.severity === 'error' && d.message.includes('contains a line break')));
});

s('the same admin_passwd on two instances is refused, naming them but not the value', () => {
  const env = {
    BLINK_SECRET_BLINK_INTERNAL_ADMIN_PASSWD: 'shared-value',
    BLINK_SECRET_CORTEPERFECTO_PROD_ADMIN_PASSWD: 'shared-value',
    BLINK_SECRET_CORTEPERFECTO_TEST_ADMIN_PASSWD: 'other-value',
  };
  const r = resolveSecrets(awsArtifacts(), { env });
  const d = r.diagnostics.find((x) => x.code === 'BLINK501')!;
  assert.match(d.message, 'blink-internal, corteperfecto-prod');
  assert.not.match(d.message, 'shared-value');
});

s('a production admin_passwd shorter than 16 characters is refused by its length, never its value; other kinds are not held to it', () => {
  const env = {
    BLINK_SECRET_BLINK_INTERNAL_ADMIN_PASSWD: 'short-internal',
    BLINK_SECRET_CORTEPERFECTO_PROD_ADMIN_PASSWD: 'short-prod',
    BLINK_SECRET_CORTEPERFECTO_TEST_ADMIN_PASSWD: 'short-test',
  };
  const production = new Set(['corteperfecto-prod']);
  const r = resolveSecrets(awsArtifacts(), { env }, { production });
  const weak = r.diagnostics.filter((x) => x.code === 'BLINK540');
  assert.equal(weak.map((d) => d.message), ['corteperfecto-prod: admin_passwd is 10 characters; a production instance needs at least 16']);
  assert.not.ok(JSON.stringify(r.diagnostics).includes('short-prod'));
  const strong = resolveSecrets(awsArtifacts(), { env: { ...env, BLINK_SECRET_CORTEPERFECTO_PROD_ADMIN_PASSWD: 'fake-but-long-enough-0001' } }, { production });
  assert.equal(strong.diagnostics.filter((x) => x.code === 'BLINK540'), []);
  // The check that lets apply connect early says no to the same fleet.
  const fleet = sampleFleet();
  const aws = fleet.servers.filter((x) => x.name === 'aws-1');
  const on = fleet.instances.filter((i) => i.server === 'aws-1');
  assert.is(secretsReady(aws, on, on, { env }), false);
});

s('a secrets file is used when it is 0600, refused when others can read it', () => {
  const t = tempDir();
  try {
    const f = join(t.dir, 'secrets.yaml');
    const key = (n: number) => `fake-backup-key-${n}-0123456789abcdef0123`;
    writeFileSync(f, `blink-internal: {admin_passwd: a1, backup_key: ${key(1)}}\ncorteperfecto-prod: {admin_passwd: a2, backup_key: ${key(2)}}\ncorteperfecto-test: {admin_passwd: a3, backup_key: ${key(3)}}\n`);
    chmodSync(f, 0o644);
    assert.is(loadSecretsFile(f).diagnostics[0]?.code, 'BLINK502');
    chmodSync(f, 0o600);
    const loaded = loadSecretsFile(f);
    assert.equal(loaded.diagnostics, []);
    const r = resolveSecrets(awsArtifacts(), { env: { BLINK_SECRET_BLINK_INTERNAL_ADMIN_PASSWD: 'from-env' }, file: loaded.secrets! });
    assert.equal(r.diagnostics, []);
    // The environment wins over the file.
    assert.equal(r.values.sort(), ['a2', 'a3', key(1), key(2), key(3), 'from-env'].sort());
  } finally {
    t.cleanup();
  }
});

s('masking: unchanged values stay context, the old value of a changed one is never shown', () => {
  const template = '[options]\nadmin_passwd = ${secret:admin_passwd}\nworkers = 1\n';
  const conf = { kind: 'odoo-conf' as const };
  const same = maskForDiff('[options]\nadmin_passwd = old\nworkers = 0\n', '[options]\nadmin_passwd = old\nworkers = 1\n', template, ['old'], conf);
  assert.is(same.new, '[options]\nadmin_passwd = (sensitive)\nworkers = 1\n');
  assert.is(same.old, '[options]\nadmin_passwd = (sensitive)\nworkers = 0\n');
  const changed = maskForDiff('[options]\nadmin_passwd = old\n', '[options]\nadmin_passwd = new\n', template, ['new'], conf);
  assert.not.ok(changed.old.includes('old') || changed.new.includes('new'));
  assert.match(changed.new, 'admin_passwd = (sensitive, changed)');
  assert.is(scrub('db_password = hunter2\nplain = yes', []), 'db_password = (sensitive)\nplain = yes');
});

s('secretsReady: says yes only when the exact check after render is sure to pass', () => {
  const fleet = sampleFleet();
  const aws = fleet.servers.filter((x) => x.name === 'aws-1');
  const on = fleet.instances.filter((i) => i.server === 'aws-1');
  const full = secretEnv(fleet);
  const without = (name: string): Record<string, string> => Object.fromEntries(Object.entries(full).filter(([k]) => k !== name));
  const cases: [string, Record<string, string>, boolean][] = [
    ['every secret set', full, true],
    ['one missing', without('BLINK_SECRET_CORTEPERFECTO_TEST_ADMIN_PASSWD'), false],
    ['one with a line break', { ...full, BLINK_SECRET_BLINK_INTERNAL_ADMIN_PASSWD: 'two\nlines' }, false],
    ['two admin_passwd alike', { ...full, BLINK_SECRET_BLINK_INTERNAL_ADMIN_PASSWD: 'same', BLINK_SECRET_CORTEPERFECTO_PROD_ADMIN_PASSWD: 'same' }, false],
  ];
  for (const [what, env, ready] of cases) {
    assert.is(secretsReady(aws, on, on, { env }), ready, what);
    // The promise it makes: yes means resolveSecrets finds nothing wrong.
    if (ready) assert.equal(resolveSecrets(awsArtifacts(fleet), { env }).diagnostics, [], what);
    else assert.ok(resolveSecrets(awsArtifacts(fleet), { env }).diagnostics.length > 0, what);
  }
  // A --diff that may lack secrets: a missing one does not hold the connections back; a broken one still does.
  assert.ok(secretsReady(aws, on, on, { env: without('BLINK_SECRET_CORTEPERFECTO_TEST_ADMIN_PASSWD') }, { allowMissing: true }));
  assert.ok(secretsReady(aws, on, on, { env: {} }, { allowMissing: true }));
  assert.not.ok(secretsReady(aws, on, on, { env: { ...full, BLINK_SECRET_BLINK_INTERNAL_ADMIN_PASSWD: 'two\nlines' } }, { allowMissing: true }));
  assert.equal(resolveSecrets(awsArtifacts(fleet), { env: {} }, { allowMissing: true }).diagnostics.filter((d) => d.severity === 'error'), []);
  // A reference in a server's own values has no instance to be looked up for: wait for the exact check.
  assert.not.ok(secretsReady([{ ...aws[0]!, ssh: 'ubuntu@${HOST_OF_AWS}' }], on, on, { env: { ...full, HOST_OF_AWS: 'x' } }));
  // Instances on the server but outside a --host selection still feed its shared files: they count too.
  assert.not.ok(secretsReady(aws, on, on.slice(0, 1), { env: without('BLINK_SECRET_CORTEPERFECTO_TEST_ADMIN_PASSWD') }));
});

s.run();
