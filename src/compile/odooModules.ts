import { readFileSync } from 'node:fs';

/** One Odoo 18.0 Community module, as its manifest describes it. */
export interface OdooModule {
  readonly depends: readonly string[];
  /**
   * Odoo installs the module by itself once all of these are installed;
   * `true` means all of `depends`. Absent: only when asked to.
   */
  readonly auto_install?: true | readonly string[];
  /** Present, and false, only when the manifest says so: Odoo 18 refuses to install the module. */
  readonly installable?: false;
}

/** The shape of `schema/odoo-modules.json`. */
export interface OdooModulesFile {
  $comment: string;
  /** Which Odoo build the facts come from. */
  odoo: string;
  /** Of the reference the generator read, and of the `modules` text it wrote (test/compile/odooModules.test.ts checks it). */
  reference_sha256: string;
  modules_sha256: string;
  modules: Record<string, OdooModule>;
}

let cached: ReadonlyMap<string, OdooModule> | undefined;

/**
 * Every module of Odoo 18.0 Community by technical name, read once from
 * `<package root>/schema/odoo-modules.json`, and only when a check needs it:
 * a run that reuses a compiled fleet never reads it. A Map, not the parsed
 * object, so a module called `constructor` is not found on its prototype.
 */
export function odooModules(): ReadonlyMap<string, OdooModule> {
  if (!cached) {
    const file = JSON.parse(readFileSync(new URL('../../schema/odoo-modules.json', import.meta.url), 'utf8')) as OdooModulesFile;
    cached = new Map(Object.entries(file.modules));
  }
  return cached;
}
