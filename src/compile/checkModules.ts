import { error, warning, type Diagnostic, type SourcePos } from '../diagnostics/Diagnostic.js';
import { didYouMean } from '../diagnostics/didYouMean.js';
import type { FleetSource } from '../load/loadFleetSource.js';
import type { Fleet, Instance } from '../model/Fleet.js';
import { ManifestText } from '../release/ManifestText.js';
import { DEFAULTS, folderKey } from './defaults.js';
import { locateModule, unknownModuleHint, type ModuleLocation } from './locateModule.js';
import { odooModules } from './odooModules.js';

/**
 * The modules of the fleet against what Odoo can install: every module an
 * instance lists, and every dependency of a custom module, must be a custom
 * addon, an Odoo 18.0 Community module (schema/odoo-modules.json) or a
 * module of a folder clients.yaml declares under addons_path_modules, and
 * installable. Odoo's own modules need no walk: the catalogue is closed
 * (every dependency of one is another, installable one), so the only
 * dependencies to check are the custom modules'.
 */
export function checkModules(fleet: Fleet, source: FleetSource): Diagnostic[] {
  const out: Diagnostic[] = [];
  const clients = source.clients!;
  const custom = source.addons;
  const label = source.addonsLabel;
  const odoo = odooModules();
  const declaredAnywhere = declaredInClients(source, fleet, out);

  // What each instance lists, grouped by where it is written: a client's
  // module is one line for all its environments, so it is reported once.
  const listed = new Map<string, { pos: SourcePos; module: string; instances: Instance[]; where: ModuleLocation }>();
  for (const i of fleet.instances) {
    for (const m of i.modules) {
      const where = locateModule(m, { custom, declared: i.declaredModules, odoo });
      if (where.in === 'custom' || where.in === 'odoo' || where.in === 'declared') continue;
      const pos = modulePos(clients, i, m);
      const key = `${pos.line}:${pos.column}:${where.in}`;
      const entry = listed.get(key);
      if (entry) entry.instances.push(i);
      else listed.set(key, { pos, module: m, instances: [i], where });
    }
  }
  for (const { pos, module: m, instances, where } of listed.values()) {
    const who = instances.map((i) => i.id).join(', ');
    if (where.in === 'not-installable') {
      out.push(error('BLINK220', `${who}: module '${m}' is not installable: ${notInstallable(m, where.by, label)}`, pos, `remove it from modules${where.by === 'custom' ? `, or set 'installable': True in its manifest once it works with Odoo 18` : ''}`));
      continue;
    }
    const folder = declaredAnywhere.get(m);
    if (folder !== undefined) {
      out.push(error('BLINK022', `${who}: module '${m}' is in ${folder} (defaults.addons_path_modules), which is not on the addons_path of ${instances.length === 1 ? 'this instance' : 'these instances'}`, pos, `keep ${folder} in their addons_path (blink-render --explain HOST addons_path shows which layer drops it), or remove the module`));
      continue;
    }
    const guess = where.in === 'nowhere' ? where.guess : undefined;
    out.push(error('BLINK022', `${who}: module '${m}' is neither an Odoo 18.0 Community module, nor in ${label}/, nor listed under defaults.addons_path_modules`, pos, unknownModuleHint(guess, label)));
  }

  // depends of the custom modules, each checked once. A dependency on a
  // declared folder's module holds only where that folder is on the
  // addons_path, so it is checked for every instance that installs the
  // module: the ones listing it or a custom module that needs it.
  const usedBy = new Map<string, Instance[]>();
  for (const i of fleet.instances) for (const m of customClosure(i.modules, custom)) push(usedBy, m, i);
  const declared = Object.fromEntries(declaredAnywhere);
  for (const [name, man] of custom) {
    if (odoo.has(name)) {
      out.push(warning('BLINK222', `custom module ${name} has the name of an Odoo 18.0 Community module`, { file: man.file, line: 1, column: 1 }, `Odoo loads the first folder on addons_path that holds a module, so one of the two is never used; rename the custom module (e.g. ${name}_custom) and its references`));
    }
    let text: ManifestText | undefined;
    const at = (dep: string): SourcePos => ({ file: man.file, ...((text ??= new ManifestText(man.text)).entryPos('depends', dep) ?? { line: 1, column: 1 }) });
    for (const dep of man.depends) {
      const where = locateModule(dep, { custom, declared, odoo });
      if (where.in === 'custom' || where.in === 'odoo') continue;
      if (where.in === 'not-installable') {
        out.push(error('BLINK220', `module ${name} depends on '${dep}', which is not installable: ${notInstallable(dep, where.by, label)}`, at(dep), `Odoo 18 cannot install ${name} either; remove '${dep}' from its depends`));
      } else if (where.in === 'declared') {
        const without = (usedBy.get(name) ?? []).filter((i) => !Object.hasOwn(i.declaredModules, dep));
        if (without.length === 0) continue;
        out.push(error('BLINK023', `module ${name} depends on '${dep}', which is in ${where.folder}, but ${without.map((i) => i.id).join(', ')} install${without.length === 1 ? 's' : ''} ${name} without that folder on the addons_path`, at(dep), `keep ${where.folder} in their addons_path, or stop installing ${name} there`));
      } else {
        out.push(error('BLINK023', `module ${name} depends on '${dep}', which is neither an Odoo 18.0 Community module, nor in ${label}/, nor listed under defaults.addons_path_modules`, at(dep), unknownModuleHint(where.guess, label)));
      }
    }
  }
  return out;
}

