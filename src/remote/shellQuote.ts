/** Quote one word for any POSIX shell: single quotes, with `'` spelled `'\''`. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Fill `{name}` placeholders of a configured command, each value shell-quoted,
 * so a hostname or service name can never become shell syntax.
 */
export function fillCommand(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{([a-z_]+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(values, name) ? shellQuote(String(values[name])) : whole,
  );
}
