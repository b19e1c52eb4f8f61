import type { Diagnostic } from '../diagnostics/Diagnostic.js';
import type { Artifact } from '../model/Artifact.js';
import type { Fleet } from '../model/Fleet.js';
import { globToRegExp, selectionScope } from '../compile/selectionScope.js';
import type { FleetSelection } from './applyFleet.js';

/**
 * Narrow a run to `--server`/`--host`: only those servers are contacted and
 * only their instances' files (and so secrets) are needed. The selected
 * servers' own files come along, since their vhosts need them. Decided on
 * the compiled fleet, before rendering, so only the selection is rendered;
 * `artifacts` is filled by `withArtifacts`.
 */
export function selectFleet(fleet: Fleet, servers: string[], hosts: string[]): { selection: FleetSelection; diagnostics: Diagnostic[] } {
  const { diagnostics } = selectionScope(fleet, hosts, servers);
  const globs = hosts.map(globToRegExp);
  const hostOk = (h: string | undefined): boolean => !globs.length || (h !== undefined && globs.some((g) => g.test(h)));
  const instances = fleet.instances.filter((i) => (!servers.length || servers.includes(i.server)) && hostOk(i.host));
  const serverNames = new Set(servers.length ? servers : hosts.length ? instances.map((i) => i.server) : fleet.servers.map((s) => s.name));
  const selection: FleetSelection = { servers: fleet.servers.filter((s) => serverNames.has(s.name)), instances, artifacts: [] };
  if (globs.length) selection.owns = (_path, entry) => entry.instance === undefined || hostOk(entry.host);
  return { selection, diagnostics };
}

/** The selection with the rendered files it covers: its servers' own files and its instances'. */
export function withArtifacts(selection: FleetSelection, artifacts: readonly Artifact[]): FleetSelection {
  const servers = new Set(selection.servers.map((s) => s.name));
  const ids = new Set(selection.instances.map((i) => i.id));
  return { ...selection, artifacts: artifacts.filter((a) => servers.has(a.server) && (a.instance === undefined || ids.has(a.instance))) };
}
