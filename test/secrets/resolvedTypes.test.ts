/**
 * A reference's value exists only at apply: there it meets its option's type
 * before anything is written, and a wrong one is BLINK256 naming the option
 * and the reference, never the value.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { BuildResult } from '../../src/renderCompiled.js';
import { resolveSecrets } from '../../src/secrets/resolveSecrets.js';
import { instanceSecretEnv } from '../../src/secrets/secretRef.js';
import { secretsReady } from '../../src/secrets/secretsReady.js';
import { buildTree, editClients, errorsOf } from '../support/configTree.js';

const types = suite('resolved references meet their option types');

function fleetWith(odoo: string): BuildResult {
  const r = buildTree(editClients('kind: test, port: 8079 }', `kind: test, port: 8079, odoo: ${odoo} }`));
  assert.equal(errorsOf(r), []);
  return r;
}

/** Every admin_passwd and backup key the sample fleet needs (the servers' configuration backups' too), each its own. */
function adminPasswords(r: BuildResult): Record<string, string> {
  return Object.fromEntries([
    ...r.fleet!.servers.flatMap((s) => (s.configBackup ? [[s.configBackup.authKey.slice(2, -1), `fake-config-backup-key-of-${s.name}-0123456789`]] : [])),
    ...r.fleet!.instances.flatMap((i) => [
      [instanceSecretEnv(i.id, 'admin_passwd'), `fake-admin-${i.id}`],
      [instanceSecretEnv(i.id, 'backup_key'), `fake-backup-key-of-${i.id}-0123456789abcdef`],
    ]),
  ]);
}

function resolve(r: BuildResult, env: Record<string, string>) {
  const sources = { env: { ...adminPasswords(r), ...env } };
  const fleet = r.fleet!;
  return { ...resolveSecrets(r.artifacts, sources), ready: secretsReady(fleet.servers, fleet.instances, fleet.instances, sources) };
}

types("list_db = ${LIST_DB} with LIST_DB=maybe is BLINK256 naming list_db and LIST_DB, not the value", () => {
  const r = fleetWith("{ list_db: '${LIST_DB}' }");
  const bad = resolve(r, { LIST_DB: 'maybe-fake-secret' });
  const d = bad.diagnostics.filter((x) => x.code === 'BLINK256');
  assert.is(d.length, 1);
  assert.match(d[0]!.message, 'list_db = ${LIST_DB} in corteperfecto-test\'s /etc/odoo/corteperfecto-test.somosblink.com.conf: the value of LIST_DB is not True or False');
  assert.not.match(JSON.stringify(bad.diagnostics), 'maybe-fake-secret');
  assert.is(bad.ready, false, 'blink-apply must not connect early on a value the exact check refuses');
  for (const ok of ['False', 'True', 'false']) {
    const good = resolve(r, { LIST_DB: ok });
    assert.equal(good.diagnostics, [], ok);
    assert.is(good.ready, true, ok);
  }
});

types('a per-instance secret for an integer option is held to plain decimals, as a literal is', () => {
  const r = fleetWith("{ db_maxconn: '${secret:db_maxconn}' }");
  const name = instanceSecretEnv('corteperfecto-test', 'db_maxconn');
  for (const wrong of ['010', '4k', '', 'four', '${OTHER}']) {
    const d = resolve(r, { [name]: wrong }).diagnostics.filter((x) => x.code === 'BLINK256');
    assert.is(d.length, 1, JSON.stringify(wrong));
    assert.match(d[0]!.message, `the value of ${name} is not a whole number`);
  }
  assert.equal(resolve(r, { [name]: '4' }).diagnostics, []);
});

types('a choice, and a string option, which takes any single-line value', () => {
  const r = fleetWith("{ log_level: '${LOG_LEVEL}', smtp_password: '${secret:smtp_password}' }");
  const smtp = instanceSecretEnv('corteperfecto-test', 'smtp_password');
  const d = resolve(r, { LOG_LEVEL: 'verbose', [smtp]: 'fake ${not a ref} = ; #' }).diagnostics;
  assert.equal(d.map((x) => x.code), ['BLINK256']);
  assert.match(d[0]!.message, 'log_level = ${LOG_LEVEL}');
  assert.match(d[0]!.message, 'is not one of: ');
  assert.equal(resolve(r, { LOG_LEVEL: 'warn', [smtp]: 'fake ${not a ref} = ; #' }).diagnostics, []);
});

types('a text key meets the same traps as a literal: None or True is no password', () => {
  const r = fleetWith("{ db_password: '${secret:db_password}', pidfile: '${PIDFILE}' }");
  const pw = instanceSecretEnv('corteperfecto-test', 'db_password');
  for (const wrong of ['None', 'True']) {
    const d = resolve(r, { [pw]: wrong, PIDFILE: '/run/odoo-test.pid' }).diagnostics;
    assert.equal(d.map((x) => x.code), ['BLINK256'], wrong);
    assert.match(d[0]!.message, `db_password = \${secret:db_password}`);
  }
  // A relative path is a warning for a literal, so no reason to refuse a resolved one.
  assert.equal(resolve(r, { [pw]: 'fake-pw', PIDFILE: 'run/odoo.pid' }).diagnostics, []);
});

types('a missing value is reported once, as missing (BLINK500), not also as mistyped', () => {
  const r = fleetWith("{ list_db: '${LIST_DB}' }");
  assert.equal(resolve(r, {}).diagnostics.map((x) => x.code), ['BLINK500']);
});

types.run();
