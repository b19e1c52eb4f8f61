/**
 * Reads the Python literal in an Odoo `__manifest__.py`: a dict of strings,
 * numbers, booleans, None, lists, tuples and dicts, with comments and implicit
 * string concatenation. No code is ever executed.
 */
export type PyValue = string | number | boolean | null | PyValue[] | { [k: string]: PyValue };

export class PyLiteralError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export function parsePythonLiteral(text: string): PyValue {
  let i = 0;
  const fail = (msg: string): never => {
    throw new PyLiteralError(msg, i);
  };
  const skip = (): void => {
    for (;;) {
      while (i < text.length && /\s/.test(text[i]!)) i++;
      if (text[i] === '#') {
        while (i < text.length && text[i] !== '\n') i++;
        continue;
      }
      return;
    }
  };
  const str = (): string => {
    const prefix = /^[rRbBuU]?/.exec(text.slice(i))![0];
    const raw = prefix.toLowerCase() === 'r';
    i += prefix.length;
    const triple = text.startsWith("'''", i) || text.startsWith('"""', i);
    const quote = triple ? text.slice(i, i + 3) : text[i]!;
    i += quote.length;
    let out = '';
    while (i < text.length && !text.startsWith(quote, i)) {
      const c = text[i]!;
      if (c === '\n' && !triple) fail('unterminated string');
      if (c === '\\' && !raw) {
        const n = text[i + 1];
        const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '\n': '' };
        out += n !== undefined && n in map ? map[n]! : '\\' + (n ?? '');
        i += 2;
        continue;
      }
      out += c;
      i++;
    }
    if (i >= text.length) fail('unterminated string');
    i += quote.length;
    return out;
  };
  const value = (): PyValue => {
    skip();
    const c = text[i];
    if (c === undefined) return fail('unexpected end of file');
    if (c === '{') {
      i++;
      const obj: Record<string, PyValue> = {};
      for (;;) {
        skip();
        if (text[i] === '}') {
          i++;
          return obj;
        }
        const k = value();
        if (typeof k !== 'string') fail('dict keys must be strings');
        skip();
        if (text[i] !== ':') fail("expected ':'");
        i++;
        obj[k as string] = value();
        skip();
        if (text[i] === ',') i++;
        else if (text[i] !== '}') fail("expected ',' or '}'");
      }
    }
    if (c === '[' || c === '(') {
      const close = c === '[' ? ']' : ')';
      i++;
      const arr: PyValue[] = [];
      for (;;) {
        skip();
        if (text[i] === close) {
          i++;
          return arr;
        }
        arr.push(value());
        skip();
        if (text[i] === ',') i++;
        else if (text[i] !== close) fail(`expected ',' or '${close}'`);
      }
    }
    if (/[rRbBuU]?['"]/.test(text.slice(i, i + 2)) && (c === "'" || c === '"' || /['"]/.test(text[i + 1] ?? ''))) {
      let s = str();
      // Adjacent literals concatenate, as in Python.
      for (;;) {
        const save = i;
        skip();
        if (text[i] === "'" || text[i] === '"') s += str();
        else {
          i = save;
          return s;
        }
      }
    }
    const m = /^(True|False|None|[-+]?\d+(\.\d+)?)/.exec(text.slice(i));
    if (!m) return fail(`unexpected '${c}'`);
    i += m[0].length;
    if (m[0] === 'True') return true;
    if (m[0] === 'False') return false;
    if (m[0] === 'None') return null;
    return Number(m[0]);
  };
  const v = value();
  skip();
  if (i < text.length) fail('unexpected text after the manifest dict');
  return v;
}
