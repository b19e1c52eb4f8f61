import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { writeFile, rename } from 'node:fs/promises';
import type { BuildOptions, BuildResult, Compiled } from '../build.js';
import { hasErrors, type Diagnostic } from '../diagnostics/Diagnostic.js';
import { loadTemplates } from '../load/loadTemplates.js';
import type { Artifact } from '../model/Artifact.js';
import type { Fleet } from '../model/Fleet.js';
import type { TemplateEngine } from '../render/TemplateEngine.js';
import { cacheDir, cacheFileFor, fingerprint } from '../write/renderCache.js';

interface FleetCache {
  key: string;
  fleet: Fleet;
  diagnostics: Diagnostic[];
}

interface RenderedCache {
  key: string;
  artifacts: Artifact[];
  diagnostics: Diagnostic[];
}

/** A compiled fleet and, when caching is on, the fingerprint of the inputs it came from. */
export interface CachedCompiled extends Compiled {
  key?: string;
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
export async function cachedCompile(options: CachedBuildOptions, packageDir: string, knownKey?: string): Promise<CachedCompiled> {
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
      if (!t.diagnostics.length) return { fleet: cache.fleet, diagnostics: cache.diagnostics, templates: t.templates, key };
    }
  } catch {
    // No cache yet, or an unreadable one: build it.
  }
  const result = await compile();
  if (result.fleet && !hasErrors(result.diagnostics)) {
    writeLater(dir, file, () => ({ key, fleet: result.fleet!, diagnostics: result.diagnostics }) satisfies FleetCache);
    return { ...result, key };
  }
  return result;
}

/** Handlebars, compiled templates: made on the first render a run needs, shared by the rest. */
export interface RenderShared {
  engine?: TemplateEngine;
}

/**
 * `renderCompiled` for blink-apply, one server's files at a time (so each is
 * rendered, or read back, while its server is being connected to), reusing
 * what an earlier run rendered from the same inputs for the same servers.
 * Rendering every file of a large fleet through Handlebars is most of what a
 * repeated `--diff` computes itself; the files are plain data (secret
 * references unresolved, as in out/), so they round-trip through JSON
 * exactly, and a hit never loads Handlebars. The cache is written while the
 * servers are being read.
 */
export async function cachedRender(c: CachedCompiled, servers: readonly string[], options: Pick<CachedBuildOptions, 'cwd' | 'env' | 'configDir' | 'fs'>, shared: RenderShared = {}): Promise<BuildResult> {
  const dir = c.key === undefined || options.fs ? undefined : cacheDir(options.cwd, options.env);
  const which = JSON.stringify([...servers].sort());
  const file = dir ? cacheFileFor(dir, `rendered-${createHash('sha256').update(which).digest('hex').slice(0, 12)}`, options.cwd, options.configDir) : undefined;
  const key = `${c.key}\n${which}`;
  if (file && c.fleet) {
    try {
      const cache = JSON.parse(readFileSync(file, 'utf8')) as RenderedCache;
      if (cache.key === key) return { fleet: c.fleet, artifacts: cache.artifacts, diagnostics: cache.diagnostics };
    } catch {
      // No cache yet, or an unreadable one: render.
    }
  }
  const [{ renderCompiled }, { createTemplateEngine }] = await Promise.all([import('../renderCompiled.js'), import('../render/TemplateEngine.js')]);
  shared.engine ??= createTemplateEngine(c.templates);
  // The compile's own diagnostics are the caller's to report.
  const result = renderCompiled(c.fleet, [], c.templates, { servers, engine: shared.engine });
  if (file && dir && !hasErrors(result.diagnostics)) writeLater(dir, file, () => ({ key, artifacts: result.artifacts, diagnostics: result.diagnostics }) satisfies RenderedCache);
  return result;
}

/** `build` over `cachedCompile`. The renderer (and Handlebars) load only here: blink-deploy compiles but never renders. */
export async function cachedBuild(options: CachedBuildOptions, packageDir: string, knownKey?: string): Promise<BuildResult> {
  const [c, { renderCompiled }] = await Promise.all([cachedCompile(options, packageDir, knownKey), import('../renderCompiled.js')]);
  return renderCompiled(c.fleet, c.diagnostics, c.templates, options);
}

/**
 * Write a cache file once the run waits for something (the servers, most
 * often) rather than before it goes on: serializing a large fleet is tens of
 * milliseconds nobody should wait for. Written whole or not at all (a
 * temporary, then a rename); one that cannot be written only costs speed
 * next time.
 */
function writeLater(dir: string, file: string, value: () => unknown): void {
  setImmediate(() => {
    const part = `${file}.${process.pid}`;
    try {
      mkdirSync(dir, { recursive: true });
    } catch {
      return;
    }
    let text: string;
    try {
      text = JSON.stringify(value());
    } catch {
      return;
    }
    writeFile(part, text)
      .then(() => rename(part, file))
      .catch(() => undefined);
  });
}
