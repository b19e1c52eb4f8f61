import { posix } from 'node:path';
import { error, type Diagnostic } from '../diagnostics/Diagnostic.js';
import type { TemplateSet } from '../render/TemplateSet.js';
import { checkText } from './checkText.js';
import { listSourceTree } from './listSourceTree.js';
import { nodeFs, type SourceFs } from './SourceFs.js';

/**
 * Reads every `*.hbs` file of `dir` (not recursive; editor lock, swap and
 * backup files left alone, links taken as `listSourceTree` says). `dir` is
 * used as given in diagnostics. A file that cannot be read is reported and left out; render
 * then reports BLINK401 for any template it needed and did not get.
 */
export function loadTemplates(dir: string, fs: SourceFs = nodeFs): { templates: TemplateSet; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const files = new Map<string, string>();
  if (!fs.isDirectory(dir)) {
    diagnostics.push(error('BLINK001', `templates folder ${dir} does not exist`, { file: dir }, 'pass --templates DIR, or leave it out to use the templates shipped with blink-fleet'));
    return { templates: { dir, files }, diagnostics };
  }
  const tree = listSourceTree(fs, dir, dir, { recursive: false });
  diagnostics.push(...tree.diagnostics);
  for (const name of tree.files) {
    if (!name.endsWith('.hbs')) continue;
    const file = posix.join(dir, name);
    const bytes = fs.read(file);
    if (bytes === undefined) {
      diagnostics.push(error('BLINK001', `cannot read template ${file}`, { file }));
      continue;
    }
    const text = checkText(bytes, file);
    if (typeof text !== 'string') {
      diagnostics.push(text);
      continue;
    }
    // The decoder already dropped any BOM (it would land before a shebang).
    // CRLF from an editor on Windows would end every shell line with a CR.
    files.set(name, text.replace(/\r\n/g, '\n'));
  }
  return { templates: { dir, files }, diagnostics };
}
