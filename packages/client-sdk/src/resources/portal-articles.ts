import type { OperationQuery, Schema } from '../core/api-types.js';
import { path } from '../core/path.js';
import type { RequestOptions } from '../core/request-options.js';
import { APIResource } from '../core/resource.js';
import type { Transport } from '../core/transport.js';
import type { ArticleVoteParams, ArticleVoteResult } from './kb.js';

/** A published article as customers and visitors see it (no body). */
export type PortalArticleSummary = Schema<'PortalArticleSummary'>;
/** A published article with its rendered, sanitised HTML. */
export type PortalArticle = Schema<'PortalArticle'>;
/** A category of the knowledge base. */
export type PortalArticleCategory = Schema<'PortalArticleCategory'>;
/** The query of `articles.list`: category, language, `q`, limit. */
export type PortalArticleListParams = OperationQuery<'portalListArticles'>;
/** The query of `articles.suggest`: what the customer typed, language, limit. */
export type ArticleSuggestParams = OperationQuery<'portalSuggestArticles'>;

/**
 * Published knowledge-base articles: `crm.portal.articles` for a signed-in customer (public and
 * customers-only articles) and `publicArticles(crm)` for a visitor with the publishable key (public
 * articles only). The same calls, under `/v1/portal` or `/v1/public`.
 *
 * @example
 * const { data } = await crm.portal.articles.suggest({ q: 'cannot download my invoice' });
 */
/**
 * The knowledge base as a visitor reads it with the agency's publishable key: public articles only
 * (browse, search, suggestions, votes). A function beside the publishable-key client rather than a part
 * of `crm.public`, so partner widgets that show no articles do not carry it.
 *
 * @example
 * const crm = createPublicClient({ baseUrl, publishableKey });
 * const { html } = await publicArticles(crm).get('reset-password');
 */
export function publicArticles(client: { readonly transport: Transport }): PortalArticles {
  return new PortalArticles(client.transport, '/v1/public');
}

export class PortalArticles extends APIResource {
  constructor(
    transport: Transport,
    private readonly prefix: '/v1/portal' | '/v1/public',
  ) {
    super(transport);
  }

  /** Published articles, newest first (best match first with `q`). */
  async list(params?: PortalArticleListParams, options?: RequestOptions): Promise<PortalArticleSummary[]> {
    return (await this._transport.get<{ data: PortalArticleSummary[] }>(`${this.prefix}/articles`, params, options)).data;
  }

  /** One article by its slug (and language, English by default); `CrmNotFoundError` when the caller may not read it. */
  get(slug: string, params?: { language?: 'en' | 'de' }, options?: RequestOptions): Promise<PortalArticle> {
    return this._transport.get<PortalArticle>(`${this.prefix}${path`/articles/${slug}`}`, params, options);
  }

  /** Articles for what a customer is typing (a ticket subject), most matching words first. */
  async suggest(params: ArticleSuggestParams, options?: RequestOptions): Promise<PortalArticleSummary[]> {
    return (await this._transport.get<{ data: PortalArticleSummary[] }>(`${this.prefix}/article-suggestions`, params, options)).data;
  }

  /** The categories, ordered, nested one level. */
  async categories(options?: RequestOptions): Promise<PortalArticleCategory[]> {
    return (await this._transport.get<{ data: PortalArticleCategory[] }>(`${this.prefix}/article-categories`, undefined, options)).data;
  }

  /** "Was this helpful": counted once per customer, or per `visitorId` for a visitor. */
  vote(id: string, params: ArticleVoteParams, options?: RequestOptions): Promise<ArticleVoteResult> {
    return this._transport.post<ArticleVoteResult>(`${this.prefix}${path`/articles/${id}/votes`}`, params, options);
  }
}
