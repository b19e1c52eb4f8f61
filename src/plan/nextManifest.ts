import type { Manifest, ManifestEntry } from '../remote/RemoteState.js';
import type { ServerPlan } from './ServerPlan.js';

/** What the server's manifest says once this plan is applied. */
export function nextManifest(p: ServerPlan, meta: { run: string; time: string; commit?: string }): Manifest {
  const files: Record<string, ManifestEntry> = { ...p.keep };
  for (const d of p.desired.values()) {
    const e: ManifestEntry = { kind: d.kind, mode: d.mode, ...(d.owner !== undefined ? { owner: d.owner } : {}) };
    if (d.linkTarget !== undefined) e.linkTarget = d.linkTarget;
    else e.sha256 = d.sha256;
    if (d.instance !== undefined) e.instance = d.instance;
    if (d.host !== undefined) e.host = d.host;
    if (d.sensitive) e.sensitive = true;
    files[d.path] = e;
  }
  const sorted = Object.fromEntries(Object.entries(files).sort(([a], [b]) => a.localeCompare(b)));
  const resources = Object.fromEntries(Object.entries(p.resources.manifest).sort(([a], [b]) => a.localeCompare(b)));
  return { version: 1, server: p.server, run: meta.run, time: meta.time, ...(meta.commit ? { commit: meta.commit } : {}), files: sorted, ...(Object.keys(resources).length ? { resources } : {}) };
}
