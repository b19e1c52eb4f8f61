import { error, warning, type Diagnostic, type SourcePos } from '../diagnostics/Diagnostic.js';
import { pythonStrip } from '../load/parseIni.js';
import type { OptionSpec } from './odooOptions.js';

/**
 * Values that read fine but that Odoo 18 takes differently from how they look
 * (odoo/tools/config.py and the code reading each key). `undefined`: nothing
 * special here, the type check decides; an array: the verdict on this value.
 * `v` is the value as Odoo reads it, stripped.
 */
export function optionTraps(key: string, v: string, spec: OptionSpec, at: SourcePos): Diagnostic[] | undefined {
  const own = KEY_RULES[key];
  if (own) return own(v, at, spec);
  if (!TEXT_TYPES.has(spec.type)) return undefined;
  if (v === 'None') return spec.none ? [] : [noneIsText(key, spec, at)];
  if (v === 'True' || v === 'true') return FLAG_KEYS.has(key) ? [] : [trueIsBoolean(key, v, spec, at)];
  if (replacesTextDefault(key, v, spec)) return [lostDefault(key, v, spec, at)];
  if (spec.absolute) return relativePaths(key, v, spec, at);
  return undefined;
}

type Rule = (v: string, at: SourcePos, spec: OptionSpec) => Diagnostic[] | undefined;

const TEXT_TYPES = new Set<OptionSpec['type']>(['string', 'path', 'comma-list', 'comma-list-of-paths']);

/** Text keys Odoo reads as a switch: True/False mean what they say. */
const FLAG_KEYS = new Set(['without_demo']);

/** Nothing in Odoo 18.0 reads these; a wrong value there is harmless, so only a warning. */
const UNREAD = new Set(['csv_internal_sep']);

/**
 * Text keys whose empty or False value has a meaning of its own: admin_passwd
 * (no master password), smtp_server (no SMTP fallback), the GeoIP files (off),
 * server_wide_modules (Odoo's default). The rest lose their default to it.
 */
const EMPTY_MEANS_SOMETHING = new Set(['admin_passwd', 'smtp_server', 'server_wide_modules', 'geoip_city_db', 'geoip_country_db']);

/** Python's logging level names; netsvc.init_logger takes `getattr(logging, LEVEL, INFO)`. */
const LOG_LEVELS = ['CRITICAL', 'FATAL', 'ERROR', 'WARN', 'WARNING', 'INFO', 'DEBUG', 'NOTSET'];
/** The lower-case names that are functions of Python's logging module (`logging.debug`): a level Odoo cannot set. */
const LOG_FUNCTIONS = ['critical', 'fatal', 'error', 'warn', 'warning', 'info', 'debug'];
/** netsvc.init_logger's `db_levels` for log_db_level; any other text goes through int(). */
const DB_LOG_LEVELS = ['debug', 'info', 'warning', 'error', 'critical'];
const DECIMAL_INT = /^[+-]?(?:0|[1-9][0-9]*)$/;

const unsetDefault = (spec: OptionSpec): boolean => spec.default === null || spec.default === false || spec.default === '';

