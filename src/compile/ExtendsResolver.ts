import { posix } from 'node:path';
import { error, type Diagnostic } from '../diagnostics/Diagnostic.js';
import { didYouMean } from '../diagnostics/didYouMean.js';
import type { IniEntry, IniFile } from '../load/IniFile.js';
import { optionsOf } from '../load/IniFile.js';

/**
 * Files in one `extends` chain, the file itself included. Far beyond any
 * hand-written hierarchy (base ← kind ← group ← host is four); a deeper chain
 * is generated or hostile, and each level is one more layer of every
 * instance that uses it.
 */
export const MAX_EXTENDS_DEPTH = 64;

/**
 * Follows `extends = <relative path>` from file to parent. Each file's chain
 * is resolved once and its problems reported once, however many instances use it.
 * Files are named by their path relative to the config folder. The walk is a
 * loop, not a recursion, so no chain can exhaust the stack.
 */
export class ExtendsResolver {
  private readonly chains = new Map<string, string[] | null>();
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    private readonly files: ReadonlyMap<string, IniFile>,
    private readonly configLabel: string,
  ) {}

  /** The `extends` entry of a file, if it has one. */
  extendsOf(rel: string): IniEntry | undefined {
    const ini = this.files.get(rel);
    return ini ? optionsOf(ini).find((e) => e.key === 'extends') : undefined;
  }

  /** The file and its ancestors, root first; undefined when the chain is broken (already reported). */
  chain(rel: string): string[] | undefined {
    const known = this.chains.get(rel);
    if (known !== undefined) return known ?? undefined;
    // Child first: rel, its parent, … up to a file whose chain is known or that has no extends.
    const walked: string[] = [];
    const seen = new Map<string, number>();
    let tail: string[] | null = [];
    let tooDeep = false;
    for (let cur = rel; ; ) {
      const memo = this.chains.get(cur);
      if (memo !== undefined) {
        tail = memo;
        break;
      }
      seen.set(cur, walked.length);
      walked.push(cur);
      const entry = this.extendsOf(cur);
      if (!entry) break;
      const target = this.parentOf(cur, entry, walked, seen);
      if (target === undefined) {
        tail = null;
        break;
      }
      if (walked.length + (this.chains.get(target)?.length ?? 1) > MAX_EXTENDS_DEPTH) {
        const first = this.extendsOf(rel)!;
        this.diagnostics.push(
          error(
            'BLINK253',
            `extends chain of ${this.configLabel}/${rel} is more than ${MAX_EXTENDS_DEPTH} files deep (${walked.slice(0, 3).map((f) => `${this.configLabel}/${f}`).join(' → ')} → …)`,
            { file: `${this.configLabel}/${rel}`, line: first.line, column: first.valueColumn },
            `point this file at a parent nearer the root: at most ${MAX_EXTENDS_DEPTH} files may stack up in one chain`,
          ),
        );
        tooDeep = true;
        break;
      }
      cur = target;
    }
    if (tooDeep) {
      // Only this file is known to be too deep: a file part way up may have a chain short enough.
      this.chains.set(rel, null);
      return undefined;
    }
    // Every walked file leads into the same tail: broken for all, or a chain for each.
    let chain = tail;
    for (let k = walked.length - 1; k >= 0; k--) {
      chain = chain === null ? null : [...chain, walked[k]!];
      this.chains.set(walked[k]!, chain);
    }
    return this.chains.get(rel) ?? undefined;
  }

  /** The parent `entry` names, or undefined after reporting why it cannot be one. */
  private parentOf(rel: string, entry: IniEntry, walked: readonly string[], seen: ReadonlyMap<string, number>): string | undefined {
    const at = { file: `${this.configLabel}/${rel}`, line: entry.line, column: entry.valueColumn };
    const target = posix.normalize(posix.join(posix.dirname(rel), entry.value));
    if (entry.value === '' || posix.isAbsolute(entry.value) || target === '..' || target.startsWith('../')) {
      this.diagnostics.push(
        error('BLINK209', `extends '${entry.value}' points outside ${this.configLabel}/`, at, `parents must be files inside ${this.configLabel}/, named relative to this file (e.g. extends = ../base.conf)`),
      );
      return undefined;
    }
    if (!this.files.has(target)) {
      const guess = didYouMean(target, this.files.keys());
      this.diagnostics.push(
        error('BLINK208', `extends '${entry.value}': ${this.configLabel}/${target} does not exist`, at, guess ? `did you mean ${posix.relative(posix.dirname(rel), guess)}?` : 'create the parent file or fix the path (relative to this file)'),
      );
      return undefined;
    }
    const loopsAt = seen.get(target);
    if (loopsAt !== undefined) {
      const cycle = [...walked.slice(loopsAt), target].map((f) => `${this.configLabel}/${f}`);
      this.diagnostics.push(error('BLINK207', `extends cycle: ${cycle.join(' → ')}`, at, 'remove one of the extends lines so the chain ends at a file without extends'));
      return undefined;
    }
    return target;
  }
}
