/**
 * An INI file as Odoo 18 reads it (Python `configparser.RawConfigParser`),
 * with positions kept for diagnostics and provenance. Lines and columns are
 * 1-based; columns count UTF-16 code units, tabs count as one.
 */
export interface IniFile {
  file: string;
  /** In order of first appearance; `[DEFAULT]` included under that name. */
  sections: IniSection[];
}

export interface IniSection {
  name: string;
  /** Line of the (first) header of this section. */
  line: number;
  /** In file order; a duplicated key keeps only its first line. */
  entries: IniEntry[];
}

export interface IniEntry {
  /** Lower-cased and stripped, like Python's `optionxform`. */
  key: string;
  /** Stripped; indented continuation lines are joined with `\n` as Python does. */
  value: string;
  line: number;
  /** Column of the key. */
  column: number;
  /** Column where the value starts (just past the delimiter and its spaces when the value is empty). */
  valueColumn: number;
}

export const DEFAULT_SECTION = 'DEFAULT';
export const OPTIONS_SECTION = 'options';

/**
 * What `RawConfigParser.items(section)` returns: `[DEFAULT]` entries first, each
 * replaced in place when the section sets the same key, then the section's own
 * keys. Empty when the section does not exist, as Python raises NoSectionError.
 */
export function itemsOf(ini: IniFile, section: string): IniEntry[] {
  const own = ini.sections.find((s) => s.name === section);
  if (section === DEFAULT_SECTION) return own ? [...own.entries] : [];
  if (!own) return [];
  const defaults = ini.sections.find((s) => s.name === DEFAULT_SECTION)?.entries ?? [];
  const merged = new Map<string, IniEntry>();
  for (const e of defaults) merged.set(e.key, e);
  for (const e of own.entries) merged.set(e.key, e);
  return [...merged.values()];
}

/**
 * The entries Odoo loads: `p.items('options')`. Odoo swallows NoSectionError, so
 * a file without `[options]` contributes nothing, not even its `[DEFAULT]` values.
 */
export function optionsOf(ini: IniFile): IniEntry[] {
  return itemsOf(ini, OPTIONS_SECTION);
}
