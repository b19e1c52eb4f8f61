import { posix } from 'node:path';
import { error, type Diagnostic } from '../diagnostics/Diagnostic.js';
import type { SourceFs } from './SourceFs.js';

export interface SourceTree {
  /** Files, relative to the root (POSIX), depth first in name order. */
  files: string[];
  /** Folders met, relative to the root; with `recursive`, each one was also read. */
  dirs: string[];
  diagnostics: Diagnostic[];
}

/**
 * Whether a folder entry is left alone: hidden entries (which is also how
 * editors name lock and swap files: `.#x.conf`, `.x.conf.swp`, and where a
 * local server root lives in config/), backups (`x.conf~`), Emacs auto-saves
 * (`#x.conf#`) and Vim swap files kept beside the file (`x.conf.swp`). An
 * editor's lock file is a link that dangles on purpose: it must never stop a
 * render.
 */
export function isSkippedEntry(name: string): boolean {
  return name.startsWith('.') || name.endsWith('~') || (name.length > 1 && name.startsWith('#') && name.endsWith('#')) || /\.sw[a-p]$/.test(name);
}

/**
 * The entries of an input folder, read one way by the loader and by the
 * render cache's fingerprint, so both always see the same files. Links are
 * followed while they stay inside the folder (a shared folder linked into
 * hosts/ works); a link that dangles or leaves the folder is refused, as is a
 * link back to a folder that contains it and anything that is neither a file
 * nor a folder (a FIFO would hang a read). A refused entry is a diagnostic
 * naming it, and is left out: nothing throws and nothing recurses without
 * bound (the walk keeps its own stack).
 */
export function listSourceTree(fs: SourceFs, root: string, label: string, options: { recursive: boolean }): SourceTree {
  const tree: SourceTree = { files: [], dirs: [], diagnostics: [] };
  const rootReal = fs.realPath?.(root) ?? root;
  const refuse = (code: 'BLINK017' | 'BLINK018' | 'BLINK019', rel: string, message: string, hint: string): void => {
    tree.diagnostics.push(error(code, message, { file: `${label}/${rel}` }, hint));
  };
  const inside = (real: string): boolean => real === rootReal || real.startsWith(rootReal.endsWith('/') ? rootReal : rootReal + '/');

  // Depth first: each frame is a folder being read, with the real folders above it to catch loops.
  interface Frame {
    rel: string;
    real: string;
    names: string[];
    next: number;
  }
  const stack: Frame[] = [{ rel: '', real: rootReal, names: fs.list(root) ?? [], next: 0 }];
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    if (top.next >= top.names.length) {
      stack.pop();
      continue;
    }
    const name = top.names[top.next++]!;
    if (isSkippedEntry(name)) continue;
    const rel = top.rel ? `${top.rel}/${name}` : name;
    const path = posix.join(root, rel);
    let kind = fs.kind?.(path) ?? (fs.isDirectory(path) ? 'dir' : 'file');
    let real = posix.join(top.real, name);
    if (kind === 'link') {
      const target = fs.realPath?.(path);
      if (target === undefined) {
        refuse('BLINK017', rel, 'link that leads nowhere (its target is missing, or links point at each other)', `remove it, or point it at a file or folder inside ${label}/`);
        continue;
      }
      if (!inside(target)) {
        refuse('BLINK017', rel, `link to ${target}, outside ${label}/`, `copy what it points at into ${label}/ instead: links are followed only inside the folder, so every checkout reads the same files`);
        continue;
      }
      real = target;
      kind = fs.isDirectory(path) ? 'dir' : (fs.kind?.(target) ?? 'file');
    }
    if (kind === 'other' || kind === undefined) {
      // undefined: the entry went away between list and look; a later read reports it if it matters.
      if (kind === 'other') refuse('BLINK019', rel, 'neither a file nor a folder (a FIFO, socket or device): not read', `remove it from ${label}/`);
      continue;
    }
    if (kind === 'file') {
      tree.files.push(rel);
      continue;
    }
    if (options.recursive && stack.some((f) => f.real === real)) {
      refuse('BLINK018', rel, `link back to ${label}/${stack.find((f) => f.real === real)!.rel}, a folder that contains it: a loop`, 'remove the link, or point it at a folder that does not contain it');
      continue;
    }
    tree.dirs.push(rel);
    if (options.recursive) stack.push({ rel, real, names: fs.list(path) ?? [], next: 0 });
  }
  return tree;
}
