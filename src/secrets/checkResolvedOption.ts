import { checkOption } from '../compile/checkOption.js';
import { odooCatalogue, type OptionSpec } from '../compile/odooOptions.js';

const TYPED = new Set(['bool', 'int', 'float', 'choice']);

/**
 * What a reference's resolved value must be for `key`, when it is not; undefined when it
 * will do. Compile can only check that a reference stands for the whole value
 * (`checkReference`); the value itself exists only at apply, so it meets the
 * option's type here, through the same `checkOption` every literal goes
 * through, before anything is written. The answer never quotes the value: it
 * may be a secret.
 */
export function resolvedOptionProblem(key: string, value: string): string | undefined {
  const catalogue = odooCatalogue();
  if (!Object.hasOwn(catalogue.options, key)) return undefined;
  const spec = catalogue.options[key]!;
  // A value that itself looks like a reference is never resolved again: for a typed key it is no value at all.
  if (value.includes('${')) return TYPED.has(spec.type) ? expected(spec) : undefined;
  // Warnings (a key Odoo never reads, say) do not stop a literal either.
  return checkOption(key, value, { file: '', line: 0, column: 0 }).some((d) => d.severity === 'error') ? expected(spec) : undefined;
}

function expected(spec: OptionSpec): string {
  switch (spec.type) {
    case 'bool':
      return 'True or False';
    case 'int':
      return 'a whole number (decimal digits only)';
    case 'float':
      return 'a decimal number';
    case 'choice':
      return `one of: ${(spec.choices ?? []).join(', ')}`;
    default:
      // Text keys have their traps (None, True, relative paths): blink-render names them for a literal.
      return 'a value Odoo reads as meant (written out in the config, blink-render would say why)';
  }
}
