import { Types, type Connection } from 'mongoose';
import { assertCan } from '../../platform/access/access.js';
import type { Principal } from '../../platform/access/principal.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors.js';
import type { EventBus } from '../../platform/events.js';
import { decodeCursor, encodeCursor } from '../../platform/records/cursor.js';
import { removeRecordSearch, syncRecordSearch } from '../../platform/search/search-index.js';
import { parseSearch, runSearch, searchCursor } from '../../platform/search/search-query.js';
import { normalizeText } from '../../platform/search/search-tokens.js';
import { articleCategoryModel, articleModel, articleVersionModel, articleVoteModel, type Article, type ArticleLanguage, type ArticleVersion, type ArticleVisibility } from './article.model.js';
import { articleSearchKinds } from './article.search.js';
import { plainText, renderMarkdown } from './markdown.js';

/** Lists read at most this many (small) article documents of one filter; a knowledge base is hundreds to a few thousand. */
export const MAX_ARTICLES_READ = 5000;
/** Versions of one article a version list reads. */
const MAX_VERSIONS_READ = 500;

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

/** The list shape of an article (no body). */
export function toArticleSummary(a: Article) {
  return {
    id: String(a._id),
    title: a.title,
    slug: a.slug,
    categoryId: a.categoryId ? String(a.categoryId) : null,
    visibility: a.visibility,
    language: a.language,
    tags: a.tags ?? [],
    summary: a.summary ?? '',
    status: a.status,
    hasUnpublishedChanges: a.status === 'published' ? a.publishedVersion !== a.draftVersion : true,
    draftVersion: a.draftVersion,
    publishedVersion: a.publishedVersion ?? null,
    publishedAt: iso(a.publishedAt),
    helpful: a.helpful ?? 0,
    notHelpful: a.notHelpful ?? 0,
    views: a.views ?? 0,
    version: a.version ?? 0,
    createdAt: new Date(a.createdAt).toISOString(),
    updatedAt: new Date(a.updatedAt).toISOString(),
  };
}

function toVersionDto(v: ArticleVersion, article: Article) {
  return {
    number: v.number,
    title: v.title,
    tags: v.tags ?? [],
    published: Boolean(v.publishedAt),
    current: article.status === 'published' && article.publishedVersion === v.number ? ('published' as const) : article.draftVersion === v.number ? ('draft' as const) : null,
    publishedAt: iso(v.publishedAt),
    createdBy: v.createdBy ? String(v.createdBy) : null,
    createdAt: new Date(v.createdAt).toISOString(),
    updatedAt: new Date(v.updatedAt).toISOString(),
  };
}

/** A URL slug from a title: accents folded, lower-case, words joined by dashes. */
export function slugify(title: string): string {
  const slug = normalizeText(title).replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80).replace(/-+$/, '');
  return slug || 'article';
}

export interface ArticleInput {
  title: string;
  body: string;
  slug?: string | undefined;
  categoryId?: string | null | undefined;
  visibility: ArticleVisibility;
  language: ArticleLanguage;
  tags: string[];
}

export type ArticlePatch = Partial<Omit<ArticleInput, 'categoryId'>> & { categoryId?: string | null | undefined };

