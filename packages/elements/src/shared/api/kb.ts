// What <crm-kb-editor> asks of the API, through the SDK's `crm.kb` resource only: articles (list,
// get, create, update, publish, unpublish, versions, restore) and categories.
import type { CrmClient as SdkClient, KbArticle, KbArticleSummary, KbArticleVersion, KbCategory } from '@crm/client-sdk';
import { compactQuery, type CrmCallOptions, type CrmDataClient } from './transport.js';

/** The part of the SDK's client the editor calls: `crm.kb`. */
export type CrmKbClient = Pick<SdkClient, 'kb'>;

/** Narrows the provider's client to one with `crm.kb`, or throws a clear error. */
export function kbClient(client: CrmDataClient): CrmKbClient {
  const kb = (client as Partial<CrmKbClient>).kb;
  if (!kb || typeof kb.articles?.list !== 'function') throw new Error('This client has no knowledge base (crm.kb): use @crm/client-sdk 0.1 or later.');
  return client as unknown as CrmKbClient;
}

/** A page of articles, newest change first, with the editor's filters. */
export async function listArticles(client: CrmKbClient, filters: { categoryId?: string; status?: string; q?: string; limit: number; cursor?: string | undefined }, options?: CrmCallOptions) {
  return client.kb.articles.listSummaries(compactQuery(filters) as never, options) as unknown as Promise<{ data: KbArticleSummary[]; hasMore: boolean; nextCursor: string | null }>;
}

/** Every category, in order. */
export function listCategories(client: CrmKbClient, options?: CrmCallOptions): Promise<KbCategory[]> {
  return client.kb.categories.all(options);
}

/** One article with its working copy. */
export function getArticle(client: CrmKbClient, id: string, options?: CrmCallOptions): Promise<KbArticle> {
  return client.kb.articles.get(id, options);
}

/** The fields the editor writes. */
export interface ArticleDraft {
  title: string;
  body: string;
  categoryId: string | null;
  visibility: 'internal' | 'customers' | 'public';
  language: 'en' | 'de';
}

/** Creates a draft. */
export function createArticle(client: CrmKbClient, draft: ArticleDraft): Promise<KbArticle> {
  return client.kb.articles.create({ ...draft, tags: [] });
}

/** Saves the working copy, only while the article is still at `version`. */
export function saveArticle(client: CrmKbClient, id: string, draft: ArticleDraft, version: number): Promise<KbArticle> {
  return client.kb.articles.update(id, draft, { ifMatch: version });
}

/** Publishes or takes off the portal, only while the article is still at `version`. */
export function setPublished(client: CrmKbClient, id: string, published: boolean, version: number): Promise<KbArticle> {
  return published ? client.kb.articles.publish(id, { ifMatch: version }) : client.kb.articles.unpublish(id, { ifMatch: version });
}

/** The versions, newest first. */
export function listVersions(client: CrmKbClient, id: string, options?: CrmCallOptions): Promise<KbArticleVersion[]> {
  return client.kb.articles.versions(id, options);
}

/** Makes an old version the working copy. */
export function restoreVersion(client: CrmKbClient, id: string, number: number, version: number): Promise<KbArticle> {
  return client.kb.articles.restore(id, number, { ifMatch: version });
}
