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
  for (const f of files) {
    if (paths.has(f.path)) bad(f.path, 'two files have this path');
    paths.add(f.path);
    const segments = f.path.split('/');
    if (f.path.includes('\0') || segments.some((s) => s === '' || s === '.' || s === '..')) {
      bad(f.path, 'not a relative POSIX path inside out/');
    }
  }
  for (const p of paths) {
    for (let i = p.indexOf('/'); i !== -1; i = p.indexOf('/', i + 1)) {
      if (paths.has(p.slice(0, i))) bad(p, `${p.slice(0, i)} is a file`);
    }
  }
  if (!paths.has(FLEET_JSON)) bad(FLEET_JSON, 'the file set has no fleet.json, so the next run would not recognise the folder');
  return diagnostics;
}
