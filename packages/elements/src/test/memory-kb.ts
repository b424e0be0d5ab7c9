// The knowledge base in memory, for stories: `crm.kb` of the real SDK over a `fetch` that answers the
// kb routes from a few seeded articles (each handler typed by its operation, so it cannot drift from
// the OpenAPI document). Its data flow against the real API is in kb-editor.test.ts.
import { Kb, Transport, type FetchLike, type KbArticle, type KbArticleVersion, type KbCategory } from '@crm/client-sdk';
import type { CrmDataClient } from '../shared/api/transport.js';
import { createMemoryApi, sdkClient } from './memory-api.js';
import { route, type Handler } from './memory-route.js';

const hex = (n: number) => n.toString(16).padStart(24, '0');
const at = (n: number) => new Date(Date.UTC(2026, 11, 1, 9, 0) + n * 3_600_000).toISOString();
const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** A stand-in for the API's renderer: paragraphs of escaped text, `**bold**` as <strong>. */
const render = (body: string) => body.split(/\n{2,}/).map((p) => `<p>${escape(p).replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')}</p>`).join('\n');

/** A client with the kb resource over the given fetch, beside the other in-memory resources. */
function withKb(base: CrmDataClient, fetch: FetchLike): CrmDataClient {
  return { ...base, kb: new Kb(new Transport({ baseUrl: '', fetch, retries: 0, timeoutMs: 600_000 })) } as CrmDataClient;
}

