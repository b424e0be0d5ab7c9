import type { Connection } from 'mongoose';

/** Creates every model's collection and declared indexes (autoIndex is off, so this is the one place). */
export async function ensureIndexes(connection: Connection): Promise<void> {
  const existing = new Set((await connection.db!.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  for (const model of Object.values(connection.models)) {
    if (!existing.has(model.collection.collectionName)) await model.createCollection();
    await model.createIndexes();
  }
}
