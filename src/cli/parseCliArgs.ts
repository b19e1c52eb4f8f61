import { parseArgs, type ParseArgsConfig } from 'node:util';
import { didYouMean } from '../diagnostics/didYouMean.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `parseArgs` in strict mode, with its mistakes said in the CLI's words: a
 * misspelt flag gets a did-you-mean among the real ones, a missing value an
 * example. Every blink CLI treats the returned message the same way (usage
 * error, exit 1, pointer to --help).
 */
export function parseCliArgs<O extends Options>(argv: string[], options: O, allowPositionals = false): { values: ReturnType<typeof parseArgs<{ options: O; allowPositionals: boolean; strict: true }>>['values']; positionals: string[] } | { error: string } {
  try {
    const r = parseArgs({ args: argv, options, allowPositionals, strict: true });
    return { values: r.values, positionals: r.positionals };
  } catch (e) {
    return { error: explain(e as Error & { code?: string }, options) };
  }
}

function explain(e: Error & { code?: string }, options: Options): string {
  const flags = Object.keys(options).map((k) => `--${k}`);
  const named = /'(-[^' ]*)/.exec(e.message)?.[1] ?? '';
  const flag = named.replace(/=.*$/, '');
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const guess = didYouMean(flag, flags);
    return `unknown option ${flag}${guess ? ` (did you mean ${guess}?)` : ''}`;
  }
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const long = /--([a-z-]+)/.exec(e.message)?.[1];
    if (long && options[long]?.type === 'boolean') return `--${long} takes no value`;
    if (long) return `--${long} needs a value`;
  }
  if (e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const arg = /'([^']*)'/.exec(e.message)?.[1] ?? '';
    return `unexpected argument '${arg}'`;
  }
  return e.message;
}
