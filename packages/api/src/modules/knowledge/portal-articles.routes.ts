import type { Request, RequestHandler } from 'express';
import type { ContentReader } from '../../platform/access/published-content.js';
import { customerOf } from '../../platform/auth/customer-guard.js';
import { idParams, listOf } from '../../platform/http/common.schema.js';
import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import { portalArticleListQuery, portalArticleSchema, portalArticleSummarySchema, portalCategorySchema, portalSlugParams, portalSlugQuery, suggestQuery, voteBody, voteResult } from './knowledge.schema.js';
import type { PortalArticlesService } from './portal-articles.service.js';

/**
 * The knowledge base for customers and visitors, twice over: under /v1/portal for a signed-in customer
 * (customer token: `public` and `customers` articles) and under /v1/public for anyone on a page the
 * tenant's publishable key allows (`public` articles only; the key's origin check and rate limits run
 * before anything is read). `internal` articles reach neither.
 */
export function portalArticleRoutes(service: PortalArticlesService, guards: { publishable: RequestHandler }): RouteSpec[] {
  const audiences = [
    {
      prefix: '/portal', tags: ['Portal articles'], idPrefix: 'portal', who: 'the signed-in customer (public and customers-only articles)',
      access: access.customer, before: [] as RequestHandler[], errors: [401, 404],
      reader: (req: Request): ContentReader => ({ kind: 'customer', customer: customerOf(req) }),
    },
    {
      prefix: '/public', tags: ['Public'], idPrefix: 'public', who: 'anyone on a page the publishable key allows (public articles only)',
      access: access.public, before: [guards.publishable], errors: [401, 403, 404, 429],
      reader: (req: Request): ContentReader => ({ kind: 'visitor', tenantId: req.publishable!.tenantId }),
    },
  ];
  return audiences.flatMap(({ prefix, tags, idPrefix, who, access: rule, before, errors, reader }) => [
    defineRoute({
      method: 'get', path: `${prefix}/article-categories`, operationId: `${idPrefix}ListArticleCategories`, summary: 'Knowledge-base categories', tags,
      description: `Ordered, nested one level; read by ${who}.`,
      access: rule, before, errors,
      success: { status: 200, description: 'The categories', schema: listOf(portalCategorySchema, 'PortalArticleCategoryList') },
      handler: ({ req }) => service.categories(reader(req)),
    }),
    defineRoute({
      method: 'get', path: `${prefix}/articles`, operationId: `${idPrefix}ListArticles`, summary: 'Published articles', tags,
      description: `Newest first, by category or language; with \`q\`, best match first. What ${who} may read.`,
      access: rule, before, errors, query: portalArticleListQuery,
      success: { status: 200, description: 'The articles', schema: listOf(portalArticleSummarySchema, 'PortalArticleList') },
      handler: ({ query, req }) => service.list(reader(req), query),
    }),
    defineRoute({
      method: 'get', path: `${prefix}/article-suggestions`, operationId: `${idPrefix}SuggestArticles`, summary: 'Articles for what a customer is typing', tags,
      description: 'Suggested articles for a ticket subject: any of its words may match, articles matching more words first. Bounded whatever is typed.',
      access: rule, before, errors, query: suggestQuery,
      success: { status: 200, description: 'The suggestions', schema: listOf(portalArticleSummarySchema, 'PortalArticleSuggestions') },
      handler: ({ query, req }) => service.suggest(reader(req), query),
    }),
    defineRoute({
      method: 'get', path: `${prefix}/articles/{slug}`, operationId: `${idPrefix}GetArticle`, summary: 'A published article by its slug', tags,
      description: 'The published version, rendered to sanitised HTML; counts a view. An article the caller may not read answers 404.',
      access: rule, before, errors, params: portalSlugParams, query: portalSlugQuery,
      success: { status: 200, description: 'The article', schema: portalArticleSchema },
      handler: ({ params, query, req }) => service.getBySlug(reader(req), params.slug, query.language),
    }),
    defineRoute({
      method: 'post', path: `${prefix}/articles/{id}/votes`, operationId: `${idPrefix}VoteArticle`, summary: 'Say whether an article helped (once per voter)', tags,
      description: 'A customer votes once per article; a visitor once per `visitorId`. A second vote counts nothing and answers `counted: false`.',
      access: rule, before, errors: [...errors, 400], params: idParams, body: voteBody, idempotency: false,
      success: { status: 200, description: 'Whether it counted, and the counts now', schema: voteResult },
      handler: ({ params, body, req }) => service.vote(reader(req), params.id, body),
    }),
  ]);
}
