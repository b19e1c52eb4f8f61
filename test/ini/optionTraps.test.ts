/**
 * Values Odoo 18 reads differently from how they look: None kept as text, True
 * turned into a boolean, keys passed on uncast, syslog over logfile, logging
 * options that stop startup. Each verdict is checked against what Python
 * makes of the value: RawConfigParser and Odoo's True/False rule for what
 * Odoo holds, and the statements of the code reading the key, run with the
 * real logging module (configparserOracle.py).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkOption } from '../../src/compile/checkOption.js';
import { runOracle } from './oracle.js';

const s = suite('ini: values Odoo reads differently');

const pos = { file: 'config/hosts/a.conf', line: 7, column: 1, valueColumn: 20 };
const check = (key: string, value: string) => checkOption(key, value, pos);
/** `CODE severity` of the one diagnostic, or '' for none. */
const verdict = (key: string, value: string): string => {
  const ds = check(key, value);
  assert.ok(ds.length <= 1, `${key} = ${value}: ${JSON.stringify(ds)}`);
  for (const d of ds) {
    assert.is(`${d.file}:${d.line}:${d.column}`, 'config/hosts/a.conf:7:20', `${key} = ${value}: reported at the value`);
    assert.ok(d.hint && d.hint.length > 10, `${key} = ${value} has a hint`);
  }
  return ds.map((d) => `${d.code} ${d.severity}`).join('');
};

// --- None

const NONE_IS_TEXT = ['email_from', 'smtp_user', 'smtp_password', 'from_filter', 'db_host', 'db_user', 'db_password', 'db_template', 'dbfilter', 'admin_passwd', 'without_demo', 'log_db', 'db_replica_host', 'smtp_ssl_certificate_filename', 'import_partial'];
const NONE_IS_RELATIVE = ['pg_path', 'geoip_city_db', 'geoip_country_db', 'upgrade_path'];
const NONE_IS_UNSET = ['logfile', 'pidfile', 'bin_path', 'server_wide_modules', 'addons_path'];

const held = runOracle({ cast: [...NONE_IS_TEXT, ...NONE_IS_RELATIVE].map((key) => ({ key, type: 'text' as const, value: 'None' })) }).cast;

s('None → BLINK231 where Odoo keeps it as the text None', () => {
  for (const [i, key] of [...NONE_IS_TEXT, ...NONE_IS_RELATIVE].entries()) {
    const py = held[i]!;
    assert.ok('ok' in py && py.ok && py.kind === 'str' && py.value === 'None', `Odoo holds the text None for ${key}`);
    assert.is(verdict(key, 'None'), 'BLINK231 error', key);
  }
});

s('None on a path Odoo makes absolute says where it lands', () => {
  const [d] = check('pg_path', 'None');
  assert.match(d!.message, /relative path None/);
  assert.match(d!.message, /\/None under systemd/);
  assert.match(d!.hint!, /write an absolute path, or False/);
  assert.match(check('email_from', 'None')[0]!.message, /text "None"/);
  assert.match(check('email_from', 'None')[0]!.hint!, /False \(or omit the key\)/);
});

s('None is accepted where Odoo reads it as no value', () => {
  for (const key of NONE_IS_UNSET) assert.is(verdict(key, 'None'), '', key);
});

