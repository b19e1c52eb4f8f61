import { error, type Diagnostic, type SourcePos } from '../diagnostics/Diagnostic.js';
import { didYouMean } from '../diagnostics/didYouMean.js';
import { pythonStrip } from '../load/parseIni.js';
import { EXTENDS_KEY, odooCatalogue, type OdooCatalogue, type OptionSpec } from './odooOptions.js';
import { optionTraps } from './optionTraps.js';

/** Where the key sits; `valueColumn` (an IniEntry has one) is where bad values are reported. */
export type OptionPos = SourcePos & { valueColumn?: number };

// `${NAME}` and `${secret:KEY}` are resolved only by blink-apply; their value cannot be judged here.
const REFERENCE = /\$\{[^}]*\}/;
const DECIMAL_INT = /^[+-]?(?:0|[1-9][0-9]*)$/;
const DECIMAL_FLOAT = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

/**
 * Checks one `[options]` key and its value against the Odoo 18 catalogue, flagging
 * what Odoo would reject at startup and what it would silently misread. The type
 * checks mirror Odoo's casts (optparse's checkers after the True/False rule) but
 * are stricter where Odoo's reading surprises: see `checkInt`; values Odoo keeps
 * as raw text or special-cases (None, True, empty) are `optionTraps`.
 */
export function checkOption(key: string, value: string, pos: OptionPos, catalogue: OdooCatalogue = odooCatalogue()): Diagnostic[] {
  if (key === EXTENDS_KEY) return [];
  const keyAt = { file: pos.file, line: pos.line, column: pos.column };
  const valueAt = { file: pos.file, line: pos.line, column: pos.valueColumn ?? pos.column };

  const lower = key.toLowerCase();
  if (lower !== key && (Object.hasOwn(catalogue.options, lower) || Object.hasOwn(catalogue.renamed, lower) || Object.hasOwn(catalogue.forbidden, lower))) {
    return [error('BLINK201', `option \`${key}\` is not lower case`, keyAt, `write \`${lower}\`; Odoo lower-cases keys, so mixed case only hides duplicates across layers`)];
  }
  if (Object.hasOwn(catalogue.renamed, key)) {
    const { use, why } = catalogue.renamed[key]!;
    const hint = use ? `write \`${use}\` instead (${why})` : `remove it (${why})`;
    return [error('BLINK202', `\`${key}\` is not an Odoo 18 option`, keyAt, hint)];
  }
  if (Object.hasOwn(catalogue.forbidden, key)) {
    return [error('BLINK210', `\`${key}\` must not be set in a service config`, keyAt, `remove it: ${catalogue.forbidden[key]}`)];
  }
  if (!Object.hasOwn(catalogue.options, key)) {
    // A typo of an old name (`longpoling_port`) should still lead to the current one.
    const near = didYouMean(key, [...Object.keys(catalogue.options), ...Object.keys(catalogue.renamed)]);
    const guess = near !== undefined && Object.hasOwn(catalogue.renamed, near) ? (catalogue.renamed[near]!.use ?? undefined) : near;
    const hint = guess
      ? `did you mean \`${guess}\`? Odoo silently ignores unknown keys`
      : 'remove it, or use a key listed in schema/odoo-options.json; Odoo silently ignores unknown keys';
    return [error('BLINK201', `unknown Odoo option \`${key}\``, keyAt, hint)];
  }

  if (REFERENCE.test(value)) return [];
  const spec = catalogue.options[key]!;
  // Odoo sees the value as written on a `key = value` line and read back, i.e. stripped.
  const v = pythonStrip(value);
  const traps = optionTraps(key, v, spec, valueAt);
  if (traps) return traps;
  switch (spec.type) {
    case 'bool':
      return checkBool(key, v, spec, valueAt);
    case 'int':
      return checkInt(key, v, spec, valueAt);
    case 'float':
      return checkFloat(key, v, spec, valueAt);
    case 'choice':
      return checkChoice(key, v, spec, valueAt);
    default:
      return [];
  }
}

type At = SourcePos;

function keepDefault(spec: OptionSpec): string {
  return spec.default === null || spec.default === false ? 'omit the key to leave it unset' : `omit the key to keep Odoo's default (${String(spec.default)})`;
}

