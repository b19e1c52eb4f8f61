import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { odooModules, type OdooModulesFile } from '../../src/compile/odooModules.js';
import { buildModules, CATALOGUE_PATH, DEFAULT_REFERENCE_PATH, modulesText, renderCatalogueFile, renderModuleCatalogue, sha256, type Reference, type ReferenceModule } from './buildModuleCatalogue.js';

const s = suite('compile: schema/odoo-modules.json');

const text = readFileSync(CATALOGUE_PATH, 'utf8');
const file = JSON.parse(text) as OdooModulesFile;

// Never skipped: where the reference is missing (CI, a fresh clone) the
// committed fingerprint still catches a hand edit; where it is at hand the
// whole file must be what the generator makes of it.
s('is what test/compile/buildModuleCatalogue.ts makes of the reference in test/fixtures/modules', () => {
  assert.is(renderCatalogueFile(file), text, 'laid out exactly as the generator lays it out');
  assert.is(sha256(modulesText(file.modules)), file.modules_sha256, 'modules edited by hand: run the generator instead');
  const reference = readFileSync(DEFAULT_REFERENCE_PATH);
  assert.is(sha256(reference), file.reference_sha256, 'the reference changed: run the generator');
  assert.fixture(text, renderModuleCatalogue(reference));
});

s('holds all of Odoo 18.0 Community and nothing else', () => {
  const modules = odooModules();
  assert.is(modules.size, 641);
  assert.is([...modules.values()].filter((m) => m.installable !== false).length, 638);
  for (const m of ['base', 'web', 'sale_timesheet', 'stock_dropshipping', 'l10n_ar_withholding', 'payment_mercado_pago', 'website_event', 'hr_contract', 'pos_loyalty']) {
    assert.ok(modules.has(m), m);
  }
  // Enterprise, and a name the old hand-made list had by mistake.
  for (const m of ['documents', 'l10n_ar_stock', 'sale_subscription']) assert.not.ok(modules.has(m), m);
  assert.equal(modules.get('hw_drivers')?.installable, false);
  assert.equal(modules.get('account_payment'), { depends: ['account', 'payment'], auto_install: ['account'] });
  assert.equal(modules.get('web'), { depends: ['base'], auto_install: true });
});

s('is closed: every dependency is in it, and installable modules need only installable ones', () => {
  const modules = odooModules();
  for (const [name, m] of modules) {
    for (const dep of m.depends) {
      assert.ok(modules.has(dep), `${name} → ${dep}`);
      if (m.installable !== false) assert.is.not(modules.get(dep)!.installable, false, `${name} → ${dep}`);
    }
    if (Array.isArray(m.auto_install)) for (const t of m.auto_install as string[]) assert.ok(m.depends.includes(t), `${name} auto_install ${t}`);
  }
});

s('is read once', () => {
  assert.is(odooModules(), odooModules());
});

const generator = suite('compile: buildModuleCatalogue');

const mod = (depends: string[], extra: Partial<ReferenceModule> = {}): ReferenceModule => ({ depends, auto_install: false, installable: true, category: 'Hidden', license: 'LGPL-3', ...extra });
const ref = (modules: Record<string, ReferenceModule>): Reference => ({ _about: 'test', modules });

generator('keeps depends, auto_install and installable only, sorted, defaults left out', () => {
  const out = buildModules(ref({ web: mod(['base'], { auto_install: true }), base: mod([], { auto_install: true }), b: mod(['web', 'base'], { auto_install: ['web'] }), box: mod([], { installable: false }) }));
  assert.equal(Object.keys(out), ['b', 'base', 'box', 'web']);
  assert.equal(out, { b: { depends: ['base', 'web'], auto_install: ['web'] }, base: { depends: [], auto_install: true }, box: { depends: [], installable: false }, web: { depends: ['base'], auto_install: true } });
  assert.is(modulesText(out).split('\n').length, 6, 'one module a line');
});

generator('refuses a reference that would make a broken catalogue', () => {
  assert.throws(() => buildModules(ref({ a: mod(['missing']) })), /a depends on missing, which is not in the reference/);
  assert.throws(() => buildModules(ref({ a: mod(['box']), box: mod([], { installable: false }) })), /a is installable but depends on box/);
  assert.throws(() => buildModules(ref({ a: mod(['base'], { auto_install: ['web'] }), base: mod([]) })), /auto_install lists web/);
  assert.throws(() => buildModules(ref({ 'A-b': mod([]) })), /not a plain technical name/);
});

s.run();
generator.run();
