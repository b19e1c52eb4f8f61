import type { ArtifactKind } from '../model/Artifact.js';
import { odooCatalogue, type OptionSpec } from '../compile/odooOptions.js';
import { SECRET_REF } from './secretRef.js';

/**
 * Which lines of a server's copy of a file that may hold secrets a diff may
 * show as they are. Everything else of that copy is masked: the server's
 * lines are not public (an old password, one Odoo wrote itself, one the
 * config no longer mentions, a commented-out one, a value continued on the
 * next line), while whoever reads a diff (a CI log, a chat) may read the
 * repository. A line is known not to be secret when it is:
 *
 * 1. byte for byte a line of the desired file as rendered, references kept
 *    (`template`), that holds no reference: its text comes from the
 *    repository (config/, templates/), so showing the server's copy of it
 *    shows nothing the repository does not;
 * 2. blank (only spaces and tabs);
 * 3. in an odoo.conf, a section header (`[options]`) at the start of the line;
 * 4. in an odoo.conf's `[options]`, `key = value` at the start of the line
 *    (an indented line continues the previous value) whose key is a current
 *    Odoo option typed boolean, number, choice, path or list of names in
 *    schema/odoo-options.json, whose value is a literal of that type
 *    (`True`, `8069`, `info`, `/var/lib/odoo`), and that no line of the
 *    template sets from a secret. Such a value cannot spell a credential, and
 *    hand edits of limits and flags are what a drift diff is read for. A
 *    string option is masked: the catalogue cannot tell a password from a
 *    host or user name.
 *
 * One entry per line of `live`.
 */
export function knownPublicLines(live: readonly string[], template: string, kind?: ArtifactKind): boolean[] {
  const tLines = template.split('\n');
  const withRef = (l: string): boolean => HAS_REF.test(l);
  const repo = new Set(tLines.filter((l) => !withRef(l)));
  const secretKeys = new Set(tLines.filter(withRef).map((l) => /^\s*([^\s=:]+)\s*[=:]/.exec(l)?.[1]?.toLowerCase()).filter((k) => k !== undefined));
  let section: string | undefined;
  return live.map((line) => {
    const header = kind === 'odoo-conf' ? /^\[([\w.:-]+)\][ \t]*$/.exec(line) : null;
    if (header) section = header[1];
    if (repo.has(line) || /^[ \t]*$/.test(line) || header) return true;
    if (kind !== 'odoo-conf' || section !== 'options') return false;
    const m = /^([A-Za-z_][\w.-]*)[ \t]*[=:][ \t]*(.*?)[ \t]*$/.exec(line);
    if (!m) return false;
    const key = m[1]!.toLowerCase();
    const spec = Object.hasOwn(odooCatalogue().options, key) ? odooCatalogue().options[key] : undefined;
    return spec !== undefined && !secretKeys.has(key) && isLiteral(spec, m[2]!);
  });
}

// SECRET_REF is global (stateful `test`): a copy without the flag.
const HAS_REF = new RegExp(SECRET_REF.source);
const PATH = String.raw`/[\w./@+-]*`;
const NAME = String.raw`[\w.:*-]+`;
const LITERAL: Partial<Record<OptionSpec['type'], RegExp>> = {
  bool: /^(True|False|true|false|0|1)$/,
  int: /^[+-]?\d{1,19}$/,
  float: /^[+-]?\d{1,19}(\.\d{1,19})?$/,
  path: new RegExp(`^${PATH}$`),
  'comma-list-of-paths': new RegExp(`^${PATH}(\\s*,\\s*${PATH})*$`),
  'comma-list': new RegExp(`^${NAME}(\\s*,\\s*${NAME})*$`),
};

/** A value only that type's literals take; empty, `False` and `None` (unset, to Odoo) for any of them. */
function isLiteral(spec: OptionSpec, value: string): boolean {
  if (value === '' || value === 'False' || value === 'None') return true;
  if (spec.type === 'choice') return spec.choices?.includes(value) ?? false;
  return LITERAL[spec.type]?.test(value) ?? false;
}
