import { idParams, listOf } from '../../platform/http/common.schema.js';
import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import { ifMatchVersion } from '../../platform/records/record-routes.js';
import type { ArticlesService } from './articles.service.js';
import type { CategoriesService } from './categories.service.js';
import {
  articleListQuery, articleSchema, articleSummarySchema, articleVersionDetailSchema, articleVersionSchema, categoryBody, categorySchema, createArticleBody,
  updateArticleBody, updateCategoryBody, versionParams, voteBody, voteResult,
} from './knowledge.schema.js';
import type { PortalArticlesService } from './portal-articles.service.js';

/** Agents' knowledge-base routes under /v1/kb (resource `article`: read, create, update, delete, transition = publish). */
export function knowledgeRoutes(articles: ArticlesService, categories: CategoriesService, portal: PortalArticlesService): RouteSpec[] {
  const tags = ['Knowledge base'];
  const conditional = 'Send `If-Match: <version>` for a conditional write: a stale version answers 412 with the current article.';
  return [
    defineRoute({
      method: 'get', path: '/kb/articles', operationId: 'listKbArticles', summary: 'List knowledge-base articles', tags,
      description: 'Newest change first, filtered by category, status, visibility or language; with `q`, best match first (title, tags and summary; every word must match the start of one).',
      access: access.permission('article', 'read'), query: articleListQuery,
      success: { status: 200, description: 'A page of articles', schema: listOf(articleSummarySchema, 'ArticleList') },
      handler: ({ query, req }) => articles.list(req.principal!, query),
    }),
    defineRoute({
      method: 'post', path: '/kb/articles', operationId: 'createKbArticle', summary: 'Create an article (a draft)', tags,
      description: 'The body is Markdown; it is answered rendered to sanitised HTML too. The slug is made from the title when left out and is unique per language.',
      access: access.permission('article', 'create'), body: createArticleBody, errors: [409],
      success: { status: 201, description: 'The article', schema: articleSchema },
      handler: ({ body, req }) => articles.create(req.principal!, body),
    }),
    defineRoute({
      method: 'get', path: '/kb/articles/{id}', operationId: 'getKbArticle', summary: 'Get an article with its working copy', tags,
      access: access.permission('article', 'read'), params: idParams,
      success: { status: 200, description: 'The article', schema: articleSchema },
      handler: ({ params, req }) => articles.get(req.principal!, params.id),
    }),
    defineRoute({
      method: 'patch', path: '/kb/articles/{id}', operationId: 'updateKbArticle', summary: 'Edit an article', tags,
      description: `Title, body and tags change the working copy (a new version when the current one has been published); slug, category, visibility and language apply at once. ${conditional}`,
      access: access.permission('article', 'update'), params: idParams, body: updateArticleBody, errors: [409], ifMatch: 'optional',
      success: { status: 200, description: 'The article', schema: articleSchema },
      handler: ({ params, body, req }) => articles.update(req.principal!, params.id, body, ifMatchVersion(req)),
    }),
    defineRoute({
      method: 'delete', path: '/kb/articles/{id}', operationId: 'deleteKbArticle', summary: 'Delete an article with its versions and votes', tags,
      access: access.permission('article', 'delete'), params: idParams,
      success: { status: 204, description: 'Deleted' },
      handler: ({ params, req }) => articles.remove(req.principal!, params.id),
    }),
    defineRoute({
      method: 'post', path: '/kb/articles/{id}/publish', operationId: 'publishKbArticle', summary: 'Publish the working copy', tags,
      description: `The working copy becomes what customers read; the version published before stays in the history. Publishing what is already live changes nothing. ${conditional}`,
      access: access.permission('article', 'transition'), params: idParams, errors: [409], ifMatch: 'optional',
      success: { status: 200, description: 'The article', schema: articleSchema },
      handler: ({ params, req }) => articles.publish(req.principal!, params.id, ifMatchVersion(req)),
    }),
    defineRoute({
      method: 'post', path: '/kb/articles/{id}/unpublish', operationId: 'unpublishKbArticle', summary: 'Take an article off the portal', tags,
      access: access.permission('article', 'transition'), params: idParams, errors: [409], ifMatch: 'optional',
      success: { status: 200, description: 'The article', schema: articleSchema },
      handler: ({ params, req }) => articles.unpublish(req.principal!, params.id, ifMatchVersion(req)),
    }),
    defineRoute({
      method: 'get', path: '/kb/articles/{id}/versions', operationId: 'listKbArticleVersions', summary: 'List an article’s versions', tags,
      access: access.permission('article', 'read'), params: idParams,
      success: { status: 200, description: 'Newest first', schema: listOf(articleVersionSchema, 'ArticleVersionList') },
      handler: ({ params, req }) => articles.versions(req.principal!, params.id),
    }),
    defineRoute({
      method: 'get', path: '/kb/articles/{id}/versions/{number}', operationId: 'getKbArticleVersion', summary: 'Get one version with its body', tags,
      access: access.permission('article', 'read'), params: versionParams,
      success: { status: 200, description: 'The version', schema: articleVersionDetailSchema },
      handler: ({ params, req }) => articles.version(req.principal!, params.id, params.number),
    }),
    defineRoute({
      method: 'post', path: '/kb/articles/{id}/versions/{number}/restore', operationId: 'restoreKbArticleVersion', summary: 'Make an old version the working copy again', tags,
      description: `Publish afterwards to make it live. ${conditional}`,
      access: access.permission('article', 'update'), params: versionParams, errors: [409], ifMatch: 'optional',
      success: { status: 200, description: 'The article', schema: articleSchema },
      handler: ({ params, req }) => articles.restore(req.principal!, params.id, params.number, ifMatchVersion(req)),
    }),
    defineRoute({
      method: 'post', path: '/kb/articles/{id}/votes', operationId: 'voteKbArticle', summary: 'Vote whether a published article helped (once per agent)', tags,
      access: access.permission('article', 'read'), params: idParams, body: voteBody,
      success: { status: 200, description: 'Whether it counted, and the counts now', schema: voteResult },
      handler: ({ params, body, req }) => portal.vote({ kind: 'agent', principal: req.principal! }, params.id, body),
    }),
    defineRoute({
      method: 'get', path: '/kb/categories', operationId: 'listKbCategories', summary: 'List article categories', tags,
      description: 'Top-level categories by position, each followed by its subcategories.',
      access: access.permission('article', 'read'),
      success: { status: 200, description: 'The categories', schema: listOf(categorySchema, 'ArticleCategoryList') },
      handler: ({ req }) => categories.listFor(req.principal!),
    }),
    defineRoute({
      method: 'post', path: '/kb/categories', operationId: 'createKbCategory', summary: 'Create an article category', tags,
      access: access.permission('article', 'create'), body: categoryBody, errors: [409],
      success: { status: 201, description: 'The category', schema: categorySchema },
      handler: ({ body, req }) => categories.create(req.principal!, body),
    }),
    defineRoute({
      method: 'patch', path: '/kb/categories/{id}', operationId: 'updateKbCategory', summary: 'Rename, move or reorder a category', tags,
      access: access.permission('article', 'update'), params: idParams, body: updateCategoryBody, errors: [409],
      success: { status: 200, description: 'The category', schema: categorySchema },
      handler: ({ params, body, req }) => categories.update(req.principal!, params.id, body),
    }),
    defineRoute({
      method: 'delete', path: '/kb/categories/{id}', operationId: 'deleteKbCategory', summary: 'Delete an empty category', tags,
      description: 'A category that still has articles or subcategories answers 409.',
      access: access.permission('article', 'delete'), params: idParams, errors: [409],
      success: { status: 204, description: 'Deleted' },
      handler: ({ params, req }) => categories.remove(req.principal!, params.id),
    }),
  ];
}
