import { diffLibrary } from './diffLibrary.js';
import type { ArtifactKind } from '../model/Artifact.js';
import { SECRET_REF } from '../secrets/secretRef.js';
import { knownPublicLines } from '../secrets/knownPublic.js';
import { OLD_SECRET_MARK, SENSITIVE, SENSITIVE_CHANGED, SENSITIVE_NOT_COMPARED, escapeRe, maskLiveLine, scrub } from '../secrets/maskSecrets.js';

/** A desired file some of whose secrets this run does not have. */
export interface UnresolvedText {
  /** Every available secret substituted; the missing ones still as `${ref}`. */
  content: string;
  /** As rendered, every reference kept. */
  template: string;
  /** The references left in `content` (without `${}`). */
  refs: readonly string[];
  /** What the file is: an odoo.conf's typed options stay readable (knownPublicLines). */
  kind?: ArtifactKind;
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
  return { same, masked: () => mask(live, liveLines, lines, values, knownPublicLines(liveLines, want.template, want.kind)) };
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
 * masked context on both sides. A live line no wildcard took that fits a
 * reference line of the template (its value, or its key or spacing changed)
 * keeps the text around the reference and loses its value. Every other live
 * line shows only when it is known not to be secret (`known`), else as
 * `key = (sensitive)`: the file holds secrets, and the server's lines are
 * not the repository's.
 */
function mask(live: string, liveLines: string[], lines: WantedLine[], values: readonly string[], known: readonly boolean[]): { old: string; new: string } {
  const fresh = live === '';
  const oldOut = liveLines.map((l, k) => (known[k] ? scrub(l, values) : maskLiveLine(l) + OLD_SECRET_MARK));
  const newOut = lines.map((w) => (w.sensitive ? w.display : scrub(w.text, values)));
  const refLines = lines.filter((w) => w.sensitive);
  // Old lines that fit a reference line of the template, whatever its value: maskForDiff's rule.
  const patterns = refLines.map((w) => w.pattern!);
  const knownRaw = new Set(refLines.filter((w) => !w.wildcard).map((w) => w.text));
  const liveRaw = new Set(liveLines);

  const parts = diffLibrary().diffArrays(
    liveLines.map((_, j) => j),
    lines.map((_, i) => i),
    { comparator: (j, i) => matches(lines[i]!, liveLines[j]!) },
  );
  let j = 0;
  let i = 0;
  for (const c of parts) {
    if (c.removed) {
      for (let k = 0; k < c.count; k++, j++) {
        const l = liveLines[j]!;
        const p = patterns.find((x) => x.re.test(l));
        if (p) oldOut[j] = p.display + (knownRaw.has(l) ? '' : OLD_SECRET_MARK);
      }
    } else if (c.added) {
      for (let k = 0; k < c.count; k++, i++) {
        const w = lines[i]!;
        // An available secret's new line: changed unless the live file has it somewhere (maskForDiff's rule).
        if (w.sensitive && !w.wildcard && !fresh && !liveRaw.has(w.text)) newOut[i] = w.display.split(SENSITIVE).join(SENSITIVE_CHANGED);
      }
    } else {
      // Taken as equal: the live line shows exactly as the wanted one (a wildcard's value stays unseen).
      for (let k = 0; k < c.count; k++, i++, j++) oldOut[j] = newOut[i]!;
    }
  }
  return { old: oldOut.join('\n'), new: newOut.join('\n') };
}