const KEY_RULES: Record<string, Rule> = {
  // odoo/modules/registry.py: `size = config.get('registry_lru_size')`, then LRU(size) compares it with 1.
  // The file's text is never converted, so any value Python finds truthy breaks every registry.
  registry_lru_size: (v, at) => {
    if (v === '' || v === 'False' || v === 'false') return [];
    const what =
      v === 'True' || v === 'true'
        ? `is the boolean True to Odoo 18, which the registry cache takes as 1: one database's registry at a time`
        : `reaches Odoo 18 as the text ${JSON.stringify(v)}: it is never made a number, so loading any database fails (TypeError in the registry cache)`;
    const hint = 'remove the key: Odoo 18 has no working way to set it (no command-line option either); without it, Odoo sizes the cache itself, one registry per 15 MiB of limit_memory_soft (136 with the default 2 GiB)';
    return [error('BLINK233', `\`registry_lru_size\` ${what}`, at, hint)];
  },
  // netsvc.init_logger: `if config['syslog']` comes before `elif config['logfile']`; the
  // exclusivity check in _parse_config only looks at command-line flags.
  syslog: (v, at) =>
    v === 'True' || v === 'true'
      ? [
          error(
            'BLINK234',
            '`syslog = True` sends Odoo\'s log to syslog and silently drops the logfile blink sets for every instance',
            at,
            'remove it (or write False): the log goes to /var/log/odoo/odoo-<instance>.log, which blink rotates; Odoo itself refuses --syslog with --logfile on its command line',
          ),
        ]
      : undefined,
  log_handler: (v, at) => {
    const bad = logHandlerProblem(v);
    return bad ? [error('BLINK235', `\`log_handler\`: ${bad.what}`, at, bad.hint)] : [];
  },
  // `int(db_levels.get(level, level))` once log_db is set: a name outside db_levels aborts startup.
  log_db_level: (v, at) => {
    if (DB_LOG_LEVELS.includes(v) || DECIMAL_INT.test(v)) return [];
    const lower = v.toLowerCase();
    const what =
      v === 'True' || v === 'true' || v === 'False' || v === 'false'
        ? `${v} is a boolean to Odoo, which then reads it as the level number ${v.toLowerCase() === 'true' ? 1 : 0}`
        : `Odoo reads ${JSON.stringify(v)} with int() and aborts startup when log_db is set`;
    const fix = DB_LOG_LEVELS.includes(lower) ? `write ${lower} (lower case)` : `write one of ${DB_LOG_LEVELS.join(', ')}`;
    return [error('BLINK235', `\`log_db_level\`: ${what}`, at, `${fix}, or omit the key to keep warning`)];
  },
  // True is no database name: the handler connects to `True` and drops every record.
  log_db: (v, at, spec) =>
    v === 'True' || v === 'true'
      ? [error('BLINK230', `\`log_db = ${v}\` is the boolean True to Odoo, not a database: log records are silently dropped`, at, 'write the database to copy log records into, or %d for the database of each record; omit the key to log to no database')]
      : v === 'None'
        ? [noneIsText('log_db', spec, at)]
        : [],
  // registry.py and netsvc.py: the read-only pool is on whenever the value `is not False`.
  db_replica_host: (v, at, spec) => {
    if (v !== '') return v === 'None' ? [noneIsText('db_replica_host', spec, at)] : v === 'True' || v === 'true' ? [trueIsBoolean('db_replica_host', v, spec, at)] : [];
    return [warning('BLINK236', 'an empty `db_replica_host` turns on Odoo\'s read-only replica pool, on the local PostgreSQL socket', at, 'omit the key (or write False) when there is no replica; otherwise write the replica\'s host')];
  },
  // odoo/service/server.py: `config['http_interface'] or '0.0.0.0'`.
  http_interface: (v, at, spec) => {
    if (v === '' || v === 'False' || v === 'false') {
      return [warning('BLINK236', `${v === '' ? 'an empty' : 'a False'} \`http_interface\` makes Odoo listen on every interface (0.0.0.0), around nginx`, at, 'omit the key: blink sets 127.0.0.1, so Odoo is reached only through nginx')];
    }
    return v === 'None' ? [noneIsText('http_interface', spec, at)] : v === 'True' || v === 'true' ? [trueIsBoolean('http_interface', v, spec, at)] : [];
  },
};

/** What to write instead of a value Odoo does not read as meant; by key where the generic advice would mislead. */
function instead(key: string, spec: OptionSpec): string {
  if (key === 'admin_passwd') return 'write ${secret:admin_passwd} for a real master password, or False for none (the database manager then refuses every operation)';
  if (FLAG_KEYS.has(key)) return 'write True (or all) to skip demo data, or False to load it';
  const value = spec.type === 'path' ? 'an absolute path' : spec.type === 'comma-list' || spec.type === 'comma-list-of-paths' ? 'the comma-separated values' : 'the value itself';
  return `write ${value}, or ${unsetDefault(spec) ? 'False (or omit the key) to leave it unset' : `omit the key to keep Odoo's default (${String(spec.default)})`}`;
}

const NONE_KEYS = 'Odoo reads None as "no value" only for logfile, pidfile, bin_path, addons_path and server_wide_modules';

function noneIsText(key: string, spec: OptionSpec, at: SourcePos): Diagnostic {
  const message = spec.absolute
    ? `\`${key} = None\` is the relative path None to Odoo, made absolute against its working directory (/None under systemd)`
    : `\`${key} = None\` is the text "None" to Odoo, not an unset value`;
  const counts = FLAG_KEYS.has(key) ? '; the text None counts as true' : '';
  return error('BLINK231', message, at, `${instead(key, spec)}${counts}; ${NONE_KEYS}`);
}

