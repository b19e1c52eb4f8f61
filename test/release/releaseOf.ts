import { tar } from '../../src/remote/tar.js';
import type { Release } from '../../src/release/Release.js';
import { readRelease } from '../../src/release/readRelease.js';

export const COMMIT = '1a2b3c4d'.repeat(5);

/** A release from in-memory files (paths inside custom-addons/); `{ exec }` marks an executable. */
export function releaseOf(files: Record<string, string | { exec: string }>, commit = COMMIT): Release {
  const entries = Object.entries(files).map(([path, v]) =>
    typeof v === 'string' ? { path: `custom-addons/${path}`, mode: 0o644, content: Buffer.from(v) } : { path: `custom-addons/${path}`, mode: 0o755, content: Buffer.from(v.exec) },
  );
  const r = readRelease(commit, tar(entries), 'custom-addons');
  if (!r.release) throw new Error(`test release refused: ${JSON.stringify(r.diagnostics)}`);
  return r.release;
}
