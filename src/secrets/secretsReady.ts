import type { Instance, Server } from '../model/Fleet.js';
import { normalizeRef, SECRET_REF } from './secretRef.js';
import { resolvedOptionProblem } from './checkResolvedOption.js';
import { ADMIN_PASSWD_MIN, lookupSecret, type SecretSources } from './resolveSecrets.js';
import { BACKUP_KEY_MIN } from '../compile/backupKey.js';

/**
 * Whether `resolveSecrets` is sure to pass on what these servers and
 * instances will render, judged from the compiled fleet alone: every
 * reference any of their values carries resolves to a single-line value that
 * suits its option's type, and no two selected instances end up with the
 * same admin_passwd. It looks at
 * more values than the templates use, so it can only say no too often, never
 * yes wrongly (for the shipped templates). blink-apply uses it to open
 * connections while it renders; when it says no, nothing is contacted until
 * the exact check has passed. With `allowMissing` (a `--diff` that may lack
 * secrets, as resolveSecrets' option) a missing value is no obstacle.
 */
export function secretsReady(servers: readonly Server[], instances: readonly Instance[], selected: readonly Instance[], sources: SecretSources, opts: { allowMissing?: boolean } = {}): boolean {
  // A server's values have no instance to name a per-instance secret after: any reference there waits for the exact check,
  // but for the key of its configuration backups, one ${NAME} (checked below).
  if (servers.some((s) => refsIn({ ...s, configBackup: s.configBackup && { ...s.configBackup, authKey: '' } }).length)) return false;
  for (const i of instances) {
    for (const ref of refsIn(i)) {
      const { value } = lookupSecret(ref, i.id, sources);
      if (value === undefined ? !opts.allowMissing : /[\r\n]/.test(value)) return false;
    }
    // Each value must also suit its option's type, as resolveSecrets will check (a missing one it does not judge).
    for (const o of i.options) {
      if (!o.value.includes('${')) continue;
      let missing = false;
      const value = o.value.replace(SECRET_REF, (whole, ref: string) => lookupSecret(ref, i.id, sources).value ?? ((missing = true), whole));
      if (!missing && resolvedOptionProblem(o.key, value)) return false;
    }
  }
  // Backup keys: long enough and one per instance, as resolveSecrets will check (BLINK580, BLINK581).
  const keys = new Set<string>();
  for (const s of servers) {
    if (!s.configBackup) continue;
    const { value } = lookupSecret(normalizeRef(s.configBackup.authKey), undefined, sources);
    if (value === undefined ? !opts.allowMissing : /[\r\n]/.test(value)) return false;
    if (value === undefined) continue;
    if ([...value].length < BACKUP_KEY_MIN || keys.has(value)) return false;
    keys.add(value);
  }
  for (const i of instances) {
    if (!i.backup.enabled) continue;
    const key = lookupSecret(normalizeRef(i.backup.authKey), i.id, sources).value;
    if (key === undefined) continue;
    if ([...key].length < BACKUP_KEY_MIN || keys.has(key)) return false;
    keys.add(key);
  }
  const seen = new Set<string>();
  for (const i of selected) {
    const raw = i.options.find((o) => o.key === 'admin_passwd')?.value;
    if (raw === undefined) continue;
    const value = raw.replace(SECRET_REF, (whole, ref: string) => lookupSecret(ref, i.id, sources).value ?? whole);
    // A reference left in the value is a missing secret: resolveSecrets compares no such value either.
    if (value.includes('${')) continue;
    if (seen.has(value)) return false;
    if (i.production && [...value].length < ADMIN_PASSWD_MIN) return false;
    seen.add(value);
  }
  return true;
}

/**
 * References in the string values of `x` that render can see. An option's
 * `chain` (the layers its final value overrode) and source positions never
 * reach a template, so they are skipped; everything else counts.
 */
function refsIn(x: unknown, out: string[] = []): string[] {
  if (typeof x === 'string') {
    if (x.includes('${')) for (const m of x.matchAll(SECRET_REF)) out.push(m[1]!);
  } else if (Array.isArray(x)) {
    for (const v of x) refsIn(v, out);
  } else if (x !== null && typeof x === 'object') {
    // for…in, not Object.entries: this walks every instance of the fleet before each diff, and the pairs were most of its cost.
    const o = x as Record<string, unknown>;
    for (const k in o) if (k !== 'chain' && k !== 'source') refsIn(o[k], out);
  }
  return out;
}
