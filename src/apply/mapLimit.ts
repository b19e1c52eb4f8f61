/** Run `fn` over `items` with at most `limit` at once; results keep the items' order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/**
 * Print blocks in fleet order as soon as every earlier one is done, so
 * parallel servers never interleave and the first ones show early.
 */
export function inOrder<T>(print: (item: T) => void): (index: number, item: T) => void {
  const ready = new Map<number, T>();
  let next = 0;
  return (index, item) => {
    ready.set(index, item);
    while (ready.has(next)) {
      print(ready.get(next)!);
      ready.delete(next++);
    }
  };
}