s('None hints say what to write instead, per key', () => {
  assert.match(check('admin_passwd', 'None')[0]!.hint!, /\$\{secret:admin_passwd\}/);
  assert.match(check('without_demo', 'None')[0]!.hint!, /counts as true/);
  assert.match(check('db_template', 'None')[0]!.hint!, /keep Odoo's default \(template0\)/);
});

// --- True and False where Odoo wants text

const TRUE_CASES: [string, string][] = [
  ['log_db', 'BLINK230 error'],
  ['email_from', 'BLINK230 error'],
  ['smtp_server', 'BLINK230 error'],
  ['dbfilter', 'BLINK230 error'],
  ['admin_passwd', 'BLINK230 error'],
  ['server_wide_modules', 'BLINK230 error'],
  ['addons_path', 'BLINK230 error'],
  ['pg_path', 'BLINK230 error'],
  ['pidfile', 'BLINK230 error'],
  ['db_replica_host', 'BLINK230 error'],
  ['http_interface', 'BLINK230 error'],
  ['csv_internal_sep', 'BLINK230 warning'],
  ['without_demo', ''],
];
const heldTrue = runOracle({ cast: TRUE_CASES.flatMap(([key]) => [{ key, type: 'text' as const, value: 'True' }, { key, type: 'text' as const, value: 'true' }]) }).cast;

s('True → BLINK230 where Odoo wants text (a warning where nothing reads the key)', () => {
  for (const [i, [key, want]] of TRUE_CASES.entries()) {
    for (const [j, value] of ['True', 'true'].entries()) {
      const py = heldTrue[2 * i + j]!;
      assert.ok('ok' in py && py.ok && py.kind === 'bool', `Odoo holds a boolean for ${key} = ${value}`);
      assert.is(verdict(key, value), want, `${key} = ${value}`);
    }
  }
  assert.match(check('log_db', 'True')[0]!.hint!, /%d/);
  assert.match(check('csv_internal_sep', 'True')[0]!.message, /no effect/);
});

s('empty or False where Odoo\u2019s default is real text → BLINK230', () => {
  assert.is(verdict('db_template', 'False'), 'BLINK230 error');
  assert.is(verdict('import_image_regex', ''), 'BLINK230 error');
  assert.is(verdict('publisher_warranty_url', 'false'), 'BLINK230 error');
  assert.is(verdict('csv_internal_sep', ''), 'BLINK230 warning');
  // Where empty/False means something of its own, or the default is unset anyway.
  for (const [key, value] of [['admin_passwd', 'False'], ['admin_passwd', ''], ['smtp_server', 'False'], ['server_wide_modules', ''], ['geoip_city_db', 'False'], ['email_from', 'False'], ['dbfilter', ''], ['db_host', '']]) {
    assert.is(verdict(key!, value!), '', `${key} = ${value}`);
  }
});

// --- paths

s('relative paths Odoo makes absolute → BLINK232 warning', () => {
  assert.is(verdict('pg_path', 'usr/lib/postgresql/16/bin'), 'BLINK232 warning');
  assert.is(verdict('addons_path', '/opt/odoo/addons, extra-addons'), 'BLINK232 warning');
  assert.match(check('addons_path', '/opt/a,b,c')[0]!.message, /"b", "c" are relative paths/);
  for (const v of ['/usr/lib/postgresql/16/bin', '~/bin', '$HOME/bin', '', 'False']) assert.is(verdict('pg_path', v), '', v);
  // Not normalised by Odoo: left alone.
  assert.is(verdict('smtp_ssl_certificate_filename', 'certs/smtp.pem'), '');
});

// --- keys whose reader does something of its own: checked against that code

const USE: { key: string; value: string; want: string; stricter?: string }[] = [
  { key: 'registry_lru_size', value: '10', want: 'BLINK233 error' },
  { key: 'registry_lru_size', value: '0', want: 'BLINK233 error' },
  { key: 'registry_lru_size', value: 'True', want: 'BLINK233 error', stricter: 'a cache of one registry, not what anyone means' },
  { key: 'registry_lru_size', value: '', want: '' },
  { key: 'registry_lru_size', value: 'False', want: '' },
  { key: 'log_handler', value: ':INFO,werkzeug:WARNING', want: '' },
  { key: 'log_handler', value: 'odoo.sql_db:DEBUG', want: '' },
  { key: 'log_handler', value: ' :INFO , odoo:WARN ', want: '' },
  { key: 'log_handler', value: '', want: 'BLINK235 error' },
  { key: 'log_handler', value: 'odoo:debug', want: 'BLINK235 error' },
  { key: 'log_handler', value: 'odoo:warn', want: 'BLINK235 error' },
  { key: 'log_handler', value: 'a:b:INFO', want: 'BLINK235 error' },
  { key: 'log_handler', value: 'odoo', want: 'BLINK235 error' },
  { key: 'log_handler', value: ':INFO,', want: 'BLINK235 error' },
  { key: 'log_handler', value: 'None', want: 'BLINK235 error' },
  { key: 'log_handler', value: 'True', want: 'BLINK235 error' },
  { key: 'log_handler', value: 'False', want: 'BLINK235 error' },
  { key: 'log_handler', value: 'odoo:VERBOSE', want: 'BLINK235 error', stricter: 'no such level: Odoo silently logs INFO' },
  { key: 'log_handler', value: 'odoo:Debug', want: 'BLINK235 error', stricter: 'no such level: Odoo silently logs INFO' },
  { key: 'log_handler', value: 'odoo:notset', want: 'BLINK235 error', stricter: 'no such level: Odoo silently logs INFO' },
  { key: 'log_handler', value: 'odoo: DEBUG', want: 'BLINK235 error', stricter: 'the level keeps its space: Odoo silently logs INFO' },
  { key: 'log_db_level', value: 'warning', want: '' },
  { key: 'log_db_level', value: 'critical', want: '' },
  { key: 'log_db_level', value: '25', want: '' },
  { key: 'log_db_level', value: 'WARNING', want: 'BLINK235 error' },
  { key: 'log_db_level', value: 'warn', want: 'BLINK235 error' },
  { key: 'log_db_level', value: 'None', want: 'BLINK235 error' },
  { key: 'log_db_level', value: '', want: 'BLINK235 error' },
  { key: 'log_db_level', value: 'True', want: 'BLINK235 error', stricter: 'level 1: not a level anyone writes True for' },
  { key: 'log_db_level', value: 'False', want: 'BLINK235 error', stricter: 'level 0 (NOTSET): every record, not "off"' },
];
const used = runOracle({ use: USE.map(({ key, value }) => ({ key, value })) }).use;

for (const [i, c] of USE.entries()) {
  s(`${c.key} = ${JSON.stringify(c.value)}: ${c.want || 'accepted'}`, () => {
    const py = used[i]!;
    assert.is(verdict(c.key, c.value), c.want);
    if (c.stricter) {
      assert.ok(py.ok, `listed as stricter, but Odoo fails too: ${c.stricter}`);
      return;
    }
    assert.is(c.want === '', py.ok, py.ok ? 'Odoo goes on with this value' : `Odoo stops: ${py.error}`);
  });
}

s('hints for logging options say what to write', () => {
  assert.match(check('log_handler', 'odoo:debug')[0]!.hint!, /odoo:DEBUG/);
  assert.match(check('log_handler', 'odoo:debug')[0]!.message, /aborts Odoo's startup/);
  assert.match(check('log_handler', 'odoo:notset')[0]!.message, /Odoo logs at INFO instead/);
  assert.match(check('log_db_level', 'WARNING')[0]!.hint!, /write warning/);
  assert.match(check('registry_lru_size', '10')[0]!.hint!, /limit_memory_soft/);
});

// --- syslog, and empty values with a meaning

s('syslog = True → BLINK234: it silently drops the logfile', () => {
  assert.is(verdict('syslog', 'True'), 'BLINK234 error');
  assert.is(verdict('syslog', 'true'), 'BLINK234 error');
  assert.is(verdict('syslog', 'False'), '');
  assert.is(verdict('syslog', 'no'), 'BLINK203 error');
  assert.match(check('syslog', 'True')[0]!.hint!, /\/var\/log\/odoo/);
});

s('empty db_replica_host and empty or False http_interface → BLINK236 warning', () => {
  assert.is(verdict('db_replica_host', ''), 'BLINK236 warning');
  assert.is(verdict('db_replica_host', 'replica.internal'), '');
  assert.is(verdict('db_replica_host', 'False'), '');
  assert.is(verdict('http_interface', ''), 'BLINK236 warning');
  assert.is(verdict('http_interface', 'False'), 'BLINK236 warning');
  assert.is(verdict('http_interface', '127.0.0.1'), '');
  assert.is(verdict('http_interface', 'None'), 'BLINK231 error');
});

s('references are still left to blink-apply', () => {
  assert.is(verdict('smtp_password', '${secret:smtp_password}'), '');
  assert.is(verdict('registry_lru_size', '${LRU}'), '');
});

s.run();
