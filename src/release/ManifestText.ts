/**
 * Positions inside a manifest's text, so a release check can point at the
 * value it is about (`'version': '1.0'` → the `'1.0'`). parsePythonLiteral
 * gives values without positions; this walks the same text as tokens and
 * never needs to understand more than brackets, strings and commas.
 */
export interface Pos {
  line: number;
  column: number;
}

interface Token {
  /** A string literal's value (no escapes decoded), or the character/word itself. */
  text: string;
  string: boolean;
  offset: number;
}

export class ManifestText {
  private readonly tokens: Token[];

  constructor(private readonly source: string) {
    this.tokens = tokenize(source);
  }

  /** 1-based line and column of a character offset. */
  pos(offset: number): Pos {
    const before = this.source.slice(0, offset);
    const nl = before.lastIndexOf('\n');
    return { line: before.split('\n').length, column: offset - nl };
  }

  /** Where the value of a top-level key starts; undefined when the key is not there. */
  valuePos(key: string): Pos | undefined {
    const i = this.valueIndex(key);
    return i === undefined ? undefined : this.pos(this.tokens[i]!.offset);
  }

  /** Where a string literal equal to `entry` sits inside a top-level key's value. */
  entryPos(key: string, entry: string): Pos | undefined {
    const start = this.valueIndex(key);
    if (start === undefined) return undefined;
    let depth = 0;
    for (let i = start; i < this.tokens.length; i++) {
      const t = this.tokens[i]!;
      if (t.string) {
        if (t.text === entry) return this.pos(t.offset);
      } else if ('[({'.includes(t.text)) depth++;
      else if ('])}'.includes(t.text)) depth--;
      if (depth <= 0) return undefined;
    }
    return undefined;
  }

  private valueIndex(key: string): number | undefined {
    let depth = 0;
    for (let i = 0; i < this.tokens.length; i++) {
      const t = this.tokens[i]!;
      if (!t.string && '[({'.includes(t.text)) depth++;
      else if (!t.string && '])}'.includes(t.text)) depth--;
      else if (depth === 1 && t.string && t.text === key && this.tokens[i + 1]?.text === ':' && !this.tokens[i + 1]!.string) {
        return i + 2 < this.tokens.length ? i + 2 : undefined;
      }
    }
    return undefined;
  }
}

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < s.length && s[i] !== '\n') i++;
      continue;
    }
    const prefix = /^[rRbBuUfF]{0,2}(?=['"])/.exec(s.slice(i, i + 3));
    if (prefix) {
      const start = i;
      i += prefix[0].length;
      const quote = s.startsWith(s[i]!.repeat(3), i) ? s[i]!.repeat(3) : s[i]!;
      i += quote.length;
      const body = i;
      while (i < s.length && !s.startsWith(quote, i)) i += s[i] === '\\' ? 2 : 1;
      out.push({ text: s.slice(body, i), string: true, offset: start });
      i += quote.length;
      continue;
    }
    const word = /^[A-Za-z0-9_.+-]+/.exec(s.slice(i, i + 200));
    const text = word ? word[0] : c;
    out.push({ text, string: false, offset: i });
    i += text.length;
  }
  return out;
}
