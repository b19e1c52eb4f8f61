import type Handlebars from 'handlebars';
import { createRequire } from 'node:module';
import { posix } from 'node:path';
import { didYouMean } from '../diagnostics/didYouMean.js';
import { error, type Diagnostic } from '../diagnostics/Diagnostic.js';
import { registerHelpers } from './helpers.js';
import type { TemplateSet } from './TemplateSet.js';
import { COMPILE_OPTIONS, precompiledFor } from './precompiledTemplates.js';

export type RenderResult = { ok: true; content: string } | { ok: false; diagnostic: Diagnostic };

export interface TemplateEngine {
  /** Renders one template of the set. Problems come back as BLINK400/BLINK401, never as a throw. */
  render(template: string, context: object): RenderResult;
  /** A template's path as shown to users, for diagnostics. */
  file(template: string): string;
}

/**
 * One isolated Handlebars environment per template set: helpers registered
 * here never leak into (or come from) the global Handlebars. Each template is
 * parsed and compiled once, on first use, in strict mode (an unknown name is
 * an error, not an empty string) and without HTML escaping (none of our
 * formats is HTML).
 */
export function createTemplateEngine(templates: TemplateSet, o: { precompiled?: ReadonlyMap<string, unknown> | false } = {}): TemplateEngine {
  // The shipped templates come compiled by the build: then only Handlebars' runtime is loaded.
  const precompiled = o.precompiled === false ? undefined : (o.precompiled ?? precompiledFor(templates));
  const require = createRequire(import.meta.url);
  const env = (require(precompiled ? 'handlebars/runtime' : 'handlebars') as { default: typeof Handlebars }).default.create();
  registerHelpers(env);
  const compiled = new Map<string, Handlebars.TemplateDelegate | Diagnostic>();

  const file = (name: string): string => posix.join(templates.dir, name);
  const compile = (name: string): Handlebars.TemplateDelegate | Diagnostic => {
    const source = templates.files.get(name);
    if (source === undefined) {
      const have = [...templates.files.keys()].sort().join(', ') || 'no templates';
      return error('BLINK401', `template ${file(name)} is missing`, { file: file(name) }, `${templates.dir} has ${have}`);
    }
    const spec = precompiled?.get(name);
    if (spec !== undefined) return env.template(spec as Parameters<typeof Handlebars.template>[0]);
    try {
      // Parse now so syntax errors surface even though compile() itself is
      // lazy; compile takes the parsed tree, so nothing is parsed twice.
      return env.compile(env.parse(source), COMPILE_OPTIONS);
    } catch (err) {
      return templateError(file(name), source, {}, err);
    }
  };

  return {
    render(name, context) {
      let template = compiled.get(name);
      if (template === undefined) compiled.set(name, (template = compile(name)));
      if (typeof template !== 'function') return { ok: false, diagnostic: template };
      try {
        return { ok: true, content: template(context) };
      } catch (err) {
        return { ok: false, diagnostic: templateError(file(name), templates.files.get(name) ?? '', context, err) };
      }
    },
    file,
  };
}

/**
 * Turns whatever Handlebars threw into a BLINK400 at the template position it
 * reports, naming the full path of an unknown variable rather than its last
 * segment, and suggesting a close name when one exists in the context.
 */
function templateError(file: string, source: string, context: object, err: unknown): Diagnostic {
  const e = err as { message?: unknown; lineNumber?: unknown; column?: unknown };
  const raw = typeof e.message === 'string' ? e.message : String(err);
  let line = typeof e.lineNumber === 'number' ? e.lineNumber : undefined;
  // Handlebars counts columns from 0; diagnostics from 1.
  let column = typeof e.column === 'number' ? e.column + 1 : undefined;
  let message = raw.replace(/ - \d+:\d+$/, '');
  let hint: string | undefined;

  const parse = /^Parse error on line (\d+):\n(?:.*\n){2}(.*)/.exec(raw);
  if (parse) {
    // The parser reports a line only; its caret points into a snippet, not a column.
    line = Number(parse[1]);
    column = undefined;
    message = `syntax error: ${parse[2]}`;
  }
  const expression = line !== undefined && column !== undefined ? expressionAt(source, line, column) : undefined;
  if (/^"[^"]*" not defined in /.test(message) && expression !== undefined) {
    message = `"${expression}" is not defined`;
    hint = suggest(context, expression);
  } else if (/^#\w+ got an undefined value$/.test(message) && expression !== undefined) {
    const param = /^\{\{~?#\w+\s+([^\s}~)]+)/.exec(expression)?.[1];
    if (param !== undefined) {
      message = `"${param}" is not defined (in ${expression})`;
      hint = suggest(context, param);
    }
  }
  return error('BLINK400', message, { file, line, column }, hint);
}

/** The path or tag that starts at a Handlebars position: `instance.hots`, or `{{#if x}}` for a block. */
function expressionAt(source: string, line: number, column: number): string | undefined {
  const text = source.split('\n')[line - 1]?.slice(column - 1);
  if (text === undefined) return undefined;
  return (text.startsWith('{{') ? /^\{\{[^}]*\}\}/ : /^[^\s}~)]+/).exec(text)?.[0];
}

/** `did you mean "instance.host"?` when the path's parent exists in the root context and has a close key. */
function suggest(context: object, path: string): string | undefined {
  const parts = path.replace(/^@root\./, '').split('.');
  const last = parts.pop()!;
  let parent: unknown = context;
  for (const part of parts) {
    if (parent === null || typeof parent !== 'object' || !(part in parent)) return undefined;
    parent = (parent as Record<string, unknown>)[part];
  }
  if (parent === null || typeof parent !== 'object') return undefined;
  const near = didYouMean(last, Object.keys(parent));
  return near === undefined ? undefined : `did you mean "${[...parts, near].join('.')}"?`;
}
