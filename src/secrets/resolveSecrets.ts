import type { Artifact } from '../model/Artifact.js';
import { error, warning, type Diagnostic, type SourcePos } from '../diagnostics/Diagnostic.js';
import { BACKUP_KEY_MIN } from '../compile/backupKey.js';
import { SECRET_REF, instanceSecretEnv, normalizeRef } from './secretRef.js';
import { resolvedOptionProblem } from './checkResolvedOption.js';
import type { SecretsFile } from './loadSecretsFile.js';

export interface SecretSources {
  env: Record<string, string | undefined>;
  file?: SecretsFile;
}

/**
 * The references of one artifact left verbatim because their secret is not
 * available (only with `allowMissing`): the lines holding them are unknown.
 */
export interface UnresolvedSecrets {
  /** As written, without `${}`: `secret:admin_passwd`, `API_TOKEN`. */
  refs: string[];
  /** What to set to resolve them: `BLINK_SECRET_C1_A_ADMIN_PASSWD`, `API_TOKEN`. */
  names: string[];
}

export interface ResolveOptions {
  /**
   * `--diff` without every secret: a missing one is a warning (BLINK530) and
   * its references stay in the content, listed in `unresolved`, instead of an
   * error. A value with a line break is an error either way.
   */
  allowMissing?: boolean;
  /** Production instances, whose admin_passwd must be at least ADMIN_PASSWD_MIN characters. */
  production?: ReadonlySet<string>;
  /**
   * false: leave the admin_passwd checks to the caller, which resolves a
   * fleet in parts (a server at a time) and checks `adminPasswd` of all the
   * parts at once with `adminPasswdProblems`. @default true
   */
  checkAdminPasswd?: boolean;
  /** false: likewise for a backup key shared by instances (`backupKeys`, `backupKeyProblems`). @default true */
  checkSharedBackupKeys?: boolean;
  /** Where clients.yaml sets what an artifact's references resolve from (a backup key's auth_key), for the messages about them. */
  positionOf?: (a: Artifact) => SourcePos | undefined;
}

/** The database manager's master password guards dropping and restoring databases: production's must not be guessable. */
export const ADMIN_PASSWD_MIN = 16;

export interface ResolvedSecrets {
  /** Content with every reference replaced (the unresolved ones kept), for the artifacts that had any. */
  contents: Map<Artifact, string>;
  /** Artifacts holding a reference whose secret is missing; empty unless `allowMissing`. */
  unresolved: Map<Artifact, UnresolvedSecrets>;
  /** Every value used, so any output can be scrubbed of them. */
  values: string[];
  /** The values each server's files hold: what that server's output is scrubbed of. */
  valuesByServer: Map<string, string[]>;
  /** Each admin_passwd value written out, with the instances that have it. */
  adminPasswd: Map<string, string[]>;
  /** Each backup key written out (long enough), with the instances that have it and the secrets it came from. */
  backupKeys: Map<string, SharedBackupKey>;
  diagnostics: Diagnostic[];
}

export interface SharedBackupKey {
  instances: string[];
  names: string[];
}

/**
 * Resolve every reference in memory, before any server is touched. All
 * missing names are reported at once; values never appear in a message.
 */
