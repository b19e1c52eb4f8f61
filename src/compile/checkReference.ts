import { error, type Diagnostic, type SourcePos } from '../diagnostics/Diagnostic.js';
import { pythonStrip } from '../load/parseIni.js';
import { SECRET_REF } from '../secrets/secretRef.js';

const WHOLE_REFERENCE = new RegExp(`^${SECRET_REF.source}$`);

/**
 * `${NAME}` and `${secret:KEY}` stand for a whole option value, never part of
 * one. Only then can blink-apply check what a reference resolves to against
 * the option's type (`checkResolvedOption`) before anything is written; a
 * value with a reference inside (`list_db = maybe ${X}`) could be judged by
 * no one and would reach odoo.conf as whatever it became.
 * Returns undefined when the value holds no `${`, [] when it is one whole
 * reference (its type is checked at apply), else the error at `at`.
 */
export function checkReference(key: string, value: string, at: SourcePos): Diagnostic[] | undefined {
  if (!value.includes('${')) return undefined;
  // Odoo strips the value it reads, so spaces around a reference change nothing.
  const v = pythonStrip(value);
  if (WHOLE_REFERENCE.test(v)) return [];
  const refs = [...v.matchAll(SECRET_REF)].map((m) => m[0]);
  if (refs.length) {
    return [
      error('BLINK254', `\`${key}\`: ${refs[0]} is only part of the value ${JSON.stringify(v)}`, at, `a reference stands for a whole value: write \`${key} = ${refs[0]}\` and put the whole value in what it names, so blink-apply can check it is a valid ${key}`),
    ];
  }
  return [
    error('BLINK254', `\`${key}\`: ${JSON.stringify(v)} holds \${ but no reference blink-apply can resolve`, at, 'write the whole value as ${NAME} (an environment variable: letters, digits and _) or ${secret:KEY} (a per-instance secret: letters, digits, _ . -)'),
  ];
}
