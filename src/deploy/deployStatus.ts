import { error, type Diagnostic } from '../diagnostics/Diagnostic.js';
import type { Instance, Server } from '../model/Fleet.js';
import { isFailure } from '../remote/Remote.js';
import type { DeployRemote } from '../remote/DeployRemote.js';
import { mapLimit } from '../apply/mapLimit.js';

/** One instance as `blink-deploy --status` shows it. */
export interface InstanceStatus {
  instance: string;
  host: string;
  server: string;
  /** The branch clients.yaml says it follows. */
  follows: string;
  commit?: string;
  /** The branch the running release came from (another one after a hotfix to test). */
  branch?: string;
  /** Commits the running release is behind its branch; undefined when unknown here. */
  behind?: number;
  time?: string;
  by?: string;
  owed: string[];
  /** A deploy was interrupted: the next run finishes or undoes it. */
  interrupted?: string;
  problems: string[];
}

/** Every selected instance's release state: one read per server, `parallel` servers at a time; `behind` asks the local git. */
export async function deployStatus(
  servers: readonly Server[],
  instances: readonly Instance[],
  o: { remoteFor(s: Server): DeployRemote; parallel: number; behind(commit: string, branch: string): number | undefined },
): Promise<{ status: InstanceStatus[]; diagnostics: Diagnostic[] }> {
  const diagnostics: Diagnostic[] = [];
  const per = await mapLimit(servers, o.parallel, async (s): Promise<InstanceStatus[]> => {
    const mine = instances.filter((i) => i.server === s.name);
    if (mine.length === 0) return [];
    const remote = o.remoteFor(s);
    const opened = await remote.open();
    const live = opened ?? (await remote.read(mine.map((i) => ({ releaseDir: i.releaseDir }))));
    if (isFailure(live)) {
      diagnostics.push(error(live.unreachable || opened ? 'BLINK510' : 'BLINK511', `${s.name} (${remote.target}): ${live.error}`));
      return mine.map((i) => ({ instance: i.id, host: i.host, server: s.name, follows: i.branch, owed: [], problems: ['server not read'] }));
    }
    return mine.map((i, k) => {
      const l = live[k]!;
      const st = l.state?.commit === l.current ? l.state : undefined;
      const behind = l.current ? o.behind(l.current, i.branch) : undefined;
      return {
        instance: i.id,
        host: i.host,
        server: s.name,
        follows: i.branch,
        ...(l.current ? { commit: l.current } : {}),
        ...(st ? { branch: st.branch, time: st.time, by: st.owner } : {}),
        ...(behind !== undefined ? { behind } : {}),
        owed: st?.owed ?? [],
        ...(l.journal ? { interrupted: `${l.journal.run} (${l.journal.phase})` } : {}),
        problems: l.problems,
      };
    });
  });
  return { status: per.flat(), diagnostics };
}

/** A table, one instance a line. */
export function formatStatus(rows: readonly InstanceStatus[]): string {
  const head = ['INSTANCE', 'SERVER', 'BRANCH', 'COMMIT', 'BEHIND', 'DEPLOYED', 'BY', 'OWED'];
  const lines = rows.map((r) => [
    r.instance,
    r.server,
    r.branch && r.branch !== r.follows ? `${r.branch} (follows ${r.follows})` : r.follows,
    r.commit ? r.commit.slice(0, 12) : 'not deployed',
    r.behind === undefined ? (r.commit ? '?' : '-') : String(r.behind),
    r.time ?? '-',
    r.by ?? '-',
    (r.owed.length ? r.owed.join(',') : '-') + (r.interrupted ? `  interrupted: ${r.interrupted}` : '') + (r.problems.length ? `  problem: ${r.problems.join('; ')}` : ''),
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...lines.map((l) => l[c]!.length)));
  return [head, ...lines].map((l) => l.map((x, c) => (c === l.length - 1 ? x : x.padEnd(widths[c]!))).join('  ')).join('\n');
}
