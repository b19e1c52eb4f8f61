import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Diagnostic } from '../../src/diagnostics/Diagnostic.js';
import { parseIni, pythonStrip } from '../../src/load/parseIni.js';
import { itemsOf, optionsOf } from '../../src/load/IniFile.js';

const s = suite('ini: parseIni');

const where = (ds: Diagnostic[]): string[] => ds.map((d) => `${d.code}@${d.line}:${d.column}`);
const parse = (text: string | Uint8Array) => parseIni(text, 'config/base.conf');

s('entries keep key and value positions, in file order', () => {
  const { ini, diagnostics } = parse('# base\n[options]\n  http_port =  8069\ndb_name:x\nempty =\n');
  assert.equal(diagnostics, []);
  assert.is(ini.file, 'config/base.conf');
  assert.equal(ini.sections.map((x) => [x.name, x.line]), [['options', 2]]);
  assert.equal(ini.sections[0]!.entries, [
    { key: 'http_port', value: '8069', line: 3, column: 3, valueColumn: 16 },
    { key: 'db_name', value: 'x', line: 4, column: 1, valueColumn: 9 },
    { key: 'empty', value: '', line: 5, column: 1, valueColumn: 8 },
  ]);
});

s('keys are lower-cased and stripped; values stripped', () => {
  const { ini } = parse('[options]\n Data_Dir\t=\t/srv/odoo  \n');
  assert.equal(optionsOf(ini).map((e) => [e.key, e.value]), [['data_dir', '/srv/odoo']]);
});

s('[DEFAULT] sits under [options], which wins', () => {
  const { ini, diagnostics } = parse('[DEFAULT]\nworkers = 1\ndb_host = h\n[options]\nworkers = 4\nhttp_port = 1\n');
  assert.equal(diagnostics, []);
  const opts = optionsOf(ini);
  assert.equal(opts.map((e) => [e.key, e.value, e.line]), [
    ['workers', '4', 5],
    ['db_host', 'h', 3],
    ['http_port', '1', 6],
  ]);
  assert.equal(itemsOf(ini, 'missing'), []);
});

s('no [options] section: optionsOf is empty, as Odoo swallows NoSectionError', () => {
  const { ini, diagnostics } = parse('[queue_job]\nchannels = root:2\n');
  assert.equal(diagnostics, []);
  assert.equal(optionsOf(ini), []);
});

s('duplicate key → BLINK206 on the second line, naming both', () => {
  const { ini, diagnostics } = parse('[options]\nworkers = 2\nlist_db = False\nWorkers = 3\n');
  assert.equal(where(diagnostics), ['BLINK206@4:1']);
  assert.match(diagnostics[0]!.message, /\b2\b.*\b4\b/);
  assert.equal(optionsOf(ini).find((e) => e.key === 'workers')?.value, '2');
});

s('an indented repeat is a continuation line, not a duplicate', () => {
  assert.equal(where(parse('[options]\nworkers = 2\nlist_db = False\n  workers = 3\n').diagnostics), ['BLINK015@4:3']);
});

s('duplicate section → BLINK200; missing header → BLINK200 once', () => {
  assert.equal(where(parse('[options]\na = 1\n[options]\nb = 2\n').diagnostics), ['BLINK200@3:1']);
  assert.equal(where(parse('; c\n  a = 1\nb = 2\n[options]\n').diagnostics), ['BLINK200@2:3']);
});

s('value-less key and empty key → BLINK200 each', () => {
  assert.equal(where(parse('[options]\nproxy_mode\n = 1\nok = 1\n').diagnostics), ['BLINK200@2:1', 'BLINK200@3:2']);
});

s('continuation lines → BLINK015 at the first continued line', () => {
  const { ini, diagnostics } = parse('[options]\naddons_path = /a,\n\n    /b\nworkers = 2\n');
  assert.equal(where(diagnostics), ['BLINK015@4:5']);
  assert.is(optionsOf(ini)[0]!.value, '/a,\n\n/b');
});

