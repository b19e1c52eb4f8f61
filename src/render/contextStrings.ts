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
  const out: ContextString[] = [];
  collect(value, path, out);
  return out;
}

// Push into one array: render scans every context, and per-level arrays were most of its garbage.
function collect(value: unknown, path: string, out: ContextString[]): void {
  if (typeof value === 'string') {
    out.push({ path, value });
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const named = item !== null && typeof item === 'object' ? (item as { key?: unknown; id?: unknown }) : {};
      const key = typeof named.key === 'string' ? named.key : typeof named.id === 'string' ? named.id : String(i);
      collect(item, `${path}[${key}]`, out);
    }
  } else if (value !== null && typeof value === 'object') {
    for (const k in value) collect((value as Record<string, unknown>)[k], path ? `${path}.${k}` : k, out);
  }
}
