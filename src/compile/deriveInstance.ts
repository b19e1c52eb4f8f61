import { error, type Diagnostic, type SourcePos } from '../diagnostics/Diagnostic.js';
import { didYouMean } from '../diagnostics/didYouMean.js';
import type { FleetSource } from '../load/loadFleetSource.js';
import { optionsOf } from '../load/IniFile.js';
import type { BackupInput, ClientsFile } from '../model/ClientsFile.js';
import type { BackupSettings, Instance, Server } from '../model/Fleet.js';
import { checkBackupDir, checkBackupKey, DEFAULT_BACKUP_KEY } from './backupKey.js';
import { checkCron } from './checkCron.js';
import { addonsPathOf, DEFAULTS, folderKey, instanceRuntime, type KindSettings } from './defaults.js';
import type { ExtendsResolver } from './ExtendsResolver.js';
import { layerOptions, type LayerEntry } from './layerOptions.js';
import { checkOption } from './checkOption.js';
import { EXTENDS_KEY, normalizeOptionValue } from './odooOptions.js';
import { serverMode } from './serverMode.js';

export interface DeriveContext {
  source: FleetSource;
  file: ClientsFile;
  client: string;
  env: string;
  kinds: ReadonlyMap<string, KindSettings>;
  servers: readonly Server[];
  extendsResolver: ExtendsResolver;
}

/**
 * Keys clients.yaml owns: they decide ports, databases and paths that other
 * files (vhost, unit, backups) and the collision checks depend on, so an INI
 * override would silently split the instance in two.
 */
const OWNED_KEYS: Record<string, string> = {
  db_name: 'db',
  http_port: 'port',
  gevent_port: 'gevent_port',
  data_dir: 'the instance id (data_dir is derived from it)',
  logfile: 'the instance id (logfile is derived from it)',
};

const CONTROL = /[\u0000-\u001f\u007f]/;

/** One environment of one client → one instance, with its odoo.conf layered. */
export function deriveInstance(ctx: DeriveContext): { instance?: Instance; diagnostics: Diagnostic[] } {
  const { source, file, client, env } = ctx;
  const clients = source.clients!;
  const c = file.clients[client]!;
  const e = c.environments[env]!;
  const path = ['clients', client, 'environments', env];
  const at = (...rest: string[]): SourcePos => clients.pos([...path, ...rest]);
  const diagnostics: Diagnostic[] = [];
  const id = `${client}-${env}`;

  if (id.length > 63) {
    diagnostics.push(error('BLINK014', `instance id '${id}' is longer than 63 characters`, clients.pos(path, true), 'systemd unit and database names get long: shorten the client or environment name'));
  }
  const server = ctx.servers.find((s) => s.name === e.server);
  if (!server) {
    const guess = didYouMean(e.server, ctx.servers.map((s) => s.name));
    diagnostics.push(error('BLINK020', `server '${e.server}' is not defined`, at('server'), guess ? `did you mean '${guess}'?` : `define it under servers:, or use one of: ${ctx.servers.map((s) => s.name).join(', ')}`));
  }
  const kind = ctx.kinds.get(e.kind);
  if (!kind) {
    const names = [...ctx.kinds.keys()];
    const guess = didYouMean(e.kind, names);
    diagnostics.push(error('BLINK021', `kind '${e.kind}' is not defined`, at('kind'), guess ? `did you mean '${guess}'?` : `use one of: ${names.join(', ')}, or define it under kinds:`));
  }
  const geventPort = e.gevent_port ?? e.port + 3;
  if (geventPort > 65535) diagnostics.push(error('BLINK012', `gevent_port ${geventPort} (port + 3) is above 65535`, at('port'), 'choose a lower port or set gevent_port'));

  const defaults = { ...DEFAULTS, ...file.defaults };
  const backup = resolveBackup(defaults.backup_dir, kind, file.defaults?.backup, e.backup, clients.pos, path, diagnostics, clients.pos(path, true));
  const db = e.db ?? id;
  const paths = instanceRuntime(id, file.deploy?.releases_dir);
  const modules = [...new Set([...(c.modules ?? []), ...(e.modules ?? [])])].sort();

  const addonsPath = addonsPathOf({ addonsPaths: defaults.addons_paths, releaseDir: paths.releaseDir });
  const layered = layerInstance(ctx, { id, db, port: e.port, geventPort, dataDir: paths.dataDir, logfile: paths.logfile, addonsPath, workers: e.workers }, diagnostics);
  if (!server || !kind || layered.broken) return { diagnostics };

  const instance: Instance = {
    id,
    client,
    clientName: c.name ?? client,
    env,
    host: e.host,
    server: server.name,
    branch: e.branch,
    kind: e.kind,
    production: kind.production,
    port: e.port,
    geventPort,
    db,
    dbLocale: e.db_locale ?? defaults.db_locale,
    dbCollation: e.db_collation ?? defaults.db_collation,
    service: paths.service,
    dataDir: paths.dataDir,
    logfile: paths.logfile,
    ...(e.workers !== undefined ? { workers: e.workers } : {}),
    modules,
    tls: e.tls ?? defaults.tls,
    systemUser: defaults.system_user,
    odooBin: defaults.odoo_bin,
    python: defaults.python,
    addonsPaths: defaults.addons_paths,
    declaredModules: declaredModules(file.defaults?.addons_path_modules, layered.options.find((o) => o.key === 'addons_path')?.value ?? ''),
    releaseDir: paths.releaseDir,
    logKeepDays: kind.log_keep_days,
    backup,
    options: layered.options,
    iniSources: layered.sources,
    source: clients.pos(path, true),
  };
  return { instance, diagnostics };
}

