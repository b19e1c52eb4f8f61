import { error, type Diagnostic } from '../diagnostics/Diagnostic.js';
import { didYouMean } from '../diagnostics/didYouMean.js';
import type { Fleet } from '../model/Fleet.js';

/** `*` and `?` wildcards, anchored, nothing else special. */
export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/**
 * Which out/ paths a `--host`/`--server` selection covers. fleet.json and
 * fleet.md describe the whole fleet and are always in scope. A selection that
 * matches nothing is an error: a typo must not silently do nothing.
 */
export function selectionScope(fleet: Fleet, hosts: string[], servers: string[]): { scope?: (rel: string) => boolean; diagnostics: Diagnostic[] } {
  if (!hosts.length && !servers.length) return { diagnostics: [] };
  const diagnostics: Diagnostic[] = [];
  for (const s of servers) {
    if (!fleet.servers.some((x) => x.name === s)) {
      const guess = didYouMean(s, fleet.servers.map((x) => x.name));
      diagnostics.push(error('BLINK520', `--server ${s}: no such server`, undefined, guess ? `did you mean ${guess}?` : undefined));
    }
  }
  const globs = hosts.map(globToRegExp);
  for (const [i, g] of globs.entries()) {
    if (!fleet.instances.some((x) => g.test(x.host))) {
      const guess = didYouMean(hosts[i]!, fleet.instances.map((x) => x.host));
      diagnostics.push(error('BLINK520', `--host ${hosts[i]}: matches no host`, undefined, guess ? `did you mean ${guess}?` : undefined));
    }
  }
  const selected = fleet.instances.filter((i) => (!servers.length || servers.includes(i.server)) && (!globs.length || globs.some((g) => g.test(i.host))));
  const prefixes = selected.map((i) => `hosts/${i.host}/`);
  // Per-server files belong to a server selection; a host-only selection leaves them alone.
  const serverNames = servers.length ? servers : [];
  prefixes.push(...serverNames.map((s) => `servers/${s}/`));
  const scope = (rel: string): boolean => rel === 'fleet.json' || rel === 'fleet.md' || prefixes.some((p) => rel.startsWith(p));
  return { scope, diagnostics };
}
