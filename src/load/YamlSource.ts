import { createRequire } from 'node:module';
import type * as YamlLibrary from 'yaml';
import type { Document, Node } from 'yaml';
import { error, type Diagnostic, type SourcePos } from '../diagnostics/Diagnostic.js';
import { checkText } from './checkText.js';
import { parseSimpleYaml } from './simpleYaml.js';

// The yaml library (84 files, ~16 ms to load) is loaded only for a file simpleYaml
// declines: a plain clients.yaml never needs it.
let library: typeof YamlLibrary | undefined;
const yaml = (): typeof YamlLibrary => (library ??= createRequire(import.meta.url)('yaml') as typeof YamlLibrary);

export type YamlPath = readonly (string | number)[];

/**
 * A parsed YAML file that can answer "where is this value?", so every later
 * stage can point at the exact line and column of the node it complains about.
 */
export interface YamlSource {
  file: string;
  data: unknown;
  /** Position of the value at `path`; with `key`, of its key. Falls back to the nearest ancestor. */
  pos(path: YamlPath, key?: boolean): SourcePos;
}

// Anchors are handy for shared settings; a few hundred alias expansions are
// plenty for that, and far below what a "billion laughs" file needs.
const MAX_ALIAS_COUNT = 200;

export function parseYamlSource(bytes: Uint8Array, file: string): { source?: YamlSource; diagnostics: Diagnostic[] } {
  const text = checkText(bytes, file);
  if (typeof text !== 'string') return { diagnostics: [text] };
  // The yaml library reads about 1 MB/s, the largest cost of a command after an
  // edit of a fleet's clients.yaml. The files blink sees are written in a plain
  // subset that parseSimpleYaml reads with the same data and positions; it
  // declines anything else, and the library (with its errors) reads that.
  const simple = parseSimpleYaml(text);
  if (simple) {
    const pos = (path: YamlPath, key?: boolean): SourcePos => {
      const p = simple.pos(path, key ?? false);
      return { file, line: p.line, column: p.column };
    };
    return { source: { file, data: simple.data, pos }, diagnostics: [] };
  }
  return parseYamlText(text, file);
}

/** The file read by the yaml library: every error reported, positions from its Document. Exported for the tests comparing the two. */
export function parseYamlText(text: string, file: string): { source?: YamlSource; diagnostics: Diagnostic[] } {
  const lineCounter = new (yaml().LineCounter)();
  // yaml's own uniqueKeys compares every key with every other of its map:
  // quadratic in a fleet's thousand clients. duplicateKeys does it in one pass.
  const doc = withSmallEnv(() => yaml().parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false, strict: true }));
  const at = (offset: number): SourcePos => {
    const lp = lineCounter.linePos(offset);
    return { file, line: lp.line, column: lp.col };
  };
  const diagnostics: Diagnostic[] = [];
  const lines = new Set<number>();
  for (const e of doc.errors) {
    const p = yamlProblem(e.code, e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''), e.pos[0], text);
    const where = at(p.offset);
    // One mistake often trips two of the parser's rules at the same place: say it once.
    if (lines.has(where.line)) continue;
    lines.add(where.line);
    diagnostics.push(error('BLINK003', p.message, where, p.hint));
  }
  if (!diagnostics.length) for (const key of duplicateKeys(doc)) diagnostics.push(error('BLINK003', 'Map keys must be unique', at(key.range![0]), yamlHint('DUPLICATE_KEY')));
  if (diagnostics.length) return { diagnostics };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/alias/i.test(msg)) {
      return { diagnostics: [error('BLINK004', 'too many YAML alias expansions: refused to expand the document', { file, line: 1, column: 1 }, `at most ${MAX_ALIAS_COUNT} alias uses are expanded; write the values out or use fewer anchors`)] };
    }
    return { diagnostics: [error('BLINK003', msg, { file, line: 1, column: 1 })] };
  }
  return { source: { file, data, pos: (path, key) => nodePos(doc, path, key ?? false, at) }, diagnostics };
}

/**
 * yaml's parser and composer read process.env.LOG_TOKENS and LOG_STREAM once
 * per token, and each read of process.env scans the whole environment: with
 * a fleet's worth of BLINK_SECRET_* variables exported (how CI passes
 * secrets), that was a quarter of the time spent parsing a large clients.yaml.
 * The parse is synchronous, so for its duration process.env is a plain object
 * holding just those two; the real one is put back before anything else runs.
 */
function withSmallEnv<T>(parse: () => T): T {
  const env = process.env;
  process.env = { LOG_TOKENS: env['LOG_TOKENS'], LOG_STREAM: env['LOG_STREAM'] };
  try {
    return parse();
  } finally {
    process.env = env;
  }
}

