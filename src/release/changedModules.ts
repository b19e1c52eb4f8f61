import type { Release } from './Release.js';

/** Module name → content hash: what a server records of a release, and what the next one compares against. */
export function moduleHashes(release: Release): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, m] of release.modules) out[name] = m.hash;
  return out;
}

/**
 * Modules new in `after` or whose code differs from `before`, sorted. Without
 * a `before` (first release on a server) every module counts as changed.
 */
export function changedModules(before: Record<string, string> | undefined, after: Release): string[] {
  return [...after.modules.values()]
    .filter((m) => before === undefined || !Object.hasOwn(before, m.name) || before[m.name] !== m.hash)
    .map((m) => m.name)
    .sort();
}

/**
 * The roots and every release module they need, directly or through other
 * release modules, sorted. Standard Odoo modules are not in the release and
 * stay out; their own dependencies are Odoo's business.
 */
export function dependencyClosure(release: Release, roots: string[]): string[] {
  const seen = new Set<string>(roots);
  const todo = [...roots];
  for (let name = todo.pop(); name !== undefined; name = todo.pop()) {
    for (const dep of release.modules.get(name)?.depends ?? []) {
      if (!release.modules.has(dep) || seen.has(dep)) continue;
      seen.add(dep);
      todo.push(dep);
    }
  }
  return [...seen].sort();
}
