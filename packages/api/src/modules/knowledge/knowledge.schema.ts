import { objectId } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';
import { articleLanguages, articleStatuses, articleVisibilities } from './article.model.js';

const slug = z
  .string()
  .trim()
  .min(1)
  .max(120)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lower-case letters and digits joined by single dashes, e.g. reset-your-password');
const tags = z.array(z.string().trim().min(1).max(40)).max(20);
const visibility = z.enum(articleVisibilities).openapi({ description: '`internal`: agents only; `customers`: signed-in portal customers too; `public`: anyone with the publishable key' });
const language = z.enum(articleLanguages);
/** Text the search reads as words, never as an operator. */
const searchText = z.string().max(200);

export const createArticleBody = z
  .object({
    title: z.string().trim().min(1).max(200),
    body: z.string().max(100_000).default(''),
    slug: slug.optional().openapi({ description: 'Made from the title when left out' }),
    categoryId: objectId.nullable().optional(),
    visibility: visibility.default('internal'),
    language: language.default('en'),
    tags: tags.default([]),
  })
  .openapi('CreateArticle');

export const updateArticleBody = z
  .object({
    title: z.string().trim().min(1).max(200),
    body: z.string().max(100_000),
    slug,
    categoryId: objectId.nullable(),
    visibility,
    language,
    tags,
  })
  .partial()
  .openapi('UpdateArticle');

const articleFields = {
  id: z.string(),
  title: z.string(),
  slug: z.string(),
  categoryId: z.string().nullable(),
  visibility,
  language,
  tags: z.array(z.string()),
  summary: z.string(),
  status: z.enum(articleStatuses),
  hasUnpublishedChanges: z.boolean().openapi({ description: 'The working copy differs from the published version' }),
  draftVersion: z.number().int(),
  publishedVersion: z.number().int().nullable(),
  publishedAt: z.string().nullable(),
  helpful: z.number().int(),
  notHelpful: z.number().int(),
  views: z.number().int(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
};

export const articleSummarySchema = z.object(articleFields).openapi('ArticleSummary');

export const articleSchema = z
  .object({
    ...articleFields,
    body: z.string().openapi({ description: 'The working copy, in Markdown' }),
    html: z.string().openapi({ description: 'The working copy rendered to sanitised HTML' }),
  })
  .openapi('Article');

export const articleListQuery = z
  .object({
    categoryId: objectId.optional(),
    status: z.enum(articleStatuses).optional(),
    visibility: visibility.optional(),
    language: language.optional(),
    q: searchText.optional().openapi({ description: 'Words of the title, tags or summary; every word must match the start of one' }),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(512).optional(),
  })
  .openapi('ArticleListQuery');

export const versionParams = z.object({ id: objectId, number: z.coerce.number().int().min(1).max(1_000_000) });

export const articleVersionSchema = z
  .object({
    number: z.number().int(),
    title: z.string(),
    tags: z.array(z.string()),
    published: z.boolean().openapi({ description: 'This version was published at some time' }),
    current: z.enum(['draft', 'published']).nullable().openapi({ description: 'What this version is now: the working copy, the published one, or neither' }),
    publishedAt: z.string().nullable(),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('ArticleVersion');

export const articleVersionDetailSchema = articleVersionSchema.extend({ body: z.string(), html: z.string() }).openapi('ArticleVersionDetail');

export const categoryBody = z
  .object({
    name: z.string().trim().min(1).max(120),
    description: z.string().max(1000).nullable().optional(),
    parentId: objectId.nullable().optional().openapi({ description: 'A top-level category; categories nest one level' }),
    position: z.number().int().min(0).max(100_000).optional(),
  })
  .openapi('CreateArticleCategory');

export const updateCategoryBody = categoryBody.partial().openapi('UpdateArticleCategory');

export const categorySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    parentId: z.string().nullable(),
    position: z.number().int(),
    version: z.number().int(),
  })
  .openapi('ArticleCategory');

// --- portal (customers and visitors) ---

export const portalArticleSummarySchema = z
  .object({
    id: z.string(),
    title: z.string(),
    slug: z.string(),
    categoryId: z.string().nullable(),
    language,
    tags: z.array(z.string()),
    summary: z.string(),
    publishedAt: z.string().nullable(),
    helpful: z.number().int(),
    notHelpful: z.number().int(),
  })
  .openapi('PortalArticleSummary');

export const portalArticleSchema = portalArticleSummarySchema.extend({ html: z.string().openapi({ description: 'The published version rendered to sanitised HTML' }) }).openapi('PortalArticle');

export const portalArticleListQuery = z
  .object({
    categoryId: objectId.optional(),
    language: language.optional(),
    q: searchText.optional(),
    limit: z.coerce.number().int().min(1).max(50).default(20),
  })
  .openapi('PortalArticleListQuery');

export const portalSlugParams = z.object({ slug });
export const portalSlugQuery = z.object({ language: language.default('en') });

export const suggestQuery = z
  .object({
    q: searchText.min(1).openapi({ description: 'What the customer typed, e.g. a ticket subject' }),
    language: language.optional(),
    limit: z.coerce.number().int().min(1).max(10).default(5),
  })
  .openapi('ArticleSuggestQuery');

export const voteBody = z
  .object({
    helpful: z.boolean(),
    visitorId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8-64 letters, digits, - or _').optional().openapi({ description: 'Anonymous visitors: a random id the page keeps (one vote per id)' }),
  })
  .openapi('ArticleVote');

export const voteResult = z
  .object({ counted: z.boolean().openapi({ description: 'False when this voter had already voted on the article' }), helpful: z.number().int(), notHelpful: z.number().int() })
  .openapi('ArticleVoteResult');

export const portalCategorySchema = z.object({ id: z.string(), name: z.string(), description: z.string().nullable(), parentId: z.string().nullable(), position: z.number().int() }).openapi('PortalArticleCategory');
