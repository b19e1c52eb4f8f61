import type { OptionOrigin, ResolvedOption } from '../model/Fleet.js';

export interface LayerEntry {
  key: string;
  value: string;
  origin: Omit<OptionOrigin, 'value'>;
}

/**
 * Merges layers, lowest first: a later layer's value wins, and every value
 * a key had on the way is kept as its provenance chain.
 * merge :: host file > environment odoo: > derived > kind template > base.conf
 */
export function layerOptions(layers: readonly (readonly LayerEntry[])[]): ResolvedOption[] {
  const byKey = new Map<string, ResolvedOption>();
  for (const layer of layers) {
    for (const e of layer) {
      const origin: OptionOrigin = { value: e.value, ...e.origin };
      const existing = byKey.get(e.key);
      if (existing) {
        existing.value = e.value;
        existing.chain.push(origin);
      } else {
        byKey.set(e.key, { key: e.key, value: e.value, chain: [origin] });
      }
    }
  }
  return [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
