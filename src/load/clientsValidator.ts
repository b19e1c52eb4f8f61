import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Ajv, Options, ValidateFunction } from 'ajv';

/** The options every clients.yaml validator is compiled with, here and at build time. */
export const AJV_OPTIONS = { allErrors: true, strict: false, verbose: true } as const;

/** The `format`s clients.yaml's schema uses (from ajv-formats). */
export const AJV_FORMATS = ['uri'] as const;

/** Written by `npm run build` next to the compiled code (see writeClientsValidator). */
export const PRECOMPILED = fileURLToPath(new URL('./clientsValidator.generated.cjs', import.meta.url));

const require = createRequire(import.meta.url);
const compiled = new WeakMap<object, ValidateFunction>();

/**
 * The ajv validator for `schema`. Compiling the schema costs ~100 ms with
 * ajv itself, on every run that has to check clients.yaml; the build
 * compiles it once into plain JavaScript, used whenever it was made from
 * this very schema. Otherwise (tests run from src/, or another schema) ajv
 * compiles it here.
 */
export function clientsValidator(schema: Record<string, unknown>, precompiled: string = PRECOMPILED): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    v = loadPrecompiled(precompiled, schema) ?? compileNow(schema);
    compiled.set(schema, v);
  }
  return v;
}

export function schemaHash(schema: Record<string, unknown>): string {
  return createHash('sha256').update(JSON.stringify(schema)).digest('hex');
}

function loadPrecompiled(file: string, schema: Record<string, unknown>): ValidateFunction | undefined {
  if (!existsSync(file)) return undefined;
  // Evaluated as ajv evaluates what it compiles, with this module's require,
  // so the file's own `require('ajv/dist/runtime/…')` resolves from here.
  const module = { exports: {} as { schemaHash?: string; validate?: ValidateFunction } };
  new Function('module', 'exports', 'require', readFileSync(file, 'utf8'))(module, module.exports, require);
  const m = module.exports;
  return m.schemaHash === schemaHash(schema) && typeof m.validate === 'function' ? m.validate : undefined;
}

function compileNow(schema: Record<string, unknown>): ValidateFunction {
  return clientsAjv().compile(schema);
}

/**
 * An ajv set up as every clients.yaml validator is, at run time and at build
 * time (`extra` adds e.g. `code: { source: true }`). ajv-formats also records
 * itself in `opts.code.formats`, so standalone code requires its formats.
 */
export function clientsAjv(extra: Options = {}): Ajv {
  const { Ajv } = require('ajv') as typeof import('ajv');
  const addFormats = (require('ajv-formats') as { default: (ajv: Ajv, formats: string[]) => Ajv }).default;
  return addFormats(new Ajv({ ...AJV_OPTIONS, ...extra }), [...AJV_FORMATS]);
}
