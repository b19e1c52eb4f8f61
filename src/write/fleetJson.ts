import { createHash } from 'node:crypto';
import type { Artifact } from '../model/Artifact.js';
import type { Fleet, Instance, Server } from '../model/Fleet.js';
import { byCodeUnit } from './byCodeUnit.js';

/**
 * `out/fleet.json`: servers → instances → files, the machine-readable index of
 * out/. Keys come in a fixed order and every list is sorted, so the bytes only
 * change when the fleet does. `sha256` is of the content as rendered, secret
 * references verbatim, so it matches the file beside it in out/.
 *
 * Throws when an artifact names a server or instance the fleet does not have:
 * that is a bug in an earlier stage, not a user problem.
 */
export function fleetJson(fleet: Fleet, artifacts: readonly Artifact[]): string {
  const serverFiles = new Map<string, Artifact[]>();
  const instanceFiles = new Map<string, Artifact[]>();
  const serverNames = new Set(fleet.servers.map((s) => s.name));
  const instanceIds = new Set(fleet.instances.map((i) => i.id));
  for (const a of artifacts) {
    if (!serverNames.has(a.server)) throw new Error(`fleetJson: artifact ${a.path} names unknown server ${a.server}`);
    if (a.instance !== undefined && !instanceIds.has(a.instance)) {
      throw new Error(`fleetJson: artifact ${a.path} names unknown instance ${a.instance}`);
    }
    push(a.instance === undefined ? serverFiles : instanceFiles, a.instance ?? a.server, a);
  }

  const byServer = new Map<string, Instance[]>();
  for (const i of fleet.instances) push(byServer, i.server, i);

  const sorted = [...fleet.servers].sort((a, b) => byCodeUnit(a.name, b.name));
  const entry = (s: Server): object => serverEntry(s, serverFiles.get(s.name) ?? [], byServer.get(s.name) ?? [], instanceFiles);
  // JSON.stringify puts integer-like keys first whatever the insertion order.
  // Instance ids always hold a dash, but a server may well be called `1`:
  // then the server level is laid out by hand (slower: it re-indents).
  if (!sorted.some((s) => INDEX_LIKE.test(s.name))) {
    const servers: Record<string, object> = {};
    for (const s of sorted) servers[s.name] = entry(s);
    return JSON.stringify({ version: 1, servers }, null, 2) + '\n';
  }
  const servers = sorted.map((s) => `    ${JSON.stringify(s.name)}: ${JSON.stringify(entry(s), null, 2).replace(/\n/g, '\n    ')}`);
  return `{\n  "version": 1,\n  "servers": {\n${servers.join(',\n')}\n  }\n}\n`;
}

/** Property keys that JavaScript orders as array indices. */
const INDEX_LIKE = /^(0|[1-9][0-9]{0,9})$/;

// Objects below are built key by key in the order fleet.json promises;
// undefined values are left out by JSON.stringify, like absent optional keys.

function serverEntry(s: Server, files: Artifact[], instances: Instance[], instanceFiles: Map<string, Artifact[]>): object {
  const byId: Record<string, object> = {};
  for (const i of [...instances].sort((a, b) => byCodeUnit(a.id, b.id))) byId[i.id] = instanceEntry(i, instanceFiles.get(i.id) ?? []);
  return { transport: s.transport, ssh: s.transport === 'ssh' ? s.ssh : undefined, files: fileList(files), instances: byId };
}

function instanceEntry(i: Instance, files: Artifact[]): object {
  return {
    host: i.host,
    client: i.client,
    environment: i.env,
    kind: i.kind,
    branch: i.branch,
    database: i.db,
    port: i.port,
    gevent_port: i.geventPort,
    service: i.service,
    data_dir: i.dataDir,
    release_dir: i.releaseDir,
    files: fileList(files),
  };
}

function fileList(files: Artifact[]): object[] {
  return [...files].sort((a, b) => byCodeUnit(a.path, b.path) || byCodeUnit(a.role, b.role)).map(fileEntry);
}

function fileEntry(a: Artifact): object {
  return {
    path: a.path,
    kind: a.kind,
    role: a.role,
    // Without it a bootstrap entry would not say which managed file it stands in for.
    bootstrap_for: a.bootstrapFor,
    mode: a.mode.toString(8).padStart(4, '0'),
    owner: a.owner,
    sha256: createHash('sha256').update(a.content, 'utf8').digest('hex'),
    secrets: [...new Set(a.secretRefs)].sort(byCodeUnit),
    link: a.linkTarget,
  };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
