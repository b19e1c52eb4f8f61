/**
 * The modules an instance enables and the depends of custom modules, checked
 * against the Odoo 18.0 Community catalogue (schema/odoo-modules.json), the
 * custom addons and the folders clients.yaml declares. Codes and positions
 * are asserted; messages and hints where they are the point.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { locateModule, unknownModuleHint } from '../../src/compile/locateModule.js';
import type { OdooModule } from '../../src/compile/odooModules.js';
import type { Diagnostic } from '../../src/diagnostics/Diagnostic.js';
import { brief, buildTree, editClients, patchedTree, sampleTree } from '../support/configTree.js';

const Y = 'config/clients.yaml';
const AR_FIXES = 'custom-addons/blink_ar_fixes/__manifest__.py';

/** `line:column` of the `nth` occurrence of `needle` in a file of the tree (1-based). */
function at(tree: Record<string, string>, file: string, needle: string, nth = 1): string {
  const lines = tree[file]!.split('\n');
  let seen = 0;
  for (const [i, l] of lines.entries()) {
    for (let c = l.indexOf(needle); c >= 0; c = l.indexOf(needle, c + 1)) {
      if (++seen === nth) return `${file}:${i + 1}:${c + 1}`;
    }
  }
  throw new Error(`${file} has no ${JSON.stringify(needle)} #${nth}`);
}

const moduleDiagnostics = (tree: Record<string, string>): Diagnostic[] => buildTree(tree).diagnostics.filter((d) => /^BLINK02[234]|^BLINK22/.test(d.code));

/** The sample tree with clients.yaml edited (several replacements) and other files patched. */
function tree(edits: [string, string][], patch: Record<string, string | null> = {}): Record<string, string> {
  let text = sampleTree()[Y]!;
  for (const [from, to] of edits) {
    if (!text.includes(from)) throw new Error(`sample clients.yaml has no ${JSON.stringify(from)}`);
    text = text.replace(from, to);
  }
  return patchedTree({ [Y]: text, ...patch });
}

const CORTE = 'modules: [blink_invoice_layout, blink_ar_fixes, l10n_ar_invoice_thermal_qr]';
const ENTERPRISE = [
  '  addons_paths: [/opt/odoo/odoo/addons]   # then /opt/odoo/releases/<instance>/current',
  '  addons_paths: [/opt/odoo/odoo/addons, /opt/odoo/enterprise]\n  addons_path_modules:\n    /opt/odoo/enterprise: [documents, sale_subscription]',
] as [string, string];

const fleet = suite('modules: what instances enable');

fleet('every Odoo 18.0 Community module is accepted, the ones the old list lacked included', () => {
  const t = editClients(CORTE, 'modules: [blink_ar_fixes, sale_timesheet, stock_dropshipping, l10n_ar_withholding, payment_mercado_pago, website_event, hr_contract, pos_loyalty, l10n_mx, test_mail]');
  assert.equal(moduleDiagnostics(t).map(brief), []);
});

fleet('a module outside Community and custom-addons is BLINK022 at its name, with both ways out', () => {
  const t = editClients(CORTE, 'modules: [blink_ar_fixes, documents]');
  const ds = moduleDiagnostics(t);
  assert.equal(ds.map(brief), [`BLINK022 ${at(t, Y, 'documents')}`]);
  assert.is(ds[0]!.message, "corteperfecto-prod, corteperfecto-test: module 'documents' is neither an Odoo 18.0 Community module, nor in custom-addons/, nor listed under defaults.addons_path_modules");
  assert.is(ds[0]!.hint, unknownModuleHint(undefined, 'custom-addons'));
  assert.match(ds[0]!.hint!, /^fix the name, or add an addons path that holds it: commit it under custom-addons\/, or list its folder \(Enterprise, OCA…\) in defaults.addons_paths/);
});

fleet('a typo gets a did-you-mean from the catalogue; one client line is one error for all its environments', () => {
  const t = editClients(CORTE, 'modules: [blink_ar_fixes, sale_timesheets, l10n_ar_stock]');
  const ds = moduleDiagnostics(t);
  assert.equal(ds.map(brief), [`BLINK022 ${at(t, Y, 'sale_timesheets')}`, `BLINK022 ${at(t, Y, 'l10n_ar_stock')}`]);
  assert.match(ds[0]!.hint!, /^did you mean 'sale_timesheet'\? If not, add an addons path that holds it/);
  assert.match(ds[0]!.message, /^corteperfecto-prod, corteperfecto-test: /);
});