/** `False` means "unset" to Odoo only for keys whose own default is unset. */
function falseAllowed(spec: OptionSpec, v: string): boolean {
  return (v === 'False' || v === 'false') && (spec.default === false || spec.default === null);
}

function checkBool(key: string, v: string, spec: OptionSpec, at: At): Diagnostic[] {
  if (v === 'True' || v === 'False' || v === 'true' || v === 'false') return [];
  const hint =
    v === ''
      ? `write True or False, or ${keepDefault(spec)}`
      : `write True or False; Odoo turns only exactly True/true/False/false into booleans, so \`no\`, \`0\` and \`off\` stay non-empty strings and count as true`;
  return [error('BLINK203', `\`${key}\` needs True or False, not ${JSON.stringify(v)}`, at, hint)];
}

/**
 * optparse's int checker reads `0x10` as 16, `010` as octal 8, `08` as an error and
 * `1_000` as 1000; the bus module's int() reads `010` as 10. Only plain decimals mean
 * the same thing everywhere, so anything else is refused with the number to write.
 */
function checkInt(key: string, v: string, spec: OptionSpec, at: At): Diagnostic[] {
  if (DECIMAL_INT.test(v) || falseAllowed(spec, v)) return [];
  const bad = (hint: string): Diagnostic[] => [error('BLINK204', `\`${key}\` needs a whole number, not ${JSON.stringify(v)}`, at, hint)];
  if (v === '') return bad(`${keepDefault(spec)}; an empty value for a number aborts Odoo's startup`);
  if (v === 'False' || v === 'false') return bad(`write a number or ${keepDefault(spec)}; False is no port, size or count for \`${key}\``);
  const sign = v.startsWith('-') ? '-' : '';
  const digits = v.replace(/^[+-]/, '');
  if (/^0[0-9]+$/.test(digits)) return bad(`write ${sign}${digits.replace(/^0+(?=.)/, '')} without leading zeros; Odoo reads a leading 0 as octal (010 is 8, 08 aborts startup)`);
  const radix = /^0[xX][0-9a-fA-F]+$/.test(digits) ? 16 : /^0[oO][0-7]+$/.test(digits) ? 8 : /^0[bB][01]+$/.test(digits) ? 2 : 0;
  if (radix) return bad(`write the decimal number ${sign}${BigInt(digits).toString()}`);
  if (/^[0-9]+(?:_[0-9]+)+$/.test(digits)) return bad(`write ${sign}${digits.replaceAll('_', '')} without underscores`);
  if (/^[0-9]+\.0*$/.test(digits)) return bad(`write ${sign}${digits.replace(/\..*$/, '')}; Odoo's integer cast refuses a decimal point`);
  const size = /^([0-9]+)\s*([kKmMgG])i?[bB]?$/.exec(digits);
  if (size) {
    const bytes = BigInt(size[1]!) * 1024n ** BigInt('kmg'.indexOf(size[2]!.toLowerCase()) + 1);
    return bad(`write the number of bytes (${bytes} for ${digits}); Odoo does not read size suffixes and aborts startup`);
  }
  return bad(`write a whole number such as ${typeof spec.default === 'number' ? spec.default : 0}, or ${keepDefault(spec)}`);
}

function checkFloat(key: string, v: string, spec: OptionSpec, at: At): Diagnostic[] {
  if (DECIMAL_FLOAT.test(v) || falseAllowed(spec, v)) return [];
  const example = typeof spec.default === 'number' ? String(spec.default) : '1.0';
  const hint =
    v === ''
      ? `${keepDefault(spec)}; an empty value for a number aborts Odoo's startup`
      : `write a decimal number such as ${example} (no units, no underscores, no inf/nan), or ${keepDefault(spec)}`;
  return [error('BLINK212', `\`${key}\` needs a number, not ${JSON.stringify(v)}`, at, hint)];
}

function checkChoice(key: string, v: string, spec: OptionSpec, at: At): Diagnostic[] {
  const choices = spec.choices ?? [];
  if (choices.includes(v)) return [];
  const guess = didYouMean(v, choices);
  const hint = `${guess ? `did you mean \`${guess}\`? ` : ''}write one of: ${choices.join(', ')}; any other value aborts Odoo's startup`;
  return [error('BLINK211', `\`${key}\` does not accept ${JSON.stringify(v)}`, at, hint)];
}