/** Why a found module cannot be installed, for a message. */
function notInstallable(m: string, by: 'custom' | 'odoo', label: string): string {
  return by === 'odoo' ? `Odoo 18.0 ships it with 'installable': False` : `${label}/${m}/__manifest__.py says 'installable': False`;
}

/** The custom modules an instance installs: those it lists and every custom module they depend on. */
function customClosure(roots: readonly string[], custom: FleetSource['addons']): Set<string> {
  const seen = new Set<string>();
  const todo = roots.filter((m) => custom.has(m));
  for (let m = todo.pop(); m !== undefined; m = todo.pop()) {
    if (seen.has(m)) continue;
    seen.add(m);
    for (const dep of custom.get(m)!.depends) if (custom.has(dep) && !seen.has(dep)) todo.push(dep);
  }
  return seen;
}

/**
 * `defaults.addons_path_modules` as module → folder, after checking that
 * each folder is on some addons_path: a folder nobody's Odoo reads would
 * vouch for modules no instance can install.
 */
function declaredInClients(source: FleetSource, fleet: Fleet, out: Diagnostic[]): Map<string, string> {
  const clients = source.clients!;
  const defaults = (clients.data as { defaults?: { addons_paths?: string[]; addons_path_modules?: Record<string, string[]> } }).defaults;
  const byFolder = defaults?.addons_path_modules ?? {};
  const onSomePath = new Set((defaults?.addons_paths ?? DEFAULTS.addons_paths).map(folderKey));
  for (const i of fleet.instances) for (const f of (i.options.find((o) => o.key === 'addons_path')?.value ?? '').split(',')) onSomePath.add(folderKey(f));
  const declared = new Map<string, string>();
  for (const [folder, modules] of Object.entries(byFolder)) {
    if (!onSomePath.has(folderKey(folder))) {
      const guess = didYouMean(folder, defaults?.addons_paths ?? DEFAULTS.addons_paths);
      out.push(error('BLINK221', `defaults.addons_path_modules names ${folder}, which is on no instance's addons_path`, clients.pos(['defaults', 'addons_path_modules', folder], true), guess ? `did you mean '${guess}'?` : `add ${folder} to defaults.addons_paths, or remove it from addons_path_modules`));
    }
    for (const m of modules) if (!declared.has(m)) declared.set(m, folder);
  }
  return declared;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function modulePos(clients: NonNullable<FleetSource['clients']>, i: Instance, m: string): SourcePos {
  const data = clients.data as { clients: Record<string, { modules?: string[]; environments: Record<string, { modules?: string[] }> }> };
  const envMods = data.clients[i.client]?.environments[i.env]?.modules ?? [];
  const idx = envMods.indexOf(m);
  if (idx >= 0) return clients.pos(['clients', i.client, 'environments', i.env, 'modules', idx]);
  const cIdx = (data.clients[i.client]?.modules ?? []).indexOf(m);
  return clients.pos(['clients', i.client, 'modules', Math.max(0, cIdx)]);
}
