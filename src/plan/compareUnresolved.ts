import { diffArrays } from 'diff';
import { SECRET_REF } from '../secrets/secretRef.js';
import { OLD_SECRET_MARK, SENSITIVE, SENSITIVE_CHANGED, SENSITIVE_NOT_COMPARED, escapeRe, scrub } from '../secrets/maskSecrets.js';

/** A desired file some of whose secrets this run does not have. */
export interface UnresolvedText {
  /** Every available secret substituted; the missing ones still as `${ref}`. */
  content: string;
  /** As rendered, every reference kept. */
  template: string;
  /** The references left in `content` (without `${}`). */
  refs: readonly string[];
}

export interface UnresolvedComparison {
  /**
   * Equal but for the lines holding a missing secret, each of which matches
   * its live line: the file may or may not differ, and nothing here can tell.
   */
  same: boolean;
  /** Both sides with every secret masked, for the diff (computed on demand). */
  masked(): { old: string; new: string };
}

/**
 * Compare a live file with a desired one whose lines holding a missing secret
 * are unknown. Such a line is a wildcard for exactly one live line: a secret
 * is one value and resolveSecrets refuses one with a line break, so it never
 * spans lines. The wildcard keeps the text around the reference (`admin_passwd = `),
 * which is known and may be what a change is about; only the value is open.
 * Every other line must be equal, line by line, at the same position.
 */
export function compareUnresolved(live: string, want: UnresolvedText, values: readonly string[]): UnresolvedComparison {
  const lines = wanted(want);
  const liveLines = live.split('\n');
  const same = liveLines.length === lines.length && lines.every((w, i) => matches(w, liveLines[i]!));
  return { same, masked: () => mask(live, liveLines, lines, values) };
}

interface WantedLine {
  /** The known text (`content`'s line). */
  text: string;
  /** Set on a line holding a missing secret: what a live line must look like. */
  wildcard?: RegExp;
  /** The template line holds references (missing or not): never shown as is. */
  sensitive: boolean;
  /** For a sensitive line: any line with its text around the references, whatever the values, and how such an old line shows. */
  pattern?: { re: RegExp; display: string };
  /** Shown in place of the line: each missing value `(sensitive, not compared)`, each other one `(sensitive)`. */
  display: string;
}

function wanted(want: UnresolvedText): WantedLine[] {
  const tLines = want.template.split('\n');
  const missing = new Set(want.refs);
  const literal = new RegExp([...missing].map((r) => escapeRe('${' + r + '}')).join('|'));
  return want.content.split('\n').map((text, i) => {
    const t = tLines[i] ?? '';
    const refs = [...t.matchAll(SECRET_REF)].map((m) => m[1]!);
    const line: WantedLine = { text, sensitive: refs.length > 0, display: t.replace(SECRET_REF, (_, r: string) => (missing.has(r) ? SENSITIVE_NOT_COMPARED : SENSITIVE)) };
    if (line.sensitive) {
      // SECRET_REF has one group: split puts the references at odd indices.
      const around = t.split(SECRET_REF).filter((_, k) => k % 2 === 0);
      line.pattern = { re: new RegExp('^' + around.map(escapeRe).join('.*') + '$', 's'), display: around.join(SENSITIVE) };
    }
    // The content's line, not the template's: the secrets that are available are part of what must match.
    if (refs.some((r) => missing.has(r))) line.wildcard = new RegExp('^' + text.split(literal).map(escapeRe).join('.*') + '$', 's');
    return line;
  });
}

function matches(w: WantedLine, live: string): boolean {
  return w.wildcard ? w.wildcard.test(live) : w.text === live;
}

/**
 * Masked sides for the diff. The alignment is the wildcard-aware one (jsdiff
 * with a comparator), so a live line taken by a wildcard shows as the same
 * masked context on both sides. A live line no wildcard took may still be
 * the old secret line (its key or spacing changed): when it fits a reference
 * line of the template, or was replaced in the same block as a line holding a
 * missing secret, it keeps its key and loses its value. Every other line is
 * scrubbed as in any diff.
 */
function mask(live: string, liveLines: string[], lines: WantedLine[], values: readonly string[]): { old: string; new: string } {
  const fresh = live === '';
  const oldOut = liveLines.map((l) => scrub(l, values));
  const newOut = lines.map((w) => (w.sensitive ? w.display : scrub(w.text, values)));
  const refLines = lines.filter((w) => w.sensitive);
  // Old lines that fit a reference line of the template, whatever its value: maskForDiff's rule.
  const patterns = refLines.map((w) => w.pattern!);
  const knownRaw = new Set(refLines.filter((w) => !w.wildcard).map((w) => w.text));
  const liveRaw = new Set(liveLines);

  const parts = diffArrays(
    liveLines.map((_, j) => j),
    lines.map((_, i) => i),
    { comparator: (j, i) => matches(lines[i]!, liveLines[j]!) },
  );
  let j = 0;
  let i = 0;
  let removed: number[] = [];
  let wildAdded = false;
  const closeBlock = (): void => {
    for (const k of removed) {
      const l = liveLines[k]!;
      const p = patterns.find((x) => x.re.test(l));
      if (p) oldOut[k] = p.display + (knownRaw.has(l) ? '' : OLD_SECRET_MARK);
      else if (wildAdded) oldOut[k] = keepKey(l);
    }
    removed = [];
    wildAdded = false;
  };
  for (const c of parts) {
    if (c.removed) for (let k = 0; k < c.count; k++) removed.push(j++);
    else if (c.added) {
      for (let k = 0; k < c.count; k++, i++) {
        const w = lines[i]!;
        if (w.wildcard) wildAdded = true;
        // An available secret's new line: changed unless the live file has it somewhere (maskForDiff's rule).
        else if (w.sensitive && !fresh && !liveRaw.has(w.text)) newOut[i] = w.display.split(SENSITIVE).join(SENSITIVE_CHANGED);
      }
    } else {
      closeBlock();
      // Taken as equal: the live line shows exactly as the wanted one (a wildcard's value stays unseen).
      for (let k = 0; k < c.count; k++, i++, j++) oldOut[j] = newOut[i]!;
    }
  }
  closeBlock();
  return { old: oldOut.join('\n'), new: newOut.join('\n') };
}

/** `key = value` → `key = (sensitive)`, `directive value;` → `directive (sensitive)`; a blank line stays blank. */
function keepKey(line: string): string {
  if (line.trim() === '') return line;
  const m = /^(\s*[^\s=:]+\s*[=:]\s*|\s*\S+\s+)/.exec(line);
  return (m ? m[1] : '') + SENSITIVE;
}
