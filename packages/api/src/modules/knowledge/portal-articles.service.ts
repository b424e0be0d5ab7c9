import { Types, type Connection } from 'mongoose';
import { mayReadPublished, publishedContentScopes, readableVisibilities, readerTenant, type ContentReader } from '../../platform/access/published-content.js';
import { findByIdInTenant } from '../../platform/db/tenancy.plugin.js';
import { op } from '../../platform/db/operators.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors.js';
import { searchCandidates } from '../../platform/search/search-index.js';
import { parseSearch, runSearch } from '../../platform/search/search-query.js';
import { queryWords, type QueryWord } from '../../platform/search/search-tokens.js';
import { articleModel, articleVersionModel, articleVoteModel, type Article, type ArticleLanguage } from './article.model.js';
import { MAX_ARTICLES_READ } from './articles.service.js';
import { publishedMatch, type ArticleSearchKinds } from './article.search.js';
import { renderMarkdown } from './markdown.js';
import { toCategoryDto, type CategoriesService } from './categories.service.js';

/** Words too common to suggest anything by (a ticket subject is mostly these). */
const STOPWORDS = new Set(
  (
    'a an and are as at be but by can cannot do does for from has have how i if in is it its my no not of on or our so that the their there this to was we what when where which who why will with you your ' +
    'aber als am an auch auf aus bei bin bis das dass dem den der des die ein eine einen einer es für hat habe ich ihr im in ist kann kein keine mein meine mit nach nicht noch nur oder sich sie sind so und uns von vom was weil wie wir wird zu zum zur'
  ).split(' '),
);
/** The most words of a subject a suggestion looks up (each one bounded lookup, two with its stem). */
const SUGGEST_WORDS = 6;

/** What a customer or visitor sees of an article (the published version only). */
export function toPortalSummary(a: Article) {
  return {
    id: String(a._id),
    title: a.publishedTitle ?? a.title,
    slug: a.slug,
    categoryId: a.categoryId ? String(a.categoryId) : null,
    language: a.language,
    tags: a.publishedTags ?? [],
    summary: a.publishedSummary ?? '',
    publishedAt: a.publishedAt ? new Date(a.publishedAt).toISOString() : null,
    helpful: a.helpful ?? 0,
    notHelpful: a.notHelpful ?? 0,
  };
}

/** Who is voting, as the key that makes their vote unique per article. */
function voterOf(reader: ContentReader, visitorId: string | undefined): string {
  if (reader.kind === 'agent') return `user:${reader.principal.userId.toHexString()}`;
  if (reader.kind === 'customer') return `customer:${reader.customer.customerUserId.toHexString()}`;
  if (!visitorId) throw AppError.invalidField('visitorId', 'is required for a visitor who is not signed in');
  return `visitor:${visitorId}`;
}

/**
 * The knowledge base as customers and visitors read it: only published articles whose visibility the
 * reader may see (platform/access/published-content.ts), by category, by slug, by search, as
 * suggestions for a ticket subject, and their "was this helpful" votes.
 */
