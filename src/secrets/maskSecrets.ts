import { SECRET_REF } from './secretRef.js';

/** Shown in place of a secret value. */
export const SENSITIVE = '(sensitive)';
export const SENSITIVE_CHANGED = '(sensitive, changed)';
/** A secret this run does not have (`--diff` without it): its value was not compared. */
export const SENSITIVE_NOT_COMPARED = '(sensitive, not compared)';
/** Marks the old side of a changed sensitive line; formatDiff drops such lines. */
export const OLD_SECRET_MARK = '\u0001';

// Keys whose value is a secret even where no reference is left to say so (the old side of a diff).
const SECRET_KEY = /^(\s*[\w.-]*(?:passw|secret|token|api_?key)[\w.-]*\s*[=:]\s*)(\S.*)$/i;

/**
 * Both sides of a diff with every secret masked, line by line. A line is
 * sensitive when its template line holds a reference; the live line that
 * matches the same template is sensitive too, even though its (old) value is
 * unknown here. Equal values stay equal so the diff shows no change; different
 * ones become `key = (sensitive, changed)`.
 */
export function maskForDiff(oldText: string, newText: string, template: string, values: readonly string[]): { old: string; new: string } {
  const tLines = template.split('\n');
  const nLines = newText.split('\n');
  const patterns: { re: RegExp; display: string }[] = [];
  const newSensitive = new Map<number, { display: string; raw: string }>();
  tLines.forEach((t, i) => {
    if (!t.match(SECRET_REF)) return;
    const parts = t.split(SECRET_REF).filter((_, k) => k % 2 === 0);
    const re = new RegExp('^' + parts.map(escapeRe).join('.*') + '$');
    const display = parts.join(SENSITIVE);
    patterns.push({ re, display });
    if (nLines[i] !== undefined) newSensitive.set(i, { display, raw: nLines[i]! });
  });
  const oldLines = oldText.split('\n');
  const oldRaw = new Set<string>();
  const oldMasked = oldLines.map((line) => {
    const p = patterns.find((x) => x.re.test(line));
    if (!p) return scrub(line, values);
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

/** Known values and secret-looking keys masked: for any text that may echo a file (command output, old lines). */
export function scrub(text: string, values: readonly string[]): string {
  const known = matcher(values);
  const out = known ? text.replace(known, SENSITIVE) : text;
  return out
    .split('\n')
    .map((l) => l.replace(SECRET_KEY, (_, k: string, v: string) => (v === SENSITIVE || v.startsWith('${') ? k + v : k + SENSITIVE)))
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