fleet('a module of one environment is reported at that environment', () => {
  const t = editClients('kind: test, port: 8079 }', 'kind: test, port: 8079, modules: [crm, crmm] }');
  const ds = moduleDiagnostics(t);
  assert.equal(ds.map(brief), [`BLINK022 ${at(t, Y, 'crmm')}`]);
  assert.match(ds[0]!.message, /^corteperfecto-test: module 'crmm'/);
  assert.match(ds[0]!.hint!, /did you mean 'crm'\?/);
});

fleet('a module Odoo ships as not installable is BLINK220, not "unknown"', () => {
  const t = editClients('kind: test, port: 8079 }', 'kind: test, port: 8079, modules: [hw_drivers] }');
  const ds = moduleDiagnostics(t);
  assert.equal(ds.map(brief), [`BLINK220 ${at(t, Y, 'hw_drivers')}`]);
  assert.is(ds[0]!.message, "corteperfecto-test: module 'hw_drivers' is not installable: Odoo 18.0 ships it with 'installable': False");
  assert.is(ds[0]!.hint, 'remove it from modules');
});

fleet('a custom module whose manifest says installable False is BLINK220 at the entry', () => {
  const t = tree([], { [AR_FIXES]: sampleTree()[AR_FIXES]!.replace("'installable': True", "'installable': False") });
  const ds = moduleDiagnostics(t);
  assert.equal(ds.map(brief), [`BLINK220 ${at(t, Y, 'blink_ar_fixes')}`]);
  assert.match(ds[0]!.message, "custom-addons/blink_ar_fixes/__manifest__.py says 'installable': False");
  assert.match(ds[0]!.hint!, "set 'installable': True in its manifest");
});

const declared = suite('modules: addons folders clients.yaml declares');

declared('a module listed under addons_path_modules is accepted, and the folder is on the rendered addons_path', () => {
  const t = tree([ENTERPRISE, [CORTE, 'modules: [blink_ar_fixes, documents, sale_subscription]']]);
  const r = buildTree(t);
  assert.equal(r.diagnostics.map(brief), []);
  const conf = r.artifacts.find((a) => a.instance === 'corteperfecto-prod' && a.path.endsWith('.conf') && a.path.startsWith('/etc/odoo/'))!;
  assert.match(String(conf.content), 'addons_path = /opt/odoo/odoo/addons,/opt/odoo/enterprise,/opt/odoo/releases/corteperfecto-prod/current');
});

declared('a declared folder on no addons_path is BLINK221 at its key, with a did-you-mean', () => {
  const t = tree([[ENTERPRISE[0], ENTERPRISE[1].replace('    /opt/odoo/enterprise:', '    /opt/odoo/enterprse:')]]);
  const ds = moduleDiagnostics(t);
  assert.equal(ds.map(brief), [`BLINK221 ${at(t, Y, '/opt/odoo/enterprse')}`]);
  assert.match(ds[0]!.hint!, "did you mean '/opt/odoo/enterprise'?");
});

declared('addons_path_modules takes absolute folders and module names only', () => {
  const t = tree([[ENTERPRISE[0], ENTERPRISE[1].replace('    /opt/odoo/enterprise: [documents, sale_subscription]', '    enterprise: [documents]\n    /opt/odoo/enterprise: [Documents]')]]);
  const ds = buildTree(t).diagnostics;
  assert.equal(ds.map(brief), [`BLINK014 ${at(t, Y, 'enterprise: [documents]')}`, `BLINK012 ${at(t, Y, 'Documents')}`]);
});

declared('a host file that drops the folder from addons_path takes its modules away from that instance', () => {
  const t = tree([ENTERPRISE, [CORTE, 'modules: [blink_ar_fixes, documents]']], {
    'config/hosts/corteperfecto-test.somosblink.com.conf': '[options]\naddons_path = /opt/odoo/odoo/addons,/opt/odoo/releases/corteperfecto-test/current\n',
  });
  const ds = moduleDiagnostics(t);
  assert.equal(ds.map(brief), [`BLINK022 ${at(t, Y, 'documents', 2)}`]);
  assert.is(ds[0]!.message, "corteperfecto-test: module 'documents' is in /opt/odoo/enterprise (defaults.addons_path_modules), which is not on the addons_path of this instance");
  assert.match(ds[0]!.hint!, 'blink-render --explain HOST addons_path');
});

const depends = suite('modules: depends of custom modules');

