import type Handlebars from 'handlebars';

/** Built-in block helpers made strict (see `registerHelpers`). */
const STRICT_BUILTINS = ['if', 'unless', 'each', 'with'] as const;

/**
 * What templates get beyond plain `{{path}}` lookups:
 *
 * - `if`, `unless`, `each`, `with`: Handlebars' own, except that an undefined
 *   argument is an error. Strict mode only checks `{{path}}` output, not
 *   helper arguments, so `{{#if instance.letsencrpt}}` would silently be false.
 *   Every context value is defined (false, 0, '' or []), so undefined always
 *   means a misspelled or unknown name.
 * - `{{shq value}}`: the value as one POSIX shell word, single-quoted
 *   (`it's` → `'it'\''s'`), for shell scripts and shell-sourced env files.
 *   Takes a string or a number.
 *
 * Inline partials (`{{#*inline}}`) are built in and need no registration.
 */
export function registerHelpers(env: typeof Handlebars): void {
  for (const name of STRICT_BUILTINS) {
    const builtin = env.helpers[name]!;
    env.registerHelper(name, function (this: unknown, ...args: unknown[]) {
      if (args.length < 2 || args[0] === undefined) throw helperError(`#${name} got an undefined value`, args[args.length - 1]);
      return builtin.apply(this, args as Parameters<Handlebars.HelperDelegate>);
    });
  }
  env.registerHelper('shq', (...args: unknown[]) => {
    const value = args[0];
    if (args.length !== 2 || (typeof value !== 'string' && typeof value !== 'number')) {
      throw helperError('shq needs exactly one string or number argument', args[args.length - 1]);
    }
    return `'${String(value).replace(/'/g, `'\\''`)}'`;
  });
}

/** An error carrying the helper call's position the way Handlebars' own errors do (1-based line, 0-based column). */
function helperError(message: string, options: unknown): Error {
  const start = (options as { loc?: { start?: { line: number; column: number } } } | undefined)?.loc?.start;
  return Object.assign(new Error(message), start ? { lineNumber: start.line, column: start.column } : {});
}