s('inline comment → BLINK205 on the comment character', () => {
  assert.equal(where(parse('[options]\nhttp_interface = 127.0.0.1 ; local\n').diagnostics), ['BLINK205@2:28']);
  assert.equal(where(parse('[options]\nx =\t# nothing\n').diagnostics), ['BLINK205@2:5']);
  // No whitespace before it: Odoo keeps it, and so does a password; not a comment.
  assert.equal(where(parse('[options]\nadmin_passwd = a#b;c\n').diagnostics), []);
});

s('inline comment hints never quote the value', () => {
  const [d] = parse('[options]\nadmin_passwd = s3cret #x\n').diagnostics;
  assert.is(d!.code, 'BLINK205');
  assert.not.match(`${d!.message} ${d!.hint}`, /s3cret/);
});

s('section headers Odoo would not read as [options] → BLINK200 or BLINK205', () => {
  assert.equal(where(parse('[Options]\na = 1\n').diagnostics), ['BLINK200@1:1']);
  assert.equal(where(parse('[option]\na = 1\n').diagnostics), ['BLINK200@1:1']);
  assert.equal(where(parse('[default]\na = 1\n[options]\n').diagnostics), ['BLINK200@1:1']);
  assert.equal(where(parse('[options] # main\na = 1\n').diagnostics), ['BLINK205@1:10']);
  assert.equal(where(parse('[options] main\na = 1\n').diagnostics), ['BLINK200@1:10']);
  // Other sections belong to addons (config.misc) and are fine.
  assert.equal(where(parse('[options]\na = 1\n[queue_job]\nchannels = root:2\n').diagnostics), []);
});

s('[DEFAULT] without [options] → BLINK200 on the [DEFAULT] header', () => {
  assert.equal(where(parse('\n[DEFAULT]\nworkers = 2\n').diagnostics), ['BLINK200@2:1']);
});

s('empty, binary and non-UTF-8 files → BLINK002 at 1:1', () => {
  assert.equal(where(parse('').diagnostics), ['BLINK002@1:1']);
  assert.equal(where(parse(' \n\t\n').diagnostics), ['BLINK002@1:1']);
  assert.equal(where(parse('[options]\na = \0\n').diagnostics), ['BLINK002@1:1']);
  assert.equal(where(parse(new Uint8Array([0x5b, 0x6f, 0x5d, 0x0a, 0x61, 0x3d, 0xff, 0x0a])).diagnostics), ['BLINK002@1:1']);
  assert.equal(where(parse('[options]\na = caf\uFFFD\n').diagnostics), ['BLINK002@1:1']);
  // A comment-only file is deliberate (a placeholder), not empty.
  assert.equal(where(parse('# nothing yet\n').diagnostics), []);
});

s('bytes are decoded as UTF-8, keeping the BOM to report it', () => {
  const bytes = new TextEncoder().encode('[options]\ndb_name = café\n');
  assert.is(optionsOf(parse(bytes).ini)[0]!.value, 'café');
  const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('[options]\na = 1\n')]);
  const r = parse(bom);
  assert.equal(where(r.diagnostics), ['BLINK200@1:1']);
  // Parsing goes on past the BOM so the rest of the file is still checked.
  assert.equal(optionsOf(r.ini).map((e) => e.key), ['a']);
});

s('CRLF and lone CR end lines; positions follow', () => {
  const { ini, diagnostics } = parse('[options]\r\na = 1\rb = x ;y\r\n');
  assert.equal(optionsOf(ini).map((e) => [e.key, e.line]), [['a', 2], ['b', 3]]);
  assert.equal(where(diagnostics), ['BLINK205@3:7']);
});

s('pythonStrip uses Python whitespace, not JavaScript trim', () => {
  assert.is(pythonStrip('\x1c\x85 a \u3000'), 'a');
  assert.is(pythonStrip('\uFEFFa'), '\uFEFFa');
});

s.run();
