// Invoices in memory, for the invoice list's stories: `crm.invoices` of the real SDK over a `fetch`
// that answers its routes (each handler typed by its operation, so it cannot drift from the OpenAPI
// document). Payments here are a story's stand-in: the API's own rules are tested there.
import { Invoices, Transport, type FetchLike, type Invoice } from '@crm/client-sdk';
import type { CrmDataClient } from '../shared/api/transport.js';
import { createMemoryApi } from './memory-api.js';
import { route, type Handler } from './memory-route.js';

const hex = (n: number) => n.toString(16).padStart(24, '0');
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

function makeInvoice(n: number, total: number, issued: number, due: number, amountPaid = 0, currency = 'EUR'): Invoice {
  const balance = total - amountPaid;
  const status = balance === 0 ? 'paid' : day(due) < day(0) ? 'overdue' : amountPaid > 0 ? 'partiallyPaid' : 'issued';
  return { id: hex(0x1000 + n), number: n, displayNumber: `INV-${String(n).padStart(6, '0')}`, accountId: hex(0xa001), orderId: null, poNumber: n === 3 ? 'PO-7781' : null, currency, status, issueDate: day(issued), dueDate: day(due), lines: [], subtotal: Math.round(total / 1.19), taxes: [], taxTotal: total - Math.round(total / 1.19), total, amountPaid, balance, credit: 0, paidAt: balance === 0 ? `${day(issued + 5)}T00:00:00.000Z` : null, sentAt: null, version: 0, createdAt: `${day(issued)}T09:00:00.000Z` };
}

/** An account with four invoices: one open, one partially paid, one overdue, one paid. */
export function createMemoryInvoices(options: { empty?: boolean } = {}) {
  let invoices: Invoice[] = options.empty ? [] : [makeInvoice(4, 238_000, -2, 28), makeInvoice(3, 119_000, -20, 10, 50_000), makeInvoice(2, 59_500, -45, -15), makeInvoice(1, 11_900, -80, -50, 11_900)];
  const routes: Array<[string, RegExp, Handler]> = [
    route('GET', /^\/v1\/invoices$/, 'listInvoices', () => ({ object: 'list' as const, data: invoices, hasMore: false, nextCursor: null })),
    route('POST', /^\/v1\/invoices\/([a-f0-9]+)\/payments$/, 'recordInvoicePayment', (match, _q, body) => {
      const before = invoices.find((i) => i.id === match[1])!;
      const amount = Number(body.amount);
      const amountPaid = Math.min(before.total, before.amountPaid + amount);
      const after = { ...before, amountPaid, balance: before.total - amountPaid, status: amountPaid === before.total ? ('paid' as const) : ('partiallyPaid' as const) };
      invoices = invoices.map((i) => (i.id === after.id ? after : i));
      return { payment: { id: hex(0x7001), invoiceId: after.id, amount, credit: 0, date: String(body.date), method: String(body.method), reference: (body.reference as string | null) ?? null, createdAt: new Date().toISOString() }, invoice: after };
    }),
  ];
  const fetch: FetchLike = async (url, init) => {
    const parsed = new URL(url, 'http://memory.invalid');
    const method = init.method ?? 'GET';
    if (/\/pdf$/.test(parsed.pathname)) return new Response(new Blob(['%PDF-1.3\n%%EOF'], { type: 'application/pdf' }), { status: 200, headers: { 'content-type': 'application/pdf' } });
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : {};
    for (const [verb, pattern, handler] of routes) {
      const match = verb === method ? parsed.pathname.match(pattern) : null;
      if (match) return new Response(JSON.stringify(await handler(match, Object.fromEntries(parsed.searchParams), body, {})), { status: method === 'POST' ? 201 : 200, headers: { 'content-type': 'application/json' } });
    }
    return new Response(JSON.stringify({ type: 'urn:crm:problem:not_found', title: 'Not found', status: 404, code: 'not_found', detail: `No route for ${method} ${parsed.pathname}` }), { status: 404, headers: { 'content-type': 'application/problem+json' } });
  };
  return { client: over(fetch), invoices: () => invoices };
}

function over(fetch: FetchLike): CrmDataClient {
  const transport = new Transport({ baseUrl: '', fetch, retries: 0, timeoutMs: 600_000 });
  return { ...(createMemoryApi().client as CrmDataClient), invoices: new Invoices(transport) } as CrmDataClient;
}

/** An invoice client whose every call waits forever, to show the loading state. */
export const pendingInvoicesClient: CrmDataClient = over(() => new Promise<Response>(() => undefined));

/** An invoice client whose every call fails as an unreachable API does. */
export const failingInvoicesClient: CrmDataClient = over(() => Promise.reject(new TypeError('Could not reach the CRM API.')));
