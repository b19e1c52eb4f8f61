import type { YamlPath } from './YamlSource.js';

/**
 * A parser for the plain subset of YAML that clients.yaml files are written in:
 * block mappings and sequences, one-line flow collections, one-line plain and
 * quoted scalars, comments. The `yaml` library reads such a file at about
 * 1 MB/s (it builds a CST and a Document with ranges that blink mostly
 * throws away); this reads it about eight times faster in a fresh process.
 *
 * It must give exactly what `parseDocument(...).toJS()` and YamlSource's
 * `nodePos` give, so it returns undefined ("declined") on anything outside
 * the subset or anything it is not sure the library reads the same way, and
 * the caller parses the file with the library instead. Every error, with its
 * message and position, therefore stays the library's: a file this accepts
 * is one the library accepts without complaint.
 */
export interface SimpleYaml {
  data: unknown;
  /** What YamlSource's `nodePos` answers for the library's Document, as a one-based line and column. */
  pos(path: YamlPath, key: boolean): { line: number; column: number };
}

export function parseSimpleYaml(text: string): SimpleYaml | undefined {
  // Tabs, CR, control characters, a BOM, NEL and the Unicode line separators
  // each change how YAML splits lines or indents, or draw an error: leave them
  // all to the library.
  if (UNSUPPORTED_CHAR.test(text)) return undefined;
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  let root: Parsed;
  try {
    root = new Parser(text, starts).document();
  } catch (e) {
    if (e === DECLINED) return undefined;
    throw e;
  }
  const tree = root.p;
  return {
    data: root.v,
    pos: (path, key) => linePos(starts, offsetAt(tree, path, key)),
  };
}

// Printable ASCII and newline, and the non-ASCII range minus NEL, C1 controls,
// U+2028/U+2029, the BOM and U+FFFE/U+FFFF. checkText has already refused
// invalid UTF-8, so surrogates here always come in pairs.
const UNSUPPORTED_CHAR = /[^\n\x20-\x7E\xA0-\u2027\u202A-\uFEFE\uFF00-\uFFFD]/;

/** Where each node starts: a scalar's offset, or a collection with its own and its children's. */
type PNode = number | PMap | PSeq;
interface PMap {
  at: number;
  entries: Map<string, { key: number; value: PNode }>;
}
interface PSeq {
  at: number;
  items: PNode[];
}
/** A parsed node: its JS value, its positions, and the first line with content after it. */
interface Parsed {
  v: unknown;
  p: PNode;
  next: number;
}

const DECLINED = { declined: true };
function decline(): never {
  throw DECLINED;
}

const SP = 0x20;
const HASH = 0x23;
const DASH = 0x2d;
const COLON = 0x3a;
const SQ = 0x27;
const DQ = 0x22;
const BACKSLASH = 0x5c;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const COMMA = 0x2c;

// The library refuses implicit keys over 1024 characters (strict mode); stay well clear.
const MAX_KEY = 1000;
// Deeper than any real config; keeps a pathological file from exhausting the stack here.
const MAX_DEPTH = 100;

class Parser {
  private readonly count: number;

  constructor(
    private readonly t: string,
    private readonly starts: number[],
  ) {
    this.count = starts.length;
  }

  document(): Parsed {
    const t = this.t;
    let li = this.content(0);
    if (li === this.count) decline();
    // One `---` line alone may open the document; anything else on it, or a second one, is the library's.
    if (this.indentOf(li) === 0 && t.startsWith('---', this.starts[li]!) && this.end(li) === this.starts[li]! + 3) li = this.content(li + 1);
    // A top-level scalar or flow collection, or a top level indented, is not what a clients.yaml is.
    if (li === this.count || this.indentOf(li) !== 0) decline();
    const root = this.node(li, 0, 0);
    if (root.next !== this.count) decline();
    return root;
  }

