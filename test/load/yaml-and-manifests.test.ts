import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parsePythonLiteral } from '../../src/load/parsePythonLiteral.js';
import { parseSimpleYaml } from '../../src/load/simpleYaml.js';
import { parseYamlSource } from '../../src/load/YamlSource.js';
import { brief, buildTree, patchedTree, sampleTree } from '../support/configTree.js';

const enc = (s: string) => new TextEncoder().encode(s);

// ---
const yaml = suite('yaml source');

yaml('positions of values and keys', () => {
  const { source } = parseYamlSource(enc('version: 1\nservers:\n  aws-1:\n    cpus: 2\n'), 'c.yaml');
  assert.equal(source!.pos(['servers', 'aws-1', 'cpus']), { file: 'c.yaml', line: 4, column: 11 });
  assert.equal(source!.pos(['servers', 'aws-1', 'cpus'], true), { file: 'c.yaml', line: 4, column: 5 });
  // A path that does not exist falls back to its deepest existing ancestor.
  assert.equal(source!.pos(['servers', 'aws-1', 'nope', 'deeper']), { file: 'c.yaml', line: 4, column: 5 });
});

yaml('duplicate keys are a syntax error at the second key', () => {
  const r = parseYamlSource(enc('version: 1\nversion: 1\n'), 'c.yaml');
  assert.equal(r.diagnostics.map(brief), ['BLINK003 c.yaml:2:1']);
  assert.match(r.diagnostics[0]!.hint!, 'each key may appear once per mapping');
  // Deep in the document, each repeat reported where it is; 1 and "1" are different keys.
  const deep = parseYamlSource(enc('clients:\n  a:\n    x: 1\n    y: 2\n    x: 3\n  b: {1: a, "1": b}\n  a: {}\n'), 'c.yaml');
  assert.equal(deep.diagnostics.map(brief), ['BLINK003 c.yaml:5:5', 'BLINK003 c.yaml:7:3']);
});

yaml('an alias bomb is refused quickly, without expanding it', () => {
  const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 12; i++) {
    const prev = String.fromCharCode(96 + i);
    const cur = String.fromCharCode(97 + i);
    lines.push(`${cur}: &${cur} [${Array(10).fill(`*${prev}`).join(',')}]`);
  }
  const r = parseYamlSource(enc(lines.join('\n') + '\n'), 'bomb.yaml');
  assert.equal(r.diagnostics.map((d) => d.code), ['BLINK004']);
  assert.is(r.source, undefined);
});

yaml('a UTF-8 BOM is accepted; invalid UTF-8 is not', () => {
  assert.equal(parseYamlSource(enc('\uFEFFversion: 1\n'), 'c.yaml').diagnostics, []);
  const bad = parseYamlSource(new Uint8Array([0x76, 0x3a, 0x20, 0xff, 0xfe, 0x0a]), 'c.yaml');
  assert.equal(bad.diagnostics.map(brief), ['BLINK002 c.yaml:1:1']);
});

// ---
yaml('the parse does not read the real environment per token, and puts it back as it was', () => {
  const clients = Array.from({ length: 200 }, (_, i) => `  c${i}: { environments: { prod: { host: c${i}.example.test, port: ${8000 + i} } } }\n`).join('');
  // The fast parser reads no environment at all. An anchor is outside its subset: that file
  // goes to the yaml library, which gets the two-variable stand-in (two reads of the real one).
  for (const [text, most] of [
    [`version: 1\nclients:\n${clients}`, 0],
    [`version: 1\ndefaults: &d {}\nclients:\n${clients}`, 2],
  ] as const) {
    assert.is(parseSimpleYaml(text) === undefined, most > 0, 'the path this case means to take');
    const real = process.env;
    let reads = 0;
    const counted = new Proxy({ ...real, LOG_TOKENS: '' }, { get: (t, k) => (reads++, Reflect.get(t, k)) });
    process.env = counted;
    try {
      const r = parseYamlSource(enc(text), 'clients.yaml');
      assert.equal(r.diagnostics, []);
      assert.is(process.env, counted, 'the same environment object afterwards');
      // yaml reads LOG_TOKENS and LOG_STREAM on every token: thousands of reads here, were it the real one.
      assert.ok(reads <= most, `${reads} reads of the environment`);
    } finally {
      process.env = real;
    }
  }
});

