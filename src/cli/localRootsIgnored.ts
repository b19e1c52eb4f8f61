import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { error, type Diagnostic } from '../diagnostics/Diagnostic.js';
import type { Server } from '../model/Fleet.js';
import { gitText, runGit } from '../release/runGit.js';

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
    const top = runGit(probe, ['rev-parse', '--show-toplevel']);
    if (!top.ok) continue;
    const checkout = gitText(top);
    // check-ignore: 0 ignored, 1 not ignored, anything else no answer.
    if (runGit(checkout, ['check-ignore', '-q', '--no-index', '--', s.root]).status === 1) {
      out.push(error('BLINK541', `server ${s.name}: its root ${s.root} is inside the git checkout ${checkout} and git does not ignore it: an apply writes resolved secrets there`, s.source, `add it to that checkout's .gitignore (the sample ignores .lab-server/), or move root: outside the checkout`));
    }
  }
  return out;
}
