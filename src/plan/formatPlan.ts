import type { Actions } from './Actions.js';
import { SENSITIVE, SENSITIVE_CHANGED, SENSITIVE_NOT_COMPARED } from '../secrets/maskSecrets.js';
import { countPlan, isPending, shownResources, type FilePlan, type ServerPlan } from './ServerPlan.js';
import type { FirewallStep, ResourcePlan } from './ResourcePlan.js';
import { visible } from '../diagnostics/visible.js';

/** Changes already printed in a run (removed and added lines → where they were first shown). */
export type ShownChanges = Map<string, { server: string; path: string }>;

export interface PlanStyle {
  color: boolean;
  /** Show `--prune` hints: orphans are listed either way. */
  prune: boolean;
  /**
   * Diffs already printed, shared across the servers of a run (format them in
   * the order they are printed): a template change that touches every server
   * is shown once, then referred to.
   */
  seen?: ShownChanges;
  /** One line per file and the counts, no diff text (`--summary`): a first apply's diff runs to thousands of lines. */
  summary?: boolean;
}

const C = { red: '\x1b[31m', green: '\x1b[32m', yellow: '\x1b[33m', cyan: '\x1b[36m', bold: '\x1b[1m', dim: '\x1b[2m', reset: '\x1b[0m' };
const SIGN: Record<string, string> = { add: '+', change: '~', mode: 'm', delete: '-', none: ' ' };

/** One server's block: header, one entry per file worth mentioning, actions, summary line. */
export function formatServerPlan(p: ServerPlan, style: PlanStyle): string {
  const paint = (code: string, s: string): string => (style.color ? code + s + C.reset : s);
  const out: string[] = [paint(C.bold, `${p.server} (${p.target})`)];
  if (p.interrupted) {
    out.push(paint(C.yellow, `  ! apply ${p.interrupted.run} by ${p.interrupted.owner} was interrupted (${p.interrupted.phase}); the next apply ${p.interrupted.phase === 'swapped' ? 'completes it' : 'rolls it back'} first`));
  }
  for (const run of p.staleStaging ?? []) out.push(paint(C.yellow, `  ! the staging folder of unfinished run ${run} holds resolved secrets; the next apply removes it`));
  for (const n of p.notes) out.push(paint(C.yellow, `  ! ${visible(n)}`));
  const seen: ShownChanges = style.seen ?? new Map();
  for (const f of p.files) {
    if (f.change === 'none' && !f.orphan && !f.drift && !f.notCompared) continue;
    out.push('  ' + fileLine(f, style, paint));
    if (!f.diff || style.summary) continue;
    // The same change on many instances (a template or base.conf change) is
    // printed once: same lines removed and added, whatever the context around them.
    const body = f.diff.split('\n').filter((l) => /^[-+]/.test(l)).join('\n');
    const first = seen.get(body);
    if (first !== undefined && f.change === 'change') {
      out.push(paint(C.dim, `      (same change as ${first.server === p.server ? '' : `${first.server}:`}${first.path})`));
      continue;
    }
    // Two masked lines "changed the same way" would be a claim about values nobody sees.
    if (f.change === 'change' && ![SENSITIVE, SENSITIVE_CHANGED, SENSITIVE_NOT_COMPARED].some((m) => body.includes(m))) seen.set(body, { server: p.server, path: f.path });
    for (const line of f.diff.split('\n')) out.push('      ' + diffLine(line, paint));
  }
  for (const r of shownResources(p)) {
    out.push('  ' + resourceLine(r, paint));
    for (const c of r.drop ?? []) out.push(paint(C.dim, `      ${c}`));
  }
  const fw = p.resources.firewall;
  for (const step of fw?.steps ?? []) out.push('  ' + firewallLine(step, paint));
  for (const n of fw?.notes ?? []) out.push(paint(C.yellow, `  ! firewall: ${visible(n)}`));
  for (const d of p.resources.blocked) {
    out.push(paint(C.red, `  ! ${d.message.replace(`${p.server}: `, '')} (${d.code})`));
    if (d.hint) out.push(paint(C.dim, `      ${d.hint}`));
  }
  for (const host of p.actions.certbot) out.push(`  ${paint(C.yellow, '*')} ${host}: no certificate yet: serve the ACME vhost, run certbot, then install the TLS vhost`);
  const acts = formatActions(p.actions);
  if (acts) out.push(paint(C.dim, `  then: ${acts}`));
  out.push(summaryLine(p));
  return out.join('\n') + '\n';
}

/** `aws-1: 2 to add, 1 to change, 1 orphan kept, 1 drifted, 3 not compared (secrets not available)` or `aws-1: no changes`. */
export function summaryLine(p: ServerPlan): string {
  const c = countPlan(p);
  const parts: string[] = [];
  if (c.add) parts.push(`${c.add} to add`);
  if (c.change) parts.push(`${c.change} to change`);
  if (c.mode) parts.push(`${c.mode} mode/owner`);
  if (c.delete) parts.push(`${c.delete} to delete`);
  parts.push(...resourceCounts(p));
  if (c.firewall) parts.push(`${c.firewall} firewall change${c.firewall === 1 ? '' : 's'}`);
  if (c.orphan) parts.push(`${c.orphan} orphan${c.orphan === 1 ? '' : 's'} kept`);
  if (c.drift) parts.push(`${c.drift} drifted`);
  if (c.notCompared) parts.push(`${c.notCompared} not compared (secrets not available)`);
  if (p.resources.blocked.length) parts.push(`apply refused: ${p.resources.blocked.length} problem${p.resources.blocked.length === 1 ? '' : 's'} to fix first`);
  if (p.actions.certbot.length) parts.push(`${p.actions.certbot.length} certificate${p.actions.certbot.length === 1 ? '' : 's'} to get`);
  if (p.interrupted) parts.push('interrupted apply to recover');
  if (p.staleStaging?.length) parts.push('staging folder of a killed run to remove');
  return `${p.server}: ${isPending(p) || parts.length ? parts.join(', ') : 'no changes'}`;
}

