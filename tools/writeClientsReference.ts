/**
 * `npm run docs`: writes docs/clients-yaml.md from schema/clients.schema.json and
 * docs/examples/clients.yaml (see clientsReference.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { clientsReference, type JsonSchema } from './clientsReference.js';

const repo = new URL('../', import.meta.url);

export const REFERENCE_FILES = {
  schema: new URL('schema/clients.schema.json', repo),
  example: new URL('docs/examples/clients.yaml', repo),
  reference: new URL('docs/clients-yaml.md', repo),
};

/** The reference as the committed files make it now. */
export function currentReference(): string {
  const schema = JSON.parse(readFileSync(REFERENCE_FILES.schema, 'utf8')) as JsonSchema;
  return clientsReference(schema, readFileSync(REFERENCE_FILES.example, 'utf8'));
}

if (process.argv[1] && new URL(`file://${process.argv[1]}`).href === import.meta.url) {
  writeFileSync(REFERENCE_FILES.reference, currentReference());
  console.log('wrote docs/clients-yaml.md');
}
