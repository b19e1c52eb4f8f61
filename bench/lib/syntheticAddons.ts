import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * A custom-addons tree for bench/deploy.ts: `modules` valid Odoo 18 modules
 * of `filesPerModule` files each, content from a seeded generator (same seed,
 * same bytes). Each module has `__init__.py`, `__manifest__.py` (version
 * 18.0.1.0.0, depends ['base'], its views as data), Python model files that
 * compile, well-formed XML views, and incompressible static files sized so
 * the whole tree comes to about `totalBytes`.
 */
export interface AddonsSpec {
  modules: number;
  filesPerModule: number;
  totalBytes: number;
  seed?: number;
}

export interface AddonsTree {
  modules: string[];
  files: number;
  bytes: number;
  /** A Python file of a few KB, the one each timed run changes (relative to the addons folder). */
  changeTarget: string;
}

const PY_FILES = 15;
const XML_FILES = 12;

export const moduleName = (m: number): string => `bench_m${String(m + 1).padStart(2, '0')}`;

/** Writes the tree under `dir` (the addons folder itself). */
export function writeSyntheticAddons(dir: string, spec: AddonsSpec): AddonsTree {
  const rnd = xorshift(spec.seed ?? 0x5eed);
  const staticPerModule = spec.filesPerModule - 3 - PY_FILES - XML_FILES;
  if (staticPerModule < 1) throw new Error(`filesPerModule must be at least ${4 + PY_FILES + XML_FILES}`);
  const modules: string[] = [];
  let files = 0;
  let bytes = 0;
  const put = (rel: string, content: string | Buffer): void => {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
    files++;
    bytes += typeof content === 'string' ? Buffer.byteLength(content) : content.length;
  };
  const text: { rel: string; content: string }[] = [];
  for (let m = 0; m < spec.modules; m++) {
    const name = moduleName(m);
    modules.push(name);
    const views = Array.from({ length: XML_FILES }, (_, k) => `views/view_${pad(k)}.xml`);
    text.push({ rel: `${name}/__init__.py`, content: 'from . import models\n' });
    text.push({
      rel: `${name}/__manifest__.py`,
      content: `{\n    'name': 'Bench module ${m + 1}',\n    'version': '18.0.1.0.0',\n    'license': 'LGPL-3',\n    'depends': ['base'],\n    'data': [\n${views.map((v) => `        '${v}',`).join('\n')}\n    ],\n    'installable': True,\n}\n`,
    });
    text.push({ rel: `${name}/models/__init__.py`, content: Array.from({ length: PY_FILES }, (_, k) => `from . import model_${pad(k)}\n`).join('') });
    for (let k = 0; k < PY_FILES; k++) text.push({ rel: `${name}/models/model_${pad(k)}.py`, content: pythonModel(name, k, rnd) });
    for (let k = 0; k < XML_FILES; k++) text.push({ rel: `${name}/${views[k]}`, content: xmlView(name, k, rnd) });
  }
  for (const t of text) put(t.rel, t.content);
  // The rest of the byte budget goes to static files, spread evenly.
  const staticFiles = spec.modules * staticPerModule;
  const left = Math.max(staticFiles, spec.totalBytes - bytes);
  const each = Math.floor(left / staticFiles);
  let extra = left - each * staticFiles;
  for (let m = 0; m < spec.modules; m++) {
    for (let k = 0; k < staticPerModule; k++) {
      const size = each + (extra-- > 0 ? 1 : 0);
      put(`${moduleName(m)}/static/src/img/asset_${pad(k)}.bin`, randomBytes(size, rnd));
    }
  }
  return { modules, files, bytes, changeTarget: `${moduleName(Math.min(6, spec.modules - 1))}/models/model_${pad(3)}.py` };
}

/** The change target's content for run `n`: same shape and size class, different bytes. */
export function changedPython(tree: AddonsTree, n: number): string {
  const name = tree.changeTarget.split('/')[0]!;
  return pythonModel(name, 3, xorshift(0xc0ffee + n)) + `# bench change ${n}\n`;
}

function pythonModel(module: string, k: number, rnd: () => number): string {
  const cls = `Model${pad(k)}`;
  const lines = [
    '# -*- coding: utf-8 -*-',
    'from odoo import api, fields, models',
    '',
    '',
    `class ${cls}(models.Model):`,
    `    _name = '${module}.model_${pad(k)}'`,
    `    _description = 'Bench model ${k} of ${module}'`,
    '',
  ];
  for (let f = 0; f < 40; f++) lines.push(`    field_${pad(f)} = fields.Char(string='Field ${f}', help='${hex(rnd, 16)}')`);
  lines.push('', `    @api.depends('field_00')`, `    def _compute_total(self):`, '        for record in self:', `            record.field_01 = (record.field_00 or '') + '${hex(rnd, 8)}'`, '');
  return lines.join('\n');
}

function xmlView(module: string, k: number, rnd: () => number): string {
  const model = `${module}.model_${pad(k % PY_FILES)}`;
  const fields = Array.from({ length: 30 }, (_, f) => `          <field name="field_${pad(f)}" string="${hex(rnd, 12)}"/>`).join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<odoo>
  <record id="view_${pad(k)}_form" model="ir.ui.view">
    <field name="name">${model}.form.${k}</field>
    <field name="model">${model}</field>
    <field name="arch" type="xml">
      <form>
        <sheet>
${fields}
        </sheet>
      </form>
    </field>
  </record>
</odoo>
`;
}

function randomBytes(n: number, rnd: () => number): Buffer {
  const b = Buffer.allocUnsafe(Math.ceil(n / 4) * 4);
  for (let i = 0; i < b.length; i += 4) b.writeUInt32LE(rnd(), i);
  return b.subarray(0, n);
}

function hex(rnd: () => number, n: number): string {
  let s = '';
  while (s.length < n) s += rnd().toString(16).padStart(8, '0');
  return s.slice(0, n);
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** xorshift32: small, fast, deterministic; enough for bytes nobody reads. */
function xorshift(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}
