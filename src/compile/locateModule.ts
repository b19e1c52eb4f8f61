import { didYouMean } from '../diagnostics/didYouMean.js';
import { odooModules, type OdooModule } from './odooModules.js';

/** Where the modules an instance can install come from. */
export interface ModuleSources {
  /** The custom modules: custom-addons/ as checked out, or one release of it. `installable: false` as the manifest says. */
  custom: ReadonlyMap<string, { installable?: boolean }>;
  /** Modules in other addons folders (Enterprise, OCA…) that clients.yaml says they hold: module → folder. */
  declared?: Readonly<Record<string, string>>;
  /** Odoo 18.0 Community; the catalogue unless a test gives its own. */
  odoo?: ReadonlyMap<string, OdooModule>;
}

export type ModuleLocation =
  | { in: 'custom' }
  | { in: 'odoo' }
  | { in: 'declared'; folder: string }
  /** Found, but its manifest says `installable: False`: Odoo refuses to install it. */
  | { in: 'not-installable'; by: 'custom' | 'odoo' }
  /** Nowhere; `guess` is the closest installable name, if one is close. */
  | { in: 'nowhere'; guess?: string };

/**
 * Where Odoo would find `name` on an instance whose addons_path is Odoo's
 * own folder, the folders clients.yaml declares and the custom addons. Only
 * a name found nowhere pays for a did-you-mean over every candidate.
 */
export function locateModule(name: string, sources: ModuleSources): ModuleLocation {
  const odoo = sources.odoo ?? odooModules();
  const custom = sources.custom.get(name);
  if (custom) return custom.installable === false ? { in: 'not-installable', by: 'custom' } : { in: 'custom' };
  const standard = odoo.get(name);
  if (standard) return standard.installable === false ? { in: 'not-installable', by: 'odoo' } : { in: 'odoo' };
  const declared = sources.declared;
  if (declared && Object.hasOwn(declared, name)) return { in: 'declared', folder: declared[name]! };
  const guess = didYouMean(name, candidates(sources.custom, odoo, declared));
  return guess === undefined ? { in: 'nowhere' } : { in: 'nowhere', guess };
}

function* candidates(custom: ModuleSources['custom'], odoo: ReadonlyMap<string, OdooModule>, declared: ModuleSources['declared']): Iterable<string> {
  for (const [name, m] of custom) if (m.installable !== false) yield name;
  for (const [name, m] of odoo) if (m.installable !== false) yield name;
  if (declared) yield* Object.keys(declared);
}

/** The hint for a module found nowhere: the closest name, else the two ways out. */
export function unknownModuleHint(guess: string | undefined, customLabel: string): string {
  const ways = `add an addons path that holds it: commit it under ${customLabel}/, or list its folder (Enterprise, OCA…) in defaults.addons_paths and the module under defaults.addons_path_modules in clients.yaml`;
  return guess === undefined ? `fix the name, or ${ways}` : `did you mean '${guess}'? If not, ${ways}`;
}
