import { posix } from 'node:path';
import { locateModule, unknownModuleHint } from '../compile/locateModule.js';
import { error, type Diagnostic } from '../diagnostics/Diagnostic.js';
import { parsePythonLiteral, PyLiteralError, type PyValue } from '../load/parsePythonLiteral.js';
import { globToRegExp } from './globToRegExp.js';
import { ManifestText, type Pos } from './ManifestText.js';
import type { Release } from './Release.js';

const VERSION = /^18\.0\.\d+\.\d+\.\d+$/;
const DIRECTIVES_WITH_TARGET = new Set(['replace', 'before', 'after']);

/**
 * Odoo 18's rules for the modules of one release, checked before anything
 * reaches a server: what Odoo would refuse at `-u` time is cheaper to learn
 * here. `label` names the commit in messages (a short id); `declared` are
 * the modules clients.yaml says other addons folders hold (module → folder),
 * which a module may depend on besides Odoo's own and the release's.
 */
export function checkRelease(release: Release, o: { addonsDir: string; label: string; declared?: Readonly<Record<string, string>> }): Diagnostic[] {
  const dir = o.addonsDir.replace(/\/+$/, '');
  const paths = new Set(release.files.map((f) => f.path));
  const diagnostics: Diagnostic[] = [];
  for (const name of release.modules.keys()) {
    const file = `${dir}/${name}/__manifest__.py`;
    const at = `${name} at ${o.label}`;
    if (!paths.has(`${name}/__init__.py`)) {
      diagnostics.push(error('BLINK610', `module ${at} has no __init__.py`, { file: `${dir}/${name}` }, `add ${dir}/${name}/__init__.py (empty is fine): Odoo imports every module as a Python package`));
    }
    // Manifests are always read (readGitRelease), whatever else is left in git.
    const source = release.files.find((f) => f.path === `${name}/__manifest__.py`)!.content!.toString('utf8');
    const text = new ManifestText(source);
    const where = (p: Pos | undefined): { file: string; line: number; column: number } => ({ file, ...(p ?? { line: 1, column: 1 }) });

    let parsed: PyValue;
    try {
      parsed = parsePythonLiteral(source);
    } catch (e) {
      const offset = e instanceof PyLiteralError ? e.offset : 0;
      diagnostics.push(error('BLINK610', `manifest of ${at} is not a Python dict literal: ${(e as Error).message}`, where(text.pos(offset)), 'a manifest is a single dict of literals (strings, numbers, True/False/None, lists, dicts); no code'));
      continue;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      diagnostics.push(error('BLINK610', `manifest of ${at} is not a dict`, where(undefined), "write the manifest as one dict: { 'name': …, 'version': '18.0.1.0.0', … }"));
      continue;
    }
    const manifest = parsed;

    const version = manifest['version'];
    if (typeof version !== 'string' || !VERSION.test(version)) {
      const shown = version === undefined ? 'no version' : `version ${repr(version)}`;
      diagnostics.push(
        error('BLINK611', version === undefined ? `${at} has no version; Odoo 18 needs 18.0.x.y.z` : `${shown} of ${at} is not 18.0.x.y.z`, where(text.valuePos('version')), "write 'version': '18.0.x.y.z', e.g. '18.0.1.0.0'; bump it when data or views change"),
      );
    }

    const list = (key: string): string[] => {
      const x = manifest[key];
      if (x === undefined) return [];
      if (Array.isArray(x) && x.every((s) => typeof s === 'string')) return x as string[];
      diagnostics.push(error('BLINK610', `'${key}' of ${at} must be a list of strings`, where(text.valuePos(key)), `write '${key}': ['…', '…']`));
      return [];
    };

    const depends = list('depends');
    for (const dep of depends) {
      const found = locateModule(dep, { custom: release.modules, ...(o.declared ? { declared: o.declared } : {}) });
      if (found.in === 'custom' || found.in === 'odoo' || found.in === 'declared') continue;
      if (found.in === 'not-installable') {
        const why = found.by === 'odoo' ? "Odoo 18.0 ships it with 'installable': False" : `${dir}/${dep}/__manifest__.py at ${o.label} says 'installable': False`;
        diagnostics.push(error('BLINK220', `${at} depends on '${dep}', which is not installable: ${why}`, where(text.entryPos('depends', dep)), `Odoo 18 cannot install ${name} either; remove '${dep}' from its depends`));
        continue;
      }
      diagnostics.push(
        error(
          'BLINK612',
          `${at} depends on '${dep}', which is neither in ${dir}/ at ${o.label}, nor an Odoo 18.0 Community module, nor listed under defaults.addons_path_modules`,
          where(text.entryPos('depends', dep)),
          unknownModuleHint(found.guess, dir),
        ),
      );
    }

    const auto = manifest['auto_install'];
    if (Array.isArray(auto)) {
      for (const m of auto) {
        if (typeof m === 'string' && depends.includes(m)) continue;
        diagnostics.push(error('BLINK610', `'auto_install' of ${at} lists ${repr(m)}, which is not in its 'depends'`, where(typeof m === 'string' ? text.entryPos('auto_install', m) : text.valuePos('auto_install')), "Odoo 18 refuses the module: list only dependencies in 'auto_install', or use True"));
      }
    } else if (auto !== undefined && typeof auto !== 'boolean') {
      diagnostics.push(error('BLINK610', `'auto_install' of ${at} must be True, False or a list of dependencies`, where(text.valuePos('auto_install'))));
    }

    for (const key of ['data', 'demo']) {
      for (const entry of list(key)) {
        const path = posix.normalize(`${name}/${entry}`);
        if (paths.has(path) && path.startsWith(`${name}/`)) continue;
        diagnostics.push(error('BLINK613', `'${key}' of ${at} lists ${dir}/${name}/${entry}, which is not in the commit`, where(text.entryPos(key, entry)), `commit ${dir}/${name}/${entry}, or remove it from '${key}'`));
      }
    }

    const assets = manifest['assets'];
    if (assets === undefined) continue;
    if (assets === null || typeof assets !== 'object' || Array.isArray(assets)) {
      diagnostics.push(error('BLINK610', `'assets' of ${at} must be a dict of bundle name to list of paths`, where(text.valuePos('assets'))));
      continue;
    }
    for (const [bundle, entries] of Object.entries(assets)) {
      if (!Array.isArray(entries)) {
        diagnostics.push(error('BLINK610', `bundle '${bundle}' in 'assets' of ${at} must be a list`, where(text.entryPos('assets', bundle))));
        continue;
      }
      for (const entry of entries) {
        const glob = assetPath(entry);
        if (glob === undefined) continue;
        const clean = glob.replace(/^\/+/, '');
        const owner = clean.split('/')[0]!;
        // Paths into Odoo's own modules, other addons folders or URLs are not ours to check.
        if (!release.modules.has(owner)) continue;
        const re = globToRegExp(clean);
        if (release.files.some((f) => re.test(f.path))) continue;
        const what = /[*?[]/.test(clean) ? `glob '${glob}' matches no file` : `'${glob}' is not in the commit`;
        diagnostics.push(error('BLINK613', `asset ${what} in bundle '${bundle}' of ${at}`, where(text.entryPos('assets', glob)), `commit the file under ${dir}/${owner}/, or fix the path in 'assets'`));
      }
    }
  }
  return diagnostics;
}

/** The file path an assets entry names: a plain string, or the path argument of a directive tuple. */
function assetPath(entry: PyValue): string | undefined {
  if (typeof entry === 'string') return entry;
  if (!Array.isArray(entry) || typeof entry[0] !== 'string') return undefined;
  if (entry[0] === 'include') return undefined;
  const p = DIRECTIVES_WITH_TARGET.has(entry[0]) ? entry[2] : entry[1];
  return typeof p === 'string' ? p : undefined;
}

/** A value as Python would print it in a message: strings in single quotes. */
function repr(v: PyValue): string {
  if (typeof v === 'string') return `'${v}'`;
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return JSON.stringify(v);
}