  /** A block mapping or sequence whose first entry starts at column `col` of line `li`. */
  private node(li: number, col: number, depth: number): Parsed {
    return this.isDash(li, col) ? this.seq(li, col, depth) : this.map(li, col, depth);
  }

  private seq(li: number, col: number, depth: number): Parsed {
    if (depth > MAX_DEPTH) decline();
    const t = this.t;
    const items: unknown[] = [];
    const pitems: PNode[] = [];
    const at = this.starts[li]! + col;
    for (;;) {
      const e = this.end(li);
      let p = this.starts[li]! + col + 1;
      while (p < e && t.charCodeAt(p) === SP) p++;
      let r: Parsed;
      if (p === e || t.charCodeAt(p) === HASH) r = this.valueBelow(li, p, col, false, depth);
      else r = this.inline(li, p, e, true, depth);
      items.push(r.v);
      pitems.push(r.p);
      li = r.next;
      if (li === this.count) break;
      const ind = this.indentOf(li);
      if (ind > col) decline();
      if (ind < col || !this.isDash(li, col)) break;
    }
    return { v: items, p: { at, items: pitems }, next: li };
  }

  private map(li: number, col: number, depth: number): Parsed {
    if (depth > MAX_DEPTH) decline();
    const t = this.t;
    const obj: Record<string, unknown> = {};
    const entries = new Map<string, { key: number; value: PNode }>();
    const at = this.starts[li]! + col;
    for (;;) {
      const e = this.end(li);
      const k = this.starts[li]! + col;
      if (col === 0 && (t.startsWith('---', k) || t.startsWith('...', k))) decline();
      const { key, colon } = this.key(k, e, false);
      if (entries.has(key)) decline();
      let p = colon + 1;
      while (p < e && t.charCodeAt(p) === SP) p++;
      const r = p === e || t.charCodeAt(p) === HASH ? this.valueBelow(li, p, col, true, depth) : this.inline(li, p, e, false, depth);
      setKey(obj, key, r.v);
      entries.set(key, { key: k, value: r.p });
      li = r.next;
      if (li === this.count) break;
      const ind = this.indentOf(li);
      if (ind > col) decline();
      if (ind < col) break;
    }
    return { v: obj, p: { at, entries }, next: li };
  }

  /** A mapping key starting at `k`, quoted or plain, and the offset of the ':' right after it. */
  private key(k: number, e: number, inFlow: boolean): { key: string; colon: number } {
    const t = this.t;
    const c = t.charCodeAt(k);
    let key: string;
    let colon: number;
    if (c === SQ || c === DQ) {
      const q = this.quoted(k, e);
      key = q.v;
      colon = q.end;
    } else {
      colon = this.plainEnd(k, e, inFlow);
      // `a : b` is YAML too, but rare enough to leave to the library.
      if (t.charCodeAt(colon - 1) === SP) decline();
      key = plainKey(t.slice(k, colon));
    }
    if (t.charCodeAt(colon) !== COLON || colon - k > MAX_KEY) decline();
    // A space after the ':', or in block context the line's end: `"a":1` and `{"a":1}` are read otherwise.
    if (colon + 1 < e ? t.charCodeAt(colon + 1) !== SP : inFlow) decline();
    return { key, colon };
  }

  /**
   * The value of a key or item with nothing after its indicator on its own
   * line: a block collection on the lines below, or null. A sequence may sit at
   * the key's own column. The null is placed where the library places an empty
   * node: after the indicator and the spaces that follow it (`empty`).
   */
  private valueBelow(li: number, empty: number, col: number, ofKey: boolean, depth: number): Parsed {
    const next = this.content(li + 1);
    if (next < this.count) {
      const ind = this.indentOf(next);
      if (ind > col) return this.node(next, ind, depth + 1);
      if (ofKey && ind === col && this.isDash(next, col)) return this.seq(next, col, depth + 1);
    }
    return { v: null, p: empty, next };
  }

