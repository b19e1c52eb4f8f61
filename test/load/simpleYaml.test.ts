import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { stringify } from 'yaml';
import { parseSimpleYaml } from '../../src/load/simpleYaml.js';
import { parseYamlSource, parseYamlText, type YamlPath } from '../../src/load/YamlSource.js';

/**
 * parseSimpleYaml must be invisible: wherever it does not decline, the data and
 * every position it gives equal what the yaml library path gives. Checked on
 * the repository's YAML files and on a few thousand seeded documents: built from
 * the subset's constructs, mutated just outside it, and written by yaml.stringify.
 */
const repo = new URL('../../', import.meta.url).pathname;
const enc = (s: string) => new TextEncoder().encode(s);

// ---------------------------------------------------------------- comparison

/** Deep equality that also tells -0 from 0, NaN from other numbers, arrays from objects, and key order. */
function same(a: unknown, b: unknown, where: string): string | undefined {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) {
    return Object.is(a, b) ? undefined : `${where}: ${show(a)} ≠ ${show(b)}`;
  }
  if (Array.isArray(a) !== Array.isArray(b) || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return `${where}: different kinds`;
  const ka = Reflect.ownKeys(a);
  const kb = Reflect.ownKeys(b);
  if (ka.join('\0') !== kb.join('\0')) return `${where}: keys ${show(ka.map(String))} ≠ ${show(kb.map(String))}`;
  for (const k of ka) {
    const da = Object.getOwnPropertyDescriptor(a, k)!;
    const db = Object.getOwnPropertyDescriptor(b, k)!;
    if (da.enumerable !== db.enumerable || da.writable !== db.writable || da.configurable !== db.configurable) return `${where}.${String(k)}: property flags differ`;
    const d = same(da.value, db.value, `${where}.${String(k)}`);
    if (d) return d;
  }
  return undefined;
}

const show = (v: unknown) => (typeof v === 'number' ? (Object.is(v, -0) ? '-0' : String(v)) : JSON.stringify(v));

/** Every path of the data, and paths just beside them that do not exist. */
function pathsOf(data: unknown): YamlPath[] {
  const out: YamlPath[] = [[], ['nope'], [0], ['']];
  const walk = (v: unknown, path: (string | number)[]) => {
    out.push(path);
    if (typeof v !== 'object' || v === null) {
      if (path.length) out.push([...path, 'below'], [...path, 0]);
      return;
    }
    out.push([...path, 'missing'], [...path, 'missing', 'deeper'], [...path, '__proto__'], [...path, 'toString']);
    if (Array.isArray(v)) {
      out.push([...path, v.length], [...path, -1], [...path, '-0'], [...path, ''], [...path, '1.0'], [...path, 'x', 0]);
      v.forEach((item, i) => walk(item, [...path, i % 2 ? String(i) : i]));
    } else {
      out.push([...path, 1], [...path, 0]);
      for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k], [...path, k]);
    }
  };
  walk(data, []);
  return out;
}

interface Tally {
  accepted: number;
  declined: number;
}

/** Undefined when the fast parser declines or agrees with the library; otherwise what differs. */
function compare(text: string, tally?: Tally): string | undefined {
  const fast = parseSimpleYaml(text);
  if (!fast) {
    if (tally) tally.declined++;
    return undefined;
  }
  if (tally) tally.accepted++;
  const slow = parseYamlText(text, 'f.yaml');
  if (!slow.source || slow.diagnostics.length) return `accepted, but the library says ${slow.diagnostics.map((d) => `${d.code} ${d.line}:${d.column} ${d.message}`).join('; ')}`;
  const d = same(fast.data, slow.source.data, 'data');
  if (d) return d;
  for (const path of pathsOf(slow.source.data)) {
    for (const key of [false, true]) {
      const f = fast.pos(path, key);
      const s = slow.source.pos(path, key);
      if (f.line !== s.line || f.column !== s.column) return `pos(${JSON.stringify(path)}, ${key}): ${f.line}:${f.column} ≠ ${s.line}:${s.column}`;
    }
  }
  return undefined;
}

