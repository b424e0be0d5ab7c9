import type { Connection, Model } from 'mongoose';

/** Index options the models use, passed to the server as they are; a model declaring any other goes through Mongoose's own `createIndexes`. */
const plainOptions = new Set(['unique', 'name']);

/** The server's default name of an index on `key` (field_direction joined by underscores), as the drivers make it. */
function defaultName(key: Record<string, unknown>, options: Record<string, unknown>): string {
  return typeof options.name === 'string' ? options.name : Object.entries(key).map(([field, direction]) => `${field}_${String(direction)}`).join('_');
}

/**
 * Creates every model's collection and declared indexes (autoIndex and autoCreate are off, so this is the
 * one place). A collection gets the indexes it lacks in one `createIndexes` command (which also creates
 * the collection): Mongoose's `Model.createIndexes` sends one command per index, and on FerretDB each is
 * its own PostgreSQL transaction, so a fresh database (every test file, every new install) took about
 * twice as long. An existing collection is first asked which indexes it has, and the command names only
 * the missing ones: FerretDB 1.24 drops the connection ("slice bounds out of range") when one
 * `createIndexes` names several indexes that exist already, which every restart would otherwise do.
 * `pushdownOnly` (FerretDB on PostgreSQL): no declared index is made but the unique ones (they enforce),
 * and plain ones an earlier version made are dropped. FerretDB 1.24 pushes every equality down as
 * `_jsonb->'field' @> value`, which a btree index on `(_jsonb->'field')` (what FerretDB makes for a
 * declared index) cannot serve, and pushes no sort or range down: such an index serves no read and only
 * makes every write keep it up (276 of them over the API's collections, 9 on contacts). The reads are
 * served by the GIN twins of the declared indexes' fields (pushdown-indexes.ts). On MongoDB every declared
 * index is made.
 */
export async function ensureIndexes(connection: Connection, settings: { pushdownOnly?: boolean } = {}): Promise<void> {
  const existing = new Set((await connection.db!.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  for (const model of Object.values(connection.models) as Model<unknown>[]) {
    let declared = model.schema.indexes();
    if (declared.some(([, options]) => Object.keys(options).some((key) => !plainOptions.has(key)))) {
      await model.createIndexes();
      continue;
    }
    // FerretDB on PostgreSQL: plain indexes are left to their GIN twins (see above).
    const leftToGin = settings.pushdownOnly ? declared.filter(([, o]) => !o.unique) : [];
    declared = declared.filter((d) => !leftToGin.includes(d));
    const isNew = !existing.has(model.collection.collectionName);
    const have = isNew ? new Set<string>() : new Set((await model.collection.listIndexes().toArray()).map((index) => String(index.name)));
    // Made by an earlier version: dropped, one command each.
    for (const [key, o] of leftToGin) if (have.has(defaultName(key, o))) await model.collection.dropIndex(defaultName(key, o));
    const missing = declared.filter(([key, options]) => !have.has(defaultName(key, options))).map(([key, options]) => ({ key, ...options }));
    if (missing.length) await model.collection.createIndexes(missing as Parameters<typeof model.collection.createIndexes>[0]);
    else if (isNew) await model.createCollection();
  }
}
