import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { clientsAjv, clientsValidator, schemaHash } from '../../src/load/clientsValidator.js';
import { clientsSchema } from '../../src/load/clientsSchema.js';
import { clientsValidatorSource } from '../../src/load/writeClientsValidator.js';
import { tempDir } from '../support/tmp.js';

const s = suite('clients.yaml validator compiled at build time');
const sample = parse(readFileSync(join(process.cwd(), 'config/clients.yaml'), 'utf8')) as Record<string, any>;

/** The sample, then one mistake of each kind the schema catches. */
function inputs(): unknown[] {
  const copy = (): Record<string, any> => structuredClone(sample);
  const out: unknown[] = [sample, 'not a map', { version: 1 }];
  const typo = copy();
  typo.servers['aws-1'].memroy_mb = typo.servers['aws-1'].memory_mb;
  delete typo.servers['aws-1'].memory_mb;
  out.push(typo);
  const badPort = copy();
  badPort.clients.corteperfecto.environments.prod.port = 80;
  out.push(badPort);
  const badKind = copy();
  badKind.clients.corteperfecto.environments.test.kind = 'Test Env';
  out.push(badKind);
  const badTls = copy();
  badTls.defaults = { ...badTls.defaults, tls: 'maybe' };
  out.push(badTls);
  const dupModules = copy();
  dupModules.clients.corteperfecto.modules = ['a', 'a'];
  out.push(dupModules);
  const deploy = copy();
  deploy.deploy = { repository: '../addons', addons_dir: 'custom-addons', releases_dir: '/opt/odoo/releases', keep: 5, notify: 'https://hooks.example.com/x' };
  // Valid: the sample with every deploy key set.
  out.push(deploy);
  for (const bad of [{ keep: 0 }, { addons_dir: '../x' }, { kep: 1 }, { notify: 'ftp://x.example.com' }, { notify: 'http://[::1/x' }]) {
    const d = copy();
    d.deploy = bad;
    out.push(d);
  }
  return out;
}

s('the build-time validator answers exactly as ajv compiling the schema now', () => {
  const t = tempDir();
  try {
    const file = join(t.dir, 'v.cjs');
    writeFileSync(file, clientsValidatorSource(clientsSchema));
    const schema = structuredClone(clientsSchema);
    const pre = clientsValidator(schema, file);
    const now = clientsAjv().compile(clientsSchema);
    assert.is.not(pre, now);
    let failing = 0;
    for (const data of inputs()) {
      assert.is(pre(data), now(data), JSON.stringify(data).slice(0, 80));
      assert.equal(pre.errors ?? null, now.errors ?? null);
      if (now.errors?.length) failing++;
    }
    // The sample and the full deploy block are valid; every other input is refused.
    assert.is(failing, inputs().length - 2);
  } finally {
    t.cleanup();
  }
});

s('the URL format is checked by the build-time code too, not only by the pattern', () => {
  const t = tempDir();
  try {
    const file = join(t.dir, 'v.cjs');
    const source = clientsValidatorSource(clientsSchema);
    assert.match(source, /require\("ajv-formats\/dist\/formats"\)/);
    writeFileSync(file, source);
    const pre = clientsValidator(structuredClone(clientsSchema), file);
    const data = { ...structuredClone(sample), deploy: { notify: 'http://[::1/x' } };
    assert.is(pre(data), false);
    assert.equal(pre.errors!.map((e) => [e.instancePath, e.keyword]), [['/deploy/notify', 'format']]);
  } finally {
    t.cleanup();
  }
});

s('a file made from another schema is not used', () => {
  const t = tempDir();
  try {
    const file = join(t.dir, 'v.cjs');
    const other = { ...clientsSchema, required: ['version'] };
    writeFileSync(file, clientsValidatorSource(other));
    assert.is.not(schemaHash(other), schemaHash(clientsSchema));
    // With the stale file, clients.yaml is still checked against the real schema: `servers` stays required.
    const v = clientsValidator(structuredClone(clientsSchema), file);
    assert.is(v({ version: 1 }), false);
    assert.ok(v.errors!.some((e) => e.keyword === 'required'));
  } finally {
    t.cleanup();
  }
});

s.run();
