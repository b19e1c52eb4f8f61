/**
 * A hand-built, already-compiled Fleet: what compile would produce from a
 * small clients.yaml. Lets render (and later stages) be tested without the
 * compile stage. Option values follow DESIGN.md's derivation rules.
 */
import { addonsPathOf, DEFAULT_COMMANDS, DEFAULTS, DEPLOY_DEFAULTS, instanceRuntime } from '../../src/compile/defaults.js';
import { postgresSettings } from '../../src/compile/postgresSettings.js';
import type { DeploySettings, Fleet, Instance, OptionOrigin, ResolvedOption, Server, ServerCommands } from '../../src/model/Fleet.js';

const CLIENTS = 'config/clients.yaml';

const COMMANDS: ServerCommands = { ...DEFAULT_COMMANDS };

export const SAMPLE_SERVERS: Server[] = [
  { name: 'aws-1', transport: 'ssh', ssh: 'ubuntu@aws-1', sshOptions: [], root: '/', setOwners: true, cpus: 2, memoryMb: 4096, commands: COMMANDS, postgres: postgresSettings(undefined, 4096), source: { file: CLIENTS, line: 4, column: 3 } },
  { name: 'lab', transport: 'local', sshOptions: [], root: '/srv/lab', setOwners: true, cpus: 2, memoryMb: 8192, commands: COMMANDS, postgres: postgresSettings(undefined, 8192), source: { file: CLIENTS, line: 9, column: 3 } },
];

/** A clients.yaml without a `deploy:` block: the defaults. */
export const SAMPLE_DEPLOY: DeploySettings = { addonsDir: DEPLOY_DEFAULTS.addons_dir, keep: DEPLOY_DEFAULTS.keep };

/** What one environment of clients.yaml says; everything else is derived like compile does. */
export interface SampleSpec {
  client: string;
  clientName: string;
  env: string;
  host: string;
  server: string;
  kind: 'production' | 'test';
  port: number;
  db?: string;
  workers?: number;
  tls?: 'letsencrypt' | 'none';
  /** Line of the environment in the imagined clients.yaml. */
  line: number;
}

const SPECS: SampleSpec[] = [
  { client: 'blink', clientName: 'Blink', env: 'internal', host: 'blink.somosblink.com', server: 'aws-1', kind: 'test', port: 8089, db: 'blink-internal', line: 22 },
  { client: 'corteperfecto', clientName: 'Corte Perfecto', env: 'prod', host: 'corteperfecto.somosblink.com', server: 'aws-1', kind: 'production', port: 8069, workers: 2, line: 17 },
  { client: 'corteperfecto', clientName: 'Corte Perfecto', env: 'test', host: 'corteperfecto-test.somosblink.com', server: 'aws-1', kind: 'test', port: 8079, line: 18 },
  { client: 'demo', clientName: 'Demo', env: 'showcase', host: 'demo.lab.somosblink.com', server: 'lab', kind: 'test', port: 8069, tls: 'none', line: 26 },
];

/** Changes applied to every sample instance: the same fields for all, or per instance. */
export type SampleOverrides = Partial<Instance> | ((instance: Instance) => Partial<Instance>);

/**
 * The sample fleet: aws-1 (ssh) with blink-internal, corteperfecto-prod and
 * corteperfecto-test; lab (local) with demo-showcase over plain HTTP.
 * Overrides apply before the options are derived, so e.g.
 * `{ dataDir: '/srv/x' }` also shows as `data_dir` in odoo.conf.
 */
export function sampleFleet(overrides: SampleOverrides = {}): Fleet {
  return { configLabel: 'config', servers: SAMPLE_SERVERS, instances: SPECS.map((s) => sampleInstance(s, overrides)), deploy: { ...SAMPLE_DEPLOY } };
}

