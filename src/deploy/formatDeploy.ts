import { formatDiagnostic } from '../diagnostics/formatDiagnostic.js';
import type { InstanceDeployPlan } from './DeployPlan.js';
import type { DeployReport } from './DeployReport.js';

const short = (c: string | undefined): string => (c ? c.slice(0, 12) : 'nothing');

/** What `--diff` shows for one instance. */
export function formatDeployPlan(p: InstanceDeployPlan, o: { color: boolean; interrupted?: boolean }): string {
  const i = p.instance;
  const lines = [`${i.id} (${i.host} on ${i.server})`];
  if (p.refused) return [...lines, indent(formatDiagnostic(p.refused, { color: o.color }))].join('\n');
  if (o.interrupted) lines.push('  an interrupted deploy is finished or undone first');
  if (p.notice) lines.push(`  note: ${p.notice}`);
  if (p.unchanged) return [...lines, `  ${p.branch} ${short(p.to)} runs already: nothing to do`].join('\n');
  lines.push(`  ${p.branch} ${short(p.from)} → ${short(p.to)}${p.first ? ' (first deployment)' : ''}`);
  if (p.upload) {
    const u = p.upload;
    const linked = u.kept + u.moved.length;
    lines.push(`  upload ${u.files.length} file${u.files.length === 1 ? '' : 's'} (${bytes(u.bytes)} of ${bytes(u.totalBytes)})${linked ? `, ${linked} linked from ${short(u.previous)}` : ''}${u.removed.length ? `, ${u.removed.length} removed` : ''}`);
  } else lines.push(`  release ${short(p.to)} is on the server already`);
  if (p.backup) lines.push('  backup first (production)');
  if (p.update.length) lines.push(`  update: ${p.update.join(', ')}`);
  if (p.install.length) lines.push(`  install: ${p.install.join(', ')}${p.first ? ' (without demo data)' : ''}`);
  if (!p.update.length && !p.install.length) lines.push('  no module to update');
  if (p.owed.length) lines.push(`  owed (not updated now): ${p.owed.join(', ')}`);
  lines.push(`  switch current, restart ${i.service}, check health`);
  return lines.join('\n');
}

/** One instance's result, printed whole. */
export function formatDeployReport(r: DeployReport, color: boolean): string {
  const lines: string[] = [];
  if (r.recovered) lines.push(`  recovered interrupted deploy ${r.recovered.run}: ${r.recovered.outcome}`);
  for (const s of r.done) lines.push(`  ${s}`);
  for (const d of r.diagnostics) lines.push(indent(formatDiagnostic(d, { color })));
  const what =
    r.outcome === 'deployed' ? `deployed ${short(r.to)} (${r.branch}) in ${r.seconds} s` :
    r.outcome === 'unchanged' ? `${short(r.to)} runs already` :
    r.outcome === 'rolled-back' ? `FAILED, rolled back to ${short(r.from)}` :
    r.outcome.toUpperCase();
  lines.push(`${r.instance}: ${what}`);
  return lines.join('\n') + '\n';
}

/** The run as JSON: what --json prints and --notify posts. */
export function deploySummary(run: string, owner: string, reports: readonly DeployReport[]): unknown {
  return {
    run,
    by: owner,
    instances: reports.map((r) => ({
      instance: r.instance,
      host: r.host,
      server: r.server,
      branch: r.branch,
      from: r.from ?? null,
      to: r.to,
      modules_updated: r.updated,
      modules_installed: r.installed,
      seconds: r.seconds,
      result: r.outcome,
      ...(r.uploaded ? { uploaded: r.uploaded } : {}),
      ...(r.backup ? { backup: r.backup } : {}),
      ...(r.notice ? { notice: r.notice } : {}),
      ...(r.recovered ? { recovered: r.recovered } : {}),
    })),
  };
}

/** One plan as JSON, for `--diff --json`. */
export function deployPlanJson(p: InstanceDeployPlan): unknown {
  return {
    instance: p.instance.id,
    server: p.instance.server,
    branch: p.branch,
    from: p.from ?? null,
    to: p.to,
    unchanged: p.unchanged,
    first: p.first,
    upload: p.upload ? { files: p.upload.files.length, bytes: p.upload.bytes, linked: p.upload.kept + p.upload.moved.length, removed: p.upload.removed.length, total_bytes: p.upload.totalBytes } : null,
    update: p.update,
    install: p.install,
    owed: p.owed,
    backup: p.backup,
    notice: p.notice ?? null,
    refused: p.refused ?? null,
  };
}

function bytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

function indent(s: string): string {
  return s.split('\n').map((l) => '  ' + l).join('\n');
}
