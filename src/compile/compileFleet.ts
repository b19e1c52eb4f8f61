import { error, sortDiagnostics, type Diagnostic } from '../diagnostics/Diagnostic.js';
import type { FleetSource } from '../load/loadFleetSource.js';
import type { ClientsFile } from '../model/ClientsFile.js';
import type { Fleet, Instance } from '../model/Fleet.js';
import { checkFleet } from './checkFleet.js';
import { checkIniFiles } from './checkIniFiles.js';
import { deriveInstance } from './deriveInstance.js';
import { ExtendsResolver } from './ExtendsResolver.js';
import { withFail2banLogging } from './fail2banLogging.js';
import { resolveDeploy } from './resolveDeploy.js';
import { resolveKinds } from './resolveKinds.js';
import { resolveServers } from './resolveServers.js';

/**
 * The pure heart of blink-render: source → resolved fleet. Collects every
 * problem it can find in one pass; `fleet` is returned even with errors so
 * callers can explain, but must not be rendered when errors exist.
 */
export function compileFleet(source: FleetSource): { fleet?: Fleet; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  diagnostics.push(...checkIniFiles(source));
  const clients = source.clients;
  if (!clients) return { diagnostics: sortDiagnostics(diagnostics) };
  const file = clients.data as ClientsFile;

  const kinds = resolveKinds(file, clients);
  diagnostics.push(...kinds.diagnostics);
  const servers = resolveServers(file, clients, source.configDir);
  diagnostics.push(...servers.diagnostics);
  const extendsResolver = new ExtendsResolver(source.ini, source.configLabel);

  const instances: Instance[] = [];
  for (const client of Object.keys(file.clients).sort()) {
    for (const env of Object.keys(file.clients[client]!.environments).sort()) {
      const r = deriveInstance({ source, file, client, env, kinds: kinds.kinds, servers: servers.servers, extendsResolver });
      diagnostics.push(...r.diagnostics);
      if (r.instance) instances.push(r.instance);
    }
  }
  diagnostics.push(...extendsResolver.diagnostics);
  if (!source.ini.has('base.conf')) {
    diagnostics.push(error('BLINK001', `${source.configLabel}/base.conf is missing`, { file: `${source.configLabel}/base.conf` }, 'create it with the [options] every instance shares (it may be just "[options]")'));
  }
  instances.sort((a, b) => a.server.localeCompare(b.server) || a.id.localeCompare(b.id));
  const logged = withFail2banLogging(instances, servers.servers);
  diagnostics.push(...logged.diagnostics);
  const fleet: Fleet = { configLabel: source.configLabel, servers: servers.servers, instances: logged.instances, deploy: resolveDeploy(file, source.configDir) };
  diagnostics.push(...checkFleet(fleet, source));
  return { fleet, diagnostics: sortDiagnostics(dedupe(diagnostics)) };
}

function dedupe(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const k = JSON.stringify(d);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
