import type { RequestHandler } from 'express';
import type { AppContext } from '../../platform/context.js';
import type { RouteSpec } from '../../platform/http/route.js';
import { createArticlesService } from './articles.service.js';
import { createCategoriesService } from './categories.service.js';
import { knowledgeRoutes } from './knowledge.routes.js';
import { createPortalArticlesService } from './portal-articles.service.js';
import { portalArticleRoutes } from './portal-articles.routes.js';

/** The knowledge base (issue 18): agents' routes under /v1/kb, customers' under /v1/portal, visitors' under /v1/public. */
export function knowledgeModule(ctx: AppContext, deps: { publishable: RequestHandler }) {
  const { connection, events } = ctx;
  const articles = createArticlesService({ connection, events });
  const categories = createCategoriesService(connection);
  const portal = createPortalArticlesService({ connection, kinds: articles.kinds, categories });
  const routes: RouteSpec[] = [...knowledgeRoutes(articles, categories, portal), ...portalArticleRoutes(portal, deps)];
  return { routes, articles, categories, portal };
}