export function resolveSecrets(artifacts: readonly Artifact[], sources: SecretSources, o: ResolveOptions = {}): ResolvedSecrets {
  const contents = new Map<Artifact, string>();
  const unresolved = new Map<Artifact, UnresolvedSecrets>();
  const values = new Set<string>();
  const byServer = new Map<string, Set<string>>();
  const missing = new Map<string, string>();
  const bad = new Set<string>();
  const adminPasswd = new Map<string, string[]>();
  const backupKeys = new Map<string, SharedBackupKey>();
  const missingPos = new Map<string, SourcePos>();
  const keyProblems: Diagnostic[] = [];
  const wrongType: Diagnostic[] = [];

  const noteAdminPasswd = (a: Artifact, content: string): void => {
    if (a.kind !== 'odoo-conf' || a.role !== 'managed' || !a.instance) return;
    const m = /^admin_passwd\s*=\s*(.*)$/m.exec(content);
    if (m && !m[1]!.includes('${')) adminPasswd.set(m[1]!, [...(adminPasswd.get(m[1]!) ?? []), a.instance]);
  };
  // A backup key shorter than BACKUP_KEY_MIN is refused here, as blink-backup would refuse it on the server.
  const noteBackupKey = (a: Artifact, content: string, names: string[]): void => {
    const key = backupKeyLine(content);
    // A server's own key (its configuration backups') is named by its server.
    const who = a.instance ?? `server ${a.server}`;
    if ([...key].length < BACKUP_KEY_MIN) {
      keyProblems.push(
        error('BLINK580', `${who}: the backup key (${names.join(', ')}) is ${[...key].length} characters; it needs at least ${BACKUP_KEY_MIN}`, o.positionOf?.(a), 'set a long random one, e.g. from: openssl rand -hex 32'),
      );
      return;
    }
    const seen = backupKeys.get(key) ?? { instances: [], names: [] };
    seen.instances.push(who);
    seen.names.push(...names);
    backupKeys.set(key, seen);
  };
  for (const a of artifacts) {
    const refs = new Set(a.secretRefs.map(normalizeRef));
    if (refs.size === 0) {
      // A master password written out in the config is checked all the same.
      noteAdminPasswd(a, a.content);
      continue;
    }
    const left: UnresolvedSecrets = { refs: [], names: [] };
    const content = a.content.replace(SECRET_REF, (whole, ref: string) => {
      if (!refs.has(ref)) return whole;
      const { name, alsoIn, value } = lookupSecret(ref, a.instance, sources);
      if (value === undefined) {
        const shown = alsoIn ? `${name} (or ${alsoIn} in the secrets file)` : name;
        missing.set(shown, a.instance ? `${a.instance} (${a.path})` : a.path);
        const at = o.positionOf?.(a);
        if (at && !missingPos.has(shown)) missingPos.set(shown, at);
        if (!left.refs.includes(ref)) left.refs.push(ref);
        if (!left.names.includes(name)) left.names.push(name);
        return whole;
      }
      if (/[\r\n]/.test(value)) {
        bad.add(name);
        return whole;
      }
      values.add(value);
      if (value) byServer.set(a.server, (byServer.get(a.server) ?? new Set()).add(value));
      return value;
    });
    contents.set(a, content);
    if (o.allowMissing && left.refs.length) unresolved.set(a, { refs: left.refs.sort(), names: left.names.sort() });
    noteAdminPasswd(a, content);
    if (a.kind === 'backup-key' && !left.refs.length) noteBackupKey(a, content, [...refs].map((r) => lookupSecret(r, a.instance, sources).name));
    if (a.kind === 'odoo-conf') wrongType.push(...typeProblems(a, sources));
  }

  const diagnostics: Diagnostic[] = [];
  for (const [name, where] of [...missing].sort(([x], [y]) => x.localeCompare(y))) {
    const how = sources.file ? 'export it or add it to the secrets file' : 'export it, or pass --secrets FILE';
    diagnostics.push(
      o.allowMissing
        ? warning('BLINK530', `secret ${name} is not set (needed by ${where}): the lines holding it are not compared`, undefined, `${how} to compare them too`)
        : error('BLINK500', `secret ${name} is not set (needed by ${where})`, missingPos.get(name), sources.file ? undefined : 'export it, or pass --secrets FILE'),
    );
  }
  for (const name of [...bad].sort()) diagnostics.push(error('BLINK500', `secret ${name} contains a line break`));
  diagnostics.push(...wrongType, ...keyProblems);
  if (o.checkAdminPasswd !== false) diagnostics.push(...adminPasswdProblems(adminPasswd, o.production));
  if (o.checkSharedBackupKeys !== false) diagnostics.push(...backupKeyProblems(backupKeys));
  const valuesByServer = new Map([...byServer].map(([k, v]) => [k, [...v]]));
  return { contents, unresolved, values: [...values].filter((v) => v.length > 0), valuesByServer, adminPasswd, backupKeys, diagnostics };
}