  /**
   * A value that starts at `p` on the line of its key or `- `. In a sequence
   * item (`inSeq`) it may itself be a sequence or a mapping (`- - x`, `- k: v`),
   * which then continues at this column on the lines below.
   */
  private inline(li: number, p: number, e: number, inSeq: boolean, depth: number): Parsed {
    const t = this.t;
    const c = t.charCodeAt(p);
    const col = p - this.starts[li]!;
    if (c === DASH && (p + 1 === e || t.charCodeAt(p + 1) === SP)) {
      if (!inSeq) decline();
      return this.seq(li, col, depth + 1);
    }
    if (c === LBRACKET || c === LBRACE) {
      const f = this.flow(p, e, depth + 1);
      this.trailer(f.end, e);
      return { v: f.v, p: f.p, next: this.content(li + 1) };
    }
    if (c === SQ || c === DQ) {
      const s = this.quoted(p, e);
      if (t.charCodeAt(s.end) === COLON) {
        if (!inSeq) decline();
        return this.map(li, col, depth + 1);
      }
      this.trailer(s.end, e);
      return { v: s.v, p, next: this.content(li + 1) };
    }
    const q = this.plainEnd(p, e, false);
    if (q < e && t.charCodeAt(q) === COLON) {
      // `a: b: c` is an error; `- k: v` opens a mapping.
      if (!inSeq) decline();
      return this.map(li, col, depth + 1);
    }
    let last = q;
    while (t.charCodeAt(last - 1) === SP) last--;
    return { v: resolvePlain(t.slice(p, last)), p, next: this.content(li + 1) };
  }

  /** A flow collection that opens at `p` and closes on the same line. */
  private flow(p: number, e: number, depth: number): { v: unknown; p: PNode; end: number } {
    if (depth > MAX_DEPTH) decline();
    const t = this.t;
    const isMap = t.charCodeAt(p) === LBRACE;
    const close = isMap ? RBRACE : RBRACKET;
    const items: unknown[] = [];
    const pitems: PNode[] = [];
    const obj: Record<string, unknown> = {};
    const entries = new Map<string, { key: number; value: PNode }>();
    let i = this.spaces(p + 1, e);
    if (t.charCodeAt(i) === close) return { v: isMap ? obj : items, p: isMap ? { at: p, entries } : { at: p, items: pitems }, end: i + 1 };
    for (;;) {
      if (isMap) {
        const { key, colon } = this.key(i, e, true);
        if (entries.has(key)) decline();
        const val = this.flowItem(this.spaces(colon + 1, e), e, depth);
        setKey(obj, key, val.v);
        entries.set(key, { key: i, value: val.p });
        i = val.end;
      } else {
        const item = this.flowItem(i, e, depth);
        items.push(item.v);
        pitems.push(item.p);
        i = item.end;
      }
      i = this.spaces(i, e);
      const c = t.charCodeAt(i);
      if (i < e && c === close) {
        i++;
        break;
      }
      if (i >= e || c !== COMMA) decline();
      i = this.spaces(i + 1, e);
      // A trailing comma, or an empty entry, is left to the library.
      if (i >= e || t.charCodeAt(i) === close || t.charCodeAt(i) === COMMA) decline();
    }
    return { v: isMap ? obj : items, p: isMap ? { at: p, entries } : { at: p, items: pitems }, end: i };
  }

  /** One value inside a flow collection; `end` is just past it (spaces after a plain scalar included). */
  private flowItem(p: number, e: number, depth: number): { v: unknown; p: PNode; end: number } {
    if (p >= e) decline();
    const t = this.t;
    const c = t.charCodeAt(p);
    if (c === LBRACKET || c === LBRACE) return this.flow(p, e, depth + 1);
    if (c === SQ || c === DQ) {
      const s = this.quoted(p, e);
      return { v: s.v, p, end: s.end };
    }
    const q = this.plainEnd(p, e, true);
    // A ':' indicator here would make a pair (`[a: b]`, `[a:]`).
    if (q >= e || t.charCodeAt(q) === COLON) decline();
    let last = q;
    while (t.charCodeAt(last - 1) === SP) last--;
    return { v: resolvePlain(t.slice(p, last)), p, end: q };
  }