/** Every key that repeats an earlier scalar key of the same mapping, in document order. */
function duplicateKeys(doc: Document): Node[] {
  const out: Node[] = [];
  yaml().visit(doc, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        if (!yaml().isScalar(pair.key)) continue;
        const k = `${typeof pair.key.value}:${String(pair.key.value)}`;
        if (seen.has(k)) out.push(pair.key);
        seen.add(k);
      }
    },
  });
  return out.sort((a, b) => a.range![0] - b.range![0]);
}

// compile asks for many positions in large maps (a fleet has thousands of
// environments): index each map's keys once instead of scanning per lookup.
const keyIndex = new WeakMap<object, Map<string, unknown>>();

function pairOf(map: { items: unknown[] }, seg: string): unknown {
  let index = keyIndex.get(map);
  if (!index) {
    index = new Map();
    for (const p of map.items) if (yaml().isPair(p) && yaml().isScalar(p.key) && !index.has(String(p.key.value))) index.set(String(p.key.value), p);
    keyIndex.set(map, index);
  }
  return index.get(seg);
}

function nodePos(doc: Document, path: YamlPath, key: boolean, at: (o: number) => SourcePos): SourcePos {
  // Walk down as far as the path exists; report the deepest node reached.
  let node: unknown = doc.contents;
  let best: Node | null = (doc.contents as Node | null) ?? null;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    if (!node || typeof node !== 'object' || !('items' in node)) break;
    const items = (node as { items: unknown[] }).items;
    let next: unknown;
    if (yaml().isMap(node)) {
      const pair = pairOf(node as { items: unknown[] }, String(seg));
      if (!yaml().isPair(pair)) break;
      if (key && i === path.length - 1) return rangePos(pair.key as Node, at) ?? fallback(best, at);
      next = pair.value;
      best = (pair.value as Node | null) ?? (pair.key as Node);
    } else {
      next = items[Number(seg)];
      if (next) best = next as Node;
    }
    node = next;
  }
  return fallback(best, at);
}

function rangePos(node: Node | null | undefined, at: (o: number) => SourcePos): SourcePos | undefined {
  return node?.range ? at(node.range[0]) : undefined;
}

function fallback(node: Node | null, at: (o: number) => SourcePos): SourcePos {
  return rangePos(node, at) ?? at(0);
}

/**
 * The parser's complaint in the user's terms, at the line that holds the
 * mistake. A key indented deeper than the key above it makes the parser
 * complain about the line above (it reads the key as part of that value).
 */
function yamlProblem(code: string, message: string, offset: number, text: string): { message: string; offset: number; hint?: string } {
  if (code === 'BLOCK_AS_IMPLICIT_KEY' || code === 'MULTILINE_IMPLICIT_KEY') {
    const start = text.lastIndexOf('\n', offset - 1) + 1;
    const line = text.slice(start, text.indexOf('\n', start) < 0 ? text.length : text.indexOf('\n', start));
    const indent = line.length - line.trimStart().length;
    let next = text.indexOf('\n', start);
    while (next >= 0) {
      const from = next + 1;
      const to = text.indexOf('\n', from) < 0 ? text.length : text.indexOf('\n', from);
      const l = text.slice(from, to);
      if (l.trim() !== '' && !l.trimStart().startsWith('#')) {
        const deeper = l.length - l.trimStart().length;
        const key = /^\s*(?:- )?([^\s:#][^:#]*):(\s|$)/.exec(l)?.[1];
        if (deeper > indent && key !== undefined) {
          return {
            message: `'${key}:' is indented deeper than the line above, so YAML reads it as part of that line's value`,
            offset: from + deeper,
            hint: `indent it like the line above (${indent} spaces) if it is a key of the same mapping`,
          };
        }
        break;
      }
      next = text.indexOf('\n', from);
    }
    if (code === 'BLOCK_AS_IMPLICIT_KEY') {
      return { message: 'a value cannot start a mapping on the same line as its key', offset, hint: "put the nested keys on lines of their own, indented under the key, or quote the value if the ':' is part of it" };
    }
  }
  return { message, offset, ...(yamlHint(code) ? { hint: yamlHint(code)! } : {}) };
}

function yamlHint(code: string): string | undefined {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'each key may appear once per mapping; merge the two entries';
    case 'TAB_AS_INDENT':
      return 'indent with spaces, not tabs';
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
    case 'UNEXPECTED_TOKEN':
      return 'check the indentation and punctuation of this line against the lines around it';
    default:
      return undefined;
  }
}
