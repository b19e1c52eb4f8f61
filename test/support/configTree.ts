import fg from 'fast-glob';
import { readFileSync } from 'node:fs';
import { build, type BuildResult } from '../../src/build.js';
import type { Diagnostic } from '../../src/diagnostics/Diagnostic.js';
import { memoryFs } from '../../src/load/SourceFs.js';

const repo = new URL('../../', import.meta.url).pathname;

let cached: Record<string, string> | undefined;

/** The sample fleet (config/, custom-addons/, templates/) as an in-memory tree, read once. */
export function sampleTree(): Record<string, string> {
  if (!cached) {
    cached = {};
    for (const f of fg.sync(['config/**/*', 'custom-addons/**/*', 'templates/*.hbs'], { cwd: repo, dot: false })) {
      cached[f] = readFileSync(repo + f, 'utf8');
    }
  }
  return { ...cached };
}

/** The sample tree with files replaced (string), added, or removed (null). */
export function patchedTree(patch: Record<string, string | null>): Record<string, string> {
  const tree = sampleTree();
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete tree[k];
    else tree[k] = v;
  }
  return tree;
}

/** Runs the whole pure pipeline on an in-memory tree, no disk involved. */
export function buildTree(tree: Record<string, string | Uint8Array>): BuildResult {
  return build({ configDir: 'config', addonsDir: 'custom-addons', templatesDir: 'templates', fs: memoryFs(tree), cwd: '/' });
}

/** Replace the first occurrence of `from` in the sample clients.yaml (failing loudly if absent). */
export function editClients(from: string, to: string): Record<string, string> {
  const text = sampleTree()['config/clients.yaml']!;
  if (!text.includes(from)) throw new Error(`sample clients.yaml has no ${JSON.stringify(from)}`);
  return patchedTree({ 'config/clients.yaml': text.replace(from, to) });
}

/** Line (1-based) of the first line of `file` in `tree` containing `needle`. */
export function lineOf(tree: Record<string, string>, file: string, needle: string): number {
  const idx = tree[file]!.split('\n').findIndex((l) => l.includes(needle));
  if (idx < 0) throw new Error(`${file} has no line with ${JSON.stringify(needle)}`);
  return idx + 1;
}

export function errorsOf(r: { diagnostics: Diagnostic[] }): Diagnostic[] {
  return r.diagnostics.filter((d) => d.severity === 'error');
}

/** Compact form for assertions: `code file:line:col`. */
export function brief(d: Diagnostic): string {
  return `${d.code} ${d.file ?? ''}:${d.line ?? ''}:${d.column ?? ''}`;
}