export function formatActions(a: Actions): string {
  const parts: string[] = [];
  if (a.disable.length) parts.push(`stop and disable ${a.disable.join(', ')}`);
  if (a.daemonReload) parts.push('daemon-reload');
  if (a.enable.length) parts.push(`enable and start ${a.enable.join(', ')}`);
  if (a.restart.length) parts.push(`restart ${a.restart.join(', ')}`);
  if (a.nginxReload) parts.push('reload nginx');
  if (a.postgresReload) parts.push(`reload postgresql${a.postgresRestart?.length ? ` (${a.postgresRestart.join(', ')}: only on a restart, blink-apply --restart-postgres)` : ''}`);
  if (a.health.length) parts.push(`check health of ${a.health.map((h) => h.instance).join(', ')}`);
  if (a.fail2banReload) parts.push('reload fail2ban');
  return parts.join('; ');
}

function fileLine(f: FilePlan, style: PlanStyle, paint: (c: string, s: string) => string): string {
  const notes: string[] = [];
  if (f.change === 'add' && f.after) notes.push(f.after.linkTarget !== undefined ? 'new link' : `new, ${octal(f.after.mode)}${f.after.owner !== undefined ? ` ${f.after.owner}` : ''}`);
  if ((f.change === 'mode' || f.change === 'change') && f.before && f.after && !f.after.linkTarget) {
    if (f.before.mode !== f.after.mode) notes.push(`mode ${octal(f.before.mode)} → ${octal(f.after.mode)}`);
    if (f.after.owner !== undefined && f.before.owner !== f.after.owner) notes.push(`owner ${f.before.owner} → ${f.after.owner}`);
  }
  if (f.bootstrap) notes.push('ACME bootstrap vhost until the certificate exists');
  if (f.drift) notes.push(f.before ? 'drift: edited on the server since the last apply' : 'drift: removed on the server since the last apply');
  if (f.orphan) notes.push(f.change === 'delete' ? 'orphan: deleted' : style.prune ? 'orphan' : 'orphan: kept (--prune deletes it)');
  if (f.sensitive && f.change === 'change' && !f.missingSecrets) notes.push('holds secrets');
  const needs = f.missingSecrets?.join(', ');
  if (f.notCompared) notes.push(`not compared: needs secret ${needs}`);
  else if (needs && f.change !== 'none') notes.push(`lines holding secret ${needs} not compared`);
  const sign = f.orphan && f.change === 'none' ? '?' : f.notCompared && f.change === 'none' ? 's' : SIGN[f.change]!;
  const color = f.change === 'add' ? C.green : f.change === 'delete' ? C.red : f.drift || f.orphan || f.notCompared ? C.yellow : C.cyan;
  return `${paint(color, sign)} ${f.path}${notes.length ? paint(C.dim, `  (${notes.join('; ')})`) : ''}`;
}

/** A diff line, coloured; its text may be a server file's: control characters are shown, not sent to the terminal. */
function diffLine(text: string, paint: (c: string, s: string) => string): string {
  const line = visible(text);
  if (line.startsWith('@@')) return paint(C.cyan, line);
  if (line.startsWith('+')) return paint(C.green, line);
  if (line.startsWith('-')) return paint(C.red, line);
  return line;
}

function octal(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}

/** `2 folders, 1 role and 1 database to make`, `1 folder to fix`: the resources' part of a summary line. */
function resourceCounts(p: ServerPlan): string[] {
  const phrase = (rs: ResourcePlan[], verb: string): string[] => {
    if (!rs.length) return [];
    const kinds = (['user', 'folder', 'role', 'database'] as const).map((k) => [k, rs.filter((r) => r.kind === k).length] as const).filter(([, n]) => n > 0);
    const words = kinds.map(([k, n]) => `${n} ${k}${n === 1 ? '' : 's'}`);
    return [`${words.length > 1 ? `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}` : words[0]} to ${verb}`];
  };
  const items = p.resources.items;
  return [...phrase(items.filter((r) => r.change === 'add'), 'make'), ...phrase(items.filter((r) => r.change === 'change' || r.change === 'mode'), 'fix')];
}

function resourceLine(r: ResourcePlan, paint: (c: string, s: string) => string): string {
  const notes: string[] = [];
  if (r.change === 'add') notes.push(r.kind === 'folder' ? `new, ${r.after}` : r.after);
  if (r.change === 'change' || r.change === 'mode') notes.push(`${r.before ?? '?'} → ${r.after}`);
  if (r.drift) notes.push(`drift: ${r.kind === 'database' ? 'dropped' : 'removed'} on the server since the last apply`);
  if (r.orphan) notes.push(r.drop ? 'orphan: kept, it holds data; once its backup is checked, drop it by hand with' : 'orphan: kept');
  notes.push(...r.notes);
  const sign = r.orphan ? '?' : r.change === 'none' ? '!' : SIGN[r.change]!;
  const color = r.change === 'add' ? C.green : r.orphan || r.drift || r.change === 'none' ? C.yellow : C.cyan;
  return `${paint(color, sign)} ${r.kind} ${r.name}${notes.length ? paint(C.dim, ` (${notes.join('; ')})`) : ''}`;
}

function firewallLine(s: FirewallStep, paint: (c: string, s: string) => string): string {
  const color = s.sign === '+' ? C.green : s.sign === '-' ? C.red : C.cyan;
  return `${paint(color, s.sign)} firewall: ufw ${s.args.join(' ')}${s.why ? paint(C.dim, ` (${s.why})`) : ''}`;
}
