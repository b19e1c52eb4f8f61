import { odooModules, type OdooModule } from '../compile/odooModules.js';
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
 * The roots and every release module installed along with them, sorted:
 * the modules of the release a database with `roots` installed holds, so a
 * change to any of them must be updated (`-u`).
 *
 * Along `depends`, of release modules and of Odoo's own (the catalogue):
 * Odoo modules never depend on custom ones, but they tell which Odoo modules
 * are installed, and those matter below.
 *
 * Along `auto_install`: Odoo installs a module by itself once all its
 * triggers are installed (the modules its `auto_install` lists, or all its
 * depends for `True`). Odoo's own modules never change between two releases
 * (changedModules only sees the release), so for them this only decides
 * which triggers are met; a custom auto_install module (say glue between
 * sale and stock, installed because an instance lists sale_stock) is in the
 * database without anyone listing it, and a change to it must be updated
 * like any other, or its views and data stay stale.
 *
 * The result may hold more than the database does, never less: Odoo
 * auto-installs only while one of the triggers is itself being installed
 * (ir_module.py, button_install), so a custom auto_install module added
 * after its triggers stays out until listed; country-specific Odoo modules
 * (the manifest's `countries`, not in the catalogue) auto-install only for
 * companies of those countries. Both err on the safe side: `-u` of a module
 * that is not installed is skipped by Odoo (loading.py upgrades only
 * modules in state installed), while a missed one would never be updated.
 */
export function dependencyClosure(release: Release, roots: string[], odoo: ReadonlyMap<string, OdooModule> = odooModules()): string[] {
  // Instances of one release mostly list the same modules: work each set out once.
  let byRelease = memo.get(odoo);
  if (!byRelease) memo.set(odoo, (byRelease = new WeakMap()));
  let byRoots = byRelease.get(release);
  if (!byRoots) byRelease.set(release, (byRoots = new Map()));
  const key = [...new Set(roots)].sort().join(',');
  let result = byRoots.get(key);
  if (!result) byRoots.set(key, (result = closure(release, roots, odoo)));
  return [...result];
}

const memo = new WeakMap<ReadonlyMap<string, OdooModule>, WeakMap<Release, Map<string, string[]>>>();

function closure(release: Release, roots: string[], odoo: ReadonlyMap<string, OdooModule>): string[] {
  // Auto-install rules, indexed by trigger; each waits for its count of unmet triggers to reach 0.
  const byTrigger = new Map<string, AutoRule[]>();
  const queue = [...roots];
  const rules = [...odooRules(odoo).filter((r) => !release.modules.has(r.name)), ...releaseRules(release)];
  for (const r of rules) {
    r.unmet = r.triggers.size;
    if (r.unmet === 0) queue.push(r.name);
    for (const t of r.triggers) push(byTrigger, t, r);
  }
  const installed = new Set<string>();
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    if (installed.has(name)) continue;
    installed.add(name);
    for (const dep of release.modules.get(name)?.depends ?? odoo.get(name)?.depends ?? []) if (!installed.has(dep)) queue.push(dep);
    for (const r of byTrigger.get(name) ?? []) if (--r.unmet === 0) queue.push(r.name);
  }
  const wanted = new Set(roots);
  return [...installed].filter((m) => wanted.has(m) || release.modules.has(m)).sort();
}

interface AutoRule {
  name: string;
  triggers: ReadonlySet<string>;
  unmet: number;
}

const odooRuleCache = new WeakMap<ReadonlyMap<string, OdooModule>, { name: string; triggers: ReadonlySet<string> }[]>();

/** The catalogue's installable auto_install modules with their triggers, worked out once per catalogue. */
function odooRules(odoo: ReadonlyMap<string, OdooModule>): AutoRule[] {
  let rules = odooRuleCache.get(odoo);
  if (!rules) {
    rules = [];
    for (const [name, m] of odoo) if (m.auto_install && m.installable !== false) rules.push({ name, triggers: new Set(m.auto_install === true ? m.depends : m.auto_install) });
    odooRuleCache.set(odoo, rules);
  }
  return rules.map((r) => ({ ...r, unmet: 0 }));
}

function releaseRules(release: Release): AutoRule[] {
  const rules: AutoRule[] = [];
  for (const [name, m] of release.modules) if (m.autoInstall && m.installable !== false) rules.push({ name, triggers: new Set(m.autoInstall === true ? m.depends : m.autoInstall), unmet: 0 });
  return rules;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
