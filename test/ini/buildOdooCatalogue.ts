/**
 * Generates schema/odoo-options.json from the Odoo 18 reference data kept in
 * test/fixtures/ini/odoo18-options.reference.json (a verbatim copy of the shared
 * reference/odoo18-options.json). The schema file is committed; the test in
 * odooCatalogue.test.ts fails when it drifts from this generator.
 *
 *   node --import tsx test/ini/buildOdooCatalogue.ts          # rewrite schema/odoo-options.json
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { OdooCatalogue, OptionSpec, OptionType } from '../../src/compile/odooOptions.js';

export interface ReferenceOption {
  key: string;
  type: string;
  default: string | number | boolean | null;
  help: string;
}

export const REFERENCE_PATH = fileURLToPath(new URL('../fixtures/ini/odoo18-options.reference.json', import.meta.url));
export const SCHEMA_PATH = fileURLToPath(new URL('../../schema/odoo-options.json', import.meta.url));

// The reference lists these in prose only; optparse's `choices=` in 18.0 config.py.
const CHOICES: Record<string, string[]> = {
  log_level: ['info', 'debug_rpc', 'warn', 'test', 'critical', 'runbot', 'debug_sql', 'error', 'debug', 'debug_rpc_answer', 'notset'],
  db_sslmode: ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'],
};

/** Keys with a successor, or removed; `use: null` when there is nothing to write instead. */
const RENAMED: OdooCatalogue['renamed'] = {
  db_filter: { use: 'dbfilter', why: 'the file key is dbfilter (--db-filter is the command-line spelling); Odoo silently ignores db_filter' },
  database: { use: 'db_name', why: '--database is the command-line spelling; Odoo silently ignores a `database` key in the file' },
  smtp: { use: 'smtp_server', why: '--smtp is the command-line spelling; Odoo silently ignores a `smtp` key in the file' },
  load: { use: 'server_wide_modules', why: '--load is the command-line spelling; Odoo silently ignores a `load` key in the file' },
  longpolling_port: { use: 'gevent_port', why: 'removed in 18.0; silently ignored, so gevent_port stays 8072' },
  geoip_database: { use: 'geoip_city_db', why: 'deprecated since 17.0; 18.0 still maps it with a DeprecationWarning' },
  osv_memory_age_limit: { use: 'transient_age_limit', why: 'deprecated since 14.0; 18.0 still maps it with a DeprecationWarning' },
  xmlrpc_port: { use: 'http_port', why: 'legacy name that 18.0 still maps on load' },
  xmlrpc_interface: { use: 'http_interface', why: 'legacy name that 18.0 still maps on load' },
  xmlrpc: { use: 'http_enable', why: 'legacy name that 18.0 still maps on load' },
};

const FORBIDDEN: Record<string, string> = {
  stop_after_init: 'Odoo honours it from the file and exits right after initialisation, so the service stops',
  test_enable: 'testing only; Odoo recomputes it from test_tags anyway',
  test_tags: 'testing only; any value turns test_enable on and runs tests at startup',
  test_file: 'testing only: runs a Python test file',
  screencasts: 'testing only',
  screenshots: 'testing only',
  translate_in: 'Odoo honours it from the file: imports translations and exits',
  translate_out: 'Odoo honours it from the file: exports translations and exits',
  translate_modules: 'ignored from the file (always recomputed from --modules)',
  language: 'only used with --i18n-import/--i18n-export on the command line',
  init: 'ignored from the file; install modules with `odoo -i` instead',
  update: 'ignored from the file; update modules with `odoo -u` instead',
  demo: 'computed by Odoo; any file value is overwritten (use without_demo)',
  dev_mode: 'ignored from the file in 18.0; only --dev on the command line counts, and never in production',
  root_path: 'computed by Odoo; any file value is overwritten',
  config: 'has no effect in the file; the service passes -c',
  save: 'has no effect in the file',
};

/**
 * Keys whose literal `None` Odoo 18 reads as no value (`_parse_config`: logfile,
 * pidfile and server_wide_modules; addons_path's own test; misc.find_in_path for
 * bin_path). Every other key keeps `None` as the four-letter text.
 */
const NONE: Record<string, NonNullable<OptionSpec['none']>> = {
  logfile: 'unset',
  pidfile: 'unset',
  bin_path: 'unset',
  server_wide_modules: 'default',
  addons_path: 'default',
};

/**
 * Keys `_parse_config` puts through `_normalize` (expandvars, expanduser, abspath,
 * realpath), each element for the lists: a relative value, `None` included,
 * becomes a path under the process's working directory.
 */
const ABSOLUTE = ['data_dir', 'logfile', 'pidfile', 'pg_path', 'geoip_city_db', 'geoip_country_db', 'addons_path', 'upgrade_path', 'pre_upgrade_scripts'];

const TYPES = new Set<OptionType>(['bool', 'int', 'float', 'string', 'path', 'comma-list', 'comma-list-of-paths', 'choice']);

export function buildOdooCatalogue(reference: ReferenceOption[]): OdooCatalogue {
  const options: Record<string, OptionSpec> = {};
  const referenceKeys = new Set(reference.map((r) => r.key));
  for (const key of [...Object.keys(FORBIDDEN), ...Object.keys(NONE), ...ABSOLUTE]) {
    if (!referenceKeys.has(key)) throw new Error(`key ${key} is not in the reference`);
  }
  for (const r of [...reference].sort((a, b) => a.key.localeCompare(b.key))) {
    if (Object.hasOwn(RENAMED, r.key) || Object.hasOwn(FORBIDDEN, r.key)) continue;
    const type = r.type as OptionType;
    if (!TYPES.has(type)) throw new Error(`unexpected type ${r.type} for ${r.key}`);
    const choices = CHOICES[r.key];
    if ((type === 'choice') !== (choices !== undefined)) throw new Error(`choices and type disagree for ${r.key}`);
    // Property order is the file's key order: type, default, choices, none, absolute, help.
    options[r.key] = {
      type,
      default: r.default,
      ...(choices ? { choices } : {}),
      ...(NONE[r.key] ? { none: NONE[r.key] } : {}),
      ...(ABSOLUTE.includes(r.key) ? { absolute: true as const } : {}),
      help: r.help,
    };
  }
  return {
    $comment:
      'Odoo 18.0 [options] keys (odoo/tools/config.py, nightly 20250421). Generated by test/ini/buildOdooCatalogue.ts from test/fixtures/ini/odoo18-options.reference.json; do not edit by hand. options: keys blink accepts (none: what Odoo makes of the text None where it is special, else it stays text; absolute: Odoo makes the path absolute against its working directory); renamed: keys to replace (use) or drop (use null); forbidden: keys that must never be in a service config.',
    options,
    renamed: sortKeys(RENAMED),
    forbidden: sortKeys(FORBIDDEN),
  };
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}

export function renderOdooCatalogue(reference: ReferenceOption[]): string {
  return JSON.stringify(buildOdooCatalogue(reference), null, 2) + '\n';
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const reference = JSON.parse(readFileSync(REFERENCE_PATH, 'utf8')) as ReferenceOption[];
  writeFileSync(SCHEMA_PATH, renderOdooCatalogue(reference));
  console.log(`wrote ${SCHEMA_PATH}`);
}
