import type { ErrorObject } from 'ajv';
import { clientsValidator } from './clientsValidator.js';
import { error, type Diagnostic, type DiagnosticCode } from '../diagnostics/Diagnostic.js';
import { didYouMean } from '../diagnostics/didYouMean.js';
import type { YamlPath, YamlSource } from './YamlSource.js';

const SUPPORTED_VERSIONS = [1];

/**
 * Checks clients.yaml against its JSON Schema and turns every ajv error into a
 * diagnostic at the line and column of the offending node, with the allowed
 * values or a "did you mean".
 */
export function validateClients(source: YamlSource, schema: Record<string, unknown>): Diagnostic[] {
  const data = source.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return [error('BLINK011', 'clients.yaml must be a mapping with version, servers and clients', source.pos([]), 'start from the sample in config/clients.yaml')];
  }
  const version = (data as Record<string, unknown>)['version'];
  if (version !== undefined && !SUPPORTED_VERSIONS.includes(version as number)) {
    return [
      error('BLINK005', `unsupported version ${JSON.stringify(version)}`, source.pos(['version']), `this blink-fleet reads version ${SUPPORTED_VERSIONS.join(', ')}; upgrade blink-fleet or write version: 1`),
    ];
  }
  const validate = clientsValidator(schema);
  if (validate(data)) return [];
  const errors = validate.errors ?? [];
  // "memroy_mb" is both unknown and the reason memory_mb is missing: say it once, as the typo.
  const typoFixes = new Set(
    errors
      .filter((e) => e.keyword === 'additionalProperties')
      .map((e) => {
        const allowed = Object.keys(((e.parentSchema as Record<string, unknown>)?.['properties'] as object) ?? {});
        return `${e.instancePath}/${didYouMean(String((e.params as Record<string, unknown>)['additionalProperty']), allowed)}`;
      }),
  );
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const e of errors) {
    if (e.keyword === 'required' && typoFixes.has(`${e.instancePath}/${String((e.params as Record<string, unknown>)['missingProperty'])}`)) continue;
    const d = toDiagnostic(e, source, schema);
    if (!d) continue;
    const k = `${d.line}:${d.column}:${d.code}:${d.message}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(d);
    }
  }
  return out;
}

function toPath(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function label(path: readonly string[]): string {
  return path.length ? path.join('.') : 'the top level';
}

function toDiagnostic(e: ErrorObject, source: YamlSource, schema: Record<string, unknown>): Diagnostic | undefined {
  const path = toPath(e.instancePath);
  const at = (p: YamlPath, key = false) => source.pos(p, key);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const prop = String(params['additionalProperty']);
      const allowed = Object.keys(((e.parentSchema as Record<string, unknown>)?.['properties'] as object) ?? {});
      const guess = didYouMean(prop, allowed);
      const hint = guess ? `did you mean '${guess}'?` : allowed.length ? `allowed keys here: ${allowed.join(', ')}` : undefined;
      return error('BLINK010', `unknown key '${prop}' in ${label(path)}`, at([...path, prop], true), hint);
    }
    case 'required':
      return error('BLINK013', `${label(path)} is missing required key '${String(params['missingProperty'])}'`, at(path, true), undefined);
    case 'type':
      return error('BLINK011', `${label(path)} must be ${article(String(params['type']))}, not ${describe(valueAt(source.data, path))}`, at(path));
    case 'const':
    case 'enum': {
      const allowed = (e.keyword === 'const' ? [params['allowedValue']] : (params['allowedValues'] as unknown[])).map((v) => String(v));
      const value = valueAt(source.data, path);
      const guess = typeof value === 'string' ? didYouMean(value, allowed) : undefined;
      return error('BLINK012', `${label(path)} is ${JSON.stringify(value)}; allowed: ${allowed.join(', ')}`, at(path), guess ? `did you mean '${guess}'?` : undefined);
    }
    case 'pattern':
    case 'format':
      // A URL failing both its pattern and its format is reported once: same code, place and message.
      return patternDiagnostic(e, path, source, schema);
    case 'propertyNames':
      return undefined; // reported by the nested pattern error, which carries the name
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return error('BLINK012', `${label(path)} is ${JSON.stringify(valueAt(source.data, path))}; it ${e.message}`, at(path));
    case 'minProperties':
    case 'minItems':
      return error('BLINK012', `${label(path)} must not be empty`, at(path));
    case 'maxProperties':
      return error('BLINK012', `${label(path)} takes only one of its keys`, at(path), 'choose one');
    case 'uniqueItems':
      return error('BLINK012', `${label(path)} lists the same item twice`, at(path), 'remove the duplicate');
    default:
      return error('BLINK012', `${label(path)} ${e.message ?? 'is invalid'}`, at(path));
  }
}

function patternDiagnostic(e: ErrorObject, path: string[], source: YamlSource, schema: Record<string, unknown>): Diagnostic {
  // A property *name* failing its pattern (client or environment name) is reported on the key.
  const propertyName = (e as ErrorObject & { propertyName?: string }).propertyName;
  const isName = propertyName !== undefined;
  const fullPath = isName ? [...path, propertyName] : path;
  const value = isName ? propertyName : valueAt(source.data, path);
  const def = definitionOf(e.schemaPath, schema);
  let code: DiagnosticCode = 'BLINK012';
  let hint: string | undefined = def?.description;
  if (def?.name === 'line') {
    code = 'BLINK015';
    hint = 'the value would inject a new line into a rendered file; keep it on one line';
  } else if (isName || def?.name === 'name' || def?.name === 'hostname') {
    code = 'BLINK014';
  }
  if (typeof value === 'string' && /(^|\/)\.\.(\/|$)/.test(value)) hint = `'..' is not allowed: ${hint ?? ''}`.trim();
  return error(code, `${isName ? 'name' : label(path)} ${JSON.stringify(value)} is not valid`, source.pos(fullPath, isName), hint);
}

/** The `#/definitions/<name>` a schemaPath went through last, with its description. */
function definitionOf(schemaPath: string, schema: Record<string, unknown>): { name: string; description?: string } | undefined {
  const m = /#\/definitions\/([^/]+)\/[^/]+$/.exec(schemaPath);
  if (!m) return undefined;
  const def = (schema['definitions'] as Record<string, { description?: string }>)?.[m[1]!];
  return { name: m[1]!, ...(def?.description ? { description: def.description } : {}) };
}

function valueAt(data: unknown, path: readonly string[]): unknown {
  let v = data;
  for (const p of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
  return v;
}

function describe(v: unknown): string {
  if (v === null) return 'empty';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v === 'string' ? 'the text' : typeof v} ${JSON.stringify(v)}`;
}

function article(type: string): string {
  const t = type.replace(/,/g, ' or ');
  if (t === 'object') return 'a mapping';
  if (t === 'array') return 'a list';
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}
