/**
 * docs/clients-yaml.md is generated from schema/clients.schema.json and
 * docs/examples/clients.yaml (tools/clientsReference.ts): it must be what `npm run docs`
 * makes of them now, the example must be a fleet that compiles cleanly and uses every key,
 * and the defaults the schema states must be the ones compile applies.
 */
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { CONFIG_BACKUP_DEFAULTS, DEFAULT_COMMANDS, DEFAULTS, DEPLOY_DEFAULTS } from '../../src/compile/defaults.js';
import { DEFAULT_BACKUP_KEY } from '../../src/compile/backupKey.js';
import { formatDiagnostic } from '../../src/diagnostics/formatDiagnostic.js';
import { clientsReference, type JsonSchema } from '../../tools/clientsReference.js';
import { currentReference, REFERENCE_FILES } from '../../tools/writeClientsReference.js';
import { buildTree, patchedTree, sampleTree } from '../support/configTree.js';

const schema = JSON.parse(readFileSync(REFERENCE_FILES.schema, 'utf8')) as JsonSchema;
const defs = schema.definitions!;
const exampleText = readFileSync(REFERENCE_FILES.example, 'utf8');

const s = suite('clients.yaml reference');

s('docs/clients-yaml.md is what `npm run docs` makes of the schema and the example', () => {
  const committed = readFileSync(REFERENCE_FILES.reference, 'utf8').split('\n');
  const fresh = currentReference().split('\n');
  // The first line that differs, not the whole file: the fix is the same either way.
  const at = Math.max(0, fresh.findIndex((line, i) => line !== committed[i]));
  assert.is(committed[at], fresh[at], `docs/clients-yaml.md is stale from line ${at + 1}: run \`npm run docs\` and commit it`);
  assert.is(committed.length, fresh.length, 'docs/clients-yaml.md is stale (its length): run `npm run docs` and commit it');
});

s('a key without a description stops the generator, named', () => {
  const bare = structuredClone(schema);
  delete bare.definitions!['server']!.properties!['cpus']!.description;
  assert.throws(() => clientsReference(bare, exampleText), /no description for servers\.<server>\.cpus/);
});

s('the example compiles without an error or a warning', () => {
  // The sample's base.conf and kind templates; its host files belong to the sample fleet.
  const tree = patchedTree({ 'config/clients.yaml': exampleText });
  for (const k of Object.keys(tree)) if (k.startsWith('config/hosts/')) delete tree[k];
  const r = buildTree(tree);
  assert.equal(r.diagnostics.map((d) => formatDiagnostic(d, { color: false })), []);
  assert.is(r.fleet?.instances.length, 4);
});

s('the example sets every key of the schema at least once', () => {
  const all = new Set<string>();
  const used = new Set<string>();
  // Keys are named by where the schema defines them, so a shared definition counts once.
  const walk = (node: JsonSchema, at: string, value: unknown): void => {
    if (node.$ref) {
      at = node.$ref;
      node = defs[node.$ref.replace('#/definitions/', '')]!;
    }
    const map = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
    for (const [key, prop] of Object.entries(node.properties ?? {})) {
      all.add(`${at}/${key}`);
      if (map && key in map) used.add(`${at}/${key}`);
      walk(prop, `${at}/${key}`, map?.[key]);
    }
    if (typeof node.additionalProperties === 'object') {
      const entries = map ? Object.values(map) : [];
      for (const v of entries.length ? entries : [undefined]) walk(node.additionalProperties, `${at}/*`, v);
    }
  };
  walk(schema, '#', parse(exampleText));
  assert.equal([...all].filter((k) => !used.has(k)), []);
});

s("the schema's defaults are the ones compile applies", () => {
  const props = (def: string) => defs[def]!.properties!;
  for (const [key, value] of Object.entries(DEFAULTS)) assert.equal(props('defaults')[key]!.default, value, `defaults.${key}`);
  assert.equal(Object.keys(props('commands')), Object.keys(DEFAULT_COMMANDS));
  for (const [key, value] of Object.entries(DEFAULT_COMMANDS)) assert.is(props('commands')[key]!.default, value, `commands.${key}`);
  for (const [key, value] of Object.entries(DEPLOY_DEFAULTS)) assert.is(props('deploy')[key]!.default, value, `deploy.${key}`);
  for (const [key, value] of Object.entries(CONFIG_BACKUP_DEFAULTS)) assert.is(props('configBackup')[key]!.default, value, `config_backup.${key}`);
  // backup.enabled: the sample sets it nowhere.
  const r = buildTree(sampleTree());
  assert.ok(r.fleet!.instances.every((i) => i.backup.enabled === props('backup')['enabled']!.default));
  assert.ok(r.fleet!.instances.every((i) => i.backup.authKey === props('backup')['auth_key']!.default));
  assert.is(props('backup')['auth_key']!.default, DEFAULT_BACKUP_KEY);
});

s.run();
