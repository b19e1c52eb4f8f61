import { error, sortDiagnostics, type Diagnostic } from '../diagnostics/Diagnostic.js';
import { didYouMean } from '../diagnostics/didYouMean.js';
import { DEFAULT_SECTION, OPTIONS_SECTION, type IniEntry, type IniFile, type IniSection } from './IniFile.js';

/**
 * Python's `str.isspace()` set, which is also what `str.strip()` and `re`'s `\s`
 * use. It differs from JavaScript's `\s`/`trim()`: Python counts \x1c-\x1f and
 * \x85 as whitespace and does not count the BOM (U+FEFF).
 */
const PY_WS = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const LEADING_WS = new RegExp(`^[${PY_WS}]+`);
const TRAILING_WS = new RegExp(`[${PY_WS}]+$`);
const INLINE_COMMENT = new RegExp(`[${PY_WS}][;#]`);
// configparser's SECTCRE, `\[(?P<header>.+)\]`, applied with re.match: greedy, not anchored at the end.
const SECTION_HEADER = /^\[([^\n]+)\]/;

/** Python's `str.strip()`. */
export function pythonStrip(s: string): string {
  return s.replace(LEADING_WS, '').replace(TRAILING_WS, '');
}

function pythonRstrip(s: string): string {
  return s.replace(TRAILING_WS, '');
}

function leadingWhitespace(s: string): number {
  return LEADING_WS.exec(s)?.[0].length ?? 0;
}

interface Building {
  section: IniSection;
  /** Value pieces per entry, joined at the end like `_join_multiline_values`. */
  pieces: Map<IniEntry, Piece[]>;
}

interface Piece {
  text: string;
  line: number;
  column: number;
}

/**
 * Reads an odoo.conf exactly as Odoo 18 does (`RawConfigParser()` defaults: strict,
 * no interpolation, `=` and `:` delimiters, `#`/`;` full-line comments only,
 * multi-line values, `[DEFAULT]` merged) and reports, as errors, both what Python
 * rejects and what Odoo would silently misread.
 *
 * Pass the file's bytes when you have them: only then can invalid UTF-8 be told
 * apart from a real U+FFFD. The returned `ini` is a best effort even when there
 * are errors, so later checks still run.
 */
