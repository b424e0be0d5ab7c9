import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';

/** Who may read a published article: agents only, signed-in customers too, or anyone with the publishable key. */
export const articleVisibilities = ['internal', 'customers', 'public'] as const;
export type ArticleVisibility = (typeof articleVisibilities)[number];
export const articleLanguages = ['en', 'de'] as const;
export type ArticleLanguage = (typeof articleLanguages)[number];
export const articleStatuses = ['draft', 'published'] as const;
export type ArticleStatus = (typeof articleStatuses)[number];

/**
 * A knowledge-base article, kept small because lists read it whole (FerretDB decodes every matching
 * document): the Markdown body lives in its versions (`kb_article_versions`). The working copy's title,
 * tags and summary are here for agents; the published ones (`published*`) for the portal, so a draft
 * in progress never leaks to customers. Votes and views are counters writes keep.
 */
export interface Article {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  title: string;
  slug: string;
  categoryId: Types.ObjectId | null;
  visibility: ArticleVisibility;
  language: ArticleLanguage;
  tags: string[];
  summary: string;
  status: ArticleStatus;
  /**
   * The version holding the working copy: always the newest (versions are numbered 1, 2, ...). Once a
   * version has been published it is never changed again, so the next edit starts a new one.
   */
  draftVersion: number;
  /** The newest version ever published (null before the first publish). */
  lastPublishedVersion: number | null;
  /** The version customers read now (null while unpublished). */
  publishedVersion: number | null;
  publishedTitle: string | null;
  publishedSummary: string | null;
  publishedTags: string[];
  publishedAt: Date | null;
  helpful: number;
  notHelpful: number;
  views: number;
  createdBy: Types.ObjectId | null;
  updatedBy: Types.ObjectId | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

const articleSchema = new Schema<Article>(
  {
    title: { type: String, required: true, trim: true, maxlength: 200 },
    slug: { type: String, required: true, maxlength: 120 },
    categoryId: { type: Schema.Types.ObjectId, default: null },
    visibility: { type: String, enum: articleVisibilities, required: true },
    language: { type: String, enum: articleLanguages, required: true },
    tags: { type: [String], default: [] },
    summary: { type: String, default: '' },
    status: { type: String, enum: articleStatuses, required: true, default: 'draft' },
    draftVersion: { type: Number, required: true },
    lastPublishedVersion: { type: Number, default: null },
    publishedVersion: { type: Number, default: null },
    publishedTitle: { type: String, default: null },
    publishedSummary: { type: String, default: null },
    publishedTags: { type: [String], default: [] },
    publishedAt: { type: Date, default: null },
    helpful: { type: Number, default: 0 },
    notHelpful: { type: Number, default: 0 },
    views: { type: Number, default: 0 },
    createdBy: { type: Schema.Types.ObjectId, default: null },
    updatedBy: { type: Schema.Types.ObjectId, default: null },
  },
  { timestamps: true, versionKey: 'version', collection: 'kb_articles' },
);
articleSchema.plugin(tenantScoped);
// A slug names one article per language within a tenant (the portal reads by it).
articleSchema.index({ tenantId: 1, language: 1, slug: 1 }, { unique: true });
articleSchema.index({ tenantId: 1, categoryId: 1 });
articleSchema.index({ tenantId: 1, status: 1 });

/** One version of an article's content: every publish keeps the one before it. */
export interface ArticleVersion {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  articleId: Types.ObjectId;
  number: number;
  title: string;
  body: string;
  tags: string[];
  createdBy: Types.ObjectId | null;
  publishedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const versionSchema = new Schema<ArticleVersion>(
  {
    articleId: { type: Schema.Types.ObjectId, required: true },
    number: { type: Number, required: true },
    title: { type: String, required: true },
    body: { type: String, default: '' },
    tags: { type: [String], default: [] },
    createdBy: { type: Schema.Types.ObjectId, default: null },
    publishedAt: { type: Date, default: null },
  },
  { timestamps: true, versionKey: false, collection: 'kb_article_versions' },
);
versionSchema.plugin(tenantScoped);
versionSchema.index({ articleId: 1, number: 1 }, { unique: true });

/** A "was this helpful" vote: one per voter and article, claimed by the unique `key`. */
export interface ArticleVote {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  articleId: Types.ObjectId;
  /** `<articleId>:<voter>`, where the voter is `user:<id>`, `customer:<id>` or `visitor:<id>`. */
  key: string;
  helpful: boolean;
  createdAt: Date;
}

const voteSchema = new Schema<ArticleVote>(
  {
    articleId: { type: Schema.Types.ObjectId, required: true },
    key: { type: String, required: true, maxlength: 200 },
    helpful: { type: Boolean, required: true },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false, collection: 'kb_article_votes' },
);
voteSchema.plugin(tenantScoped);
voteSchema.index({ key: 1 }, { unique: true });

/** A category of articles: ordered by `position`, nested one level (`parentId` names a top-level category). */
export interface ArticleCategory {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  name: string;
  description: string | null;
  parentId: Types.ObjectId | null;
  position: number;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

const categorySchema = new Schema<ArticleCategory>(
  {
    name: { type: String, required: true, trim: true, maxlength: 120 },
    description: { type: String, default: null, maxlength: 1000 },
    parentId: { type: Schema.Types.ObjectId, default: null },
    position: { type: Number, default: 0 },
  },
  { timestamps: true, versionKey: 'version', collection: 'kb_categories' },
);
categorySchema.plugin(tenantScoped);
categorySchema.index({ tenantId: 1, parentId: 1, name: 1 }, { unique: true });

export function articleModel(connection: Connection): Model<Article> {
  return (connection.models.KbArticle as Model<Article>) ?? connection.model<Article>('KbArticle', articleSchema);
}
export function articleVersionModel(connection: Connection): Model<ArticleVersion> {
  return (connection.models.KbArticleVersion as Model<ArticleVersion>) ?? connection.model<ArticleVersion>('KbArticleVersion', versionSchema);
}
export function articleVoteModel(connection: Connection): Model<ArticleVote> {
  return (connection.models.KbArticleVote as Model<ArticleVote>) ?? connection.model<ArticleVote>('KbArticleVote', voteSchema);
}
export function articleCategoryModel(connection: Connection): Model<ArticleCategory> {
  return (connection.models.KbCategory as Model<ArticleCategory>) ?? connection.model<ArticleCategory>('KbCategory', categorySchema);
}
