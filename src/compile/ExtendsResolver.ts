import { posix } from 'node:path';
import { error, type Diagnostic } from '../diagnostics/Diagnostic.js';
import { didYouMean } from '../diagnostics/didYouMean.js';
import type { IniEntry, IniFile } from '../load/IniFile.js';
import { optionsOf } from '../load/IniFile.js';

/**
 * Follows `extends = <relative path>` from file to parent. Each file's chain
 * is resolved once and its problems reported once, however many instances use it.
 * Files are named by their path relative to the config folder.
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
    return this.walk(rel, []) ?? undefined;
  }

  private walk(rel: string, stack: string[]): string[] | null {
    const known = this.chains.get(rel);
    if (known !== undefined) return known;
    const entry = this.extendsOf(rel);
    if (!entry) {
      this.chains.set(rel, [rel]);
      return [rel];
    }
    const at = { file: `${this.configLabel}/${rel}`, line: entry.line, column: entry.valueColumn };
    const target = posix.normalize(posix.join(posix.dirname(rel), entry.value));
    let result: string[] | null = null;
    if (entry.value === '' || posix.isAbsolute(entry.value) || target === '..' || target.startsWith('../')) {
      this.diagnostics.push(
        error('BLINK209', `extends '${entry.value}' points outside ${this.configLabel}/`, at, `parents must be files inside ${this.configLabel}/, named relative to this file (e.g. extends = ../base.conf)`),
      );
    } else if (!this.files.has(target)) {
      const guess = didYouMean(target, this.files.keys());
      this.diagnostics.push(
        error('BLINK208', `extends '${entry.value}': ${this.configLabel}/${target} does not exist`, at, guess ? `did you mean ${posix.relative(posix.dirname(rel), guess)}?` : 'create the parent file or fix the path (relative to this file)'),
      );
    } else if (stack.includes(target) || target === rel) {
      const cycle = [...stack.slice(stack.indexOf(target)), rel, target].map((f) => `${this.configLabel}/${f}`);
      this.diagnostics.push(error('BLINK207', `extends cycle: ${cycle.join(' → ')}`, at, 'remove one of the extends lines so the chain ends at a file without extends'));
    } else {
      const parent = this.walk(target, [...stack, rel]);
      result = parent ? [...parent, rel] : null;
    }
    this.chains.set(rel, result);
    return result;
  }
}