/** One instance as compile would derive it from a clients.yaml environment. */
export function sampleInstance(spec: SampleSpec, overrides: SampleOverrides = {}): Instance {
  const id = `${spec.client}-${spec.env}`;
  const production = spec.kind === 'production';
  const base: Instance = {
    id,
    client: spec.client,
    clientName: spec.clientName,
    env: spec.env,
    host: spec.host,
    server: spec.server,
    branch: production ? 'main' : spec.env === 'showcase' ? 'demo' : spec.client === 'blink' ? 'blink' : 'test',
    kind: spec.kind,
    production,
    port: spec.port,
    geventPort: spec.port + 3,
    db: spec.db ?? id,
    dbLocale: DEFAULTS.db_locale,
    dbCollation: DEFAULTS.db_collation,
    ...instanceRuntime(id),
    ...(spec.workers !== undefined ? { workers: spec.workers } : {}),
    modules: spec.client === 'corteperfecto' ? ['blink_ar_fixes', 'blink_invoice_layout', 'l10n_ar_invoice_thermal_qr'] : [],
    tls: spec.tls ?? 'letsencrypt',
    systemUser: DEFAULTS.system_user,
    odooBin: DEFAULTS.odoo_bin,
    python: DEFAULTS.python,
    addonsPaths: [...DEFAULTS.addons_paths],
    declaredModules: {},
    logKeepDays: production ? 30 : 7,
    backup: production
      ? { enabled: true, schedule: '0 */6 * * *', keepDays: 30, dir: '/var/backups/odoo', authKey: '${secret:backup_key}', authKeyPos: { file: CLIENTS, line: spec.line, column: 7 } }
      : { enabled: true, schedule: '30 3 * * *', keepDays: 7, dir: '/var/backups/odoo', authKey: '${secret:backup_key}', authKeyPos: { file: CLIENTS, line: spec.line, column: 7 } },
    options: [],
    iniSources: ['base.conf', `templates/${spec.kind}.template.conf`],
    source: { file: CLIENTS, line: spec.line, column: 7 },
  };
  const changes = typeof overrides === 'function' ? overrides(base) : overrides;
  const instance = { ...base, ...changes };
  return { ...instance, options: changes.options ?? deriveOptions(instance, spec) };
}

function deriveOptions(i: Instance, spec: SampleSpec): ResolvedOption[] {
  const at = (file: string, line: number, layer: OptionOrigin['layer']) => (value: string): OptionOrigin => ({ value, layer, pos: { file, line, column: 1 } });
  const derived = (key: string) => (value: string): OptionOrigin => ({ value, layer: 'derived', pos: { file: CLIENTS, line: spec.line, column: 7 }, path: `clients.${i.client}.environments.${i.env}.${key}` });
  const entries: [string, string, (v: string) => OptionOrigin][] = [
    ['admin_passwd', '${secret:admin_passwd}', at('config/base.conf', 2, 'base')],
    ['db_user', 'odoo', at('config/base.conf', 3, 'base')],
    ['list_db', 'False', at('config/base.conf', 4, 'base')],
    ['max_cron_threads', '1', at('config/base.conf', 5, 'base')],
    ['db_name', i.db, derived('db')],
    ['dbfilter', `^${i.db}$`, derived('db')],
    ['http_port', String(i.port), derived('port')],
    ['gevent_port', String(i.geventPort), derived('gevent_port')],
    ['http_interface', '127.0.0.1', derived('host')],
    ['proxy_mode', 'True', derived('host')],
    ['data_dir', i.dataDir, derived('host')],
    ['logfile', i.logfile, derived('host')],
    ['addons_path', addonsPathOf(i).join(','), derived('modules')],
  ];
  if (i.production) {
    entries.push(['limit_time_real', '1200', at('config/templates/production.template.conf', 2, 'kind')]);
    entries.push(['limit_memory_soft', '629145600', at('config/templates/production.template.conf', 3, 'kind')]);
    entries.push(['limit_memory_hard', '1677721600', at('config/templates/production.template.conf', 4, 'kind')]);
  }
  if (i.workers !== undefined) entries.push(['workers', String(i.workers), derived('workers')]);
  return entries
    .map(([key, value, origin]) => ({ key, value, chain: [origin(value)] }))
    .sort((a, b) => (a.key < b.key ? -1 : 1));
}

/** An instance's options with db_host, db_port and db_user set by its environment: an instance of a PostgreSQL a test (or bench) started. */
export function withDatabase(instance: Instance, db: { host: string; port: number; user: string }): Instance {
  const set: ResolvedOption[] = [
    ['db_host', db.host],
    ['db_port', String(db.port)],
    ['db_user', db.user],
  ].map(([key, value]) => ({ key: key!, value: value!, chain: [{ value: value!, layer: 'environment' as const, pos: instance.source }] }));
  const options = [...instance.options.filter((o) => !set.some((d) => d.key === o.key)), ...set].sort((a, b) => (a.key < b.key ? -1 : 1));
  return { ...instance, options };
}