  /**
   * Where the plain scalar starting at `p` stops, as the library's lexer
   * decides it: at a ':' followed by a space or the line's end (in flow, or by
   * a flow indicator), at ' #', at the line's end, or in flow at a flow
   * indicator. Trailing spaces are not trimmed. Refuses a start YAML gives a
   * meaning of its own.
   */
  private plainEnd(p: number, e: number, inFlow: boolean): number {
    const t = this.t;
    if (p >= e || NOT_PLAIN_START.has(t.charCodeAt(p))) decline();
    if (t.charCodeAt(p) === DASH && (p + 1 === e || t.charCodeAt(p + 1) === SP || (inFlow && FLOW_INDICATOR.has(t.charCodeAt(p + 1))))) decline();
    let i = p;
    for (; i < e; i++) {
      const c = t.charCodeAt(i);
      if (c === COLON) {
        const n = t.charCodeAt(i + 1);
        if (i + 1 === e || n === SP || (inFlow && FLOW_INDICATOR.has(n))) return i;
      } else if (c === SP) {
        if (t.charCodeAt(i + 1) === HASH) {
          if (inFlow) decline();
          return i;
        }
      } else if (inFlow && FLOW_INDICATOR.has(c)) {
        return i;
      }
    }
    return i;
  }

  /** A quoted scalar that closes on its own line; `end` is just past the closing quote. */
  private quoted(p: number, e: number): { v: string; end: number } {
    const t = this.t;
    if (t.charCodeAt(p) === SQ) {
      let v = '';
      let i = p + 1;
      for (;;) {
        const j = t.indexOf("'", i);
        if (j < 0 || j >= e) decline();
        if (t.charCodeAt(j + 1) === SQ && j + 1 < e) {
          v += t.slice(i, j + 1);
          i = j + 2;
          continue;
        }
        return { v: v + t.slice(i, j), end: j + 1 };
      }
    }
    let v = '';
    let from = p + 1;
    for (let i = from; ; i++) {
      if (i >= e) decline();
      const c = t.charCodeAt(i);
      if (c === DQ) return { v: v + t.slice(from, i), end: i + 1 };
      if (c !== BACKSLASH) continue;
      v += t.slice(from, i);
      const x = t[i + 1];
      if (x === undefined || i + 1 >= e) decline();
      const simple = ESCAPES[x];
      if (simple !== undefined) {
        v += simple;
        i += 1;
      } else {
        const len = x === 'x' ? 2 : x === 'u' ? 4 : x === 'U' ? 8 : 0;
        const hex = t.slice(i + 2, i + 2 + len);
        if (len === 0 || i + 2 + len > e || !/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) decline();
        const code = parseInt(hex, 16);
        if (code > 0x10ffff) decline();
        v += String.fromCodePoint(code);
        i += 1 + len;
      }
      from = i + 1;
    }
  }

  /** After a quoted scalar or flow collection: only spaces, then the line's end or a comment. */
  private trailer(q: number, e: number): void {
    const t = this.t;
    const p = this.spaces(q, e);
    if (p < e && (t.charCodeAt(p) !== HASH || p === q)) decline();
  }

  private spaces(i: number, e: number): number {
    while (i < e && this.t.charCodeAt(i) === SP) i++;
    return i;
  }

  /** Whether line `li` has a sequence indicator `-` at column `col`. */
  private isDash(li: number, col: number): boolean {
    const p = this.starts[li]! + col;
    const e = this.end(li);
    return p < e && this.t.charCodeAt(p) === DASH && (p + 1 === e || this.t.charCodeAt(p + 1) === SP);
  }