/**
 * The modules clients.yaml says its extra addons folders hold, for the
 * folders this instance's final addons_path has: an INI layer may drop a
 * folder from it, and then its modules are not there for this instance.
 */
function declaredModules(byFolder: Record<string, string[]> | undefined, addonsPath: string): Record<string, string> {
  const onPath = new Set(addonsPath.split(',').map(folderKey));
  const out: Record<string, string> = {};
  for (const [folder, modules] of Object.entries(byFolder ?? {})) {
    if (!onPath.has(folderKey(folder))) continue;
    for (const m of modules) if (!Object.hasOwn(out, m)) out[m] = folder;
  }
  return out;
}

interface Derived {
  id: string;
  db: string;
  port: number;
  geventPort: number;
  dataDir: string;
  logfile: string;
  /** The whole addons_path: fixed folders, then the release's `current`. */
  addonsPath: string[];
  workers: number | undefined;
}

function layerInstance(ctx: DeriveContext, d: Derived, diagnostics: Diagnostic[]) {
  const { source, client, env } = ctx;
  const e = ctx.file.clients[client]!.environments[env]!;
  const clients = source.clients!;
  const path = ['clients', client, 'environments', env];
  const label = (rel: string): string => `${source.configLabel}/${rel}`;
  const kindFile = `templates/${e.kind}.template.conf`;
  const hostFile = `hosts/${e.host}.conf`;
  const resolver = ctx.extendsResolver;

  // Lower layers: the host file's own parent chain when it names one,
  // else base.conf ← kind template (each with their own extends).
  // A broken chain (cycle, missing parent) is already reported; layering
  // without it would only add misleading policy errors on top.
  let broken = false;
  const chainOf = (rel: string): string[] => {
    const c = resolver.chain(rel);
    if (!c) broken = true;
    return c ?? [];
  };
  let lower: string[];
  const hostHasParent = source.ini.has(hostFile) && resolver.extendsOf(hostFile) !== undefined;
  if (hostHasParent) {
    lower = chainOf(hostFile).slice(0, -1);
  } else {
    const kindChain = source.ini.has(kindFile) ? chainOf(kindFile) : [];
    const baseChain = source.ini.has('base.conf') && !kindChain.includes('base.conf') ? chainOf('base.conf') : [];
    lower = [...baseChain, ...kindChain];
  }
  lower = [...new Set(lower)];

  const fileLayer = (rel: string, layer: LayerEntry['origin']['layer']): LayerEntry[] =>
    optionsOf(source.ini.get(rel)!)
      .filter((x) => x.key !== 'extends')
      .map((x) => ({ key: x.key, value: x.value, origin: { layer, pos: { file: label(rel), line: x.line, column: x.column } } }));

  const layers: LayerEntry[][] = lower.map((rel) => fileLayer(rel, rel === 'base.conf' ? 'base' : rel === kindFile ? 'kind' : 'extends'));

  const derivedAt = (yamlKey?: string) => ({
    layer: 'derived' as const,
    pos: clients.pos(yamlKey ? [...path, yamlKey] : path, !yamlKey),
    path: [...path, ...(yamlKey ? [yamlKey] : [])].join('.'),
  });
  const derived: LayerEntry[] = [
    { key: 'db_name', value: d.db, origin: derivedAt(e.db !== undefined ? 'db' : undefined) },
    { key: 'dbfilter', value: `^${d.db}$`, origin: derivedAt(e.db !== undefined ? 'db' : undefined) },
    { key: 'http_port', value: String(d.port), origin: derivedAt('port') },
    { key: 'gevent_port', value: String(d.geventPort), origin: derivedAt(e.gevent_port !== undefined ? 'gevent_port' : 'port') },
    { key: 'http_interface', value: '127.0.0.1', origin: derivedAt() },
    { key: 'proxy_mode', value: 'True', origin: derivedAt() },
    { key: 'data_dir', value: d.dataDir, origin: derivedAt() },
    { key: 'logfile', value: d.logfile, origin: derivedAt() },
    { key: 'addons_path', value: d.addonsPath.join(','), origin: derivedAt() },
  ];
  if (d.workers !== undefined) derived.push({ key: 'workers', value: String(d.workers), origin: derivedAt('workers') });
  layers.push(derived);

  const envLayer: LayerEntry[] = [];
  for (const [key, raw] of Object.entries(e.odoo ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    const value = typeof raw === 'boolean' ? (raw ? 'True' : 'False') : String(raw);
    const pos = clients.pos([...path, 'odoo', key]);
    if (key === EXTENDS_KEY) {
      // Not an Odoo option: written to odoo.conf it would mean nothing to Odoo and hide a parent that is not there.
      diagnostics.push(
        error('BLINK255', 'odoo.extends: the odoo: map has no parent; extends names the parent of an INI file', clients.pos([...path, 'odoo', key], true), `move it to ${source.configLabel}/${hostFile} as \`extends = <path relative to it>\`: a host file's chain takes the place of base.conf and the kind template`),
      );
      continue;
    }
    if (CONTROL.test(value)) {
      diagnostics.push(error('BLINK015', `odoo.${key}: the value contains a newline or control character`, pos, 'it would inject a line into odoo.conf; keep the value on one line'));
      continue;
    }
    diagnostics.push(...checkOption(key, value, pos));
    envLayer.push({ key, value, origin: { layer: 'environment', pos, path: [...path, 'odoo', key].join('.') } });
  }
  layers.push(envLayer);

  // Named relative to the config folder: they go into file headers, which must not depend on where it is.
  const sources = [...lower];
  if (source.ini.has(hostFile)) {
    layers.push(fileLayer(hostFile, 'host'));
    sources.push(hostFile);
  }

  for (const layer of layers.slice(lower.length + 1)) {
    for (const x of layer) {
      const owner = OWNED_KEYS[x.key];
      if (owner) {
        diagnostics.push(error('BLINK213', `${x.key} is set by clients.yaml for ${d.id} and cannot be overridden here`, x.origin.pos, `remove this line; change ${owner} of ${path.join('.')} in clients.yaml instead`));
      }
    }
  }

  const options = layerOptions(layers).map((o) => ({ ...o, value: normalizeOptionValue(o.key, o.value) }));
  // The vhost sends /websocket by the server mode workers selects; a value
  // only apply resolves would leave that choice to a guess.
  const mode = serverMode({ options, port: d.port, geventPort: d.geventPort });
  if (mode.mode === 'unknown' && mode.origin && /\$\{/.test(mode.workers)) {
    diagnostics.push(error('BLINK215', `workers is ${mode.workers}, resolved only by blink-apply, but the vhost's /websocket route depends on it`, mode.origin.pos, 'write the number itself: 0 (threaded, /websocket on http_port) or more (prefork, /websocket on gevent_port)'));
  }
  return { options, sources, broken };
}

function resolveBackup(
  dir: string,
  kind: KindSettings | undefined,
  defaults: BackupInput | undefined,
  env: BackupInput | undefined,
  pos: (p: (string | number)[]) => SourcePos,
  path: string[],
  diagnostics: Diagnostic[],
  /** The environment's own position: where a default auth_key is reported. */
  envPos: SourcePos,
): BackupSettings {
  const merged: BackupInput = { ...defaults, ...env };
  const schedule = merged.schedule ?? kind?.backup_schedule ?? '30 3 * * *';
  for (const [where, b] of [[['defaults', 'backup'], defaults], [[...path, 'backup'], env]] as const) {
    if (b?.schedule === undefined) continue;
    const problem = checkCron(b.schedule);
    if (problem) diagnostics.push(error('BLINK016', `backup schedule: ${problem}`, pos([...where, 'schedule']), 'e.g. "0 */6 * * *" (every 6 hours) or "30 3 * * *" (daily at 03:30)'));
  }
  for (const [where, b] of [[['defaults', 'backup'], defaults], [[...path, 'backup'], env]] as const) {
    // The env file holding the command is not secret (0644), and the command runs from cron, not apply.
    if (b?.upload !== undefined && /\$\{/.test(b.upload)) {
      diagnostics.push(error('BLINK015', 'backup upload command: secret references are not resolved here', pos([...where, 'upload']), 'give the upload tool its credentials in its own config on the server (e.g. rclone.conf, ~/.aws/credentials)'));
    }
  }
  for (const [where, b] of [[['defaults', 'backup'], defaults], [[...path, 'backup'], env]] as const) {
    checkBackupKey(b?.auth_key, pos([...where, 'auth_key']), diagnostics);
  }
  checkBackupDir(dir, pos(['defaults', 'backup_dir']), diagnostics);
  const authKeyPos = env?.auth_key !== undefined ? pos([...path, 'backup', 'auth_key']) : defaults?.auth_key !== undefined ? pos(['defaults', 'backup', 'auth_key']) : envPos;
  const keep = merged.keep ?? (merged.keep_days === undefined ? kind?.backup_keep : undefined);
  const enc = merged.encrypt;
  return {
    enabled: merged.enabled ?? true,
    schedule,
    keepDays: merged.keep_days ?? kind?.backup_keep_days ?? 7,
    ...(keep ? { keep } : {}),
    dir,
    ...(enc?.age_recipients_file ? { encrypt: { method: 'age' as const, file: enc.age_recipients_file } } : {}),
    ...(enc?.gpg_passphrase_file ? { encrypt: { method: 'gpg' as const, file: enc.gpg_passphrase_file } } : {}),
    ...(merged.upload ? { upload: merged.upload } : {}),
    authKey: merged.auth_key ?? DEFAULT_BACKUP_KEY,
    authKeyPos,
  };
}