/** A backup key given to more than one instance: then a backup of one passes for another's. */
export function backupKeyProblems(backupKeys: ReadonlyMap<string, SharedBackupKey>): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const { instances, names } of backupKeys.values()) {
    if (instances.length > 1) {
      diagnostics.push(
        error('BLINK581', `${[...instances].sort().join(', ')} have the same backup key (${[...new Set(names)].sort().join(', ')})`, undefined, "give every instance its own: with one key, a backup of one instance passes for another's"),
      );
    }
  }
  return diagnostics;
}

/** The same master password on two instances, or a production one shorter than ADMIN_PASSWD_MIN. */
export function adminPasswdProblems(adminPasswd: ReadonlyMap<string, readonly string[]>, production?: ReadonlySet<string>): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const [value, instances] of adminPasswd) {
    if (instances.length > 1) {
      diagnostics.push(
        error('BLINK501', `admin_passwd has the same value for ${[...instances].sort().join(', ')}`, undefined, 'give every instance its own master password'),
      );
    }
    // Never the value: only its length, which says nothing a guesser can use beyond "too short".
    for (const i of instances.filter((x) => production?.has(x)).sort()) {
      if ([...value].length < ADMIN_PASSWD_MIN) {
        diagnostics.push(error('BLINK540', `${i}: admin_passwd is ${[...value].length} characters; a production instance needs at least ${ADMIN_PASSWD_MIN}`, undefined, 'set a long random one, e.g. from: openssl rand -base64 24'));
      }
    }
  }
  return diagnostics;
}

/** The key of a backup key file: its first line that is neither blank nor a comment, as blink-backup reads it. */
export function backupKeyLine(content: string): string {
  return content.split('\n').find((l) => l !== '' && !l.startsWith('#')) ?? '';
}

/**
 * odoo.conf lines whose references resolve to a value the option's type
 * refuses: Odoo would abort at startup, or misread it (`list_db = yes` is
 * true, `workers = 010` is 8). Line by line, as Odoo reads the file, with
 * the substitution `resolveSecrets` makes; a missing value is reported apart.
 */
function typeProblems(a: Artifact, sources: SecretSources): Diagnostic[] {
  const out: Diagnostic[] = [];
  const refs = new Set(a.secretRefs.map(normalizeRef));
  for (const line of a.content.split('\n')) {
    if (!line.includes('${')) continue;
    const m = /^([^=\s]+)\s*=(.*)$/.exec(line);
    if (!m) continue;
    const names: string[] = [];
    let missing = false;
    const value = m[2]!.replace(SECRET_REF, (whole, ref: string) => {
      if (!refs.has(ref)) return whole;
      const found = lookupSecret(ref, a.instance, sources);
      names.push(found.alsoIn ? `${found.name} (or ${found.alsoIn} in the secrets file)` : found.name);
      if (found.value === undefined) missing = true;
      return found.value ?? whole;
    });
    // A line break is refused on its own (BLINK500).
    if (missing || !names.length || /[\r\n]/.test(value)) continue;
    const problem = resolvedOptionProblem(m[1]!, value);
    if (!problem) continue;
    out.push(
      error(
        'BLINK256',
        `${m[1]} = ${m[2]!.trim()} in ${a.instance ? `${a.instance}'s ` : ''}${a.path}: the value of ${names.join(', ')} is not ${problem}`,
        undefined,
        `set ${names.join(', ')} to ${problem}: a reference's value must be valid for its option, and nothing is written until it is`,
      ),
    );
  }
  return out;
}

/**
 * Where a reference's value comes from, and the names to ask for when it is
 * missing: the environment variable, and its `instance.KEY` in a secrets file
 * when one was given.
 */
export function lookupSecret(ref: string, instance: string | undefined, s: SecretSources): { name: string; alsoIn?: string; value?: string } {
  if (!ref.startsWith('secret:')) return { name: ref, value: s.env[ref] };
  const key = ref.slice('secret:'.length);
  if (!instance) return { name: ref };
  const name = instanceSecretEnv(instance, key);
  const value = s.env[name] ?? s.file?.[instance]?.[key];
  return { name, ...(s.file ? { alsoIn: `${instance}.${key}` } : {}), value };
}
