/** A string found in a template context, with where it sits (`instance.dataDir`, `options[db_name].value`, `instances[blink-internal].host`). */
export interface ContextString {
  path: string;
  value: string;
}

/**
 * Every string in a template context, depth first in key order. Array items
 * that carry a `key` (odoo.conf options) or an `id` (instances) are named by
 * it, so a message can say which one is at fault without showing its value.
 */
export function contextStrings(value: unknown, path = ''): ContextString[] {
  if (typeof value === 'string') return [{ path, value }];
  if (Array.isArray(value)) {
    return value.flatMap((item: unknown, i) => {
      const named = item !== null && typeof item === 'object' ? (item as { key?: unknown; id?: unknown }) : {};
      const key = typeof named.key === 'string' ? named.key : typeof named.id === 'string' ? named.id : String(i);
      return contextStrings(item, `${path}[${key}]`);
    });
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => contextStrings(v, path ? `${path}.${k}` : k));
  }
  return [];
}
