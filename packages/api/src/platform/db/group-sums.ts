import type { Model, PipelineStage } from 'mongoose';

/**
 * `$group` with several `$sum` accumulators, as one aggregation per accumulator: FerretDB v1.24 computes
 * only the first accumulator of a `$group` and answers 0 for the others (seen on the SQLite handler), so
 * each sum runs alone and the rows are merged by group key. Every pipeline starts with `match`.
 */
export async function groupSums<K, N extends string>(model: Model<never> | Model<unknown>, match: Record<string, unknown>, groupId: unknown, sums: Record<N, 1 | `$${string}`>): Promise<Array<{ _id: K } & Record<N, number>>> {
  const names = Object.keys(sums) as N[];
  const results = await Promise.all(
    names.map((name) => (model as Model<unknown>).aggregate<{ _id: K; value: number }>([{ $match: match }, { $group: { _id: groupId, value: { $sum: sums[name] } } }] as PipelineStage[])),
  );
  const rows = new Map<string, { _id: K } & Record<N, number>>();
  results.forEach((result, i) => {
    for (const row of result) {
      const key = JSON.stringify(row._id);
      const entry = rows.get(key) ?? ({ _id: row._id } as { _id: K } & Record<N, number>);
      (entry as Record<string, unknown>)[names[i]!] = row.value;
      rows.set(key, entry);
    }
  });
  for (const entry of rows.values()) for (const name of names) if (!(name in entry)) (entry as Record<string, unknown>)[name] = 0;
  return [...rows.values()];
}
