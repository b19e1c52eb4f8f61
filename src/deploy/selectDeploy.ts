import { error, type Diagnostic } from '../diagnostics/Diagnostic.js';
import { didYouMean } from '../diagnostics/didYouMean.js';
import type { Fleet, Instance } from '../model/Fleet.js';
import { globToRegExp } from '../compile/selectionScope.js';

export interface DeploySelectionFlags {
  host: string[];
  server: string[];
  client: string[];
  env: string[];
  all: boolean;
  /** With `all`: only the environments that follow it. */
  branch?: string;
}

/**
 * Which instances a deploy covers. Filters combine (a host of that client on
 * that server); `--all --branch main` is every environment following main.
 * Saying nothing deploys nothing, and a name that matches nothing is an
 * error: a typo must never deploy somewhere else or silently do nothing.
 */
export function selectDeploy(fleet: Fleet, f: DeploySelectionFlags): { instances: Instance[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  if (!f.all && !f.host.length && !f.server.length && !f.client.length && !f.env.length) {
    return { instances: [], diagnostics: [error('BLINK605', 'no instance selected', undefined, 'name them with --host, --server, --client or --env, or pass --all (with --branch B: every environment following B)')] };
  }
  const unknown = (flag: string, value: string, names: string[]): void => {
    if (names.includes(value)) return;
    const guess = didYouMean(value, names);
    diagnostics.push(error('BLINK605', `--${flag} ${value}: not in clients.yaml`, undefined, guess ? `did you mean ${guess}?` : `known: ${[...new Set(names)].sort().join(', ')}`));
  };
  for (const s of f.server) unknown('server', s, fleet.servers.map((x) => x.name));
  for (const c of f.client) unknown('client', c, fleet.instances.map((x) => x.client));
  for (const e of f.env) unknown('env', e, fleet.instances.map((x) => x.env));
  const globs = f.host.map(globToRegExp);
  for (const [k, g] of globs.entries()) {
    if (!fleet.instances.some((x) => g.test(x.host))) {
      const guess = didYouMean(f.host[k]!, fleet.instances.map((x) => x.host));
      diagnostics.push(error('BLINK605', `--host ${f.host[k]}: no environment in clients.yaml has this host`, undefined, guess ? `did you mean ${guess}?` : 'add the environment to clients.yaml first, then blink-apply'));
    }
  }
  if (diagnostics.length) return { instances: [], diagnostics };
  const instances = fleet.instances.filter(
    (i) =>
      (!globs.length || globs.some((g) => g.test(i.host))) &&
      (!f.server.length || f.server.includes(i.server)) &&
      (!f.client.length || f.client.includes(i.client)) &&
      (!f.env.length || f.env.includes(i.env)) &&
      (!f.all || f.branch === undefined || i.branch === f.branch),
  );
  if (instances.length === 0) {
    diagnostics.push(error('BLINK605', f.all && f.branch ? `no environment follows branch ${f.branch}` : 'the selection matches no instance', undefined, 'check the flags against clients.yaml'));
  }
  return { instances, diagnostics };
}
