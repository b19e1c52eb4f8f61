import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BuildOptions, BuildResult, Compiled } from '../build.js';
import { hasErrors, type Diagnostic } from '../diagnostics/Diagnostic.js';
import { loadTemplates } from '../load/loadTemplates.js';
import type { Artifact } from '../model/Artifact.js';
import type { Fleet } from '../model/Fleet.js';
import type { TemplateEngine } from '../render/TemplateEngine.js';
import { cacheDir, cacheFileFor } from '../write/cacheFiles.js';
import { fingerprintParts } from '../write/renderCache.js';
import { jsonOnce, jsonWithList } from './jsonOnce.js';
import { JsonText, writeLater } from './writeLater.js';

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

/** Which rendered file holds each server's files for the inputs of `key`. */
interface RenderedIndex {
  key: string;
  servers: Record<string, string>;
}

/** A compiled fleet and, when caching is on, the fingerprint of the inputs it came from. */
export interface CachedCompiled extends Compiled {
  key?: string;
  /** The part of `key` that is blink-fleet's own code and schema (absent when the caller gave the key). */
  code?: string;
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
  const parts = knownKey === undefined ? fingerprintParts({ configDir: options.configDir, addonsDir: options.addonsDir, templatesDir: options.templatesDir, cwd: options.cwd, packageDir }) : undefined;
  const key = knownKey ?? parts!.key;
  const code = parts?.code;
  try {
    // The key comes first in the file: a cache for other inputs (the run after an edit) is neither read whole nor parsed.
    const cache = startsWith(file, `{"key":${JSON.stringify(key)},`) ? (JSON.parse(readFileSync(file, 'utf8')) as FleetCache) : undefined;
    if (cache?.key === key) {
      const t = loadTemplates(options.templatesDir);
      if (!t.diagnostics.length) return { fleet: cache.fleet, diagnostics: cache.diagnostics, templates: t.templates, key, ...(code ? { code } : {}) };
    }
  } catch {
    // No cache yet, or an unreadable one: build it.
  }
  const result = await compile();
  if (result.fleet && !hasErrors(result.diagnostics)) {
    // The FleetCache, its instances in the text the render keys are made of (jsonOnce); the key first.
    writeLater(dir, file, () => new JsonText(`{"key":${JSON.stringify(key)},"fleet":${jsonWithList(result.fleet!, 'instances')},"diagnostics":${JSON.stringify(result.diagnostics)}}`));
    return { ...result, key, ...(code ? { code } : {}) };
  }
  return result;
}

/** What the renders of one run share: Handlebars' compiled templates, and which cached file holds which server's files. */
export interface RenderShared {
  engine?: TemplateEngine;
  /** The index as the last run left it (null: none), read once. */
  index?: RenderedIndex | null;
  /** This run's server keys, written back as the new index. */
  keys?: Map<string, string>;
  /** Keys the index named for servers whose key has changed: their files are removed once the new index is written. */
  stale?: string[];
  /** A write of the index is waiting to serialize it. */
  indexPending?: boolean;
}

/**
 * `renderCompiled` for blink-apply, one server's files at a time (so each is
 * rendered, or read back, while its server is being connected to), reusing
 * what an earlier run rendered. Rendering every file of a large fleet through
 * Handlebars is most of what a `--diff` computes itself; the files are plain
 * data (secret references unresolved, as in out/), so they round-trip
 * through JSON exactly, and a hit never loads Handlebars.
 *
 * Each server's files are kept under a key of exactly what renders them: the
 * compiled server and its instances, the fleet's other settings, the
 * templates and blink-fleet's code. An edit of one client in clients.yaml
 * then renders one server again, not the fleet. Working that key out costs a
 * serialization of the server's part of the fleet, so an index kept per
 * config folder remembers each server's key for the inputs' fingerprint:
 * a run with unchanged inputs reads it instead. The cache is written while
 * the servers are being read; files no server's key names any more are removed.
 */