/** The in-memory knowledge base and a client for it. */
export function createMemoryKb(): { client: CrmDataClient } {
  const categories: KbCategory[] = [
    { id: hex(0xc1), name: 'Billing', description: null, parentId: null, position: 0, version: 0 },
    { id: hex(0xc2), name: 'Invoices', description: null, parentId: hex(0xc1), position: 0, version: 0 },
    { id: hex(0xc3), name: 'Account', description: null, parentId: null, position: 1, version: 0 },
  ];
  const article = (n: number, title: string, body: string, extra: Partial<KbArticle> = {}): KbArticle => ({
    id: hex(0xa0 + n), title, slug: title.toLowerCase().replace(/[^a-z0-9]+/g, '-'), categoryId: null, visibility: 'public', language: 'en', tags: [],
    summary: body.slice(0, 200), status: 'draft', hasUnpublishedChanges: true, draftVersion: 1, publishedVersion: null, publishedAt: null,
    helpful: 0, notHelpful: 0, views: 0, version: 0, createdAt: at(n), updatedAt: at(n), body, html: render(body), ...extra,
  });
  const articles: KbArticle[] = [
    article(1, 'Download an invoice', 'Open **Billing**, then Invoices.', { categoryId: hex(0xc2), visibility: 'customers', status: 'published', publishedVersion: 1, hasUnpublishedChanges: false, publishedAt: at(1), helpful: 12, notHelpful: 1 }),
    article(2, 'Reset your password', 'Choose **Forgot password** on the sign-in page.', { categoryId: hex(0xc3), status: 'published', publishedVersion: 1, draftVersion: 2, publishedAt: at(2) }),
    article(3, 'Refund approvals', 'Agents only: refunds above 500 need a manager.', { categoryId: hex(0xc1), visibility: 'internal' }),
  ];
  const versions = new Map<string, KbArticleVersion[]>(
    articles.map((a) => [a.id, Array.from({ length: a.draftVersion }, (_, i) => ({
      number: a.draftVersion - i, title: a.title, tags: [], published: a.publishedVersion !== null && a.draftVersion - i <= a.publishedVersion,
      current: a.draftVersion - i === a.publishedVersion && a.status === 'published' ? ('published' as const) : a.draftVersion - i === a.draftVersion ? ('draft' as const) : null,
      publishedAt: a.publishedAt, createdBy: null, createdAt: at(i), updatedAt: at(i),
    }))]),
  );
  const find = (id: string) => {
    const found = articles.find((a) => a.id === id);
    if (!found) throw new Error(`no article ${id}`);
    return found;
  };
  const summary = ({ body: _b, html: _h, ...rest }: KbArticle) => rest;
  const change = (a: KbArticle, patch: Partial<KbArticle>) => Object.assign(a, patch, { version: a.version + 1, updatedAt: new Date().toISOString() });
  const routes: Array<[string, RegExp, Handler]> = [
    route('GET', /^\/v1\/kb\/categories$/, 'listKbCategories', () => ({ object: 'list' as const, data: categories, hasMore: false, nextCursor: null })),
    route('GET', /^\/v1\/kb\/articles$/, 'listKbArticles', (_m, query) => ({
      object: 'list' as const,
      data: articles.filter((a) => (!query.categoryId || a.categoryId === query.categoryId) && (!query.status || a.status === query.status)).map(summary),
      hasMore: false,
      nextCursor: null,
    })),
    route('GET', /^\/v1\/kb\/articles\/([a-f0-9]{24})$/, 'getKbArticle', (m) => find(m[1]!)),
    route('GET', /^\/v1\/kb\/articles\/([a-f0-9]{24})\/versions$/, 'listKbArticleVersions', (m) => ({ object: 'list' as const, data: versions.get(m[1]!) ?? [], hasMore: false, nextCursor: null })),
    route('PATCH', /^\/v1\/kb\/articles\/([a-f0-9]{24})$/, 'updateKbArticle', (m, _q, body) => {
      const a = find(m[1]!);
      const text = typeof body.body === 'string' ? body.body : a.body;
      return change(a, { ...(body as Partial<KbArticle>), body: text, html: render(text), hasUnpublishedChanges: true });
    }),
    route('POST', /^\/v1\/kb\/articles\/([a-f0-9]{24})\/publish$/, 'publishKbArticle', (m) => {
      const a = find(m[1]!);
      return change(a, { status: 'published', publishedVersion: a.draftVersion, hasUnpublishedChanges: false, publishedAt: new Date().toISOString() });
    }),
    route('POST', /^\/v1\/kb\/articles\/([a-f0-9]{24})\/unpublish$/, 'unpublishKbArticle', (m) => change(find(m[1]!), { status: 'draft', publishedVersion: null })),
    route('POST', /^\/v1\/kb\/articles$/, 'createKbArticle', (_m, _q, body) => {
      const created = article(articles.length + 1, String(body.title), String(body.body ?? ''), body as Partial<KbArticle>);
      articles.unshift(created);
      versions.set(created.id, []);
      return created;
    }),
  ];
  const fetch: FetchLike = async (url, init) => {
    const parsed = new URL(url, 'http://memory.invalid');
    const method = init.method ?? 'GET';
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : {};
    for (const [verb, pattern, handler] of routes) {
      const match = verb === method ? parsed.pathname.match(pattern) : null;
      if (match) return new Response(JSON.stringify(await handler(match, Object.fromEntries(parsed.searchParams), body, {})), { status: 200, headers: { 'content-type': 'application/json' } });
    }
    return new Response(JSON.stringify({ type: 'urn:crm:problem:not_found', title: 'Not found', status: 404, code: 'not_found', detail: `No route for ${method} ${parsed.pathname}` }), { status: 404, headers: { 'content-type': 'application/problem+json' } });
  };
  return { client: withKb(createMemoryApi().client as CrmDataClient, fetch) };
}

/** A client whose every knowledge-base call waits forever, to show loading. */
export const pendingKbClient: CrmDataClient = withKb(sdkClient(() => new Promise<Response>(() => undefined)) as CrmDataClient, () => new Promise<Response>(() => undefined));

/** A client whose every knowledge-base call fails as an unreachable API does. */
export const failingKbClient: CrmDataClient = withKb(sdkClient(() => Promise.reject(new TypeError('Could not reach the CRM API.'))) as CrmDataClient, () => Promise.reject(new TypeError('Could not reach the CRM API.')));
