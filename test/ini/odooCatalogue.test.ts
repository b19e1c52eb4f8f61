import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import type { OdooCatalogue } from '../../src/compile/odooOptions.js';
import { REFERENCE_PATH, SCHEMA_PATH, renderOdooCatalogue, type ReferenceOption } from './buildOdooCatalogue.js';

const s = suite('ini: schema/odoo-options.json');

const reference = JSON.parse(readFileSync(REFERENCE_PATH, 'utf8')) as ReferenceOption[];
const text = readFileSync(SCHEMA_PATH, 'utf8');
const catalogue = JSON.parse(text) as OdooCatalogue;

s('is exactly what the generator writes (run test/ini/buildOdooCatalogue.ts after editing it)', () => {
  assert.fixture(text, renderOdooCatalogue(reference));
});

s('every reference key lands in exactly one of options, renamed, forbidden', () => {
  for (const { key } of reference) {
    const homes = [catalogue.options, catalogue.renamed, catalogue.forbidden].filter((o) => Object.hasOwn(o, key));
    assert.is(homes.length, 1, key);
  }
  for (const key of Object.keys(catalogue.options)) assert.ok(reference.some((r) => r.key === key), key);
});

s('renamed keys point at current options; extends is not an Odoo option', () => {
  for (const [key, { use }] of Object.entries(catalogue.renamed)) {
    if (use !== null) assert.ok(Object.hasOwn(catalogue.options, use), `${key} → ${use}`);
  }
  assert.not.ok(Object.hasOwn(catalogue.options, 'extends'));
});

s('choice options list their choices, and only they do', () => {
  for (const [key, spec] of Object.entries(catalogue.options)) {
    assert.is(spec.type === 'choice', Array.isArray(spec.choices) && spec.choices.length > 0, key);
    assert.ok(spec.help.length > 0, key);
  }
});

s.run();
