import type { Diagnostic } from './diagnostics/Diagnostic.js';
import { compileFleet } from './compile/compileFleet.js';
import { loadFleetSource, type LoadOptions } from './load/loadFleetSource.js';
import type { Fleet } from './model/Fleet.js';
import type { TemplateSet } from './render/TemplateSet.js';
import { renderCompiled, type BuildResult, type RenderCompiledOptions } from './renderCompiled.js';

export type { BuildResult } from './renderCompiled.js';
export type BuildOptions = LoadOptions & RenderCompiledOptions;

export interface Compiled {
  /** Present even with errors (for --explain). */
  fleet?: Fleet;
  diagnostics: Diagnostic[];
  templates: TemplateSet;
}

/** load → compile: the fleet as data, before anything is rendered. */
export function compileSources(options: LoadOptions): Compiled {
  const loaded = loadFleetSource(options);
  const compiled = compileFleet(loaded.source);
  // The parsed sources (a large YAML document) are not passed on, so they can be freed once compiled.
  return { ...(compiled.fleet ? { fleet: compiled.fleet } : {}), diagnostics: [...loaded.diagnostics, ...compiled.diagnostics], templates: loaded.source.templates };
}

/** load → compile → render: the whole pure pipeline behind one call. */
export function build(options: BuildOptions): BuildResult {
  const c = compileSources(options);
  return renderCompiled(c.fleet, c.diagnostics, c.templates, options);
}
