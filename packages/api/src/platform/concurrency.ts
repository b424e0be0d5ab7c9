/**
 * Runs `fn` over `items` with at most `width` calls in flight (a new one starts as one ends), and answers
 * the results in the items' order. For a batch of independent database reads or writes that should
 * neither go one by one nor all at once (FerretDB holds a backend connection per operation in flight).
 */
export async function inParallel<T, R>(items: readonly T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, width), items.length) }, worker));
  return out;
}
