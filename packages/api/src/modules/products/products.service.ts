import { Types, type Connection } from 'mongoose';
import { assertCan } from '../../platform/access/access.js';
import type { Principal } from '../../platform/access/principal.js';
import { op } from '../../platform/db/operators.js';
import { pageOf } from '../../platform/records/list-query.js';
import { AppError, duplicateKeyIndexes } from '../../platform/errors.js';
import { writeNextVersion, writeVersion } from '../../platform/records/version-claims.js';
import type { EventBus } from '../../platform/events.js';
import type { OrgDirectory } from '../../platform/records/record-service.js';
import { orgModel } from '../identity/org.model.js';
import { productModel, type Product } from './product.model.js';
import { iso } from '../../platform/records/dto.js';

/** The public shape of a product. */
export function toProductDto(p: Product) {
  return {
    id: String(p._id),
    name: p.name,
    code: p.code ?? null,
    description: p.description ?? null,
    cycleStart: iso(p.cycleStart),
    cycleEnd: iso(p.cycleEnd),
    status: p.status,
    locked: Boolean(p.locked),
    lockedAt: iso(p.lockedAt),
    departmentId: p.departmentId ? String(p.departmentId) : null,
    teamIds: (p.teamIds ?? []).map(String),
    userIds: (p.userIds ?? []).map(String),
    version: p.version ?? 0,
    createdAt: iso(p.createdAt) ?? '',
    updatedAt: iso(p.updatedAt) ?? '',
  };
}

/** 002: a product's cycle is three months unless its end is given. */
export function defaultCycleEnd(start: Date): Date {
  const end = new Date(start);
  end.setUTCMonth(end.getUTCMonth() + 3);
  return end;
}

/** Collections whose records carry a productId; a product they still reference cannot be deleted. */
const referencingCollections = ['contacts', 'customers', 'leads', 'opportunities', 'tasks', 'activities'];

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

type ProductInput = {
  name?: string | undefined;
  code?: string | null | undefined;
  description?: string | null | undefined;
  cycleStart?: string | null | undefined;
  cycleEnd?: string | null | undefined;
  departmentId?: string | null | undefined;
  teamIds?: string[] | undefined;
  userIds?: string[] | undefined;
  status?: 'active' | 'disabled' | undefined;
};

/**
 * Products (002's conferences): agency-level records managed by admins. Disabled products are invisible
 * to everyone but admins, here and (for their records) in the access module; a locked product makes its
 * records read-only for non-admins until an admin unlocks it.
 */