export async function cachedRender(c: CachedCompiled, servers: readonly string[], options: Pick<CachedBuildOptions, 'cwd' | 'env' | 'configDir' | 'fs'>, shared: RenderShared = {}): Promise<BuildResult> {
  const dir = c.key === undefined || options.fs ? undefined : cacheDir(options.cwd, options.env);
  const key = dir && c.fleet ? renderKey(c, servers, dir, options, shared) : undefined;
  const file = key && dir ? join(dir, `rendered-${key.slice(0, 32)}.json`) : undefined;
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
  if (file && dir && !hasErrors(result.diagnostics)) writeLater(dir, file, () => ({ key: key!, artifacts: result.artifacts, diagnostics: result.diagnostics }) satisfies RenderedCache);
  return result;
}

/** The key of these servers' rendered files: the index's when the inputs did not change, else worked out (and the index rewritten). */
function renderKey(c: CachedCompiled, servers: readonly string[], dir: string, options: Pick<CachedBuildOptions, 'cwd' | 'configDir'>, shared: RenderShared): string {
  const indexFile = cacheFileFor(dir, 'rendered-index', options.cwd, options.configDir);
  if (shared.index === undefined) {
    try {
      shared.index = JSON.parse(readFileSync(indexFile, 'utf8')) as RenderedIndex;
    } catch {
      shared.index = null;
    }
  }
  const keys = (shared.keys ??= new Map());
  const name = JSON.stringify([...servers].sort());
  const index = shared.index;
  const known = index && index.key === c.key ? index.servers[name] : undefined;
  if (typeof known === 'string') return (keys.set(name, known), known);
  const key = serverRenderKey(c, servers);
  keys.set(name, key);
  const before = index?.servers[name];
  if (typeof before === 'string' && before !== key && /^[0-9a-f]{64}$/.test(before)) (shared.stale ??= []).push(before);
  if (!shared.indexPending) {
    shared.indexPending = true;
    const kept = index && index.key === c.key ? index.servers : {};
    writeLater(
      dir,
      indexFile,
      () => ((shared.indexPending = false), { key: c.key!, servers: { ...kept, ...Object.fromEntries(keys) } } satisfies RenderedIndex),
      // A server's files for inputs that are gone: nothing will ask for them again.
      () => {
        for (const k of (shared.stale ?? []).splice(0)) rmSync(join(dir, `rendered-${k.slice(0, 32)}.json`), { force: true });
        // Written by blink before per-server keys (one per server list and config folder): never read again.
        if (!index) for (const f of readdirSync(dir)) if (/^rendered-[0-9a-f]{12}-[0-9a-f]{16}\.json$/.test(f)) rmSync(join(dir, f), { force: true });
      },
    );
  }
  return key;
}

/** sha256 of all a render of these servers reads: their part of the compiled fleet, the rest of its settings, the templates, blink's code. */
function serverRenderKey(c: CachedCompiled, servers: readonly string[]): string {
  const only = new Set(servers);
  const { servers: all, instances, ...settings } = c.fleet!;
  const h = createHash('sha256');
  // Without blink's own fingerprint (a caller that gave the key), the inputs' whole fingerprint stands in for it.
  h.update(JSON.stringify([c.code ?? c.key, settings, c.templates.dir, [...c.templates.files]]));
  for (const s of all) if (only.has(s.name)) h.update(jsonOnce(s));
  for (const i of instances) if (only.has(i.server)) h.update(jsonOnce(i));
  return h.digest('hex');
}

/** `build` over `cachedCompile`. The renderer (and Handlebars) load only here: blink-deploy compiles but never renders. */
export async function cachedBuild(options: CachedBuildOptions, packageDir: string, knownKey?: string): Promise<BuildResult> {
  const [c, { renderCompiled }] = await Promise.all([cachedCompile(options, packageDir, knownKey), import('../renderCompiled.js')]);
  return renderCompiled(c.fleet, c.diagnostics, c.templates, options);
}

/** Whether the file begins with `head` (ASCII), read from its first bytes only. Throws when it cannot be read. */
function startsWith(file: string, head: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(head.length);
    return readSync(fd, buf, 0, buf.length, 0) === buf.length && buf.toString('latin1') === head;
  } finally {
    closeSync(fd);
  }
}
