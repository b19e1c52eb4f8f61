import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { error, type Diagnostic } from '../diagnostics/Diagnostic.js';
import type { Server } from '../model/Fleet.js';

/**
 * An apply writes resolved secrets (odoo.conf's admin_passwd…) under a
 * server's root. A local server's root inside a git checkout, such as the
 * sample lab's `config/.lab-server`, must be ignored by git there, or the
 * next `git add -A` commits the secrets. Without git, nothing to check.
 */
export function localRootsIgnored(servers: readonly Server[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const s of servers) {
    if (s.transport !== 'local' || s.root === '/') continue;
    let probe = s.root;
    while (!existsSync(probe) && dirname(probe) !== probe) probe = dirname(probe);
    const top = spawnSync('git', ['-C', probe, 'rev-parse', '--show-toplevel'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    if (top.status !== 0) continue;
    const ignored = spawnSync('git', ['-C', top.stdout.trim(), 'check-ignore', '-q', '--no-index', '--', s.root], { stdio: 'ignore' });
    if (ignored.status === 1) {
      out.push(error('BLINK541', `server ${s.name}: its root ${s.root} is inside the git checkout ${top.stdout.trim()} and git does not ignore it: an apply writes resolved secrets there`, s.source, `add it to that checkout's .gitignore (the sample ignores .lab-server/), or move root: outside the checkout`));
    }
  }
  return out;
}
