import { Types, type Connection } from 'mongoose';
import { assertCan } from '../../platform/access/access.js';
import type { Principal } from '../../platform/access/principal.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors.js';
import { articleCategoryModel, articleModel, type ArticleCategory } from './article.model.js';

/** A tenant has at most this many categories (they are read whole and ordered in memory). */
export const MAX_CATEGORIES = 500;

/** The public shape of a category. */
export function toCategoryDto(c: ArticleCategory) {
  return { id: String(c._id), name: c.name, description: c.description ?? null, parentId: c.parentId ? String(c.parentId) : null, position: c.position ?? 0, version: c.version ?? 0 };
}

/** Top-level categories by position, each followed by its children by position. */
export function orderCategories<C extends Pick<ArticleCategory, '_id' | 'parentId' | 'position' | 'name'>>(categories: C[]): C[] {
  const byPosition = (a: C, b: C) => (a.position ?? 0) - (b.position ?? 0) || a.name.localeCompare(b.name);
  const tops = categories.filter((c) => !c.parentId).sort(byPosition);
  const out: C[] = [];
  for (const top of tops) out.push(top, ...categories.filter((c) => c.parentId?.equals(top._id)).sort(byPosition));
  return out;
}

export interface CategoryInput {
  name?: string | undefined;
  description?: string | null | undefined;
  parentId?: string | null | undefined;
  position?: number | undefined;
}

/** Knowledge-base categories: ordered, nested one level; a category with articles or children cannot be deleted. */
export function createCategoriesService(connection: Connection) {
  const Category = articleCategoryModel(connection);
  const find = async (tenantId: Types.ObjectId, id: string) => {
    const c = await Category.findOne({ tenantId, _id: new Types.ObjectId(id) }).lean();
    if (!c) throw AppError.notFound('Category');
    return c;
  };
  const nameTaken = (name: string) => new AppError('conflict', `A category named "${name}" already exists at this level; choose another name`, { errors: [{ field: 'name', code: 'taken', message: 'is taken at this level' }] });
  /** The parent must be a top-level category of the tenant (one level of nesting), and never the category itself. */
  const parentOf = async (tenantId: Types.ObjectId, parentId: string | null | undefined, self?: ArticleCategory) => {
    if (!parentId) return null;
    const parent = await Category.findOne({ tenantId, _id: new Types.ObjectId(parentId) }).lean();
    if (!parent) throw AppError.invalidField('parentId', 'names no category of this agency');
    if (parent.parentId) throw AppError.invalidField('parentId', 'must be a top-level category: categories nest one level');
    if (self && parent._id.equals(self._id)) throw AppError.invalidField('parentId', 'cannot be the category itself');
    if (self && (await Category.findOne({ tenantId, parentId: self._id }).lean())) throw AppError.invalidField('parentId', 'this category has subcategories, so it must stay top-level');
    return parent._id;
  };
  return {
    async list(tenantId: Types.ObjectId) {
      const docs = await Category.find({ tenantId }).limit(MAX_CATEGORIES).lean();
      return orderCategories(docs);
    },
    async listFor(principal: Principal) {
      assertCan(principal, 'article', 'read');
      return { object: 'list' as const, data: (await this.list(principal.tenantId)).map(toCategoryDto), hasMore: false, nextCursor: null };
    },
    async create(principal: Principal, input: CategoryInput & { name: string }) {
      assertCan(principal, 'article', 'create');
      const tenantId = principal.tenantId;
      const parentId = await parentOf(tenantId, input.parentId);
      const existing = await Category.find({ tenantId }).limit(MAX_CATEGORIES + 1).lean();
      if (existing.length >= MAX_CATEGORIES) throw new AppError('conflict', `An agency has at most ${MAX_CATEGORIES} categories; merge some first`);
      const siblings = existing.filter((c) => String(c.parentId ?? '') === String(parentId ?? ''));
      const position = input.position ?? (siblings.length ? Math.max(...siblings.map((c) => c.position ?? 0)) + 1 : 0);
      try {
        const created = await Category.create({ tenantId, name: input.name, description: input.description ?? null, parentId, position });
        return toCategoryDto(created.toObject());
      } catch (error) {
        if (isDuplicateKeyError(error)) throw nameTaken(input.name);
        throw error;
      }
    },
    async update(principal: Principal, id: string, patch: CategoryInput) {
      assertCan(principal, 'article', 'update');
      const tenantId = principal.tenantId;
      const current = await find(tenantId, id);
      const set: Record<string, unknown> = {};
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.description !== undefined) set.description = patch.description;
      if (patch.position !== undefined) set.position = patch.position;
      if (patch.parentId !== undefined) set.parentId = await parentOf(tenantId, patch.parentId, current);
      try {
        const updated = await Category.findOneAndUpdate({ tenantId, _id: current._id, version: current.version ?? 0 }, { $set: set, $inc: { version: 1 } }, { returnDocument: 'after' }).lean();
        if (!updated) throw new AppError('version_conflict', 'The category was changed by someone else; reload and try again');
        return toCategoryDto(updated);
      } catch (error) {
        if (isDuplicateKeyError(error)) throw nameTaken(String(set.name ?? current.name));
        throw error;
      }
    },
    async remove(principal: Principal, id: string) {
      assertCan(principal, 'article', 'delete');
      const tenantId = principal.tenantId;
      const current = await find(tenantId, id);
      if (await Category.findOne({ tenantId, parentId: current._id }).lean()) throw new AppError('conflict', 'The category has subcategories; move or delete them first');
      if (await articleModel(connection).findOne({ tenantId, categoryId: current._id }).select({ _id: 1 }).lean()) throw new AppError('conflict', 'The category still has articles; move them to another category first');
      await Category.deleteOne({ tenantId, _id: current._id });
    },
  };
}

export type CategoriesService = ReturnType<typeof createCategoriesService>;