/** Agents' side of the knowledge base: articles, their working copy, versions and publication. */
export function createArticlesService(deps: { connection: Connection; events: EventBus }) {
  const { connection, events } = deps;
  const Article = articleModel(connection);
  const Version = articleVersionModel(connection);
  const Category = articleCategoryModel(connection);
  const kinds = articleSearchKinds(connection);

  const find = async (tenantId: Types.ObjectId, id: string | Types.ObjectId) => {
    const doc = await Article.findOne({ tenantId, _id: new Types.ObjectId(String(id)) }).lean();
    if (!doc) throw AppError.notFound('Article');
    return doc;
  };
  const versionOf = async (article: Article, number: number) => {
    const v = await Version.findOne({ tenantId: article.tenantId, articleId: article._id, number }).lean();
    if (!v) throw AppError.notFound('Article version');
    return v;
  };
  const assertCategory = async (tenantId: Types.ObjectId, id: string | null | undefined) => {
    if (!id) return null;
    const category = await Category.findOne({ tenantId, _id: new Types.ObjectId(id) }).lean();
    if (!category) throw AppError.invalidField('categoryId', 'names no category of this agency');
    return category._id;
  };
  const slugTaken = (slug: string, language: string) =>
    new AppError('conflict', `Another ${language} article already has the slug "${slug}"; choose another slug`, { errors: [{ field: 'slug', code: 'taken', message: 'is taken by another article of this language' }] });
  const conflict = (a: Article) => new AppError('version_conflict', `The article was changed by someone else (now version ${a.version ?? 0}); reload and try again`, { extensions: { current: toArticleSummary(a) } });

  /** Search entries follow every write (working copy and live copy), then the change is announced. */
  const actorOf = (principal: Principal) => ({ tenantId: principal.tenantId, userId: principal.userId, apiKeyId: principal.apiKeyId });
  const afterWrite = async (principal: Principal, doc: Article, type: string) => {
    await syncRecordSearch(connection, kinds.working, principal.tenantId, doc._id, doc);
    await events.publish({ type, tenantId: principal.tenantId, resource: 'article', resourceId: String(doc._id), actor: actorOf(principal), record: toArticleSummary(doc) });
  };

  const withBody = async (article: Article) => {
    const draft = await Version.findOne({ tenantId: article.tenantId, articleId: article._id, number: article.draftVersion }).lean();
    const body = draft?.body ?? '';
    return { ...toArticleSummary(article), body, html: renderMarkdown(body) };
  };

  return {
    kinds,
    /** Articles of the agency, newest change first; with `q`, best match first through the search index. */
    async list(principal: Principal, query: { categoryId?: string | undefined; status?: string | undefined; visibility?: string | undefined; language?: string | undefined; q?: string | undefined; limit: number; cursor?: string | undefined }) {
      assertCan(principal, 'article', 'read');
      const filter: Record<string, unknown> = { tenantId: principal.tenantId };
      if (query.categoryId) filter.categoryId = new Types.ObjectId(query.categoryId);
      if (query.status) filter.status = query.status;
      if (query.visibility) filter.visibility = query.visibility;
      if (query.language) filter.language = query.language;
      const words = parseSearch(query.q);
      if (words) {
        const { hits, more } = await runSearch(kinds.working, { tenantId: principal.tenantId, words, visibility: { tenantId: principal.tenantId }, filter, want: query.limit, after: query.cursor });
        const last = hits.at(-1);
        return { object: 'list' as const, data: hits.map((h) => toArticleSummary(h.doc)), hasMore: more, nextCursor: more && last ? searchCursor(last) : null };
      }
      // Equality filters only (pushed down); ordered here, since the database cannot sort cheaply.
      const docs = await Article.find(filter as never).limit(MAX_ARTICLES_READ).lean();
      const key = (a: Article) => `${String(new Date(a.updatedAt).getTime()).padStart(15, '0')}${a._id.toHexString()}`;
      docs.sort((a, b) => (key(a) < key(b) ? 1 : -1));
      let start = 0;
      if (query.cursor) {
        const position = decodeCursor(query.cursor);
        if (typeof position.v !== 'string') throw AppError.invalidField('query.cursor', 'is not a cursor of this list', 'invalid_cursor');
        start = docs.findIndex((d) => key(d) < String(position.v));
        if (start === -1) start = docs.length;
      }
      const page = docs.slice(start, start + query.limit);
      const hasMore = start + query.limit < docs.length;
      const last = page.at(-1);
      return { object: 'list' as const, data: page.map(toArticleSummary), hasMore, nextCursor: hasMore && last ? encodeCursor({ v: key(last), id: last._id.toHexString() }) : null };
    },

    async get(principal: Principal, id: string) {
      assertCan(principal, 'article', 'read');
      return withBody(await find(principal.tenantId, id));
    },

    /** Creates a draft (version 1). The body is stored first, so an article never points at a missing version. */
    async create(principal: Principal, input: ArticleInput) {
      assertCan(principal, 'article', 'create');
      const tenantId = principal.tenantId;
      const categoryId = await assertCategory(tenantId, input.categoryId);
      const slug = input.slug ?? slugify(input.title);
      const articleId = new Types.ObjectId();
      await Version.create({ tenantId, articleId, number: 1, title: input.title, body: input.body, tags: input.tags, createdBy: principal.userId });
      try {
        const created = await Article.create({
          _id: articleId, tenantId, title: input.title, slug, categoryId, visibility: input.visibility, language: input.language, tags: input.tags,
          summary: plainText(input.body), status: 'draft', draftVersion: 1, lastPublishedVersion: null, publishedVersion: null, createdBy: principal.userId, updatedBy: principal.userId,
        });
        const doc = created.toObject() as Article;
        await afterWrite(principal, doc, 'article.created');
        return withBody(doc);
      } catch (error) {
        await Version.deleteMany({ tenantId, articleId });
        if (isDuplicateKeyError(error)) throw slugTaken(slug, input.language);
        throw error;
      }
    },

    /**
     * Changes the working copy. Content (title, body, tags) goes into the draft version, or into a new
     * version when the draft has been published (a published version is never changed). Settings
     * (slug, category, visibility, language) apply to the article at once. With `ifMatch`, only while
     * the article is still at that version.
     */
    async update(principal: Principal, id: string, patch: ArticlePatch, ifMatch?: number) {
      assertCan(principal, 'article', 'update');
      const tenantId = principal.tenantId;
      const current = await find(tenantId, id);
      if (ifMatch !== undefined && (current.version ?? 0) !== ifMatch) throw conflict(current);
      const set: Record<string, unknown> = { updatedBy: principal.userId };
      if (patch.slug !== undefined) set.slug = patch.slug;
      if (patch.visibility !== undefined) set.visibility = patch.visibility;
      if (patch.language !== undefined) set.language = patch.language;
      if (patch.categoryId !== undefined) set.categoryId = await assertCategory(tenantId, patch.categoryId);
      const content = patch.title !== undefined || patch.body !== undefined || patch.tags !== undefined;
      let newVersion: number | null = null;
      if (content) {
        const draft = await versionOf(current, current.draftVersion);
        const next = { title: patch.title ?? draft.title, body: patch.body ?? draft.body, tags: patch.tags ?? draft.tags ?? [] };
        Object.assign(set, { title: next.title, tags: next.tags, summary: plainText(next.body) });
        if (draft.publishedAt) {
          // The draft is live (or was): the edit starts a new version, invisible until the article points at it.
          newVersion = current.draftVersion + 1;
          try {
            await Version.create({ tenantId, articleId: current._id, number: newVersion, ...next, createdBy: principal.userId });
          } catch (error) {
            if (isDuplicateKeyError(error)) throw conflict(await find(tenantId, id));
            throw error;
          }
          set.draftVersion = newVersion;
        } else {
          // Claim the edit on the article first (version check), so a writer that lost the race writes nothing.
          const claimed = await Article.findOneAndUpdate({ tenantId, _id: current._id, version: current.version ?? 0 }, { $set: set, $inc: { version: 1 } }, { returnDocument: 'after' }).lean().catch((error: unknown) => {
            if (isDuplicateKeyError(error)) throw slugTaken(String(set.slug ?? current.slug), String(set.language ?? current.language));
            throw error;
          });
          if (!claimed) throw conflict(await find(tenantId, id));
          await Version.updateOne({ tenantId, articleId: current._id, number: current.draftVersion, publishedAt: null }, { $set: next });
          await afterWrite(principal, claimed, 'article.updated');
          return withBody(claimed);
        }
      }
      try {
        const updated = await Article.findOneAndUpdate({ tenantId, _id: current._id, version: current.version ?? 0 }, { $set: set, $inc: { version: 1 } }, { returnDocument: 'after' }).lean();
        if (!updated) {
          if (newVersion) await Version.deleteOne({ tenantId, articleId: current._id, number: newVersion });
          throw conflict(await find(tenantId, id));
        }
        await afterWrite(principal, updated, 'article.updated');
        return withBody(updated);
      } catch (error) {
        if (newVersion && !(error instanceof AppError)) await Version.deleteOne({ tenantId, articleId: current._id, number: newVersion });
        if (isDuplicateKeyError(error)) throw slugTaken(String(set.slug ?? current.slug), String(set.language ?? current.language));
        throw error;
      }
    },

    /** Publishes the working copy: it becomes what customers read; the version published before stays in the history. */
    async publish(principal: Principal, id: string, ifMatch?: number) {
      assertCan(principal, 'article', 'transition');
      const tenantId = principal.tenantId;
      const current = await find(tenantId, id);
      if (ifMatch !== undefined && (current.version ?? 0) !== ifMatch) throw conflict(current);
      if (current.status === 'published' && current.publishedVersion === current.draftVersion) return withBody(current);
      const draft = await versionOf(current, current.draftVersion);
      const now = new Date();
      const updated = await Article.findOneAndUpdate(
        { tenantId, _id: current._id, version: current.version ?? 0 },
        {
          $set: {
            status: 'published', publishedVersion: draft.number, lastPublishedVersion: draft.number, publishedTitle: draft.title, publishedTags: draft.tags ?? [],
            publishedSummary: plainText(draft.body), publishedAt: now, updatedBy: principal.userId,
          },
          $inc: { version: 1 },
        },
        { returnDocument: 'after' },
      ).lean();
      if (!updated) throw conflict(await find(tenantId, id));
      // From now on this version is frozen: the next edit starts a new one.
      await Version.updateOne({ tenantId, articleId: current._id, number: draft.number, publishedAt: null }, { $set: { publishedAt: now } });
      await afterWrite(principal, updated, 'article.published');
      return withBody(updated);
    },

    /** Takes the article off the portal; its versions stay. */
    async unpublish(principal: Principal, id: string, ifMatch?: number) {
      assertCan(principal, 'article', 'transition');
      const tenantId = principal.tenantId;
      const current = await find(tenantId, id);
      if (ifMatch !== undefined && (current.version ?? 0) !== ifMatch) throw conflict(current);
      if (current.status === 'draft') return withBody(current);
      const updated = await Article.findOneAndUpdate(
        { tenantId, _id: current._id, version: current.version ?? 0 },
        { $set: { status: 'draft', publishedVersion: null, publishedTitle: null, publishedSummary: null, publishedTags: [], updatedBy: principal.userId }, $inc: { version: 1 } },
        { returnDocument: 'after' },
      ).lean();
      if (!updated) throw conflict(await find(tenantId, id));
      await afterWrite(principal, updated, 'article.unpublished');
      return withBody(updated);
    },

    /** The article's versions, newest first (no bodies). */
    async versions(principal: Principal, id: string) {
      assertCan(principal, 'article', 'read');
      const article = await find(principal.tenantId, id);
      const versions = await Version.find({ tenantId: principal.tenantId, articleId: article._id }).limit(MAX_VERSIONS_READ).lean();
      versions.sort((a, b) => b.number - a.number);
      return { object: 'list' as const, data: versions.map((v) => toVersionDto(v, article)), hasMore: false, nextCursor: null };
    },

    async version(principal: Principal, id: string, number: number) {
      assertCan(principal, 'article', 'read');
      const article = await find(principal.tenantId, id);
      const v = await versionOf(article, number);
      return { ...toVersionDto(v, article), body: v.body, html: renderMarkdown(v.body) };
    },

    /** Makes an old version's content the working copy again (as a new version when the draft is frozen); publish to make it live. */
    async restore(principal: Principal, id: string, number: number, ifMatch?: number) {
      assertCan(principal, 'article', 'update');
      const article = await find(principal.tenantId, id);
      const v = await versionOf(article, number);
      return this.update(principal, id, { title: v.title, body: v.body, tags: v.tags ?? [] }, ifMatch ?? article.version ?? 0);
    },

    /** Deletes the article with its versions, votes and search entries. */
    async remove(principal: Principal, id: string) {
      assertCan(principal, 'article', 'delete');
      const tenantId = principal.tenantId;
      const article = await find(tenantId, id);
      await Article.deleteOne({ tenantId, _id: article._id });
      await Version.deleteMany({ tenantId, articleId: article._id });
      await articleVoteModel(connection).deleteMany({ tenantId, articleId: article._id });
      await removeRecordSearch(connection, tenantId, article._id);
      await events.publish({ type: 'article.deleted', tenantId, resource: 'article', resourceId: String(article._id), actor: actorOf(principal) });
    },
  };
}

export type ArticlesService = ReturnType<typeof createArticlesService>;