  /** End of line `li` (the offset of its newline, or of the text's end). */
  private end(li: number): number {
    return li + 1 < this.count ? this.starts[li + 1]! - 1 : this.t.length;
  }

  private indentOf(li: number): number {
    const s = this.starts[li]!;
    return this.spaces(s, this.end(li)) - s;
  }

  /** The first line from `li` on that is neither blank nor only a comment, or `count`. */
  private content(li: number): number {
    for (; li < this.count; li++) {
      const e = this.end(li);
      const p = this.spaces(this.starts[li]!, e);
      if (p < e && this.t.charCodeAt(p) !== HASH) return li;
    }
    return li;
  }
}

// Indicators that give a plain scalar's first character a meaning of its own
// (or are reserved), plus '?' and ':', which can start a plain scalar but not
// in every context: all left to the library.
const NOT_PLAIN_START = new Set([...'?:,[]{}#&*!|>\'"%@`'].map((c) => c.charCodeAt(0)));

const FLOW_INDICATOR = new Set([COMMA, LBRACKET, RBRACKET, LBRACE, RBRACE]);

// The escapes of a double-quoted scalar, as the library maps them (YAML 1.2);
// an escaped line break and an escaped tab cannot occur here.
const ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
};
Object.setPrototypeOf(ESCAPES, null);

/**
 * A plain scalar as the library's YAML 1.2 core schema resolves it: its tags'
 * tests in the schema's order (null, bool, octal, decimal and hex int, the
 * special floats, exponent floats, floats), then a string.
 */
function resolvePlain(s: string): unknown {
  const c = s.charCodeAt(0);
  // Only these first characters can make anything but a string.
  if (!((c >= 0x30 && c <= 0x39) || c === 0x2b || c === DASH || c === 0x2e || c === 0x7e || 'nNtTfF'.includes(s[0]!))) return s;
  if (/^(?:~|[Nn]ull|NULL)?$/.test(s)) return null;
  if (/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(s)) return s[0] === 't' || s[0] === 'T';
  if (/^0o[0-7]+$/.test(s)) return parseInt(s.substring(2), 8);
  if (/^[-+]?[0-9]+$/.test(s)) return parseInt(s, 10);
  if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s.substring(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s)) return s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s)) return parseFloat(s);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s)) return parseFloat(s);
  return s;
}

/** A plain key: only one that resolves to a string (`1:`, `true:`, `~:` do not), and never a merge key. */
function plainKey(s: string): string {
  const v = resolvePlain(s);
  if (typeof v !== 'string' || v === '<<') decline();
  return v;
}

/** As the library's toJS adds a pair: a key an object inherits (`__proto__`, `toString`) becomes an own property. */
function setKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key in obj) Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  else obj[key] = value;
}

/** YamlSource's nodePos over the positions recorded here: the deepest node the path reaches. */
function offsetAt(root: PNode, path: YamlPath, key: boolean): number {
  let node: PNode | undefined = root;
  let best = at(root);
  for (let i = 0; i < path.length; i++) {
    if (node === undefined || typeof node === 'number') break;
    const seg = path[i]!;
    if ('entries' in node) {
      const entry = node.entries.get(String(seg));
      if (!entry) break;
      if (key && i === path.length - 1) return entry.key;
      node = entry.value;
      best = at(entry.value);
    } else {
      node = node.items[Number(seg)];
      if (node !== undefined) best = at(node);
    }
  }
  return best;
}

function at(node: PNode): number {
  return typeof node === 'number' ? node : node.at;
}

/** The library's LineCounter.linePos, over the same line starts. */
function linePos(starts: number[], offset: number): { line: number; column: number } {
  let low = 0;
  let high = starts.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (starts[mid]! < offset) low = mid + 1;
    else high = mid;
  }
  if (starts[low] === offset) return { line: low + 1, column: 1 };
  return { line: low, column: offset - starts[low - 1]! + 1 };
}