yaml('a plain clients.yaml is read without loading the yaml library; a declined one loads it', () => {
  const probe = (file: string) => {
    const code = `import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const { parseYamlSource } = await import(${JSON.stringify(new URL('../../src/load/YamlSource.ts', import.meta.url).href)});
const r = parseYamlSource(readFileSync(${JSON.stringify(file)}), 'clients.yaml');
const lib = createRequire(import.meta.url).resolve('yaml');
console.log(JSON.stringify({ errors: r.diagnostics.length, loaded: Object.keys(createRequire(import.meta.url).cache).includes(lib) }));`;
    const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), '--input-type=module', '-e', code], { encoding: 'utf8', cwd: process.cwd() });
    assert.is(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as { errors: number; loaded: boolean };
  };
  assert.equal(probe('config/clients.yaml'), { errors: 0, loaded: false });
  const declined = join(tmpdir(), `blink-yaml-${process.pid}.yaml`);
  writeFileSync(declined, 'version: 1\nshared: &s { a: 1 }\n');
  try {
    assert.equal(probe(declined), { errors: 0, loaded: true });
  } finally {
    rmSync(declined, { force: true });
  }
});

const manifests = suite('manifests');

manifests('our literal reader agrees with Python ast.literal_eval on every sample manifest', () => {
  const tree = sampleTree();
  const files = Object.keys(tree).filter((f) => f.endsWith('__manifest__.py'));
  assert.is(files.length, 4);
  const py = spawnSync('python3', ['-c', 'import ast,json,sys\nfor t in json.load(sys.stdin): print(json.dumps(ast.literal_eval(t), sort_keys=True))'], {
    input: JSON.stringify(files.map((f) => tree[f])),
    encoding: 'utf8',
  });
  assert.is(py.status, 0, py.stderr);
  const expected = py.stdout.trim().split('\n').map((l) => JSON.parse(l));
  files.forEach((f, i) => assert.equal(parsePythonLiteral(tree[f]!), expected[i], f));
});

manifests('python literal edge cases', () => {
  assert.equal(parsePythonLiteral("{'a': ('x', 'y'), # c\n 'b': 'p' \"q\", 'c': None, 'd': -1.5, 'e': r'\\d'}"), { a: ['x', 'y'], b: 'pq', c: null, d: -1.5, e: '\\d' });
  assert.throws(() => parsePythonLiteral("{'a': __import__('os')}"));
});

manifests('a manifest listing a missing data file, or with a bad version', () => {
  const m = sampleTree()['custom-addons/blink_ar_fixes/__manifest__.py']!;
  const r = buildTree(patchedTree({ 'custom-addons/blink_ar_fixes/__manifest__.py': m.replace("'18.0.1.0.0'", "'17.0.1.0.0'").replace("'data/ir_config_parameter.xml'", "'data/missing.xml'") }));
  assert.equal(
    r.diagnostics.filter((d) => d.code === 'BLINK024').map(brief),
    ['BLINK024 custom-addons/blink_ar_fixes/__manifest__.py:1:1', 'BLINK024 custom-addons/blink_ar_fixes/__manifest__.py:3:5'],
  );
});

manifests('every sample module is a valid Odoo 18 module: XML data files parse', () => {
  const tree = sampleTree();
  const xml = Object.keys(tree).filter((f) => f.startsWith('custom-addons/') && f.endsWith('.xml'));
  assert.ok(xml.length >= 4);
  const py = spawnSync('python3', ['-c', 'import json,sys,xml.dom.minidom as m\nfor t in json.load(sys.stdin): assert m.parseString(t).documentElement.tagName == "odoo"'], {
    input: JSON.stringify(xml.map((f) => tree[f])),
    encoding: 'utf8',
  });
  assert.is(py.status, 0, py.stderr);
});

yaml.run();
manifests.run();
