import { hasErrors, sortDiagnostics, type Diagnostic } from './diagnostics/Diagnostic.js';
import { compileFleet } from './compile/compileFleet.js';
import { loadFleetSource, type LoadOptions } from './load/loadFleetSource.js';
import type { Artifact } from './model/Artifact.js';
import type { Fleet } from './model/Fleet.js';
import { renderFleet } from './render/renderFleet.js';

export type BuildOptions = LoadOptions & {
  /** Prefix for paths inside rendered files; tests render under a throwaway root. */
  root?: string;
  /** Render only these servers' files (the whole fleet is still compiled and checked). */
  servers?: readonly string[];
};

export interface BuildResult {
  /** Present even with errors (for --explain); never render or apply a fleet that came with errors. */
  fleet?: Fleet;
  /** Empty when there are errors. */
  artifacts: Artifact[];
  diagnostics: Diagnostic[];
}

/** load → compile → render: the whole pure pipeline behind one call. */
export function build(options: BuildOptions): BuildResult {
  const loaded = loadFleetSource(options);
  const compiled = compileFleet(loaded.source);
  const diagnostics = [...loaded.diagnostics, ...compiled.diagnostics];
  // The parsed sources (a large YAML document) are not returned, so they can be freed once compiled.
  const base = compiled.fleet ? { fleet: compiled.fleet } : {};
  if (!compiled.fleet || hasErrors(diagnostics)) return { ...base, artifacts: [], diagnostics: sortDiagnostics(diagnostics) };
  const only = options.servers?.length ? new Set(options.servers) : undefined;
  const toRender = only ? { ...compiled.fleet, servers: compiled.fleet.servers.filter((s) => only.has(s.name)), instances: compiled.fleet.instances.filter((i) => only.has(i.server)) } : compiled.fleet;
  const rendered = renderFleet(toRender, loaded.source.templates, options.root !== undefined ? { root: options.root } : {});
  diagnostics.push(...rendered.diagnostics);
  return { ...base, artifacts: hasErrors(diagnostics) ? [] : rendered.artifacts, diagnostics: sortDiagnostics(diagnostics) };
}
