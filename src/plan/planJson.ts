import type { FilePlan, ServerPlan } from './ServerPlan.js';
import { countPlan, isPending, shownResources } from './ServerPlan.js';

/**
 * The plan as data for `--json`: every field chosen by name, so resolved
 * contents (which hold secrets) can never slip into it.
 */
export function planJson(p: ServerPlan): Record<string, unknown> {
  return {
    server: p.server,
    target: p.target,
    pending: isPending(p),
    counts: countPlan(p),
    files: p.files.filter((f) => f.change !== 'none' || f.orphan || f.drift || f.notCompared).map(fileJson),
    resources: shownResources(p).map((r) => ({ ...r, ...(r.notes.length ? {} : { notes: undefined }) })),
    ...(p.resources.firewall ? { firewall: p.resources.firewall } : {}),
    ...(p.resources.blocked.length ? { blocked: p.resources.blocked } : {}),
    actions: p.actions,
    ...(p.interrupted ? { interrupted: p.interrupted } : {}),
    ...(p.staleStaging?.length ? { staleStaging: p.staleStaging } : {}),
    notes: p.notes,
  };
}

/** Modes as fleet.json writes them ("0644"), so one reader handles both. */
function side(s: NonNullable<FilePlan['before']>): Record<string, unknown> {
  return { ...s, ...(typeof s.mode === 'number' ? { mode: s.mode.toString(8).padStart(4, '0') } : {}) };
}

function fileJson(f: FilePlan): Record<string, unknown> {
  return {
    path: f.path,
    kind: f.kind,
    ...(f.instance ? { instance: f.instance } : {}),
    ...(f.host ? { host: f.host } : {}),
    change: f.change,
    drift: f.drift,
    orphan: f.orphan,
    bootstrap: f.bootstrap,
    sensitive: f.sensitive,
    ...(f.missingSecrets ? { missingSecrets: f.missingSecrets } : {}),
    ...(f.notCompared ? { notCompared: true } : {}),
    ...(f.before ? { before: side(f.before) } : {}),
    ...(f.after ? { after: side(f.after) } : {}),
    ...(f.diff !== undefined ? { diff: f.diff } : {}),
  };
}
