import { readFileSync } from 'node:fs';
import { pythonStrip } from '../load/parseIni.js';

export type OptionType = 'bool' | 'int' | 'float' | 'string' | 'path' | 'comma-list' | 'comma-list-of-paths' | 'choice';

export interface OptionSpec {
  type: OptionType;
  /** Odoo's built-in default; `false`/`null` mean "unset" to Odoo. */
  default: string | number | boolean | null;
  choices?: string[];
  /**
   * What Odoo makes of the text `None` where it is special: no value ('unset')
   * or Odoo's default ('default'). Absent: `None` stays the text None.
   */
  none?: 'unset' | 'default';
  /** Odoo makes the path (each element of a list) absolute against its working directory. */
  absolute?: true;
  help: string;
}

/** The shape of `schema/odoo-options.json`. */
export interface OdooCatalogue {
  $comment: string;
  options: Record<string, OptionSpec>;
  /** Keys Odoo 18 maps, ignores or no longer knows, with the key to write instead (null: none). */
  renamed: Record<string, { use: string | null; why: string }>;
  /** Keys Odoo reads (or ignores) that must never appear in a service config, with the reason. */
  forbidden: Record<string, string>;
}

/** Our inheritance key: resolved and dropped by the compile stage, never written for Odoo. */
export const EXTENDS_KEY = 'extends';

let cached: OdooCatalogue | undefined;

/**
 * The catalogue, read once from `<package root>/schema/odoo-options.json` — with
 * schema/odoo-modules.json (odooModules.ts), the only disk reads in compile. Read rather than `import … with { type: 'json' }`: the
 * attribute syntax is a SyntaxError on Node 20 before 20.10 (engines says >=20),
 * and `../../schema` is the same place from `src/compile/` and `dist/compile/`.
 */
export function odooCatalogue(): OdooCatalogue {
  cached ??= JSON.parse(readFileSync(new URL('../../schema/odoo-options.json', import.meta.url), 'utf8')) as OdooCatalogue;
  return cached;
}

/** The declared type of a current Odoo 18 option; undefined for unknown, renamed and forbidden keys. */
export function optionType(key: string, catalogue: OdooCatalogue = odooCatalogue()): OptionType | undefined {
  return Object.hasOwn(catalogue.options, key) ? catalogue.options[key]!.type : undefined;
}

/**
 * The value as it should be written. `true`/`false` become `True`/`False`, the
 * spelling Odoo writes; Odoo reads both spellings as the same boolean for every
 * key, so this never changes a meaning. Typed values also lose surrounding
 * whitespace, which Odoo strips on reading anyway; strings are otherwise kept
 * byte for byte.
 */
export function normalizeOptionValue(key: string, value: string, catalogue: OdooCatalogue = odooCatalogue()): string {
  const type = optionType(key, catalogue);
  const typed = type === 'bool' || type === 'int' || type === 'float' || type === 'choice';
  const v = typed ? pythonStrip(value) : value;
  if (v === 'true') return 'True';
  if (v === 'false') return 'False';
  return v;
}