export function createProductsService(connection: Connection, deps: { events: EventBus; directory: OrgDirectory }) {
  const Product = productModel(connection);
  /** The first kind of record that still refers to a product (one equality read per collection, stopping at one), or null. */
  async function referencedBy(tenantId: Types.ObjectId, productId: Types.ObjectId): Promise<string | null> {
    for (const name of referencingCollections) {
      if (await connection.collection(name).countDocuments({ tenantId, productId }, { limit: 1 })) return name;
    }
    return null;
  }
  const Org = orgModel(connection);

  /** Non-admins never see a disabled product: it answers 404 like any record they may not see. */
  function scope(principal: Principal): Record<string, unknown> {
    return principal.role.isAdmin ? { tenantId: principal.tenantId } : { tenantId: principal.tenantId, status: 'active' };
  }

  async function findVisible(principal: Principal, id: string): Promise<Product> {
    const product = await Product.findOne({ ...scope(principal), _id: new Types.ObjectId(id) }).lean<Product>();
    if (!product) throw AppError.notFound('Product');
    return product;
  }

  async function checkAssignments(principal: Principal, input: ProductInput): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    if (input.departmentId !== undefined) {
      const departmentId = input.departmentId ? new Types.ObjectId(input.departmentId) : null;
      if (departmentId && !(await Org.findOne({ tenantId: principal.tenantId, _id: departmentId, kind: 'department' }).select('_id').lean())) {
        throw AppError.invalidField('departmentId', 'is not a department of this agency');
      }
      out.departmentId = departmentId;
    }
    for (const [field, lookup] of [
      ['teamIds', deps.directory.team],
      ['userIds', deps.directory.user],
    ] as const) {
      const ids = input[field];
      if (ids === undefined) continue;
      const unique = [...new Set(ids)].map((v) => new Types.ObjectId(v));
      for (const [i, id] of unique.entries()) {
        if (!(await lookup(principal.tenantId, id))) throw AppError.invalidField(`${field}.${i}`, `is not a ${field === 'teamIds' ? 'team' : 'user'} of this agency`);
      }
      out[field] = unique;
    }
    return out;
  }

  function cycleOf(input: ProductInput, existing: Product | null): { cycleStart: Date | null; cycleEnd: Date | null } {
    const start = input.cycleStart !== undefined ? (input.cycleStart ? new Date(input.cycleStart) : null) : (existing?.cycleStart ?? null);
    let end = input.cycleEnd !== undefined ? (input.cycleEnd ? new Date(input.cycleEnd) : null) : (existing?.cycleEnd ?? null);
    // A new start without an explicit end starts a new 3-month cycle.
    if (start && (input.cycleEnd === undefined || input.cycleEnd === null) && (input.cycleStart !== undefined || !end)) end = defaultCycleEnd(start);
    if (!start && end) throw AppError.invalidField('cycleStart', 'is required when the cycle has an end');
    if (start && end && end.getTime() <= start.getTime()) throw AppError.invalidField('cycleEnd', 'must be after cycleStart');
    return { cycleStart: start, cycleEnd: end };
  }

  async function publish(principal: Principal, type: string, product: Product, changes?: Record<string, { from: unknown; to: unknown }>) {
    await deps.events.publish({
      type: `product.${type}`,
      tenantId: principal.tenantId,
      resource: 'product',
      resourceId: String(product._id),
      actor: { tenantId: principal.tenantId, userId: principal.userId, apiKeyId: principal.apiKeyId },
      record: toProductDto(product),
      changes,
    });
  }

  async function setLock(principal: Principal, id: string, locked: boolean) {
    assertCan(principal, 'product', 'lock');
    const existing = await findVisible(principal, id);
    if (existing.locked === locked) return toProductDto(existing);
    const changed = await writeNextVersion(Product, principal.tenantId, existing._id, (current) =>
      current.locked === locked ? null : { $set: { locked, lockedAt: locked ? new Date() : null, lockedBy: locked ? principal.userId : null } },
    );
    const updated = (await Product.findOne({ tenantId: principal.tenantId, _id: existing._id }).lean<Product>())!;
    if (changed) await publish(principal, locked ? 'locked' : 'unlocked', updated, { locked: { from: !locked, to: locked } });
    return toProductDto(updated);
  }

  return {
    findVisible,

    async list(principal: Principal, query: { limit: number; cursor?: string | undefined; status?: string | undefined; locked?: string | undefined; departmentId?: string | undefined; assigned?: string | undefined; q?: string | undefined }) {
      const filter: Record<string, unknown> = scope(principal);
      const and: Record<string, unknown>[] = [];
      if (query.status) {
        if (query.status === 'disabled' && !principal.role.isAdmin) return { object: 'list' as const, data: [], hasMore: false, nextCursor: null };
        filter.status = query.status;
      }
      if (query.locked) filter.locked = query.locked === 'true';
      if (query.departmentId) filter.departmentId = new Types.ObjectId(query.departmentId);
      if (query.assigned === 'me') and.push({ _id: op({ $in: principal.productIds }) });
      if (query.q?.trim()) and.push({ $or: [{ name: new RegExp(`^${escapeRegex(query.q.trim())}`, 'i') }, { code: new RegExp(`^${escapeRegex(query.q.trim())}`, 'i') }] });
      if (and.length) filter.$and = and;
      return pageOf(Product, filter, query, (p) => toProductDto(p as Product));
    },

    async get(principal: Principal, id: string) {
      return toProductDto(await findVisible(principal, id));
    },

    async create(principal: Principal, input: ProductInput) {
      const doc = {
        tenantId: principal.tenantId,
        name: input.name,
        code: input.code ?? null,
        description: input.description ?? undefined,
        ...cycleOf(input, null),
        ...(await checkAssignments(principal, input)),
        status: 'active' as const,
        locked: false,
      };
      const created = (await Product.create(doc)).toObject() as Product;
      await publish(principal, 'created', created);
      return toProductDto(created);
    },

    /** Updates the sent fields; 002: the name can change only while the product is active. */
    async update(principal: Principal, id: string, input: ProductInput, ifMatch?: number) {
      const existing = await findVisible(principal, id);
      if (ifMatch !== undefined && existing.version !== ifMatch) {
        throw new AppError('version_conflict', `Product was changed by someone else (now version ${existing.version}); reload and try again`, { extensions: { current: toProductDto(existing) } });
      }
      const becomesActive = input.status === 'active';
      if (input.name !== undefined && input.name !== existing.name && existing.status !== 'active' && !becomesActive) {
        throw new AppError('conflict', 'A disabled product cannot be renamed; activate it first (002: the name can change while the product is active)');
      }
      const set: Record<string, unknown> = { ...(await checkAssignments(principal, input)) };
      for (const field of ['name', 'code', 'description', 'status'] as const) if (input[field] !== undefined) set[field] = input[field];
      if (input.cycleStart !== undefined || input.cycleEnd !== undefined) Object.assign(set, cycleOf(input, existing));
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      for (const [key, value] of Object.entries(set)) {
        const before = (existing as unknown as Record<string, unknown>)[key];
        if (JSON.stringify(before ?? null) === JSON.stringify(value ?? null)) delete set[key];
        else changes[key] = { from: before ?? null, to: value ?? null };
      }
      if (!Object.keys(set).length) return toProductDto(existing);
      const written = await writeVersion(Product, existing, { $set: set });
      const updated = (await Product.findOne({ tenantId: principal.tenantId, _id: existing._id }).lean<Product>())!;
      if (!written) {
        throw new AppError('version_conflict', `Product was changed by someone else (now version ${updated.version}); reload and try again`, { extensions: { current: toProductDto(updated) } });
      }
      await publish(principal, 'updated', updated, changes);
      return toProductDto(updated);
    },

    /** Deletes a product no record refers to; one with records should be disabled instead. */
    async remove(principal: Principal, id: string) {
      const existing = await findVisible(principal, id);
      const referencing = await referencedBy(principal.tenantId, existing._id);
      if (referencing) throw new AppError('conflict', `Product still has ${referencing}; disable it instead of deleting it`);
      await Product.deleteOne({ tenantId: principal.tenantId, _id: existing._id });
      await publish(principal, 'deleted', existing);
    },

    /**
     * Creates many products at once (an import): each is checked as `create` checks it (its cycle, its
     * department; each distinct department read once per call), and the accepted ones are inserted in one
     * unordered insert under ids the caller chose, so a batch written again after a crash inserts only what
     * is missing. `status` may start a product disabled; `extra` (the import's id) is stored beside it. One
     * `product.imported` event carries the batch to the audit trail. Answers, per item, what happened to it.
     */
    async createMany(principal: Principal, items: ReadonlyArray<{ id: Types.ObjectId; input: ProductInput; status?: string | null }>, options: { extra?: Record<string, unknown>; data?: Record<string, unknown> } = {}): Promise<Array<{ id: Types.ObjectId; error: AppError | null }>> {
      assertCan(principal, 'product', 'create');
      const departments = new Map<string, Promise<Record<string, unknown>>>();
      const now = new Date();
      const outcomes = await Promise.all(
        items.map(async ({ id, input, status }) => {
          try {
            const department = input.departmentId ?? null;
            if (!departments.has(String(department))) departments.set(String(department), checkAssignments(principal, { departmentId: department }));
            const refs = await departments.get(String(department))!;
            const hydrated = new Product({ _id: id, tenantId: principal.tenantId, name: input.name, code: input.code ?? null, description: input.description ?? undefined, ...cycleOf(input, null), ...refs, status: status === 'disabled' ? 'disabled' : 'active', locked: false });
            try {
              await hydrated.validate();
            } catch (invalid) {
              const errors = (invalid as { errors?: Record<string, unknown> }).errors;
              if (!errors) throw invalid;
              throw AppError.invalidField(Object.keys(errors)[0] ?? 'product', (invalid as Error).message);
            }
            return { id, error: null, doc: { ...(hydrated.toObject() as unknown as Record<string, unknown>), ...(options.extra ?? {}), createdAt: now, updatedAt: now, version: 0 } };
          } catch (error) {
            if (error instanceof AppError) return { id, error, doc: null };
            throw error;
          }
        }),
      );
      const accepted = outcomes.filter((o) => o.doc).map((o) => o.doc!);
      if (accepted.length) {
        // Through the model, so that the access stamps move (invalidatesAccess); a product already there (an earlier run of the batch) is fine.
        await Product.insertMany(accepted as never[], { ordered: false, lean: true }).catch((error: unknown) => {
          if (!duplicateKeyIndexes(error)) throw error;
        });
        await deps.events.publish({ type: 'product.imported', tenantId: principal.tenantId, resource: 'product', resourceId: null, actor: { tenantId: principal.tenantId, userId: principal.userId, apiKeyId: principal.apiKeyId }, data: { ...(options.data ?? {}), count: accepted.length } });
      }
      return outcomes.map(({ id, error }) => ({ id, error }));
    },

    /**
     * Removes products an import made (its undo) that no record refers to yet (the collections `remove`
     * checks, one equality read each per product: an agency has few products); one referred to stays, as
     * `DELETE /v1/products/{id}` would keep it. Answers how many were removed.
     */
    async removeMany(principal: Principal, ids: ReadonlyArray<Types.ObjectId>, options: { data?: Record<string, unknown> } = {}): Promise<number> {
      assertCan(principal, 'product', 'delete');
      let removed = 0;
      for (const id of ids) {
        if (await referencedBy(principal.tenantId, id)) continue;
        removed += (await Product.deleteOne({ tenantId: principal.tenantId, _id: id })).deletedCount;
      }
      if (removed) await deps.events.publish({ type: 'product.import_undone', tenantId: principal.tenantId, resource: 'product', resourceId: null, actor: { tenantId: principal.tenantId, userId: principal.userId, apiKeyId: principal.apiKeyId }, data: { ...(options.data ?? {}), count: removed } });
      return removed;
    },

    /** 002: an admin locks a product; its records become read-only for everyone else. */
    lock: (principal: Principal, id: string) => setLock(principal, id, true),
    /** 002: unlocking makes the product's records (e.g. Production's speakers) workable by Sales and Marketing. */
    unlock: (principal: Principal, id: string) => setLock(principal, id, false),
  };
}

export type ProductsService = ReturnType<typeof createProductsService>;
