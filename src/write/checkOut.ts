import { error, type Diagnostic } from '../diagnostics/Diagnostic.js';
import { byCodeUnit } from './byCodeUnit.js';
import { compareOut, sameExecBit, type ChangeReason } from './compareOut.js';
import type { OutFile } from './outFiles.js';
import type { OutFs } from './OutFs.js';
import { resolveWriteOptions, type WriteOptions } from './WriteOptions.js';
import { validateOutFiles } from './validateOutFiles.js';

export interface CheckResult {
  /** Paths relative to out/ that a render would write or remove, sorted. */
  stale: string[];
  /** One BLINK403 per stale path, or the BLINK402 that writeOut would report. */
  diagnostics: Diagnostic[];
}

const HINT = 'run blink-render and commit out/';

const WHY: Record<ChangeReason | 'removed', string> = {
  new: 'is missing: blink-render would write it',
  content: 'differs from a fresh render',
  mode: 'has the wrong executable bit',
  link: 'points elsewhere than a fresh render',
  removed: 'is no longer rendered: blink-render would remove it',
};

/**
 * `blink-render --check`: is the committed out/ what a fresh render gives?
 * Compares like writeOut but writes nothing, and of the mode only the
 * executable bit, because that is all git keeps: a checkout under another
 * umask is not stale.
 */
export function checkOut(outDir: string, files: readonly OutFile[], options?: OutFs | WriteOptions): CheckResult {
  const { fs, scope } = resolveWriteOptions(options);
  const root = outDir.length > 1 ? outDir.replace(/\/+$/, '') : outDir;
  const invalid = validateOutFiles(root, files);
  if (invalid.length > 0) return { stale: [], diagnostics: invalid };
  const cmp = compareOut(root, files, fs, sameExecBit, scope);
  if (cmp.refusal) return { stale: [], diagnostics: [cmp.refusal] };

  const why = new Map<string, string>();
  for (const c of cmp.changed) why.set(c.file.path, WHY[c.reason]);
  for (const p of cmp.stale) why.set(p, WHY.removed);
  const stale = [...why.keys()].sort(byCodeUnit);
  return {
    stale,
    diagnostics: stale.map((p) => error('BLINK403', `${root}/${p} ${why.get(p)}`, { file: `${root}/${p}` }, HINT)),
  };
}
