import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { TemplateSet } from './TemplateSet.js';

/** A shipped template compiled by the build, and the text it was compiled from. */
export interface PrecompiledTemplate {
  sha256: string;
  /** Handlebars' template specification (what `Handlebars.precompile` writes). */
  spec: unknown;
}

/** Written by `npm run build` (`writePrecompiledTemplates`) beside this module. */
export const PRECOMPILED_TEMPLATES = fileURLToPath(new URL('./templates.precompiled.cjs', import.meta.url));

/** The options every template is compiled with, at build time and at run time alike. */
export const COMPILE_OPTIONS = { strict: true, noEscape: true } as const;

export function templateHash(source: string): string {
  return createHash('sha256').update(source).digest('hex');
}

/**
 * The build's compiled templates, when every template of the set is one of
 * them, byte for byte; otherwise (a `--templates` folder of one's own, an
 * edited template, no build output) undefined, and the set is compiled at
 * run time as before. All or nothing, so a run needs either Handlebars'
 * small runtime or its compiler, never both.
 */
export function precompiledFor(templates: TemplateSet, file: string = PRECOMPILED_TEMPLATES): Map<string, unknown> | undefined {
  let shipped: Record<string, PrecompiledTemplate>;
  try {
    shipped = createRequire(import.meta.url)(file) as Record<string, PrecompiledTemplate>;
  } catch {
    return undefined;
  }
  const specs = new Map<string, unknown>();
  for (const [name, source] of templates.files) {
    const p = Object.hasOwn(shipped, name) ? shipped[name] : undefined;
    if (!p || p.sha256 !== templateHash(source)) return undefined;
    specs.set(name, p.spec);
  }
  return specs;
}
