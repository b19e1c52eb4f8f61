import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Diagnostic } from '../../src/diagnostics/Diagnostic.js';
import { checkOption } from '../../src/compile/checkOption.js';
import { normalizeOptionValue, odooCatalogue, optionType } from '../../src/compile/odooOptions.js';
import { parseIni } from '../../src/load/parseIni.js';
import { optionsOf } from '../../src/load/IniFile.js';

const s = suite('ini: checkOption');

// Key at column 1, value at column 20 of line 7, so a report's column says which one it blames.
const pos = { file: 'config/hosts/a.conf', line: 7, column: 1, valueColumn: 20 };
const check = (key: string, value: string): string[] => checkOption(key, value, pos).map((d) => `${d.code}@${d.line}:${d.column}`);
const one = (key: string, value: string): Diagnostic => {
  const ds = checkOption(key, value, pos);
  assert.is(ds.length, 1, `${key} = ${value}`);
  assert.is(ds[0]!.file, pos.file);
  assert.ok(ds[0]!.hint);
  return ds[0]!;
};

s('known keys with good values pass', () => {
  for (const [k, v] of [
    ['http_port', '8069'],
    ['limit_time_real_cron', '-1'],
    ['db_port', 'False'],
    ['proxy_mode', 'True'],
    ['list_db', 'false'],
    ['transient_age_limit', '1.5'],
    ['log_level', 'warn'],
    ['db_sslmode', 'verify-full'],
    ['dbfilter', '^%d$'],
    ['addons_path', '/a,/b'],
    ['admin_passwd', ''],
  ]) {
    assert.equal(check(k!, v!), [], `${k} = ${v}`);
  }
});

s('extends is ours, not Odoo\u2019s: accepted and ignored', () => {
  assert.equal(check('extends', '../base.conf'), []);
});

s('unknown key → BLINK201 on the key, with a did-you-mean', () => {
  assert.equal(check('http_prot', '8069'), ['BLINK201@7:1']);
  assert.match(one('http_prot', '8069').hint!, /`http_port`/);
  assert.not.match(one('frobnicate', '1').hint!, /did you mean/);
  assert.match(one('longpoling_port', '8072').hint!, /`gevent_port`/);
});

s('mixed-case key → BLINK201 asking for lower case', () => {
  assert.equal(check('HTTP_PORT', '8069'), ['BLINK201@7:1']);
  assert.match(one('HTTP_PORT', '8069').hint!, /`http_port`/);
});

s('renamed or removed key → BLINK202 naming the key to write', () => {
  for (const [old, use] of [
    ['db_filter', 'dbfilter'],
    ['longpolling_port', 'gevent_port'],
    ['xmlrpc_port', 'http_port'],
    ['xmlrpc_interface', 'http_interface'],
    ['xmlrpc', 'http_enable'],
    ['geoip_database', 'geoip_city_db'],
    ['osv_memory_age_limit', 'transient_age_limit'],
  ]) {
    assert.equal(check(old!, '1'), ['BLINK202@7:1'], old);
    assert.ok(one(old!, '1').hint!.includes(`\`${use}\``), old);
  }
});

s('forbidden key → BLINK210 on the key', () => {
  for (const k of ['stop_after_init', 'test_enable', 'test_tags', 'test_file', 'translate_in', 'translate_out', 'translate_modules', 'init', 'update', 'demo', 'dev_mode', 'root_path']) {
    assert.equal(check(k, 'True'), ['BLINK210@7:1'], k);
  }
});

s('bool → only True/False/true/false (BLINK203 on the value)', () => {
  for (const v of ['no', '0', 'off', 'yes', '1', 'TRUE', 'None', '']) assert.equal(check('list_db', v), ['BLINK203@7:20'], v);
  assert.match(one('list_db', 'no').hint!, /`no`/);
});

s('int → plain decimals; empty, units, decimals, octal and hex are BLINK204', () => {
  for (const v of ['', '2G', '8069.0', '010', '08', '0x10', '0o17', '0b1', '1_000', 'True', 'eight']) {
    assert.equal(check('http_port', v), ['BLINK204@7:20'], v);
  }
  assert.match(one('limit_memory_soft', '2G').hint!, /2147483648/);
  assert.match(one('http_port', '0x1F95').hint!, /8085/);
  assert.match(one('http_port', '8069.0').hint!, /write 8069\b/);
  assert.match(one('workers', '').hint!, /omit the key/);
});

s('int False → allowed only where Odoo\u2019s own default is unset', () => {
  assert.equal(check('db_port', 'False'), []);
  assert.equal(check('db_maxconn_gevent', 'false'), []);
  assert.equal(check('http_port', 'False'), ['BLINK204@7:20']);
});

s('float → BLINK212', () => {
  assert.equal(check('transient_age_limit', '2'), []);
  assert.equal(check('transient_age_limit', '.5e1'), []);
  for (const v of ['', '1h', 'inf', 'nan', '1_0.5', 'False']) assert.equal(check('transient_age_limit', v), ['BLINK212@7:20'], v);
});

s('choice → BLINK211 listing the allowed values', () => {
  assert.equal(check('log_level', 'warning'), ['BLINK211@7:20']);
  const d = one('db_sslmode', 'required');
  for (const c of ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full']) assert.ok(d.hint!.includes(c), c);
  assert.equal(check('log_level', 'INFO'), ['BLINK211@7:20']);
});

s('without valueColumn, value problems land on the given column', () => {
  const ds = checkOption('workers', 'two', { file: 'clients.yaml', line: 3, column: 12 });
  assert.equal(ds.map((d) => `${d.code}@${d.line}:${d.column}`), ['BLINK204@3:12']);
});

s('values with ${…} references are left for blink-apply to judge', () => {
  assert.equal(check('db_port', '${DB_PORT}'), []);
  assert.equal(check('proxy_mode', '${secret:PROXY}'), []);
  // The key itself is still checked.
  assert.equal(check('db_prot', '${DB_PORT}'), ['BLINK201@7:1']);
});

s('works on parsed entries: key and value columns come from the INI', () => {
  const { ini } = parseIni('[options]\nlist_db = no\nlongpolling_port = 9072\n', 'base.conf');
  const ds = optionsOf(ini).flatMap((e) => checkOption(e.key, e.value, { file: ini.file, line: e.line, column: e.column, valueColumn: e.valueColumn }));
  assert.equal(ds.map((d) => `${d.code}@${d.line}:${d.column}`), ['BLINK203@2:11', 'BLINK202@3:1']);
});

s('optionType and normalizeOptionValue', () => {
  assert.is(optionType('http_port'), 'int');
  assert.is(optionType('proxy_mode'), 'bool');
  assert.is(optionType('log_level'), 'choice');
  assert.is(optionType('db_filter'), undefined);
  assert.is(optionType('extends'), undefined);
  assert.is(normalizeOptionValue('proxy_mode', 'true'), 'True');
  assert.is(normalizeOptionValue('list_db', ' false '), 'False');
  assert.is(normalizeOptionValue('db_port', 'false'), 'False');
  assert.is(normalizeOptionValue('http_port', ' 8069 '), '8069');
  assert.is(normalizeOptionValue('without_demo', 'true'), 'True');
  assert.is(normalizeOptionValue('admin_passwd', ' true'), ' true');
  assert.is(normalizeOptionValue('dbfilter', '^%d$'), '^%d$');
});

s('the catalogue loads once and has the expected shape', () => {
  const c = odooCatalogue();
  assert.is(c, odooCatalogue());
  assert.equal(c.options['log_level']!.choices?.includes('debug_sql'), true);
  assert.is(c.options['http_port']!.default, 8069);
});

s.run();
