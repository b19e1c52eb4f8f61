import { hasErrors, sortDiagnostics, type Diagnostic } from './diagnostics/Diagnostic.js';
import type { Artifact } from './model/Artifact.js';
import type { Fleet } from './model/Fleet.js';
import { renderFleet } from './render/renderFleet.js';
import type { TemplateSet } from './render/TemplateSet.js';
import type { TemplateEngine } from './render/TemplateEngine.js';

export interface RenderCompiledOptions {
  /** Prefix for paths inside rendered files; tests render under a throwaway root. */
  root?: string;
  /** Render only these servers' files (the whole fleet is still compiled and checked). */
  servers?: readonly string[];
  /** Reused across calls on the same templates (see RenderOptions.engine). */
  engine?: TemplateEngine;
}

export interface BuildResult {
  /** Present even with errors (for --explain); never render or apply a fleet that came with errors. */
  fleet?: Fleet;
  /** Empty when there are errors. */
  artifacts: Artifact[];
  diagnostics: Diagnostic[];
}

/**
 * The render half of `build`, for a fleet compiled earlier (the CLIs keep one
 * per input fingerprint). Its own module so that a run with a cached fleet
 * never loads the YAML parser, the schema validator or the compiler.
 */
export function renderCompiled(fleet: Fleet | undefined, earlier: readonly Diagnostic[], templates: TemplateSet, options: RenderCompiledOptions): BuildResult {
  const diagnostics = [...earlier];
  const base = fleet ? { fleet } : {};
  if (!fleet || hasErrors(diagnostics)) return { ...base, artifacts: [], diagnostics: sortDiagnostics(diagnostics) };
  const only = options.servers?.length ? new Set(options.servers) : undefined;
  const toRender = only ? { ...fleet, servers: fleet.servers.filter((s) => only.has(s.name)), instances: fleet.instances.filter((i) => only.has(i.server)) } : fleet;
  const rendered = renderFleet(toRender, templates, { ...(options.root !== undefined ? { root: options.root } : {}), ...(options.engine ? { engine: options.engine } : {}) });
  diagnostics.push(...rendered.diagnostics);
  return { ...base, artifacts: hasErrors(diagnostics) ? [] : rendered.artifacts, diagnostics: sortDiagnostics(diagnostics) };
}