function trueIsBoolean(key: string, v: string, spec: OptionSpec, at: SourcePos): Diagnostic {
  const what = spec.type === 'path' ? 'a path' : spec.type === 'comma-list' || spec.type === 'comma-list-of-paths' ? 'a comma-separated list' : 'text';
  const message = `\`${key} = ${v}\` is the boolean True to Odoo, not ${what}`;
  if (UNREAD.has(key)) return warning('BLINK230', `${message}; nothing in Odoo 18 reads ${key}, so it has no effect`, at, 'remove the key');
  return error('BLINK230', message, at, `${instead(key, spec)}; Odoo turns True/true into a boolean for every key`);
}

/** An empty or False value where Odoo's default is real text: the default is gone, and no reader expects a boolean. */
function replacesTextDefault(key: string, v: string, spec: OptionSpec): boolean {
  if (unsetDefault(spec) || EMPTY_MEANS_SOMETHING.has(key) || typeof spec.default !== 'string') return false;
  return v === '' || v === 'False' || v === 'false';
}

function lostDefault(key: string, v: string, spec: OptionSpec, at: SourcePos): Diagnostic {
  const what = v === '' ? 'an empty value' : `the boolean ${v === 'false' ? 'False' : v}`;
  const message = `\`${key}\`: ${what} replaces Odoo's default (${String(spec.default)})`;
  if (UNREAD.has(key)) return warning('BLINK230', `${message}; nothing in Odoo 18 reads ${key}, so it has no effect`, at, 'remove the key');
  return error('BLINK230', message, at, `omit the key to keep the default, or write the value itself`);
}

/** `_normalize` expands $VARS and ~, then makes anything else absolute from the working directory. */
function relativePaths(key: string, v: string, spec: OptionSpec, at: SourcePos): Diagnostic[] {
  if (v === '' || v === 'False' || v === 'false') return [];
  const parts = spec.type === 'comma-list-of-paths' ? v.split(',').map(pythonStrip) : [v];
  const relative = parts.filter((p) => p !== '' && !/^[/~$]/.test(p));
  if (!relative.length) return [];
  return [
    warning(
      'BLINK232',
      `\`${key}\`: ${relative.map((p) => JSON.stringify(p)).join(', ')} ${relative.length > 1 ? 'are relative paths' : 'is a relative path'}; Odoo makes ${relative.length > 1 ? 'them' : 'it'} absolute against its working directory (/ under systemd)`,
      at,
      'write an absolute path (Odoo expands $VARS and ~ first)',
    ),
  ];
}

/**
 * netsvc.init_logger splits the value on commas, each item on `:` into exactly
 * LOGGER and LEVEL (anything else aborts startup), and takes
 * `getattr(logging, LEVEL, INFO)`: a lower-case name may find a function
 * (`logging.debug`) and abort startup, any other unknown name silently logs INFO.
 */
function logHandlerProblem(v: string): { what: string; hint: string } | undefined {
  const example = 'write LOGGER:LEVEL pairs such as :INFO,werkzeug:WARNING (an empty LOGGER is the root logger), or omit the key to keep :INFO';
  if (v === 'True' || v === 'true' || v === 'False' || v === 'false') return { what: `${v} is a boolean to Odoo, not a list, and startup aborts`, hint: example };
  if (v === '') return { what: 'an empty value aborts Odoo\'s startup', hint: example };
  for (const item of v.split(',').map(pythonStrip)) {
    const parts = item.split(':');
    if (parts.length !== 2) return { what: `${JSON.stringify(item)} is not LOGGER:LEVEL, and Odoo aborts startup`, hint: example };
    const level = parts[1]!;
    if (LOG_LEVELS.includes(level)) continue;
    const upper = level.toUpperCase();
    const known = LOG_LEVELS.includes(upper);
    const fix = known ? `write ${parts[0]}:${upper}: Odoo reads level names in capitals only` : `write one of ${LOG_LEVELS.filter((l) => l !== 'FATAL' && l !== 'WARN').join(', ')}`;
    // logging.debug, logging.warn, …: a function where Odoo wants a level.
    const effect = LOG_FUNCTIONS.includes(level) ? "aborts Odoo's startup" : "is no logging level: Odoo logs at INFO instead (or aborts startup where Python's logging module has something of that name)";
    return { what: `level ${JSON.stringify(level)} of ${JSON.stringify(item)} ${effect}`, hint: fix };
  }
  return undefined;
}
