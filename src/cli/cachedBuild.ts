import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { BuildOptions, BuildResult, Compiled } from '../build.js';
import { hasErrors, type Diagnostic } from '../diagnostics/Diagnostic.js';
import { loadTemplates } from '../load/loadTemplates.js';
import type { Fleet } from '../model/Fleet.js';
import { cacheDir, cacheFileFor, fingerprint } from '../write/renderCache.js';

interface FleetCache {
  key: string;
  fleet: Fleet;
  diagnostics: Diagnostic[];
}

export interface CachedBuildOptions extends BuildOptions {
  cwd: string;
  /** Where the cache folder is looked up (BLINK_CACHE_DIR, XDG_CACHE_HOME, HOME). */
  env?: Record<string, string | undefined>;
}

/**
 * load → compile, reusing the fleet compiled by an earlier run when no input
 * changed (same fingerprint as the render's incremental record). Loading and
 * checking a large clients.yaml is most of a diff's start-up; the fleet is
 * plain data, so it round-trips through JSON exactly. Only error-free fleets
 * are kept. On a hit, the loader and compiler are not even imported.
 */
export async function cachedCompile(options: CachedBuildOptions, packageDir: string, knownKey?: string): Promise<Compiled> {
  const compile = async (): Promise<Compiled> => (await import('../build.js')).compileSources(options);
  const dir = options.fs ? undefined : cacheDir(options.cwd, options.env);
  if (!dir) return compile();
  const file = cacheFileFor(dir, 'fleet', options.cwd, options.configDir);
  // blink-render has already fingerprinted the inputs for its own record; do not read them all twice.
  const key = knownKey ?? fingerprint({ configDir: options.configDir, addonsDir: options.addonsDir, templatesDir: options.templatesDir, cwd: options.cwd, packageDir });
  try {
    const cache = JSON.parse(readFileSync(file, 'utf8')) as FleetCache;
    if (cache.key === key) {
      const t = loadTemplates(options.templatesDir);
      if (!t.diagnostics.length) return { fleet: cache.fleet, diagnostics: cache.diagnostics, templates: t.templates };
    }
  } catch {
    // No cache yet, or an unreadable one: build it.
  }
  const result = await compile();
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

/** `build` over `cachedCompile`. The renderer (and Handlebars) load only here: blink-deploy compiles but never renders. */
export async function cachedBuild(options: CachedBuildOptions, packageDir: string, knownKey?: string): Promise<BuildResult> {
  const [c, { renderCompiled }] = await Promise.all([cachedCompile(options, packageDir, knownKey), import('../renderCompiled.js')]);
  return renderCompiled(c.fleet, c.diagnostics, c.templates, options);
}