/**
 * Whether parseYamlSource took the fast path for this text: the library's
 * parse reads the real environment (twice, for its stand-in); the fast parser never does.
 */
function tookFastPath(text: string): boolean {
  const real = process.env;
  let reads = 0;
  process.env = new Proxy({ ...real }, { get: (t, k) => (reads++, Reflect.get(t, k)) });
  try {
    const r = parseYamlSource(enc(text), 'clients.yaml');
    assert.equal(r.diagnostics, []);
  } finally {
    process.env = real;
  }
  return reads === 0;
}

function expectSame(text: string, label: string, tally?: Tally): void {
  const d = compare(text, tally);
  if (d) assert.unreachable(`${label}: ${d}\n--- document ---\n${text}\n---`);
}

// ---------------------------------------------------------------- generator

/** mulberry32: small, seeded, the same sequence everywhere. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Gen {
  constructor(readonly r: () => number) {}
  int(n: number): number {
    return Math.floor(this.r() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  chance(p: number): boolean {
    return this.r() < p;
  }
}

const PLAIN_KEYS = ['version', 'servers', 'aws-1', 'b01', 'name', 'host', 'port', 'a', 'b', 'x', 'key with spaces', 'dotted.key', 'path/like', 'dash-key', 'under_score', '__proto__', 'toString', 'constructor', 'hasOwnProperty', 'é', '名前', 'a#b', "it's", 'say"hi"', '-x', '--', 'x-', 'a,b', 'a]b', 'a}', 'nul', 'Null1', 'truely', '0o8', '0x', '1a', 'e3', '1_000', '.', '..x', 'x:y', 'k=v', 'a%b', 'a@b', 'a!b', 'a&b', 'a*b', 'a|b', 'a>b', 'yes', 'no', 'on', 'off', 'y', 'n', 'NaN', 'inf', 'Infinity'];
/** Quoted keys, with the string each means (two spellings of one key make a duplicate). */
const QUOTED_KEYS: [string, string][] = [["'1'", '1'], ['"1"', '1'], ["'true'", 'true'], ['"null"', 'null'], ["''", ''], ['""', ''], ["'a b'", 'a b'], ['"a: b"', 'a: b'], ["'#x'", '#x'], ['"\\u00e9t\\u00e9"', 'été'], ["'it''s'", "it's"], ['"tab\\there"', 'tab\there'], ["'- x'", '- x'], ['"[x]"', '[x]'], ['"<<"', '<<'], ["'~'", '~'], ["'a'", 'a'], ['"x"', 'x']];
// Plain scalars a value can be: numbers, booleans, nulls of every spelling, and strings that look like them.
const SCALARS = ['1', '0', '-0', '+1', '007', '-12', '12345678901234567890', '9007199254740993', '0o17', '0o8', '0x1F', '0xff', '0X1F', '0b101', '1e3', '1E-3', '-1.5e+10', '.5', '5.', '1.0', '-0.0', '+.inf', '-.inf', '.inf', '.Inf', '.INF', '.NaN', '.nan', '.NAN', '.naN', 'nan', 'inf', '12_3', '1,000', '1.2.3', 'true', 'True', 'TRUE', 'tRue', 'false', 'False', 'FALSE', 'yes', 'no', 'on', 'off', 'null', 'Null', 'NULL', 'nULL', '~', 'main', 'production', 'corteperfecto.somosblink.com', '/opt/odoo/odoo/odoo-bin', 'ubuntu@aws-1', 'sh lab/standin.sh {root} restart {service}', 'http://127.0.0.1:8069/web/health?db=1', 'cat > /dev/null; cat /x/psql.txt', 'a#b', 'a # not', 'x]', 'x}', 'x,y', 'a:b', "it's", 'say "hi"', '-1x', '-x', '--x', '---x', '...x', 'é', '名前', '2024-01-01', '12:30', '1:2:3', '0 */6 * * *', '${secret:backup_key}', 'a  b', 'trailing   ', '<<', '=', '+', '.', '0.', '-.5', '+0x1', '0x-1', '0o-7', '0.0.0.0', '1e', 'e1', '1e1.5', 'a!', 'a&', 'a*', 'a|', 'a>', 'a%', 'a@', 'a`', 'a?', 'a"', "a'"];
// Scalars YAML reads otherwise, or refuses: for the mutations.
const ODD_SCALARS = ['a: b', 'a:', '!x', '&x', '*x', '|', '>', '%x', '@x', '`x', '?x', ':x', '[x', '{x', '#x', '-', '- x', '? x', ': x', ']x', '}x', ',x'];
const FLOW_SCALARS = SCALARS.filter((s) => !/[,[\]{}#]|:( |$)/.test(s) && s.trim() === s);
const SQ = ["'x'", "''", "'it''s'", "'a # b'", "'a: b'", "'1'", "'true'", "'  spaced  '", "'\\n'", "'\"'", "'é'", "'x'''", "''''"];
const DQ = ['"x"', '""', '"a\\nb"', '"\\u00e9"', '"\\x41"', '"\\U0001F600"', '"\\ud83d\\ude00"', '"\\t\\"\\\\\\/"', '"\\0\\a\\b\\e\\f\\r\\v\\N\\_\\L\\P\\ "', '"a # b"', '"  spaced  "', "\"it's\"", '"1"', '"null"', '"a\\\\"'];
const ODD_DQ = ['"\\q"', '"\\u00"', '"\\UFFFFFFFF"', '"\\xZZ"', '"\\"', '"\\U00110000"', '"\\\t"'];
const COMMENTS = ['', '', '', '   # a comment', ' # c', '  #', ' #: not a key', ' # - x'];

function key(g: Gen, used: Set<string>, inFlow = false): string {
  for (let i = 0; i < 20; i++) {
    let k: string;
    let value: string;
    if (g.chance(0.85)) k = value = g.pick(PLAIN_KEYS.slice(0, 16)) + (g.chance(0.5) ? String(g.int(50)) : '');
    else if (g.chance(0.5)) k = value = g.pick(inFlow ? PLAIN_KEYS.filter((x) => !/[,[\]{}]/.test(x)) : PLAIN_KEYS);
    else [k, value] = g.pick(QUOTED_KEYS);
    if (!used.has(value)) {
      used.add(value);
      return k;
    }
  }
  const k = `k${used.size}_${g.int(1e6)}`;
  used.add(k);
  return k;
}

function scalar(g: Gen, inFlow: boolean): string {
  const roll = g.int(10);
  if (roll < 2) return g.pick(SQ);
  if (roll < 3) return g.pick(DQ);
  if (roll < 7) return g.pick(inFlow ? FLOW_SCALARS : SCALARS);
  return `${g.pick(['w', 'host', 'c', 'aws-'])}${g.int(1000)}${g.chance(0.2) ? '.example.test' : ''}`;
}

function flow(g: Gen, depth: number): string {
  const sp = g.chance(0.7) ? ' ' : '';
  if (g.chance(0.5)) {
    const n = g.int(4);
    const items = Array.from({ length: n }, () => (depth < 2 && g.chance(0.2) ? flow(g, depth + 1) : scalar(g, true)));
    return n ? `[${sp}${items.join(g.chance(0.8) ? ', ' : ',')}${sp}]` : g.pick(['[]', '[ ]']);
  }
  const used = new Set<string>();
  const n = g.int(4);
  const entries = Array.from({ length: n }, () => `${key(g, used, true)}: ${depth < 2 && g.chance(0.2) ? flow(g, depth + 1) : scalar(g, true)}`);
  return n ? `{${sp}${entries.join(', ')}${sp}}` : g.pick(['{}', '{ }']);
}

function blank(g: Gen, out: string[], indent: number): void {
  if (g.chance(0.08)) out.push('');
  if (g.chance(0.06)) out.push(' '.repeat(g.int(indent + 4)) + '# ' + g.pick(['note', 'x: y', '- item', '']));
  if (g.chance(0.02)) out.push(' '.repeat(g.int(8)));
}

/** A block mapping at `indent`, as lines. */
function blockMap(g: Gen, out: string[], indent: number, depth: number, first?: string): void {
  const used = new Set<string>();
  const n = 1 + g.int(depth === 0 ? 6 : 4);
  for (let i = 0; i < n; i++) {
    const pre = i === 0 && first !== undefined ? first : ' '.repeat(indent);
    const k = key(g, used);
    const roll = g.int(10);
    if (depth < 4 && roll < 3) {
      out.push(`${pre}${k}:${g.pick(COMMENTS)}`);
      blank(g, out, indent);
      if (g.chance(0.6)) blockMap(g, out, indent + 1 + g.int(4), depth + 1);
      else blockSeq(g, out, g.chance(0.3) ? indent : indent + 1 + g.int(3), depth + 1);
    } else if (roll < 4) {
      out.push(`${pre}${k}:${g.pick(['', ' ', '   '])}${g.pick(COMMENTS)}`);
    } else if (roll < 6) {
      out.push(`${pre}${k}: ${g.chance(0.2) ? '  ' : ''}${flow(g, 0)}${g.pick(COMMENTS)}`);
    } else {
      const v = scalar(g, false);
      out.push(`${pre}${k}:${g.pick([' ', ' ', ' ', '  ', '    '])}${v}${v.includes(' #') ? '' : g.pick(COMMENTS)}`);
    }
    blank(g, out, indent);
  }
}

/** A block sequence at `indent`, as lines. */
function blockSeq(g: Gen, out: string[], indent: number, depth: number, first?: string): void {
  const n = 1 + g.int(4);
  for (let i = 0; i < n; i++) {
    const pre = i === 0 && first !== undefined ? first : ' '.repeat(indent);
    const roll = g.int(10);
    const gap = ' '.repeat(1 + (g.chance(0.2) ? g.int(3) : 0));
    if (depth < 4 && roll < 2) {
      blockMap(g, out, indent + 1 + gap.length, depth + 1, `${pre}-${gap}`);
    } else if (depth < 4 && roll < 3) {
      blockSeq(g, out, indent + 1 + gap.length, depth + 1, `${pre}-${gap}`);
    } else if (depth < 4 && roll < 4) {
      out.push(`${pre}-${g.pick(['', ' ', ' # below'])}`);
      if (g.chance(0.8)) {
        if (g.chance(0.5)) blockMap(g, out, indent + 1 + g.int(3), depth + 1);
        else blockSeq(g, out, indent + 1 + g.int(3), depth + 1);
      }
    } else if (roll < 5) {
      out.push(`${pre}-${g.pick(['', ' ', '  '])}${g.pick(COMMENTS)}`);
    } else if (roll < 7) {
      out.push(`${pre}-${gap}${flow(g, 0)}${g.pick(COMMENTS)}`);
    } else {
      const v = scalar(g, false);
      out.push(`${pre}-${gap}${v}${v.includes(' #') ? '' : g.pick(COMMENTS)}`);
    }
    blank(g, out, indent);
  }
}

function document(g: Gen): string {
  const out: string[] = [];
  if (g.chance(0.2)) out.push('# yaml-language-server: $schema=../schema/clients.schema.json', '#');
  if (g.chance(0.1)) out.push('---');
  if (g.chance(0.85)) blockMap(g, out, 0, 0);
  else blockSeq(g, out, 0, 0);
  if (g.chance(0.1)) out.push('# the end');
  return out.join('\n') + (g.chance(0.9) ? '\n' : '');
}

/** One small change that often steps just outside the subset (or onto its edge). */
function mutate(g: Gen, text: string): string {
  const lines = text.split('\n');
  const i = g.int(Math.max(1, lines.length - 1));
  const line = lines[i]!;
  const ind = line.length - line.trimStart().length;
  const colon = line.indexOf(': ');
  const val = colon >= 0 ? colon + 2 : line.indexOf('- ') >= 0 ? line.indexOf('- ') + 2 : ind;
  const at = (s: string, p: number, drop = 0) => (lines[i] = line.slice(0, p) + s + line.slice(p + drop));
  switch (g.int(34)) {
    case 0: at('\t', ind); break;
    case 1: at('\t', val); break;
    case 2: at('&anchor ', val); break;
    case 3: at('*anchor', val, line.length); break;
    case 4: at(g.pick(['!!str ', '!x ', '!!int ', '! ']), val); break;
    case 5: lines.splice(i + 1, 0, line); break; // a duplicate key, or a second item
    case 6: lines.splice(i + 1, 0, ' '.repeat(ind + 1 + g.int(4)) + g.pick(['continued', 'more words', '- x', 'k: v', '"q"', '#c'])); break;
    case 7: lines.splice(i + 1, 0, '', ' '.repeat(ind + 2) + 'after a blank'); break;
    case 8: at('b: c ', val); break;
    case 9: at(g.pick(g.chance(0.5) ? ODD_SCALARS : g.chance(0.5) ? ODD_DQ : SCALARS), val, line.length - val); break;
    case 10: at('? ', ind); break;
    case 11: at(g.pick(['|', '>', '|-', '>+', '|2']), val, line.length - val); lines.splice(i + 1, 0, ' '.repeat(ind + 2) + 'block text'); break;
    case 12: lines.unshift('%YAML 1.2', '---'); break;
    case 13: lines.push(g.pick(['...', '---', '--- x', '... # end']), g.pick(['a: 1', '- x', ''])); break;
    case 14: if (colon >= 0) at(':', colon, 2); break;
    case 15: lines[i] = line.slice(g.chance(0.5) ? 1 : 0).replace(/^/, g.chance(0.5) ? ' ' : ''); break;
    case 16: at('#', Math.min(line.length, val + 1 + g.int(5))); break;
    case 17: return lines.join(g.pick(['\r\n', '\r']));
    case 18: return '\uFEFF' + text;
    case 19: at(g.pick(['   ', ' ', '  # c']), line.length); break;
    case 20: at(g.pick(['"unclosed', "'unclosed", '[a, b', '{a: 1', '"a\\"', "'a''"]), val, line.length - val); break;
    case 21: at(`${'k'.repeat(g.pick([990, 1010, 1030, 1100]))}: v`, ind, line.length - ind); break;
    case 22: at(`${g.pick(['1', 'true', 'null', '~', '1.5', '0x1', '.inf', '"1"', "'true'", '<<', 'Null', 'NULL', '-1', '+1', '0o7', '1e2'])}: v`, ind, line.length - ind); break;
    case 23: at(g.pick(['{a:1}', '[a: b]', '[a, b, ]', '{ a }', '{a: }', '{ a: 1, a: 2 }', '[a,,b]', '[, a]', '{"a":1}', '{a: [b, {c: d}]}', '[[]]', '[{}]', '{ "a": 1 }', "{ 'a': [x] }", '[a:b]', '[a:]', '[a:,b]', '{a:b: c}', '{a:: b}', '[a::b]', '[http://x.y/z]', '{ u: http://x:80/y }', '[a:[b]]', '[a:{b}]', '{a: b c}', '[a #b]', '[a] x', '[a]#x', '{a: 1}: v', '[a]: b', '[ -1, - 1]', '[?x]', '{ ? a : b }']), val, line.length - val); break;
    case 24: at('x'.repeat(5000) + ' ' + 'y'.repeat(2000), val, line.length - val); break;
    case 25: at(g.pick(['\u0085', '\u2028', '\u00a0', '\u0007', '\u200b', '\uFEFF', '\uFFFE', '😀']), Math.min(line.length, val + 1)); break;
    case 26: at(g.pick(['- ', '-  ', '- - ']), val); break;
    case 27: at(' ', val); break;
    case 28: at(g.pick(['"a" "b"', "'a'b", '"a"#c', '"a":b', "'a': b", '"a" : b', 'a : b', 'a :b']), val, line.length - val); break;
    case 29: lines.splice(i + 1, 0, ' '.repeat(Math.max(0, ind - 1)) + 'x: 1'); break;
    case 30: lines.splice(i + 1, 0, ' '.repeat(ind) + '- x'); break;
    case 31: at(g.pick(['-', '--', '---', '...', '-x', '-1', '- ', ':', '?', '- #']), ind, line.length - ind); break;
    case 32: at(g.pick(['"\\u00e9"', "'it''s'", '12_3', '0o17', '1e3', '.NaN', '-0', '0x1F', '+.inf', 'null', '~', '']), val, line.length - val); break;
    default: return lines.slice(0, i).join('\n') + (g.chance(0.5) ? '\n' : '');
  }
  return lines.join('\n');
}

/** Random plain data, as blink's own tools would hand it to yaml.stringify. */
function data(g: Gen, depth: number): unknown {
  const roll = g.int(10);
  if (depth < 4 && roll < 3) {
    const o: Record<string, unknown> = {};
    const used = new Set<string>();
    for (let i = g.int(5); i > 0; i--) o[g.chance(0.8) ? key(g, used).replace(/^['"]|['"]$/g, '') : g.pick(['1', 'true', 'null', '', ' x', 'a\nb', '#', '- x'])] = data(g, depth + 1);
    return o;
  }
  if (depth < 4 && roll < 5) return Array.from({ length: g.int(4) }, () => data(g, depth + 1));
  const s = g.int(12);
  if (s < 1) return g.pick([0, -0, 1.5, -1, 1e21, 1e-7, NaN, Infinity, -Infinity, 2 ** 53 + 2, 0.1, 123456789]);
  if (s < 2) return g.pick([true, false, null]);
  if (s < 3) return g.pick(SCALARS);
  if (s < 4) return g.pick(['', ' ', 'a\nb', 'line\n', 'tab\there', 'é', '"', "'", 'x: y', '- x', '#x', 'a #b', 'x'.repeat(120), 'long words '.repeat(12), '\u0007', '\\']);
  return `${g.pick(['host', 'c', 'true ', 'cat > /dev/null; cat '])}${g.int(10000)}`;
}

// ---------------------------------------------------------------- tests

const yaml = suite('simple yaml: same data and positions as the yaml library');

yaml('the repository’s YAML files are read by the fast path, the same', () => {
  const files = execFileSync('git', ['ls-files', '*.yaml', '*.yml'], { cwd: repo, encoding: 'utf8' }).split('\n').filter(Boolean);
  assert.ok(files.includes('config/clients.yaml') && files.includes('docs/examples/clients.yaml'), files.join(', '));
  for (const f of files) {
    const text = readFileSync(repo + f, 'utf8');
    expectSame(text, f);
    // Not silently declined: these are what blink reads every day.
    if (f.endsWith('clients.yaml')) assert.ok(tookFastPath(text), `${f} declined`);
  }
});

yaml('a bench-style clients.yaml (written by yaml.stringify) is read by the fast path, the same', () => {
  // As bench/apply.ts's writeConfig writes it, smaller.
  const servers: Record<string, unknown> = {};
  const clients: Record<string, unknown> = {};
  for (let s = 0; s < 3; s++) {
    const name = `b${String(s + 1).padStart(2, '0')}`;
    servers[name] = {
      ssh: `bench-${name}`,
      root: `/work/main/bench/.work/apply-x1/roots/${name}`,
      cpus: 64,
      memory_mb: 262144,
      postgres: { max_connections: 10000 },
      fail2ban: { enabled: false },
      firewall: { enabled: true },
      commands: { psql: `cat > /dev/null; cat /w/psql-${name}.txt`, ufw: 'ufw-not-installed', daemon_reload: 'true', enable: 'true {service}', postgres_test: 'true {file}', backup: 'true {instance}', health: 'http://127.0.0.1:41234/web/health?port={port}&db_server_status=1' },
    };
    for (let i = 0; i < 5; i++) {
      const c = `c${String(s * 5 + i + 1).padStart(4, '0')}`;
      clients[c] = { environments: { prod: { host: `${c}.bench.test`, server: name, branch: 'main', kind: 'production', port: 20000 + i * 4 } } };
    }
  }
  const text = stringify({ version: 1, defaults: { system_user: 'root', python: '/usr/bin/python3', tls: 'none' }, servers, clients });
  expectSame(text, 'bench-style');
  assert.ok(tookFastPath(text), 'declined');
  const r = parseYamlSource(enc(text), 'clients.yaml');
  assert.is((r.source!.data as { clients: Record<string, { environments: { prod: { port: number } } }> }).clients['c0002']!.environments.prod.port, 20004);
});

yaml('generated documents of the subset: all read by the fast path, the same', () => {
  const g = new Gen(rng(20250101));
  const tally = { accepted: 0, declined: 0 };
  for (let n = 0; n < 1500; n++) expectSame(document(g), `document ${n}`, tally);
  assert.is(tally.declined, 0, `${tally.declined} of the subset's documents declined`);
});

yaml('mutated documents and files: declined, or the same', () => {
  const g = new Gen(rng(7));
  const tally = { accepted: 0, declined: 0 };
  const repoFiles = ['config/clients.yaml', 'docs/examples/clients.yaml'].map((f) => readFileSync(repo + f, 'utf8'));
  for (let n = 0; n < 2000; n++) {
    let text = n % 20 === 0 ? repoFiles[(n / 20) % 2]! : document(g);
    for (let m = 1 + g.int(2); m > 0; m--) text = mutate(g, text);
    if (text.trim() === '') continue;
    expectSame(text, `mutation ${n}`, tally);
  }
  // Both sides of the line are exercised.
  assert.ok(tally.accepted > 300 && tally.declined > 1000, JSON.stringify(tally));
});

yaml('documents written by yaml.stringify: declined, or the same', () => {
  const g = new Gen(rng(99));
  const tally = { accepted: 0, declined: 0 };
  for (let n = 0; n < 800; n++) {
    const d = data(g, 0);
    const text = stringify(g.chance(0.5) ? { version: 1, clients: d } : d, g.chance(0.3) ? { lineWidth: 0 } : {});
    if (text.trim() === '') continue;
    expectSame(text, `stringify ${n}`, tally);
  }
  assert.ok(tally.accepted > 200, JSON.stringify(tally));
});

yaml('scalars resolve as the core schema does', () => {
  for (const s of [...SCALARS, ...ODD_SCALARS, ...SQ, ...DQ, ...ODD_DQ]) {
    for (const text of [`a: ${s}\n`, `- ${s}\n`, `a: [${s}]\n`, `a: {k: ${s}}\n`]) expectSame(text, JSON.stringify(text));
  }
  const r = parseSimpleYaml('a: [0o17, 1e3, .NaN, -0, 0x1F, 12_3, +.inf, \'it\'\'s\', "\\u00e9", null, ~, 007, +1, 12345678901234567890]\nb:\n');
  assert.ok(r);
  const a = (r.data as { a: unknown[] }).a;
  assert.ok(Object.is(a[3], -0) && Number.isNaN(a[2]));
  assert.equal(a.slice(0, 2).concat(a.slice(4)), [15, 1000, 31, '12_3', Infinity, "it's", 'é', null, null, 7, 1, 12345678901234567000]);
  assert.is((r.data as { b: unknown }).b, null);
});

yaml('outside the subset it declines, and parseYamlSource goes to the library', () => {
  for (const text of [
    'a:\tb\n',
    'a: &x 1\nb: *x\n',
    'a: !!str 1\n',
    '? a\n: b\n',
    'a: |\n  x\n',
    'a: >\n  x\n',
    'a: b\n  c\n',
    'a: "b\n  c"\n',
    '%YAML 1.2\n---\na: 1\n',
    'a: 1\n...\n',
    'a: 1\n---\nb: 2\n',
    'a: 1\na: 2\n',
    '1: a\n',
    'true: a\n',
    'null: a\n',
    'a: b: c\n',
    'a: 1\r\nb: 2\r\n',
    '\uFEFFa: 1\n',
    'a: [b,\n  c]\n',
    'just a scalar\n',
    '# only a comment\n',
  ]) {
    assert.is(parseSimpleYaml(text), undefined, JSON.stringify(text));
    expectSame(text, JSON.stringify(text));
    // checkText's decoder drops a leading BOM, so through parseYamlSource neither parser sees one.
    if (parseYamlText(text, 'clients.yaml').source) assert.is(tookFastPath(text), text.startsWith('\uFEFF'), JSON.stringify(text));
  }
});

yaml.run();
