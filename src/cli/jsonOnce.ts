/**
 * Each compiled server's and instance's JSON, made once per run. After an
 * edit of clients.yaml, both the per-server render keys (cachedRender) and
 * the compiled-fleet cache (cachedCompile) serialize every instance: a
 * thousand instances are some 5 MB of JSON, and one serialization of them
 * is tens of milliseconds. The compiled fleet is not changed once made, so
 * an object's text stays its text.
 */
const made = new WeakMap<object, string>();

export function jsonOnce(x: object): string {
  let text = made.get(x);
  if (text === undefined) made.set(x, (text = JSON.stringify(x)));
  return text;
}

/**
 * `JSON.stringify(value)` for an object with one list of objects in it
 * (`list`), the list's items serialized by `jsonOnce`. The list comes last
 * in its object: the same data, keys in another order.
 */
export function jsonWithList<T extends object>(value: T, list: keyof T & string): string {
  const { [list]: items, ...rest } = value;
  const head = JSON.stringify(rest);
  const body = `${JSON.stringify(list)}:[${(items as unknown as object[]).map(jsonOnce).join(',')}]`;
  return head === '{}' ? `{${body}}` : `${head.slice(0, -1)},${body}}`;
}
