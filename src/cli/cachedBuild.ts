import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, renderCompiled, type BuildOptions, type BuildResult } from '../build.js';
import { hasErrors, type Diagnostic } from '../diagnostics/Diagnostic.js';
import { loadTemplates } from '../load/loadTemplates.js';
import type { Fleet } from '../model/Fleet.js';
import { cacheDir, fingerprint } from '../write/renderCache.js';

interface FleetCache {
  key: string;
  fleet: Fleet;
  diagnostics: Diagnostic[];
}

/**
 * `build`, reusing the compiled fleet of an earlier run when no input changed
 * (same fingerprint as the render's incremental record). Loading and checking
 * a large clients.yaml is most of a diff's start-up; the fleet is plain data,
 * so it round-trips through JSON exactly. Only error-free fleets are kept.
 */
export function cachedBuild(options: BuildOptions & { cwd: string }, packageDir: string, knownKey?: string): BuildResult {
  const dir = cacheDir(options.cwd);
  if (!dir || options.fs) return build(options);
  const file = join(dir, 'fleet.json');
  // blink-render has already fingerprinted the inputs for its own record; do not read them all twice.
  const key = knownKey ?? fingerprint({ configDir: options.configDir, addonsDir: options.addonsDir, templatesDir: options.templatesDir, cwd: options.cwd, packageDir });
  try {
    const cache = JSON.parse(readFileSync(file, 'utf8')) as FleetCache;
    if (cache.key === key) {
      const t = loadTemplates(options.templatesDir);
      if (!t.diagnostics.length) return renderCompiled(cache.fleet, cache.diagnostics, t.templates, options);
    }
  } catch {
    // No cache yet, or an unreadable one: build it.
  }
  const result = build(options);
  if (result.fleet && !hasErrors(result.diagnostics)) {
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(`${file}.${process.pid}`, JSON.stringify({ key, fleet: result.fleet, diagnostics: result.diagnostics }));
      renameSync(`${file}.${process.pid}`, file);
    } catch {
      // A cache that cannot be written only costs speed next time.
    }
  }
  return result;
}
