/**
 * One problem found anywhere in the pipeline. Every stage collects these
 * instead of throwing; the CLI prints them once, compiler style.
 */
export type Severity = 'error' | 'warning';

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  /** Path as shown to the user (relative to the working directory when possible). */
  file?: string;
  /** 1-based. */
  line?: number;
  /** 1-based. */
  column?: number;
  hint?: string;
  /** The server a warning is about: a run limited to other servers leaves it out. */
  server?: string;
}

/** Warnings about servers a run does not touch are noise there; errors always count. */
export function forServers(diagnostics: readonly Diagnostic[], servers: ReadonlySet<string>): Diagnostic[] {
  return diagnostics.filter((d) => d.severity !== 'warning' || d.server === undefined || servers.has(d.server));
}

/** Where a value came from: a file position, used for provenance and diagnostics. */
export interface SourcePos {
  file: string;
  line: number;
  column: number;
}

/**
 * The closed catalogue of codes. Numbers are grouped by stage so a code says
 * where to look: 0xx load, 1xx clients.yaml meaning, 2xx INI (22x: modules
 * against the Odoo 18 module catalogue), 3xx fleet checks,
 * 4xx render/write, 5xx apply, 6xx deploy (60x git and branch policy, 61x the
 * release's own checks, 62x on the server).
 */
