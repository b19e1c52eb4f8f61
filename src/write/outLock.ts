import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { error, type Diagnostic } from '../diagnostics/Diagnostic.js';

export interface OutLock {
  release(): void;
}

/**
 * One writer per out/ at a time: `<out>.lock` beside it (out/ itself holds
 * only rendered files) names the pid that writes. Two renders of different
 * configs at once would otherwise interleave into a tree that matches
 * neither. A lock whose process is gone is taken over; a live one is waited
 * for, up to `waitMs`.
 */
export function lockOut(outDir: string, o: { waitMs?: number; pid?: number } = {}): OutLock | Diagnostic {
  const file = `${outDir.replace(/\/+$/, '')}.lock`;
  const pid = o.pid ?? process.pid;
  const deadline = Date.now() + (o.waitMs ?? 10_000);
  for (;;) {
    try {
      const fd = openSync(file, 'wx', 0o644);
      writeSync(fd, `${pid}\n`);
      closeSync(fd);
      return { release: () => removeIfOurs(file, pid) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        return error('BLINK404', `cannot take the lock ${file}: ${(e as Error).message}`, { file }, 'blink-render writes a lock file beside the output folder: make its parent folder writable');
      }
    }
    const holder = holderOf(file);
    if (holder === undefined || !alive(holder)) {
      // Left by a render that died: take it over (a racing taker loses at openSync).
      removeIfOurs(file, holder);
      continue;
    }
    if (Date.now() >= deadline) {
      return error('BLINK404', `${outDir} is being written by another blink-render (pid ${holder})`, { file }, `wait for it to finish; if no such process runs, remove ${file}`);
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  }
}

function holderOf(file: string): number | undefined {
  try {
    const n = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Remove the lock only if it still names `pid` (undefined: an unreadable one). */
function removeIfOurs(file: string, pid: number | undefined): void {
  if (holderOf(file) !== pid) return;
  try {
    unlinkSync(file);
  } catch {
    // Gone already.
  }
}
