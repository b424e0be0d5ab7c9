import type { Connection, Model } from 'mongoose';

/** Index options passed to the server as they are; a model declaring any other (Mongoose's `expires`, say) goes through Mongoose. */
const plainOptions = new Set(['unique', 'sparse', 'name', 'partialFilterExpression', 'expireAfterSeconds', 'collation']);

/**
 * Creates every model's collection and declared indexes (autoIndex is off, so this is the one place).
 * One `createIndexes` command per collection (it also creates the collection): Mongoose's
 * `Model.createIndexes` sends one `createIndex` per index, and on FerretDB each command is its own
 * PostgreSQL transaction, so a fresh database (every test file, every new install) took about twice as long.
 * Indexes that exist already are left as they are (same key, same default name).
 */
export async function ensureIndexes(connection: Connection): Promise<void> {
  const existing = new Set((await connection.db!.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  for (const model of Object.values(connection.models) as Model<unknown>[]) {
    const declared = model.schema.indexes();
    if (declared.some(([, options]) => Object.keys(options).some((key) => !plainOptions.has(key)))) {
      await model.createIndexes();
      continue;
    }
    if (declared.length) await model.collection.createIndexes(declared.map(([key, options]) => ({ key, ...options })) as Parameters<typeof model.collection.createIndexes>[0]);
    else if (!existing.has(model.collection.collectionName)) await model.createCollection();
  }
}