export const CODES = {
  BLINK001: 'file missing or unreadable',
  BLINK002: 'empty or binary file',
  BLINK003: 'YAML syntax error',
  BLINK004: 'YAML alias expansion refused',
  BLINK005: 'unsupported version',
  BLINK010: 'unknown key',
  BLINK011: 'wrong type',
  BLINK012: 'invalid value',
  BLINK013: 'missing required key',
  BLINK014: 'invalid name',
  BLINK015: 'unsafe value',
  BLINK016: 'invalid cron schedule',
  BLINK017: 'link dangles or leaves its folder',
  BLINK018: 'link loop',
  BLINK019: 'neither a file nor a folder',
  BLINK020: 'undefined server',
  BLINK021: 'undefined kind',
  BLINK022: 'unknown module',
  BLINK023: 'module dependency not satisfied',
  BLINK024: 'invalid module manifest',
  BLINK200: 'INI syntax error',
  BLINK201: 'unknown Odoo option',
  BLINK202: 'removed or renamed Odoo option',
  BLINK203: 'invalid boolean',
  BLINK204: 'invalid integer',
  BLINK205: 'inline comment',
  BLINK206: 'duplicate key',
  BLINK207: 'extends cycle',
  BLINK208: 'extends parent missing',
  BLINK209: 'extends outside config',
  BLINK210: 'option not allowed in a service config',
  BLINK211: 'invalid choice',
  BLINK212: 'invalid number',
  BLINK213: 'option owned by clients.yaml',
  BLINK214: 'section not rendered',
  BLINK215: 'workers unknown when rendering',
  BLINK220: 'module not installable',
  BLINK221: 'declared addons folder not on addons_path',
  BLINK222: 'custom module named like an Odoo module',
  BLINK230: 'boolean where Odoo wants text',
  BLINK231: 'None is text to Odoo',
  BLINK232: 'relative path',
  BLINK233: 'option Odoo passes on uncast',
  BLINK234: 'syslog drops the logfile',
  BLINK235: 'logging option Odoo cannot read',
  BLINK236: 'empty value with a meaning',
  BLINK240: 'set_owners: false on a server without a root folder',
  BLINK250: 'two environments, one instance id',
  BLINK251: 'derived name shared by two instances',
  BLINK252: 'name too long for a file, tar or database name',
  BLINK253: 'extends chain too deep',
  BLINK254: 'reference is only part of a value',
  BLINK255: 'extends in an odoo: map',
  BLINK256: 'resolved reference has the wrong type',
  BLINK260: 'ssh option refused',
  BLINK261: 'check command without its file',
  BLINK270: 'fail2ban cannot read the log',
  BLINK280: 'PostgreSQL connections overcommitted',
  BLINK285: 'configuration backup key not one ${NAME} reference',
  BLINK290: 'backup key not a per-instance secret reference',
  BLINK291: 'backup folder overlaps the backup keys',
  BLINK296: 'invalid firewall rule',
  BLINK300: 'port collision',
  BLINK301: 'database collision',
  BLINK302: 'data_dir collision',
  BLINK303: 'host collision',
  BLINK304: 'production policy violation',
  BLINK305: 'secret must be a reference',
  BLINK310: 'memory overcommit',
  BLINK311: 'too many workers',
  BLINK312: 'host override file matches no instance',
  BLINK400: 'template error',
  BLINK401: 'template missing',
  BLINK402: 'write failed',
  BLINK403: 'rendered tree is stale',
  BLINK404: 'output folder locked',
  BLINK500: 'secret missing',
  BLINK501: 'secret reused',
  BLINK502: 'secrets file unsafe',
  BLINK503: 'server state refused: not what blink writes',
  BLINK504: 'not a regular file where blink writes one',
  BLINK505: 'symbolic link on the way to a managed file',
  BLINK510: 'server unreachable',
  BLINK511: 'remote command failed',
  BLINK512: 'lock held',
  BLINK513: 'validation failed on server',
  BLINK514: 'health check failed',
  BLINK515: 'rolled back',
  BLINK516: 'health URL does not check the database',
  BLINK517: 'invalid health URL',
  BLINK520: 'usage',
  BLINK530: 'secret not available to --diff: its lines not compared',
  BLINK540: 'weak admin_passwd',
  BLINK541: 'local root not ignored by git',
  BLINK550: 'service user missing',
  BLINK551: 'folder refused: not a real folder on the way',
  BLINK552: 'creating folders, roles or databases failed',
  BLINK553: 'PostgreSQL not readable',
  BLINK554: 'firewall change failed',
  BLINK555: 'final backup before prune failed',
  BLINK556: 'server resource state refused',
  BLINK557: 'firewall left alone: SSH port unknown',
  BLINK580: 'backup key missing or too short',
  BLINK581: 'backup key shared by instances',
  BLINK600: 'git failed or not a repository',
  BLINK601: 'working tree not clean',
  BLINK602: 'branch or commit missing',
  BLINK603: 'branch behind or ahead of its upstream',
  BLINK604: 'branch policy refused',
  BLINK605: 'no instance selected',
  BLINK610: 'invalid module manifest in release',
  BLINK611: 'invalid module version',
  BLINK612: 'module dependency missing in release',
  BLINK613: 'file listed in manifest missing',
  BLINK614: 'XML not well formed',
  BLINK615: 'Python does not compile',
  BLINK616: 'unsafe release entry',
  BLINK617: 'release checker unavailable',
  BLINK620: 'release upload failed',
  BLINK621: 'pre-update backup failed',
  BLINK622: 'module update failed',
  BLINK623: 'switch failed',
  BLINK624: 'deploy rolled back',
  BLINK625: 'server deploy state refused',
  BLINK626: 'interrupted deploy',
} as const;

export type DiagnosticCode = keyof typeof CODES;

type Where = Partial<SourcePos> | undefined;

export function error(code: DiagnosticCode, message: string, where?: Where, hint?: string): Diagnostic {
  return make('error', code, message, where, hint);
}

export function warning(code: DiagnosticCode, message: string, where?: Where, hint?: string): Diagnostic {
  return make('warning', code, message, where, hint);
}

function make(severity: Severity, code: DiagnosticCode, message: string, where: Where, hint: string | undefined): Diagnostic {
  const d: Diagnostic = { code, severity, message };
  if (where?.file !== undefined) d.file = where.file;
  if (where?.line !== undefined) d.line = where.line;
  if (where?.column !== undefined) d.column = where.column;
  if (hint !== undefined) d.hint = hint;
  return d;
}

export function hasErrors(diagnostics: readonly Diagnostic[], strict = false): boolean {
  return diagnostics.some((d) => d.severity === 'error' || (strict && d.severity === 'warning'));
}

/** Stable order: by file, line, column, then code, so output never depends on traversal order. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      (a.file ?? '').localeCompare(b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      a.code.localeCompare(b.code) ||
      a.message.localeCompare(b.message),
  );
}