depends('a custom module may depend on a declared module; an instance without the folder may not install it', () => {
  const manifest = sampleTree()[AR_FIXES]!.replace("'depends': ['account', 'l10n_ar']", "'depends': ['account', 'documents']");
  const ok = tree([ENTERPRISE], { [AR_FIXES]: manifest });
  assert.equal(moduleDiagnostics(ok).map(brief), []);
  const t = tree([ENTERPRISE], {
    [AR_FIXES]: manifest,
    'config/hosts/corteperfecto-test.somosblink.com.conf': '[options]\naddons_path = /opt/odoo/odoo/addons,/opt/odoo/releases/corteperfecto-test/current\n',
  });
  const ds = moduleDiagnostics(t);
  assert.equal(ds.map(brief), [`BLINK023 ${at(t, AR_FIXES, "'documents'")}`]);
  assert.is(ds[0]!.message, "module blink_ar_fixes depends on 'documents', which is in /opt/odoo/enterprise, but corteperfecto-test installs blink_ar_fixes without that folder on the addons_path");
});

depends('an unknown dependency is BLINK023 at its entry in the manifest, with a did-you-mean', () => {
  const t = tree([], { [AR_FIXES]: sampleTree()[AR_FIXES]!.replace("'l10n_ar'", "'l10n_ar_withholdings'") });
  const ds = moduleDiagnostics(t);
  assert.equal(ds.map(brief), [`BLINK023 ${at(t, AR_FIXES, "'l10n_ar_withholdings'")}`]);
  assert.match(ds[0]!.hint!, /^did you mean 'l10n_ar_withholding'\?/);
});

depends('a dependency that is not installable is BLINK220 at its entry', () => {
  const t = tree([], { [AR_FIXES]: sampleTree()[AR_FIXES]!.replace("'l10n_ar'", "'hw_escpos'") });
  const ds = moduleDiagnostics(t);
  assert.equal(ds.map(brief), [`BLINK220 ${at(t, AR_FIXES, "'hw_escpos'")}`]);
  assert.match(ds[0]!.hint!, "Odoo 18 cannot install blink_ar_fixes either; remove 'hw_escpos' from its depends");
});

depends('a custom module named like an Odoo module is a warning: only one of the two is ever loaded', () => {
  const t = patchedTree({
    'custom-addons/sale_stock/__manifest__.py': "{'name': 'Mine', 'version': '18.0.1.0.0', 'license': 'LGPL-3', 'depends': ['sale']}\n",
    'custom-addons/sale_stock/__init__.py': '',
  });
  const ds = moduleDiagnostics(t);
  assert.equal(ds.map(brief), ['BLINK222 custom-addons/sale_stock/__manifest__.py:1:1']);
  assert.is(ds[0]!.severity, 'warning');
});

const locate = suite('modules: locateModule');

const ODOO = new Map<string, OdooModule>([
  ['base', { depends: [], auto_install: true }],
  ['sale', { depends: ['base'] }],
  ['hw_box', { depends: [], installable: false }],
]);

locate('custom first, then Odoo, then declared folders; not-installable names who says so', () => {
  const custom = new Map([['blink_x', {}], ['sale', {}], ['blink_off', { installable: false }]]);
  const sources = { custom, declared: { documents: '/opt/odoo/enterprise' }, odoo: ODOO };
  assert.equal(locateModule('blink_x', sources), { in: 'custom' });
  assert.equal(locateModule('sale', sources), { in: 'custom' });
  assert.equal(locateModule('base', sources), { in: 'odoo' });
  assert.equal(locateModule('documents', sources), { in: 'declared', folder: '/opt/odoo/enterprise' });
  assert.equal(locateModule('hw_box', sources), { in: 'not-installable', by: 'odoo' });
  assert.equal(locateModule('blink_off', sources), { in: 'not-installable', by: 'custom' });
});

locate('a name found nowhere gets the closest installable name, never a non-installable one', () => {
  const sources = { custom: new Map([['blink_off', { installable: false }]]), odoo: ODOO };
  assert.equal(locateModule('sael', sources), { in: 'nowhere', guess: 'sale' });
  assert.equal(locateModule('hw_bo', sources), { in: 'nowhere' });
  assert.equal(locateModule('blink_of', sources), { in: 'nowhere' });
  assert.equal(locateModule('documets', { ...sources, declared: { documents: '/e' } }), { in: 'nowhere', guess: 'documents' });
});

locate('names are looked up as keys, never on an object prototype', () => {
  assert.equal(locateModule('constructor', { custom: new Map() }), { in: 'nowhere' });
  assert.equal(locateModule('toString', { custom: new Map(), declared: {} }).in, 'nowhere');
});

fleet.run();
declared.run();
depends.run();
locate.run();
