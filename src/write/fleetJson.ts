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
  const servers = new Set(fleet.servers.map((s) => s.name));
  const instances = new Set(fleet.instances.map((i) => i.id));
  for (const a of artifacts) {
    if (!servers.has(a.server)) throw new Error(`fleetJson: artifact ${a.path} names unknown server ${a.server}`);
    if (a.instance !== undefined && !instances.has(a.instance)) {
      throw new Error(`fleetJson: artifact ${a.path} names unknown instance ${a.instance}`);
    }
    push(a.instance === undefined ? serverFiles : instanceFiles, a.instance ?? a.server, a);
  }

  const byServer = new Map<string, Instance[]>();
  for (const i of fleet.instances) push(byServer, i.server, i);

  const sortedServers = [...fleet.servers].sort((a, b) => byCodeUnit(a.name, b.name));
  const doc = obj(
    ['version', 1],
    [
      'servers',
      obj(
        ...sortedServers.map((s): Entry => [
          s.name,
          serverEntry(s, serverFiles.get(s.name) ?? [], byServer.get(s.name) ?? [], instanceFiles),
        ]),
      ),
    ],
  );
  return stringify(doc, '') + '\n';
}

function serverEntry(s: Server, files: Artifact[], instances: Instance[], instanceFiles: Map<string, Artifact[]>): JsonObject {
  const sorted = [...instances].sort((a, b) => byCodeUnit(a.id, b.id));
  return obj(
    ['transport', s.transport],
    ['ssh', s.transport === 'ssh' ? s.ssh : undefined],
    ['files', fileList(files)],
    ['instances', obj(...sorted.map((i): Entry => [i.id, instanceEntry(i, instanceFiles.get(i.id) ?? [])]))],
  );
}

function instanceEntry(i: Instance, files: Artifact[]): JsonObject {
  return obj(
    ['host', i.host],
    ['client', i.client],
    ['environment', i.env],
    ['kind', i.kind],
    ['branch', i.branch],
    ['database', i.db],
    ['port', i.port],
    ['gevent_port', i.geventPort],
    ['service', i.service],
    ['data_dir', i.dataDir],
    ['files', fileList(files)],
  );
}

function fileList(files: Artifact[]): JsonObject[] {
  return [...files].sort((a, b) => byCodeUnit(a.path, b.path) || byCodeUnit(a.role, b.role)).map(fileEntry);
}

function fileEntry(a: Artifact): JsonObject {
  return obj(
    ['path', a.path],
    ['kind', a.kind],
    ['role', a.role],
    // Without it a bootstrap entry would not say which managed file it stands in for.
    ['bootstrap_for', a.bootstrapFor],
    ['mode', a.mode.toString(8).padStart(4, '0')],
    ['owner', a.owner],
    ['sha256', createHash('sha256').update(a.content, 'utf8').digest('hex')],
    ['secrets', [...new Set(a.secretRefs)].sort(byCodeUnit)],
    ['link', a.linkTarget],
  );
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

// --- ordered JSON

/**
 * JSON.stringify orders integer-like keys first whatever the insertion order,
 * and a server may well be called `1`; so objects here are explicit entry lists.
 */
type Json = string | number | boolean | Json[] | JsonObject;
type Entry = [string, Json | undefined];

class JsonObject {
  constructor(readonly entries: [string, Json][]) {}
}

/** Entries whose value is undefined are left out, like optional keys in JSON.stringify. */
function obj(...entries: Entry[]): JsonObject {
  return new JsonObject(entries.filter((e): e is [string, Json] => e[1] !== undefined));
}

/** Same layout as `JSON.stringify(value, null, 2)`. */
function stringify(value: Json, indent: string): string {
  if (value instanceof JsonObject) {
    if (value.entries.length === 0) return '{}';
    const inner = indent + '  ';
    const body = value.entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${stringify(v, inner)}`);
    return `{\n${body.join(',\n')}\n${indent}}`;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const inner = indent + '  ';
    return `[\n${value.map((v) => inner + stringify(v, inner)).join(',\n')}\n${indent}]`;
  }
  return JSON.stringify(value);
}
