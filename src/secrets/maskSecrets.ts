import type { ArtifactKind } from '../model/Artifact.js';
import { knownPublicLines } from './knownPublic.js';
import { SECRET_REF } from './secretRef.js';

/** Shown in place of a secret value. */
export const SENSITIVE = '(sensitive)';
export const SENSITIVE_CHANGED = '(sensitive, changed)';
/** A secret this run does not have (`--diff` without it): its value was not compared. */
export const SENSITIVE_NOT_COMPARED = '(sensitive, not compared)';
/**
 * Ends an old line shown masked: it never equals a new line, so it shows as
 * removed; fileDiff drops it where the same hunk shows its key `(sensitive, changed)`.
 */
export const OLD_SECRET_MARK = '\u0001';

// Keys whose value is a secret even where no reference is left to say so (the old side of a diff).
const SECRET_KEY = /^(\s*[\w.-]*(?:passw|secret|token|api_?key)[\w.-]*\s*[=:]\s*)(\S.*)$/i;
// What Odoo reads as "not set" (`admin_passwd = False` turns the master password off): no secret to hide.
const UNSET = /^(False|None)\s*$/;

export interface MaskOptions {
  /** What the file is: an odoo.conf's typed options stay readable (knownPublicLines). */
  kind?: ArtifactKind;
  /**
   * The server's copy may hold secrets (mayHoldSecrets): only its lines known
   * not to be secret are shown. Off for a file that never held one: its old
   * lines are only scrubbed. @default true
   */
  holdsSecrets?: boolean;
}

/**
 * Both sides of a diff with every secret masked, line by line. A line is
 * sensitive when its template line holds a reference; the live line that
 * matches the same template is sensitive too, even though its (old) value is
 * unknown here. Equal values stay equal so the diff shows no change; different
 * ones become `key = (sensitive, changed)`. Every other live line of a file
 * that may hold secrets is shown only when it is known not to be secret
 * (knownPublicLines), else as `key = (sensitive)`: a secret whose line was
 * re-spaced, moved to a continuation line, commented out or dropped from the
 * config is still a secret.
 */
export function maskForDiff(oldText: string, newText: string, template: string, values: readonly string[], o: MaskOptions = {}): { old: string; new: string } {
  const holds = o.holdsSecrets ?? true;
  const tLines = template.split('\n');
  const nLines = newText.split('\n');
  const patterns: { re: RegExp; display: string }[] = [];
  const newSensitive = new Map<number, { display: string; raw: string }>();
  // In a file that holds no secret, `${…}` is the file's own syntax (a shell script's variables).
  if (holds) {
    tLines.forEach((t, i) => {
      if (!t.match(SECRET_REF)) return;
      const parts = t.split(SECRET_REF).filter((_, k) => k % 2 === 0);
      const re = new RegExp('^' + parts.map(escapeRe).join('.*') + '$');
      const display = parts.join(SENSITIVE);
      patterns.push({ re, display });
      if (nLines[i] !== undefined) newSensitive.set(i, { display, raw: nLines[i]! });
    });
  }
  const oldLines = oldText.split('\n');
  const known = holds ? knownPublicLines(oldLines, template, o.kind) : undefined;
  const oldRaw = new Set<string>();
  const oldMasked = oldLines.map((line, k) => {
    const p = patterns.find((x) => x.re.test(line));
    if (!p) return !known || known[k] ? scrub(line, values) : maskLiveLine(line) + OLD_SECRET_MARK;
    oldRaw.add(line);
    const same = [...newSensitive.values()].some((n) => n.raw === line);
    return same ? p.display : p.display + OLD_SECRET_MARK;
  });
  const newMasked = nLines.map((line, i) => {
    const s = newSensitive.get(i);
    if (!s) return scrub(line, values);
    return oldRaw.has(s.raw) || oldText === '' ? s.display : s.display.split(SENSITIVE).join(SENSITIVE_CHANGED);
  });
  return { old: oldMasked.join('\n'), new: newMasked.join('\n') };
}

/**
 * A server line not known to be public, as a diff shows it: `key = (sensitive)`
 * for `key = value` at the start of the line (a key is a name, never a value:
 * an indented line may be a continued value, so it keeps no key), its
 * indentation and `(sensitive)` otherwise. A key with nothing after it stays
 * as it is.
 */
export function maskLiveLine(line: string): string {
  const m = /^([A-Za-z_][\w.-]*[ \t]*[=:][ \t]*)(.*)$/.exec(line);
  if (m) return m[2]!.trim() === '' ? line : m[1]! + SENSITIVE;
  if (line.trim() === '') return line;
  return /^[ \t]*/.exec(line)![0] + SENSITIVE;
}

/** Known values and secret-looking keys masked: for any text that may echo a file (command output, old lines). */
export function scrub(text: string, values: readonly string[]): string {
  const known = matcher(values);
  const out = known ? text.replace(known, SENSITIVE) : text;
  return out
    .split('\n')
    .map((l) => l.replace(SECRET_KEY, (_, k: string, v: string) => (v === SENSITIVE || v.startsWith('${') || UNSET.test(v) ? k + v : k + SENSITIVE)))
    .join('\n');
}

// A diff scrubs every line: compile the values once per list, longest first so a value never leaves a tail.
const matchers = new WeakMap<readonly string[], RegExp | undefined>();
function matcher(values: readonly string[]): RegExp | undefined {
  if (!matchers.has(values)) {
    const usable = values.filter((v) => v.length >= 3).sort((a, b) => b.length - a.length);
    matchers.set(values, usable.length ? new RegExp(usable.map(escapeRe).join('|'), 'g') : undefined);
  }
  return matchers.get(values);
}

export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
