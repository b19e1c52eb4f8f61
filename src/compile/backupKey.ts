import { error, type Diagnostic, type SourcePos } from '../diagnostics/Diagnostic.js';
import { BACKUP_KEY_DIR } from '../render/serverPaths.js';

/**
 * The key of an instance's backups when clients.yaml names none: a per-instance
 * secret (`BLINK_SECRET_<INSTANCE>_BACKUP_KEY`), so every backup is
 * authenticated and no instance's key can vouch for another's backups.
 */
export const DEFAULT_BACKUP_KEY = '${secret:backup_key}';

/** Shortest key blink-apply writes and the scripts accept: 32 characters (e.g. openssl rand -hex 32 gives 64). */
export const BACKUP_KEY_MIN = 32;

const ONE_SECRET = /^\$\{secret:[A-Za-z0-9_.-]+\}$/;

/**
 * backup.auth_key must be one `${secret:KEY}` reference: a literal would sit
 * in the repository and in out/, and a `${NAME}` would give every instance
 * the same key, so one instance's backup could pass for another's.
 */
export function checkBackupKey(value: string | undefined, pos: SourcePos, out: Diagnostic[]): void {
  if (value === undefined || ONE_SECRET.test(value)) return;
  const what = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(value) ? 'a ${NAME} reference gives every instance the same key' : 'it must not be written out';
  out.push(
    error('BLINK290', `backup auth_key must be a per-instance secret reference: ${what}`, pos, `write auth_key: "${DEFAULT_BACKUP_KEY}" (the default) and set BLINK_SECRET_<INSTANCE>_BACKUP_KEY at apply time, e.g. from openssl rand -hex 32`),
  );
}

/**
 * The backup folder must neither hold nor lie inside the folder of the keys:
 * anyone who can write a backup could then read or replace the key that
 * vouches for it.
 */
export function checkBackupDir(dir: string, pos: SourcePos, out: Diagnostic[]): void {
  const a = dir.replace(/\/+$/, '') || '/';
  const inside = (x: string, y: string) => x === y || y === '/' || x.startsWith(`${y}/`);
  if (inside(BACKUP_KEY_DIR, a) || inside(a, BACKUP_KEY_DIR)) {
    out.push(error('BLINK291', `backup_dir ${dir} overlaps ${BACKUP_KEY_DIR}, where the backups' keys are kept`, pos, 'keep the backups elsewhere, e.g. /var/backups/odoo (the default)'));
  }
}