export function parseIni(text: string | Uint8Array, file: string): { ini: IniFile; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const ini: IniFile = { file, sections: [] };
  const at = (line: number, column: number) => ({ file, line, column });

  let source: string;
  if (typeof text === 'string') {
    source = text;
  } else {
    try {
      // ignoreBOM keeps a BOM in the text so it is reported below, as Odoo would choke on it.
      source = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(text);
    } catch {
      diagnostics.push(error('BLINK002', `${file} is not valid UTF-8 text`, at(1, 1), 'save the file as UTF-8 text; Odoo aborts with UnicodeDecodeError on other bytes'));
      return { ini, diagnostics };
    }
  }
  if (source.includes('\0') || source.includes('\uFFFD')) {
    diagnostics.push(error('BLINK002', `${file} looks binary (NUL bytes or bytes that are not UTF-8)`, at(1, 1), 'write the file as plain UTF-8 text with `key = value` lines under [options]'));
    return { ini, diagnostics };
  }
  if (pythonStrip(source) === '' && !source.startsWith('\uFEFF')) {
    diagnostics.push(error('BLINK002', `${file} is empty`, at(1, 1), 'write at least an [options] section, or delete the file'));
    return { ini, diagnostics };
  }
  if (source.startsWith('\uFEFF')) {
    // Odoo opens the file as plain UTF-8, so the mark stays glued to the first line and
    // `\ufeff[options]` is no section header: startup fails with MissingSectionHeaderError.
    diagnostics.push(error('BLINK200', 'file starts with a UTF-8 byte order mark (BOM)', at(1, 1), 'save the file as UTF-8 without BOM; Odoo reads the mark as part of the first line and refuses the file'));
    source = source.slice(1);
  }

  // Python reads the file with universal newlines: \r\n, \r and \n all end a line, nothing else does.
  const lines = source.split(/\r\n|\r|\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();

  const sections = new Map<string, Building>();
  let current: Building | undefined;
  let currentEntry: { entry: IniEntry; pieces: Piece[] } | undefined;
  let indentLevel = 0;
  let missingHeaderReported = false;

  const openSection = (name: string, line: number): Building => {
    const section: IniSection = { name, line, entries: [] };
    const b: Building = { section, pieces: new Map() };
    sections.set(name, b);
    ini.sections.push(section);
    return b;
  };

  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const lineNo = i + 1;
    const stripped = pythonStrip(raw);
    const isComment = stripped.startsWith('#') || stripped.startsWith(';');
    if (stripped === '' || isComment) {
      // Python keeps blank lines inside a value (empty_lines_in_values=True); comment lines are skipped.
      if (!isComment && currentEntry) currentEntry.pieces.push({ text: '', line: lineNo, column: 1 });
      continue;
    }
    const indent = leadingWhitespace(raw);
    if (current && currentEntry && indent > indentLevel) {
      currentEntry.pieces.push({ text: stripped, line: lineNo, column: indent + 1 });
      continue;
    }
    indentLevel = indent;

    const header = SECTION_HEADER.exec(stripped);
    if (header) {
      const name = header[1]!;
      currentEntry = undefined;
      checkHeader(name, header[0].length < stripped.length, lineNo, indent, stripped);
      const existing = sections.get(name);
      if (existing && name !== DEFAULT_SECTION) {
        diagnostics.push(
          error('BLINK200', `duplicate section [${name}]: already opened on line ${existing.section.line}`, at(lineNo, indent + 1), `merge both [${name}] blocks into the one on line ${existing.section.line}; Odoo refuses the file (DuplicateSectionError)`),
        );
      }
      current = existing ?? openSection(name, lineNo);
      continue;
    }

    if (!current) {
      if (!missingHeaderReported) {
        diagnostics.push(error('BLINK200', 'line before any section header', at(lineNo, indent + 1), 'start the file with `[options]`; Odoo refuses a file whose first line is not a section header (MissingSectionHeaderError)'));
        missingHeaderReported = true;
      }
      continue;
    }

    // OPTCRE: `(?P<option>.*?)\s*(?P<vi>=|:)\s*(?P<value>.*)$` — the first `=` or `:` wins.
    const delimiter = stripped.search(/[=:]/);
    if (delimiter === -1) {
      // Python leaves the previous key open here, so more-indented lines still continue it.
      // The line is not quoted: it may be a pasted password.
      diagnostics.push(error('BLINK200', 'line is neither a section header nor `key = value`', at(lineNo, indent + 1), 'write `key = value` (Odoo 18 has no value-less keys), or make the line a comment starting with # or ;'));
      continue;
    }
    const key = pythonRstrip(stripped.slice(0, delimiter)).toLowerCase();
    const afterDelimiter = stripped.slice(delimiter + 1);
    const value = pythonStrip(afterDelimiter);
    const valueColumn = indent + delimiter + 1 + leadingWhitespace(afterDelimiter) + 1;
    if (key === '') {
      diagnostics.push(error('BLINK200', `missing key before \`${stripped[delimiter]}\``, at(lineNo, indent + 1), 'write `key = value`; Odoo refuses a line that starts with a delimiter (ParsingError)'));
      currentEntry = undefined;
      continue;
    }

    const entry: IniEntry = { key, value, line: lineNo, column: indent + 1, valueColumn };
    const pieces: Piece[] = [{ text: value, line: lineNo, column: valueColumn }];
    const first = current.section.entries.find((e) => e.key === key);
    if (first) {
      diagnostics.push(
        error('BLINK206', `duplicate key \`${key}\` in [${current.section.name}]: lines ${first.line} and ${lineNo}`, at(lineNo, indent + 1), `keep one of lines ${first.line} and ${lineNo}; Odoo refuses to start with a duplicate key (DuplicateOptionError)`),
      );
      // Still consume this key's continuation lines, but keep the first definition.
      currentEntry = { entry, pieces };
    } else {
      current.section.entries.push(entry);
      current.pieces.set(entry, pieces);
      currentEntry = { entry, pieces };
    }

    // Points at the comment instead of quoting it: values may be secrets.
    const comment = INLINE_COMMENT.exec(raw.slice(indent + delimiter + 1));
    if (comment) {
      const column = indent + delimiter + 1 + comment.index + 2;
      diagnostics.push(
        error('BLINK205', `inline comment in the value of \`${key}\``, at(lineNo, column), `move the comment to its own line: Odoo keeps everything from column ${column} as part of the value. INI has no quoting, so a value must not contain a space or tab followed by ; or #`),
      );
    }
  }

  for (const b of sections.values()) {
    for (const entry of b.section.entries) {
      const pieces = b.pieces.get(entry)!;
      entry.value = pythonRstrip(pieces.map((p) => p.text).join('\n'));
      if (entry.value.includes('\n')) {
        const where = pieces.slice(1).find((p) => p.text !== '')!;
        diagnostics.push(
          error('BLINK015', `the value of \`${entry.key}\` spans several lines`, at(where.line, where.column), `write the whole value on line ${entry.line} (lists as \`a,b,c\`); Odoo joins indented continuation lines with a newline that becomes part of the value`),
        );
      }
    }
  }

  const defaults = sections.get(DEFAULT_SECTION);
  if (defaults && defaults.section.entries.length > 0 && !sections.has(OPTIONS_SECTION)) {
    diagnostics.push(error('BLINK200', 'values in [DEFAULT] are ignored: the file has no [options] section', at(defaults.section.line, 1), 'put the keys under [options]; Odoo only reads [options] and skips the whole file when that section is missing'));
  }

  return { ini, diagnostics: sortDiagnostics(diagnostics) };

  function checkHeader(name: string, trailing: boolean, lineNo: number, indent: number, stripped: string): void {
    if (trailing || name.includes(']')) {
      const close = stripped.indexOf(']');
      const rest = stripped.slice(close + 1);
      const column = indent + close + 2;
      if (new RegExp(`^[${PY_WS}]*[;#]`).test(rest) || INLINE_COMMENT.test(rest)) {
        diagnostics.push(error('BLINK205', 'comment after a section header', at(lineNo, column), `move the comment to its own line; Odoo reads the section name as \`${name}\``));
      } else {
        diagnostics.push(error('BLINK200', 'text after a section header', at(lineNo, column), `write only \`[name]\` on the line; Odoo reads the section name as \`${name}\``));
      }
      return;
    }
    // Section names are case- and space-sensitive: anything but exactly [options] is not read by Odoo.
    const intended = [OPTIONS_SECTION, DEFAULT_SECTION].find(
      (want) => name !== want && (pythonStrip(name).toLowerCase() === want.toLowerCase() || didYouMean(name, [want]) === want),
    );
    if (intended) {
      diagnostics.push(error('BLINK200', `section [${name}] is not [${intended}]`, at(lineNo, indent + 1), `write \`[${intended}]\` exactly; Odoo ignores the keys under [${name}]`));
    }
  }
}
