import { isAbsolute, posix, relative, resolve, sep } from 'node:path';
import { error, type Diagnostic } from '../diagnostics/Diagnostic.js';
import type { TemplateSet } from '../render/TemplateSet.js';
import { checkText } from './checkText.js';
import type { IniFile } from './IniFile.js';
import { listSourceTree } from './listSourceTree.js';
import { loadTemplates } from './loadTemplates.js';
import { parseIni } from './parseIni.js';
import { parseManifest, type AddonManifest } from './parseManifest.js';
import { nodeFs, type SourceFs } from './SourceFs.js';
import { validateClients } from './validateClients.js';
import { parseYamlSource, type YamlSource } from './YamlSource.js';
import { clientsSchema } from './clientsSchema.js';

export interface LoadOptions {
  /** Folder holding clients.yaml, base.conf, templates/ and hosts/. */
  configDir: string;
  /** Folder of the custom Odoo modules. */
  addonsDir: string;
  /** Folder of the Handlebars templates. */
  templatesDir: string;
  fs?: SourceFs;
  /** Paths are shown relative to this folder. Default: process.cwd(). */
  cwd?: string;
}

/** Everything read from disk, parsed, with positions; nothing interpreted yet. */
export interface FleetSource {
  /** Config folder as shown to users and in file headers, e.g. `config`. */
  configLabel: string;
  /** Config folder, absolute: relative server roots resolve against it. */
  configDir: string;
  clients?: YamlSource;
  /** Every `*.conf` under the config folder, keyed by its path relative to it (POSIX). */
  ini: Map<string, IniFile>;
  addons: Map<string, AddonManifest>;
  addonsLabel: string;
  templates: TemplateSet;
}

/**
 * The IO edge of the pipeline: reads every input once. Problems are collected;
 * whatever could be read is still returned so compile can report more at once.
 */
export function loadFleetSource(options: LoadOptions): { source: FleetSource; diagnostics: Diagnostic[] } {
  const fs = options.fs ?? nodeFs;
  const cwd = options.cwd ?? process.cwd();
  const configLabel = shown(options.configDir, cwd);
  const addonsLabel = shown(options.addonsDir, cwd);
  const diagnostics: Diagnostic[] = [];
  const configDir = options.configDir;

  // One listing decides what is read: a refused link is reported once, and never read through.
  const tree = listSourceTree(fs, configDir, configLabel, { recursive: true });
  diagnostics.push(...tree.diagnostics);

  let clients: YamlSource | undefined;
  const clientsPath = posix.join(configDir, 'clients.yaml');
  const clientsLabel = `${configLabel}/clients.yaml`;
  const refused = tree.diagnostics.some((d) => d.file === clientsLabel);
  const bytes = refused ? undefined : fs.read(clientsPath);
  if (bytes === undefined) {
    if (!refused) diagnostics.push(error('BLINK001', `cannot read ${clientsLabel}`, { file: clientsLabel }, fs.isDirectory(configDir) ? 'create clients.yaml (see README.md)' : `no config folder at ${configLabel}; pass --config DIR`));
  } else {
    const parsed = parseYamlSource(bytes, clientsLabel);
    diagnostics.push(...parsed.diagnostics);
    if (parsed.source) {
      const schemaErrors = validateClients(parsed.source, clientsSchema);
      diagnostics.push(...schemaErrors);
      // Later stages rely on the schema's shape; give them nothing to trip on.
      if (schemaErrors.length === 0) clients = parsed.source;
    }
  }

  const ini = new Map<string, IniFile>();
  for (const rel of tree.files) {
    if (!rel.endsWith('.conf')) continue;
    const label = `${configLabel}/${rel}`;
    const text = checkText(fs.read(posix.join(configDir, rel)) ?? new Uint8Array(), label);
    if (typeof text !== 'string') {
      diagnostics.push(text);
      continue;
    }
    const parsed = parseIni(text, label);
    diagnostics.push(...parsed.diagnostics);
    ini.set(rel, parsed.ini);
  }

  const addons = new Map<string, AddonManifest>();
  // Module folders only; a link among them is taken or refused as in config/.
  const modules = listSourceTree(fs, options.addonsDir, addonsLabel, { recursive: false });
  diagnostics.push(...modules.diagnostics);
  for (const module of modules.dirs) {
    const dir = posix.join(options.addonsDir, module);
    const label = `${addonsLabel}/${module}/__manifest__.py`;
    const raw = fs.read(posix.join(dir, '__manifest__.py'));
    if (raw === undefined) {
      diagnostics.push(error('BLINK024', `module folder ${addonsLabel}/${module} has no __manifest__.py`, { file: `${addonsLabel}/${module}` }, 'every Odoo module needs a manifest; remove the folder if it is not a module'));
      continue;
    }
    const text = checkText(raw, label);
    if (typeof text !== 'string') {
      diagnostics.push(text);
      continue;
    }
    const parsed = parseManifest(text, module, label);
    diagnostics.push(...parsed.diagnostics);
    if (!parsed.manifest) continue;
    for (const data of parsed.manifest.data) {
      if (data.includes('..') || fs.read(posix.join(dir, data)) === undefined) {
        diagnostics.push(error('BLINK024', `manifest lists data file '${data}' that does not exist`, { file: label, line: 1, column: 1 }, `create ${addonsLabel}/${module}/${data} or remove it from 'data'`));
      }
    }
    addons.set(module, parsed.manifest);
  }

  const t = loadTemplates(options.templatesDir, fs);
  diagnostics.push(...t.diagnostics);

  return { source: { configLabel, configDir: resolve(cwd, configDir), ini, addons, addonsLabel, templates: t.templates, ...(clients ? { clients } : {}) }, diagnostics };
}

/** Relative to cwd when inside it (stable across machines), else absolute. */
function shown(dir: string, cwd: string): string {
  const abs = resolve(cwd, dir);
  const rel = relative(cwd, abs);
  if (rel === '') return '.';
  if (rel.startsWith('..') || isAbsolute(rel)) return abs.split(sep).join('/');
  return rel.split(sep).join('/');
}
