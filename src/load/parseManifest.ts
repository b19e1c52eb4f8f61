import { error, type Diagnostic } from '../diagnostics/Diagnostic.js';
import { parsePythonLiteral, PyLiteralError, type PyValue } from './parsePythonLiteral.js';

export interface AddonManifest {
  module: string;
  file: string;
  name: string;
  version: string;
  license: string;
  depends: string[];
  data: string[];
  /** False only when the manifest says `'installable': False`: Odoo then refuses to install the module. */
  installable: boolean;
  /** The manifest as read, so a later check can point at an entry in it. */
  text: string;
}

const VERSION = /^18\.0\.\d+\.\d+\.\d+$/;

/** Reads and checks one custom module's manifest the way Odoo 18 needs it. */
export function parseManifest(text: string, module: string, file: string): { manifest?: AddonManifest; diagnostics: Diagnostic[] } {
  let v: PyValue;
  try {
    v = parsePythonLiteral(text);
  } catch (e) {
    const offset = e instanceof PyLiteralError ? e.offset : 0;
    const before = text.slice(0, offset).split('\n');
    return {
      diagnostics: [
        error('BLINK024', `manifest is not a Python dict literal: ${(e as Error).message}`, { file, line: before.length, column: before.at(-1)!.length + 1 }, 'a manifest is a single dict of literals; no code'),
      ],
    };
  }
  const at = { file, line: 1, column: 1 };
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return { diagnostics: [error('BLINK024', 'manifest must be a dict', at)] };
  const diagnostics: Diagnostic[] = [];
  const strList = (key: string): string[] => {
    const x = v[key];
    if (x === undefined) return [];
    if (!Array.isArray(x) || x.some((s) => typeof s !== 'string')) {
      diagnostics.push(error('BLINK024', `'${key}' must be a list of strings`, lineOf(text, key, file)));
      return [];
    }
    return x as string[];
  };
  const str = (key: string): string => (typeof v[key] === 'string' ? (v[key] as string) : '');
  const manifest: AddonManifest = { module, file, name: str('name'), version: str('version'), license: str('license'), depends: strList('depends'), data: strList('data'), installable: v['installable'] !== false, text };
  if (!manifest.name) diagnostics.push(error('BLINK024', "manifest has no 'name'", at));
  if (!VERSION.test(manifest.version)) {
    diagnostics.push(error('BLINK024', `version ${JSON.stringify(manifest.version)} is not an Odoo 18 module version`, lineOf(text, 'version', file), "write '18.0.x.y.z', e.g. '18.0.1.0.0'"));
  }
  if (!manifest.license) diagnostics.push(error('BLINK024', "manifest has no 'license'", at, "e.g. 'license': 'LGPL-3'"));
  return { manifest, diagnostics };
}

function lineOf(text: string, key: string, file: string): { file: string; line: number; column: number } {
  const lines = text.split('\n');
  const idx = lines.findIndex((l) => l.includes(`'${key}'`) || l.includes(`"${key}"`));
  return { file, line: idx < 0 ? 1 : idx + 1, column: idx < 0 ? 1 : lines[idx]!.search(/\S/) + 1 };
}
