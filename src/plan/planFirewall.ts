import type { FirewallSettings } from '../model/Fleet.js';
import type { LiveFirewall } from '../remote/RemoteState.js';
import type { FirewallPlan, FirewallStep } from './ResourcePlan.js';

/**
 * The ufw commands that make the server's firewall what clients.yaml
 * declares: inbound allowed on the declared ports, denied otherwise,
 * outbound allowed, ufw enabled. The port blink's own ssh connection comes
 * in on is allowed first, before anything else changes, and its rule is
 * never deleted, declared or not: an apply never locks itself (or the
 * operator) out. Only rules of the simple kind (`PORT[/PROTO] ALLOW IN
 * Anywhere`) are deleted; others are listed and left alone. Pure.
 */
export function planFirewall(declared: FirewallSettings, live: LiveFirewall | undefined, ssh: { transport: 'ssh' | 'local'; port?: number }, server: string): FirewallPlan | undefined {
  if (!live) return undefined;
  const rules = declared.allow.join(', ');
  if (!live.installed) return { steps: [], notes: [`ufw is not installed: the firewall (${rules} in, the rest denied) is not applied`] };
  if ('error' in live) return { steps: [], notes: [`the firewall is left as it is: ${live.error}`] };
  const plan: FirewallPlan = { steps: [], notes: [] };
  if (ssh.port !== undefined) plan.sshPort = ssh.port;
  else if (ssh.transport === 'ssh') {
    // Without the port, a rule blink deletes could be the one it is connected through.
    plan.notes.push(`the firewall is left as it is: the port blink's ssh connection comes in on is unknown ($SSH_CONNECTION is not set on ${server})`);
    return plan;
  }
  // An inactive ufw shows no rules: add every declared one (ufw skips those it has); undeclared ones show once it is active.
  const have = new Set(live.active ? live.rules : []);
  const covered = (port: number): boolean => have.has(`${port}/tcp`) || have.has(String(port));
  const steps: FirewallStep[] = [];
  if (ssh.port !== undefined && !covered(ssh.port)) steps.push({ args: ['allow', `${ssh.port}/tcp`], sign: '+', why: declared.allow.includes(`${ssh.port}/tcp`) ? "first: blink's ssh connection comes in on it" : "not declared, but blink's ssh connection comes in on it: it is never closed" });
  for (const rule of declared.allow) if (!have.has(rule) && !(ssh.port !== undefined && rule === `${ssh.port}/tcp`)) steps.push({ args: ['allow', rule], sign: '+' });
  if (live.incoming !== 'deny') steps.push({ args: ['default', 'deny', 'incoming'], sign: '~', why: live.incoming ? `was ${live.incoming}` : 'the rest of inbound traffic' });
  if (live.outgoing !== 'allow') steps.push({ args: ['default', 'allow', 'outgoing'], sign: '~', ...(live.outgoing ? { why: `was ${live.outgoing}` } : {}) });
  const wanted = new Set(declared.allow);
  for (const rule of live.active ? live.rules : []) {
    const port = Number(rule.split('/')[0]);
    if (wanted.has(rule) || port === ssh.port) continue;
    steps.push({ args: ['delete', 'allow', rule], sign: '-', why: `not in servers.${server}.firewall.allow` });
  }
  if (!live.active) steps.push({ args: ['--force', 'enable'], sign: '+', why: 'ufw is inactive' });
  plan.steps = steps;
  for (const line of live.other) plan.notes.push(`ufw rule left as it is (blink manages only "PORT ALLOW IN Anywhere" rules): ${line}`);
  return plan;
}
