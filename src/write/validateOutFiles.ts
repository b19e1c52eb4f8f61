import { error, type Diagnostic } from '../diagnostics/Diagnostic.js';
import { FLEET_JSON, type OutFile } from './outFiles.js';

/**
 * A file set writeOut can lay down without surprises: relative POSIX paths
 * that stay inside out/, each once, none below another file, and fleet.json
 * among them (it is how the next run recognises out/ as ours). These are
 * bugs upstream rather than user mistakes, but they are reported like any
 * write failure so nothing is written.
 */
export function validateOutFiles(outDir: string, files: readonly OutFile[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const bad = (path: string, why: string): void => {
    diagnostics.push(error('BLINK402', `refusing to write ${JSON.stringify(path)} into ${outDir}: ${why}`, { file: `${outDir}/${path}` }));
  };
  const paths = new Set<string>();
  const dirs = new Set<string>();
  for (const f of files) {
    if (paths.has(f.path)) bad(f.path, 'two files have this path');
    paths.add(f.path);
    if (BAD_PATH.test(f.path)) bad(f.path, 'not a relative POSIX path inside out/');
    for (let d = parent(f.path); d !== '' && !dirs.has(d); d = parent(d)) dirs.add(d);
  }
  for (const d of dirs) if (paths.has(d)) bad(d, 'other files are below it');
  if (!paths.has(FLEET_JSON)) bad(FLEET_JSON, 'the file set has no fleet.json, so the next run would not recognise the folder');
  return diagnostics;
}

/** An empty, `.` or `..` segment (which covers a leading `/`), or a NUL. */
const BAD_PATH = /(^|\/)\.{0,2}(\/|$)|\0/;

function parent(path: string): string {
  const i = path.lastIndexOf('/');
  return i === -1 ? '' : path.slice(0, i);
}
