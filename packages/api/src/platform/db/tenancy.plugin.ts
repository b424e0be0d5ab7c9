import { Schema, type Model, type Query, type Types } from 'mongoose';

/** Raised when code queries a tenant-owned model without a tenant scope: a bug, never a user error. */
export class MissingTenantScopeError extends Error {
  override name = 'MissingTenantScopeError';
}

const queryOps = [
  'countDocuments',
  'deleteMany',
  'deleteOne',
  'distinct',
  'find',
  'findOne',
  'findOneAndDelete',
  'findOneAndReplace',
  'findOneAndUpdate',
  'replaceOne',
  'updateMany',
  'updateOne',
] as const;

function hasTenantScope(filter: Record<string, unknown> | undefined): boolean {
  if (!filter) return false;
  if (filter.tenantId !== undefined && filter.tenantId !== null && typeof filter.tenantId !== 'object') return true;
  if (filter.tenantId && typeof filter.tenantId === 'object' && '_bsontype' in (filter.tenantId as object)) return true;
  const and = filter.$and;
  return Array.isArray(and) && and.some((part) => hasTenantScope(part as Record<string, unknown>));
}

/**
 * Marks a model as tenant-owned: it gets a required, indexed `tenantId`, and every query or aggregation
 * without an equality on `tenantId` throws, so a forgotten scope fails loudly in tests instead of leaking.
 * A lookup that must find the tenant first (sign-in by email, an API key by its hash) passes
 * `{ crossTenant: '<why>' }` as a query option.
 */
export function tenantScoped(schema: Schema): void {
  schema.add({ tenantId: { type: Schema.Types.ObjectId, required: true, index: true, immutable: true } });
  for (const op of queryOps) {
    schema.pre(op, function (this: Query<unknown, unknown>) {
      // The few lookups that find the tenant (login by email, key by hash) say so explicitly.
      if ((this.getOptions() as { crossTenant?: string }).crossTenant) return;
      if (!hasTenantScope(this.getFilter() as Record<string, unknown>)) {
        throw new MissingTenantScopeError(`${this.model.modelName}.${op} without a tenantId filter`);
      }
    });
  }
  schema.pre('aggregate', function () {
    const first = this.pipeline()[0] as { $match?: Record<string, unknown> } | undefined;
    if (!first?.$match || !hasTenantScope(first.$match)) {
      throw new MissingTenantScopeError(`${this.model()?.modelName ?? 'model'}.aggregate must start with a $match on tenantId`);
    }
  });
  // insertMany and save need no hook: `tenantId` is required by the schema, so validation refuses a document without it.
}

/**
 * A tenant-owned document by id, checked against the tenant on the document instead of in the filter.
 * The query names `_id` alone, the one filter FerretDB's SQLite handler pushes down to SQL, so it reads
 * one row where `{ tenantId, _id }` would read the whole collection (every tenant's); on PostgreSQL and
 * MongoDB it is an index lookup either way. The answer is the same: another tenant's id finds nothing.
 */
export async function findByIdInTenant<T extends { tenantId: Types.ObjectId }>(model: Model<T>, tenantId: Types.ObjectId, id: Types.ObjectId): Promise<T | null> {
  const doc = await model.findOne({ _id: id } as never).setOptions({ crossTenant: 'by id; the tenant is checked on the result' }).lean<T>();
  return doc && doc.tenantId?.equals(tenantId) ? doc : null;
}
