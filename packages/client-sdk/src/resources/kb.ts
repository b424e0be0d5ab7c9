import type { OperationQuery, Schema } from '../core/api-types.js';
import { CrudResource } from '../core/crud-resource.js';
import type { ListParams, PagePromise } from '../core/pagination.js';
import { requestPage } from '../core/pagination.js';
import { path } from '../core/path.js';
import { etagOf, type RequestOptions, type UpdateOptions } from '../core/request-options.js';
import { APIResource } from '../core/resource.js';

/** A knowledge-base article with its working copy (Markdown `body` and rendered `html`). */
export type KbArticle = Schema<'Article'>;
/** An article as lists show it (no body). */
export type KbArticleSummary = Schema<'ArticleSummary'>;
/** The body of `crm.kb.articles.create`. */
export type KbArticleCreateParams = Schema<'CreateArticle'>;
/** The body of `crm.kb.articles.update`. */
export type KbArticleUpdateParams = Schema<'UpdateArticle'>;
/** The query of `crm.kb.articles.list`: category, status, visibility, language, `q`, paging. */
export type KbArticleListParams = OperationQuery<'listKbArticles'> & ListParams;
/** One version of an article (no body). */
export type KbArticleVersion = Schema<'ArticleVersion'>;
/** One version with its body and rendered HTML. */
export type KbArticleVersionDetail = Schema<'ArticleVersionDetail'>;
/** A category of articles (nested one level, ordered by `position`). */
export type KbCategory = Schema<'ArticleCategory'>;
/** The body of `crm.kb.categories.create`. */
export type KbCategoryCreateParams = Schema<'CreateArticleCategory'>;
/** The body of `crm.kb.categories.update`. */
export type KbCategoryUpdateParams = Schema<'UpdateArticleCategory'>;
/** The body of a "was this helpful" vote. */
export type ArticleVoteParams = Schema<'ArticleVote'>;
/** Whether a vote counted, and the counts now. */
export type ArticleVoteResult = Schema<'ArticleVoteResult'>;

const conditional = (options: UpdateOptions = {}) => {
  const { ifMatch, ...requestOptions } = options;
  return { requestOptions, headers: ifMatch === undefined ? undefined : { 'If-Match': etagOf(ifMatch) } };
};

/**
 * Knowledge-base articles for agents (`crm.kb.articles`): drafts, publish, versions, restore.
 *
 * @example
 * const article = await crm.kb.articles.create({ title: 'Reset your password', body: '1. Open **Settings**' });
 * await crm.kb.articles.publish(article.id);
 */
export class KbArticles extends CrudResource<KbArticle, KbArticleCreateParams, KbArticleUpdateParams, KbArticleListParams> {
  protected readonly resource = 'kb/articles';

  /** Articles, newest change first (best match first with `q`); `for await` walks every page. */
  override list(params?: KbArticleListParams, options?: RequestOptions): PagePromise<KbArticle> {
    return requestPage<KbArticle>(this._transport, this.collectionPath, params, options);
  }

  /** Lists as summaries (what the list route answers: no body). */
  listSummaries(params?: KbArticleListParams, options?: RequestOptions): PagePromise<KbArticleSummary> {
    return requestPage<KbArticleSummary>(this._transport, this.collectionPath, params, options);
  }

  /** Publishes the working copy: customers read it from now on; the version before stays in the history. */
  publish(id: string, options?: UpdateOptions): Promise<KbArticle> {
    const { requestOptions, headers } = conditional(options);
    return this._transport.post<KbArticle>(path`/v1/kb/articles/${id}/publish`, undefined, { ...requestOptions, headers: { ...requestOptions.headers, ...headers } });
  }

  /** Takes the article off the portal (its versions stay). */
  unpublish(id: string, options?: UpdateOptions): Promise<KbArticle> {
    const { requestOptions, headers } = conditional(options);
    return this._transport.post<KbArticle>(path`/v1/kb/articles/${id}/unpublish`, undefined, { ...requestOptions, headers: { ...requestOptions.headers, ...headers } });
  }

  /** The article's versions, newest first. */
  async versions(id: string, options?: RequestOptions): Promise<KbArticleVersion[]> {
    return (await this._transport.get<{ data: KbArticleVersion[] }>(path`/v1/kb/articles/${id}/versions`, undefined, options)).data;
  }

  /** One version with its body. */
  version(id: string, number: number, options?: RequestOptions): Promise<KbArticleVersionDetail> {
    return this._transport.get<KbArticleVersionDetail>(path`/v1/kb/articles/${id}/versions/${String(number)}`, undefined, options);
  }

  /** Makes an old version the working copy again; publish to make it live. */
  restore(id: string, number: number, options?: UpdateOptions): Promise<KbArticle> {
    const { requestOptions, headers } = conditional(options);
    return this._transport.post<KbArticle>(path`/v1/kb/articles/${id}/versions/${String(number)}/restore`, undefined, { ...requestOptions, headers: { ...requestOptions.headers, ...headers } });
  }

  /** Votes, as this agent, whether a published article helped (counted once per agent). */
  vote(id: string, params: ArticleVoteParams, options?: RequestOptions): Promise<ArticleVoteResult> {
    return this._transport.post<ArticleVoteResult>(path`/v1/kb/articles/${id}/votes`, params, options);
  }
}

/** Article categories (`crm.kb.categories`): ordered, nested one level; a category with articles cannot be deleted. */
export class KbCategories extends CrudResource<KbCategory, KbCategoryCreateParams, KbCategoryUpdateParams> {
  protected readonly resource = 'kb/categories';

  /** Every category, top-level ones by position each followed by its subcategories. */
  async all(options?: RequestOptions): Promise<KbCategory[]> {
    return (await this._transport.get<{ data: KbCategory[] }>('/v1/kb/categories', undefined, options)).data;
  }
}

/** The knowledge base for agents (`crm.kb`): `articles` and `categories`. */
export class Kb extends APIResource {
  /** Articles: drafts, publish, versions. */
  get articles(): KbArticles {
    return new KbArticles(this._transport);
  }

  /** Categories of articles. */
  get categories(): KbCategories {
    return new KbCategories(this._transport);
  }
}
