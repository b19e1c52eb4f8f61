/**
 * String order for everything written to out/. `localeCompare` depends on the
 * ICU data and locale of the machine, and out/ must be byte-identical on every
 * machine, so order by UTF-16 code unit instead.
 */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
