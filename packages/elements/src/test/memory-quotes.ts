// Quotes in memory, for the quote editor's stories: `crm.priceBooks` and `crm.quotes` of the real SDK
// over a `fetch` that answers their routes (each handler typed by its operation, so it cannot drift
// from the OpenAPI document). The money math here is a story's stand-in: the API's own is tested there.
import { PriceBooks, Quotes, Transport, type FetchLike, type PriceBook, type Quote, type QuotePreview } from '@crm/client-sdk';
import type { CrmDataClient } from '../shared/api/transport.js';
import { createMemoryApi } from './memory-api.js';
import { route, type Handler } from './memory-route.js';

const hex = (n: number) => n.toString(16).padStart(24, '0');

const book: PriceBook = {
  id: hex(0xb001), name: 'Standard 2026', description: null, isDefault: true, status: 'active', version: 0, createdAt: '2026-12-01T09:00:00.000Z', updatedAt: '2026-12-01T09:00:00.000Z',
  services: [
    { id: hex(0x5e01), name: 'Translation', specs: [{ id: hex(0x5b01), name: 'EN→DE legal', unit: 'word', prices: [{ currency: 'EUR', unitPrice: 18, validFrom: null, validTo: null }] }, { id: hex(0x5b02), name: 'EN→FR marketing', unit: 'word', prices: [{ currency: 'EUR', unitPrice: 14, validFrom: null, validTo: null }] }] },
    { id: hex(0x5e02), name: 'Project management', specs: [{ id: hex(0x5b03), name: 'Senior PM', unit: 'hour', prices: [{ currency: 'EUR', unitPrice: 8_999, validFrom: null, validTo: null }] }] },
  ],
};

type LineIn = { serviceId: string; specId: string; quantity: number; discountPercent?: number; taxRatePercent?: number };

function price(lines: LineIn[]): QuotePreview {
  const priced = lines.map((l) => {
    const spec = book.services.flatMap((s) => s.specs.map((sp) => ({ s, sp }))).find((x) => x.sp.id === l.specId)!;
    const unitPrice = spec.sp.prices[0]!.unitPrice;
    const gross = Math.round(unitPrice * l.quantity);
    const discount = Math.round((gross * (l.discountPercent ?? 0)) / 100);
    return { serviceId: l.serviceId, specId: l.specId, description: `${spec.s.name}: ${spec.sp.name}`, unit: spec.sp.unit, quantity: String(l.quantity), quantityMilli: Math.round(l.quantity * 1000), listPrice: unitPrice, unitPrice, discountBp: Math.round((l.discountPercent ?? 0) * 100), taxRateBp: Math.round((l.taxRatePercent ?? 0) * 100), gross, discount, net: gross - discount };
  });
  const rates = [...new Set(priced.map((l) => l.taxRateBp))].sort((a, b) => a - b);
  const subtotal = priced.reduce((s, l) => s + l.net, 0);
  const taxes = rates.map((rateBp) => {
    const base = priced.filter((l) => l.taxRateBp === rateBp).reduce((s, l) => s + l.net, 0);
    return { rateBp, base, amount: Math.round((base * rateBp) / 10_000) };
  });
  const taxTotal = taxes.reduce((s, t) => s + t.amount, 0);
  return { currency: 'EUR', exponent: 2, lines: priced, gross: priced.reduce((s, l) => s + l.gross, 0), discountTotal: priced.reduce((s, l) => s + l.discount, 0), subtotal, taxes, taxTotal, total: subtotal + taxTotal };
}

/** An agency with one price book (translation and project management) and the quote being edited. */
export function createMemoryQuotes(options: { quote?: Partial<Quote> } = {}) {
  let quote: Quote | undefined = options.quote ? ({ ...makeQuote([{ serviceId: hex(0x5e01), specId: hex(0x5b01), quantity: 1200, discountPercent: 5, taxRatePercent: 19 }, { serviceId: hex(0x5e02), specId: hex(0x5b03), quantity: 2.5, taxRatePercent: 19 }]), ...options.quote } as Quote) : undefined;
  function makeQuote(lines: LineIn[], revision = 1): Quote {
    return { id: hex(0x9001), number: `Q-009001-v${revision}`, opportunityId: hex(0x0901), accountId: hex(0xa001), title: 'Globex – contracts', status: 'draft', revision, validUntil: '2027-01-31', notes: null, sentRevision: null, sentAt: null, ...price(lines), version: 1, createdAt: '2026-12-04T09:00:00.000Z', updatedAt: '2026-12-04T09:00:00.000Z' };
  }
  const routes: Array<[string, RegExp, Handler]> = [
    route('GET', /^\/v1\/price-books$/, 'listPriceBooks', () => ({ object: 'list' as const, data: [book], hasMore: false, nextCursor: null })),
    route('POST', /^\/v1\/quotes\/preview$/, 'previewQuote', (_m, _q, body) => price(body.lines as LineIn[])),
    route('POST', /^\/v1\/quotes$/, 'createQuote', (_m, _q, body) => (quote = makeQuote(body.lines as LineIn[]))),
    route('PATCH', /^\/v1\/quotes\/[a-f0-9]+$/, 'updateQuote', (_m, _q, body) => (quote = { ...makeQuote((body.lines as LineIn[]) ?? []), version: (quote?.version ?? 0) + 1 })),
    route('POST', /^\/v1\/quotes\/[a-f0-9]+\/send$/, 'sendQuote', () => (quote = { ...quote!, status: 'sent', sentRevision: quote!.revision, sentAt: '2026-12-04T10:00:00.000Z' })),
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
  const transport = new Transport({ baseUrl: '', fetch, retries: 0, timeoutMs: 600_000 });
  const client = { ...(createMemoryApi().client as CrmDataClient), priceBooks: new PriceBooks(transport), quotes: new Quotes(transport) } as CrmDataClient;
  return { client, quote: () => quote };
}

const over = (fetch: FetchLike): CrmDataClient => {
  const transport = new Transport({ baseUrl: '', fetch, retries: 0, timeoutMs: 600_000 });
  return { ...(createMemoryApi().client as CrmDataClient), priceBooks: new PriceBooks(transport), quotes: new Quotes(transport) } as CrmDataClient;
};

/** A quoting client whose every call waits forever, to show the loading state. */
export const pendingQuotesClient: CrmDataClient = over(() => new Promise<Response>(() => undefined));

/** A quoting client whose every call fails as an unreachable API does. */
export const failingQuotesClient: CrmDataClient = over(() => Promise.reject(new TypeError('Could not reach the CRM API.')));
