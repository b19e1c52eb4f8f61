import type { DiagnosticCode } from '../../src/diagnostics/Diagnostic.js';

/**
 * INI texts read both by parseIni and by Python's RawConfigParser (configparserOracle.py).
 * `codes`: every diagnostic code parseIni must report, sorted. When Python accepts the
 * text, only our misreading checks may appear (BLINK015, BLINK205, BLINK002, and BLINK200
 * for section names Odoo would not read); when Python raises, `codes` includes the code
 * that exception maps to (see PYTHON_ERROR_CODES).
 */
export interface CorpusCase {
  name: string;
  text: string;
  codes: DiagnosticCode[];
}

export const PYTHON_ERROR_CODES: Record<string, DiagnosticCode> = {
  MissingSectionHeaderError: 'BLINK200',
  DuplicateSectionError: 'BLINK200',
  DuplicateOptionError: 'BLINK206',
  ParsingError: 'BLINK200',
};

export const INI_CORPUS: CorpusCase[] = [
  { name: 'plain options', text: '[options]\nhttp_port = 8069\ndb_name = a\n', codes: [] },
  { name: 'colon delimiter, first delimiter wins', text: '[options]\nhttp_port: 9000\nkey:=v\nk = a:b\nurl = http://x:8069/a=b\n', codes: [] },
  { name: 'comments of both kinds, indented and not', text: '# top\n; top2\n[options]\n  # indented\n\t; tab indented\nworkers = 2\n    # after\n', codes: [] },
  { name: 'inline comments stay in the value', text: '[options]\nhttp_interface = 127.0.0.1 ; local only\nadmin_passwd = abc#def;ghi\ndbfilter = ^%d$\t# x\n', codes: ['BLINK205'] },
  { name: 'value that looks like a comment', text: '[options]\na = ;not a comment\nb =;kept\n', codes: ['BLINK205'] },
  { name: 'continuation lines', text: '[options]\naddons_path = /a,\n    /b,\n    /c\nworkers = 2\n', codes: ['BLINK015'] },
  { name: 'blank and comment lines inside a value', text: '[options]\na = 1\n\n  b\n  # c\n  d\n\n\nx = y\n', codes: ['BLINK015'] },
  { name: 'indented line after a blank line still continues', text: '[options]\na = 1\n\n  b = 2\n', codes: ['BLINK015'] },
  { name: 'indented section header is a continuation', text: '[options]\na = 1\n  [other]\n  c = 3\n', codes: ['BLINK015'] },
  { name: 'empty value continued', text: '[options]\na =\n  x\n', codes: ['BLINK015'] },
  { name: 'trailing blank lines are not part of the value', text: '[options]\na = 1\n\n\n\f\n[queue_job]\nchannels = root:2\n', codes: [] },
  { name: '[DEFAULT] merged under every section', text: '[DEFAULT]\ndb_host = h\nworkers = 1\n[options]\nworkers = 4\nhttp_port = 1\n[queue_job]\nchannels = root:2\n', codes: [] },
  { name: '[DEFAULT] opened twice', text: '[DEFAULT]\na=1\n[options]\nz = 0\n[DEFAULT]\nb=2\n', codes: [] },
  { name: 'mixed-case keys', text: '[options]\nData_Dir = /x\nHTTP_PORT=1\n', codes: [] },
  { name: 'percent signs are literal', text: '[options]\ndbfilter = ^%d$\nadmin_passwd = 50%off%(x)s%%\n', codes: [] },
  { name: 'empty values', text: '[options]\nhttp_interface =\nlogfile = \ndb_password:\n', codes: [] },
  { name: 'spaces around delimiters, indented first key', text: '[options]\n   db_name   =    mydb   \nx\t=\ty\n', codes: [] },
  { name: 'less indented keys after an indented one', text: '[options]\n  a = 1\n b = 2\nc = 3\n', codes: [] },
  { name: 'keys with spaces', text: '[options]\nmy key = v\n', codes: [] },
  { name: 'key starting with a bracket', text: '[options]\n[a = b\n', codes: [] },
  { name: 'trailing whitespace', text: '[options]   \na = 1   \t\n', codes: [] },
  { name: 'CRLF line endings', text: '[options]\r\na = 1\r\nb = 2\r\n  c\r\n', codes: ['BLINK015'] },
  { name: 'CR line endings', text: '[options]\ra = 1\rb = 2\r', codes: [] },
  { name: 'tabs', text: '[options]\n\tkey\t=\tvalue\twith\ttabs\t\n', codes: [] },
  { name: "Python's whitespace is not JavaScript's", text: '[options]\na = x\x1f\nb = \uFEFFy\nc = p\x1cq\n', codes: [] },
  { name: 'no-break space indents a continuation', text: '[options]\na = 1\n\u00a0b\n', codes: ['BLINK015'] },
  { name: 'comment after a section header', text: '[options] ; main\na = 1\n', codes: ['BLINK205'] },
  { name: 'greedy section header', text: '[options]]\na = 1\n', codes: ['BLINK200'] },
  { name: 'section name in the wrong case', text: '[Options]\nworkers = 2\n', codes: ['BLINK200'] },
  { name: 'section name with spaces', text: '[ options ]\nworkers = 2\n', codes: ['BLINK200'] },
  { name: '[DEFAULT] without [options]', text: '[DEFAULT]\nworkers = 2\n', codes: ['BLINK200'] },
  { name: 'empty file', text: '', codes: ['BLINK002'] },
  { name: 'whitespace-only file', text: '  \n\n', codes: ['BLINK002'] },
  { name: 'NUL byte', text: '[options]\na = \0\n', codes: ['BLINK002'] },
  { name: 'duplicate key, differing case', text: '[options]\na = 1\nA = 2\n', codes: ['BLINK206'] },
  { name: 'duplicate key across [DEFAULT] blocks', text: '[DEFAULT]\na=1\n[DEFAULT]\na=2\n[options]\n', codes: ['BLINK206'] },
  { name: 'duplicate section', text: '[options]\na = 1\n[other]\n[options]\nb = 2\n', codes: ['BLINK200'] },
  { name: 'missing section header', text: 'a = 1\n[options]\n', codes: ['BLINK200'] },
  { name: 'comment then missing section header', text: '# odoo\n\nworkers = 2\n', codes: ['BLINK200'] },
  { name: 'value-less key', text: '[options]\nproxy_mode\n', codes: ['BLINK200'] },
  { name: 'empty key', text: '[options]\n= 1\n', codes: ['BLINK200'] },
  { name: 'junk line keeps the previous key open', text: '[options]\na = 1\njunk\n  more\n', codes: ['BLINK015', 'BLINK200'] },
  { name: 'UTF-8 BOM', text: '\uFEFF[options]\na = 1\n', codes: ['BLINK200'] },
  { name: 'UTF-8 BOM before a comment', text: '\uFEFF# conf\n[options]\na = 1\n', codes: ['BLINK200'] },
];
