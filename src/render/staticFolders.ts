import { posix } from 'node:path';
import { addonsPathOf } from '../compile/defaults.js';
import { pythonStrip } from '../load/parseIni.js';
import type { Instance } from '../model/Fleet.js';

/**
 * Where nginx looks for `/<module>/static/<file>` before asking Odoo: the
 * folders of the instance's effective `addons_path` (what its odoo.conf
 * says, after every layer), in that order. Odoo 18 answers such a URL with
 * the first folder of its module path that has the file (odoo/tools/misc.py
 * `file_path`), and `try_files` takes the first that exists, so both pick
 * the same file. Odoo's module path also has `<data_dir>/addons/18.0` first
 * and its own `odoo/addons` (base) last; nginx does not look there (the data
 * folder is private to the service user), so those modules fall back to Odoo.
 *
 * Each folder goes into the vhost as written, so only plain absolute paths
 * are taken. When any folder is not one (a `${…}` reference, `~`, `$HOME`,
 * a relative path, a character nginx would read as syntax), nginx serves no
 * static file itself: skipping just that folder could serve a file Odoo
 * would take from it. `why` then says which value stopped it.
 */
export function staticFolders(instance: Pick<Instance, 'options' | 'addonsPaths' | 'releaseDir'>): { folders: string[]; why?: string } {
  const option = instance.options.find((o) => o.key === 'addons_path');
  // Odoo splits on commas and strips each item (odoo/tools/config.py); an empty value means its defaults.
  const items = option === undefined ? addonsPathOf(instance) : option.value.split(',').map(pythonStrip);
  if (option !== undefined && items.every((x) => x === '')) return { folders: [], why: 'addons_path is empty' };
  const folders: string[] = [];
  for (const item of items) {
    if (!SAFE_ABSOLUTE.test(item)) return { folders: [], why: `addons_path has ${JSON.stringify(item)}, not a plain absolute path` };
    const folder = item === '/' ? item : posix.normalize(item).replace(/\/+$/, '');
    if (!folders.includes(folder)) folders.push(folder);
  }
  return { folders };
}

/** clients.yaml's absPath: absolute, no `.`/`..` segment, no character nginx or a shell reads specially. */
const SAFE_ABSOLUTE = /^\/(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9._+/-]*$/;
