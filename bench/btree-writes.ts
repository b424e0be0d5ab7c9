/**
 * Single-document writes with and without FerretDB's btree indexes for plain declared indexes, on the
 * embedded default: two databases on one server (`index-layouts.ts`), `btree` as before 2026-12-07 (a
 * btree index on `(_jsonb->'field')` for each plain declared index, beside the GIN twins), `gin-only` as
 * now (unique indexes and GIN twins only). For contacts,
 * opportunities and audit entries, with the API's own schemas: N inserts one at a time (as interactive
 * creates write) and N updates by `_id` of a field an index names (as an edit), the two databases taking
 * turns per operation so that load from elsewhere falls on both alike. Prints the milliseconds per
 * operation of each (one at a time, so the time of FerretDB and PostgreSQL serving it).
 *
 *   node --import tsx bench/btree-writes.ts [--writes 2000]
 *
 * Prints JSON; the figures go to bench/RESULTS.md by hand, with the command and the load.
 */
import { parseArgs } from 'node:util';
import { Types, type Model } from 'mongoose';
import { contactModel } from '../packages/api/src/modules/contacts/contact.model.js';
import { opportunityModel } from '../packages/api/src/modules/opportunities/opportunity.model.js';
import { auditEntryModel } from '../packages/api/src/modules/audit/audit.model.js';
import { indexLayouts, layouts as variants, load } from './index-layouts.js';

const { values } = parseArgs({ options: { writes: { type: 'string', default: '2000' } } });
const writes = Number(values.writes);
const loadBefore = load();
const kinds = { contacts: contactModel, opportunities: opportunityModel, audit_entries: auditEntryModel } as const;
const { connections, close } = await indexLayouts('bench_btree', (connection) => {
  for (const make of Object.values(kinds)) make(connection);
});

/** A document with a value in every top-level field the model's declared indexes name (and its other required strings). */
function documentFor(model: Model<unknown>, i: number): Record<string, unknown> {
  const fields = new Set<string>();
  for (const [keys] of model.schema.indexes()) for (const field of Object.keys(keys)) if (!field.includes('.') && field !== '_id') fields.add(field);
  model.schema.eachPath((path, type) => {
    if (!path.includes('.') && (type as { isRequired?: boolean }).isRequired) fields.add(path);
  });
  const doc: Record<string, unknown> = { _id: new Types.ObjectId() };
  for (const field of fields) {
    const instance = model.schema.path(field)?.instance;
    doc[field] = instance === 'ObjectId' ? new Types.ObjectId() : instance === 'Number' ? i : instance === 'Date' ? new Date() : instance === 'Boolean' ? i % 2 === 0 : `${field}-${i % 50}`;
  }
  return doc;
}

const result: Record<string, unknown> = { writes };
for (const [collection, make] of Object.entries(kinds)) {
  const models = connections.map((c) => make(c) as unknown as Model<unknown>);
  const docs = Array.from({ length: writes }, (_, i) => documentFor(models[0]!, i));
  const indexed = [...new Set(models[0]!.schema.indexes().flatMap(([keys]) => Object.keys(keys)))].find((f) => f !== 'tenantId' && f !== '_id' && !f.includes('.') && ['String', 'Number'].includes(models[0]!.schema.path(f)?.instance ?? ''));
  const ms = { insert: variants.map(() => 0), update: variants.map(() => 0) };
  for (const doc of docs) {
    for (const [v, model] of models.entries()) {
      const started = performance.now();
      await model.collection.insertOne({ ...doc });
      ms.insert[v]! += performance.now() - started;
    }
  }
  for (const [i, doc] of docs.entries()) {
    for (const [v, model] of models.entries()) {
      const started = performance.now();
      const value = models[0]!.schema.path(indexed!)?.instance === 'Number' ? i + 1 : `${indexed}-${(i + 7) % 50}`;
      await model.collection.updateOne({ _id: doc._id }, { $set: { [indexed!]: value } });
      ms.update[v]! += performance.now() - started;
    }
  }
  const indexes = await Promise.all(models.map(async (m) => (await m.collection.listIndexes().toArray()).length));
  result[collection] = {
    updatedField: indexed,
    ...Object.fromEntries(variants.map((variant, v) => [variant.name, { ferretdbIndexes: indexes[v], insertMs: Math.round((ms.insert[v]! / writes) * 1000) / 1000, updateMs: Math.round((ms.update[v]! / writes) * 1000) / 1000 }])),
  };
}
result.load = { before: loadBefore, after: load() };
console.log(JSON.stringify(result, null, 2));
await close();
process.exit(0);