export function createPortalArticlesService(deps: { connection: Connection; kinds: ArticleSearchKinds; categories: CategoriesService }) {
  const { connection, kinds } = deps;
  const Article = articleModel(connection);
  const Version = articleVersionModel(connection);
  const Vote = articleVoteModel(connection);

  const readable = async (reader: ContentReader, id: string) => {
    const doc = (await findByIdInTenant(Article as never, readerTenant(reader), new Types.ObjectId(id))) as Article | null;
    if (!doc || !mayReadPublished(reader, doc)) throw AppError.notFound('Article');
    return doc;
  };

  return {
    async categories(reader: ContentReader) {
      const categories = await deps.categories.list(readerTenant(reader));
      return { object: 'list' as const, data: categories.map((c) => { const { version: _v, ...rest } = toCategoryDto(c); return rest; }), hasMore: false, nextCursor: null };
    },

    /** Published articles the reader may see, newest first; with `q`, best match first. */
    async list(reader: ContentReader, query: { categoryId?: string | undefined; language?: string | undefined; q?: string | undefined; limit: number }) {
      const tenantId = readerTenant(reader);
      const narrow: Record<string, unknown> = {};
      if (query.categoryId) narrow.categoryId = new Types.ObjectId(query.categoryId);
      if (query.language) narrow.language = query.language;
      const words = parseSearch(query.q);
      if (words) {
        const filter = { tenantId, status: 'published', visibility: op({ $in: readableVisibilities(reader) }), ...narrow };
        const { hits } = await runSearch(kinds.working, { tenantId, words, visibility: { tenantId }, filter, want: query.limit * 2 });
        // Confirmed on the live copy: a word found only in an unpublished draft does not count.
        const live = hits.filter((h) => publishedMatch(kinds, h.doc, words).every((score) => score > 0));
        return { object: 'list' as const, data: live.slice(0, query.limit).map((h) => toPortalSummary(h.doc)), hasMore: false, nextCursor: null };
      }
      // One equality read per visibility the reader may see (each pushed down), merged and ordered here.
      const parts = await Promise.all(publishedContentScopes(reader).map((scope) => Article.find({ ...scope, ...narrow } as never).limit(MAX_ARTICLES_READ).lean<Article[]>()));
      const docs = parts.flat().sort((a, b) => new Date(b.publishedAt ?? 0).getTime() - new Date(a.publishedAt ?? 0).getTime() || (a._id.toHexString() < b._id.toHexString() ? 1 : -1));
      return { object: 'list' as const, data: docs.slice(0, query.limit).map(toPortalSummary), hasMore: docs.length > query.limit, nextCursor: null };
    },

    /** One published article by its slug, rendered; counts a view. */
    async getBySlug(reader: ContentReader, slug: string, language: string) {
      const doc = await Article.findOne({ tenantId: readerTenant(reader), language: language as ArticleLanguage, slug }).lean<Article>();
      if (!doc || !mayReadPublished(reader, doc) || doc.publishedVersion === null) throw AppError.notFound('Article');
      const version = await Version.findOne({ tenantId: doc.tenantId, articleId: doc._id, number: doc.publishedVersion }).lean();
      await Article.updateOne({ tenantId: doc.tenantId, _id: doc._id }, { $inc: { views: 1 } }, { timestamps: false });
      return { ...toPortalSummary(doc), html: renderMarkdown(version?.body ?? '') };
    },

    /**
     * Published articles for what a customer is typing (a ticket subject): any of its words may match,
     * articles matching more of them (and as whole words) first. Bounded: at most six words, each
     * looked up by equality (and by its stem, so "passwords" finds "password"), capped per token, and
     * at most 3 × `limit` articles read by `_id`.
     */
    async suggest(reader: ContentReader, query: { q: string; language?: string | undefined; limit: number }) {
      const tenantId = readerTenant(reader);
      const words = queryWords(query.q).filter((w) => w.kind === 'word' && !STOPWORDS.has(w.text)).slice(0, SUGGEST_WORDS);
      if (!words.length) return { object: 'list' as const, data: [], hasMore: false, nextCursor: null };
      // Candidates: any article with an entry for a word or its stem (each lookup bounded), most words first.
      const forms = words.map((word) => {
        const variants: QueryWord[] = [word];
        if (word.text.length >= 6) {
          const stem = word.text.slice(0, Math.min(word.text.length - 2, 10));
          variants.push({ kind: 'word', text: stem, tokens: [stem] });
        }
        return variants;
      });
      const hitsPerArticle = new Map<string, number>();
      await Promise.all(
        forms.map(async (variants) => {
          const found = new Set<string>();
          for (const form of variants) {
            const { candidates } = await searchCandidates(connection, { tenantId, kind: kinds.working.resource, words: [form], visibility: { tenantId } });
            for (const c of candidates) found.add(String(c.id));
          }
          for (const id of found) hitsPerArticle.set(id, (hitsPerArticle.get(id) ?? 0) + 1);
        }),
      );
      const ranked = [...hitsPerArticle].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : -1)).slice(0, query.limit * 3);
      const docs = await Promise.all(ranked.map(([id]) => findByIdInTenant(Article as never, tenantId, new Types.ObjectId(id)) as Promise<Article | null>));
      // Scored on the live copy only: 2 per whole word, 1 per prefix or stem.
      const scored = docs
        .filter((d): d is Article => Boolean(d && mayReadPublished(reader, d) && (!query.language || d.language === query.language)))
        .map((doc) => {
          const score = forms.reduce((sum, variants) => {
            const [own = 0, ...stems] = publishedMatch(kinds, doc, variants);
            return sum + (own > 0 ? own : stems.some((stem) => stem > 0) ? 1 : 0);
          }, 0);
          return { doc, score };
        })
        .filter((s) => s.score > 0)
        .sort((a, b) => b.score - a.score || (a.doc._id.toHexString() < b.doc._id.toHexString() ? 1 : -1));
      const visible = scored.map((s) => s.doc);
      return { object: 'list' as const, data: visible.slice(0, query.limit).map(toPortalSummary), hasMore: false, nextCursor: null };
    },

    /**
     * "Was this helpful": one vote per voter and article. The vote is claimed by a unique key first,
     * then counted, so a second vote (a retry, a double click, another tab) counts nothing.
     */
    async vote(reader: ContentReader, id: string, input: { helpful: boolean; visitorId?: string | undefined }) {
      const doc = await readable(reader, id);
      const voter = voterOf(reader, input.visitorId);
      try {
        await Vote.create({ tenantId: doc.tenantId, articleId: doc._id, key: `${doc._id.toHexString()}:${voter}`, helpful: input.helpful });
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        return { counted: false, helpful: doc.helpful ?? 0, notHelpful: doc.notHelpful ?? 0 };
      }
      const counted = await Article.findOneAndUpdate({ tenantId: doc.tenantId, _id: doc._id }, { $inc: input.helpful ? { helpful: 1 } : { notHelpful: 1 } }, { returnDocument: 'after', timestamps: false }).lean();
      return { counted: true, helpful: counted?.helpful ?? 0, notHelpful: counted?.notHelpful ?? 0 };
    },
  };
}

export type PortalArticlesService = ReturnType<typeof createPortalArticlesService>;
