/**
 * `ufw status verbose` as data. ufw prints (ufw/backend.py, get_status):
 *
 *     Status: active
 *     Logging: on (low)
 *     Default: deny (incoming), allow (outgoing), disabled (routed)
 *     New profiles: skip
 *
 *     To                         Action      From
 *     --                         ------      ----
 *     22/tcp                     ALLOW IN    Anywhere
 *     22/tcp (v6)                ALLOW IN    Anywhere (v6)
 *
 * each rule `"%-26s %-12s%-26s%s%s"` of destination, action and direction,
 * source, attributes (`(log)`) and ` # comment`; or only `Status: inactive`,
 * since an inactive ufw shows no rules.
 */
export interface UfwStatus {
  active: boolean;
  /** `deny`, `allow`, `reject`; absent when ufw is inactive (it does not say). */
  incoming?: string;
  outgoing?: string;
  /** Rules of the one kind blink manages: a port, allowed in from anywhere (`22/tcp`, `53/udp`, `8069` for both protocols), v4 and v6 as one. */
  rules: string[];
  /** Every other rule line, as printed (control characters replaced, at most 120 characters): listed, never touched. */
  other: string[];
}

const RULE = /^(.*?)\s+(ALLOW|DENY|REJECT|LIMIT)(?: (IN|OUT|FWD))?(?:\s+(.*?))?\s*$/;
const SIMPLE_TO = /^([0-9]{1,5})(?:\/(tcp|udp))?(?: \(v6\))?$/;
const ANYWHERE = /^Anywhere(?: \(v6\))?$/;

export function parseUfwStatus(text: string): UfwStatus | { error: string } {
  const lines = text.replace(/\r/g, '').split('\n');
  const status = /^Status: (active|inactive)$/.exec(lines.find((l) => l.startsWith('Status: '))?.trim() ?? '');
  if (!status) return { error: `not the answer of ufw status verbose: ${JSON.stringify(printable(lines.find((l) => l.trim() !== '') ?? '').slice(0, 80))}` };
  const out: UfwStatus = { active: status[1] === 'active', rules: [], other: [] };
  const policy = /^Default: (\w+) \(incoming\), (\w+) \(outgoing\)/.exec(lines.find((l) => l.startsWith('Default: ')) ?? '');
  if (policy) {
    out.incoming = policy[1]!;
    out.outgoing = policy[2]!;
  }
  const header = lines.findIndex((l) => /^--\s+------\s+----\s*$/.test(l));
  if (header < 0) return out;
  const rules = new Set<string>();
  const other = new Set<string>();
  for (const raw of lines.slice(header + 1)) {
    const line = raw.trimEnd();
    if (line === '') continue;
    const m = RULE.exec(line);
    const to = m ? SIMPLE_TO.exec(m[1]!.trim()) : null;
    const port = to ? Number(to[1]) : 0;
    if (m && to && port >= 1 && port <= 65535 && m[2] === 'ALLOW' && (m[3] ?? 'IN') === 'IN' && ANYWHERE.test((m[4] ?? '').trim())) rules.add(to[2] ? `${port}/${to[2]}` : String(port));
    else other.add(printable(line.replace(/\s+/g, ' ')).slice(0, 120));
  }
  out.rules = [...rules];
  out.other = [...other];
  return out;
}

function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}
