// An account's purchase conditions in memory, for <crm-purchase-conditions>'s stories and its read-only
// test: `crm.customers`, `crm.priceBooks` and `crm.orders` of the real SDK over a `fetch` that answers
// their routes (each handler typed by its operation). With `forbidden`, the save and the credit answer
// 403 as the API does for a role without the permission; the API's own rules are tested there.
import { Customers, Orders, PriceBooks, Transport, type AccountCredit, type Customer, type FetchLike, type PriceBook } from '@crm/client-sdk';
import type { CrmDataClient } from '../shared/api/transport.js';
import { createMemoryApi } from './memory-api.js';
import { route, type Handler } from './memory-route.js';

const hex = (n: number) => n.toString(16).padStart(24, '0');
const accountId = hex(0xa001);
const book = (n: number, name: string, isDefault: boolean): PriceBook => ({ id: hex(n), name, description: null, isDefault, status: 'active', version: 0, createdAt: '2026-12-01T09:00:00.000Z', updatedAt: '2026-12-01T09:00:00.000Z', services: [] });

function makeAccount(): Customer {
  return {
    id: accountId, name: 'Globex GmbH', legalName: null, logoUrl: null, industry: null, companyType: null, website: null, address: null, emails: [], phones: [], tags: [], category: null, rating: null, contacts: [],
    preferences: { notifications: [], channel: null, services: [], satisfactionEmails: true, language: null },
    billingUnits: [],
    finance: {
      currency: 'EUR', priceBookId: hex(0xb001), paymentTerms: 'Net 30', paymentTermsDays: 30, creditLimit: null, invoicingOption: 'perMonth', autoSendInvoice: true, invoicingPoint: 'On delivery', blacklisted: false, priceAdjuster: -5, allowSharingPos: false, allowNegativeProfit: false, paymentBehavior: null,
      paymentStats: { paidCount: 11, lateCount: 3, averageDaysLate: 4.5, maxDaysLate: 21, openOverdueCount: 1, computedAt: '2026-12-04T02:40:00.000Z' },
    },
    team: { accountManagerId: null, mainPmId: null, backupPmIds: [], relationshipManagerId: null, operationsUserIds: [] },
    portals: [], notes: null, parentId: null, ancestorIds: [], depth: 0, sourceLeadId: null, status: 'active', statusChangedAt: null, ownerId: null, teamId: null, productId: null, departmentId: null, custom: {},
    version: 3, createdAt: '2026-01-10T09:00:00.000Z', updatedAt: '2026-12-01T09:00:00.000Z',
  };
}

function makeCredit(account: Customer): AccountCredit {
  const manual = account.finance.creditLimit;
  const calculatedMinor = 1_800_000;
  const limitMinor = manual === null ? calculatedMinor : Math.round(manual * 100);
  return {
    accountId, currency: 'EUR', exponent: 2, source: manual === null ? 'calculated' : 'override', limitMinor, exposureMinor: 420_000, availableMinor: limitMinor - 420_000, calculatedMinor,
    inputs: { currency: 'EUR', spendMinor: 8_000_000, windowDays: 365, averageDaysLate: 4.5, maxDaysLate: 21, paidCount: 11, openOverdueCount: 1, band: 1, baseMinor: 500_000, spendShareBp: 2_500, multiplierBp: 9_000, capMinor: null, floorMinor: 100_000, ceilingMinor: 5_000_000, rawMinor: 2_500_000 },
    calculatedAt: '2026-12-04T02:40:00.000Z',
    purchases: { productIds: [], lastOrderAt: '2026-11-28T10:00:00.000Z', orderCount: 14, revenue: [] },
  };
}

const forbiddenAnswer = () => new Response(JSON.stringify({ type: 'urn:crm:problem:forbidden', title: 'Forbidden', status: 403, code: 'forbidden', detail: 'Your role may not do this.' }), { status: 403, headers: { 'content-type': 'application/problem+json' } });

/** One account (EUR, monthly invoicing, a price book, a calculated credit limit); `forbidden`: a role that may only read it. */
export function createMemoryPurchaseConditions(options: { forbidden?: boolean } = {}) {
  let account = makeAccount();
  const routes: Array<[string, RegExp, Handler]> = [
    route('GET', /^\/v1\/price-books$/, 'listPriceBooks', () => ({ object: 'list' as const, data: [book(0xb001, 'Standard 2026', true), book(0xb002, 'Partners', false)], hasMore: false, nextCursor: null })),
    route('GET', /^\/v1\/customers\/([a-f0-9]+)\/credit$/, 'getAccountCredit', () => makeCredit(account)),
    route('GET', /^\/v1\/customers\/([a-f0-9]+)$/, 'getCustomer', () => account),
    route('PATCH', /^\/v1\/customers\/([a-f0-9]+)$/, 'updateCustomer', (_m, _q, body) => {
      account = { ...account, finance: { ...account.finance, ...(body.finance as Partial<Customer['finance']>) }, version: account.version + 1 };
      return account;
    }),
  ];
  const fetch: FetchLike = async (url, init) => {
    const parsed = new URL(url, 'http://memory.invalid');
    const method = init.method ?? 'GET';
    if (options.forbidden && (method === 'PATCH' || /\/credit$/.test(parsed.pathname))) return forbiddenAnswer();
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : {};
    for (const [verb, pattern, handler] of routes) {
      const match = verb === method ? parsed.pathname.match(pattern) : null;
      if (match) return new Response(JSON.stringify(await handler(match, Object.fromEntries(parsed.searchParams), body, {})), { status: 200, headers: { 'content-type': 'application/json' } });
    }
    return new Response(JSON.stringify({ type: 'urn:crm:problem:not_found', title: 'Not found', status: 404, code: 'not_found', detail: `No route for ${method} ${parsed.pathname}` }), { status: 404, headers: { 'content-type': 'application/problem+json' } });
  };
  return { client: over(fetch), accountId, account: () => account };
}

function over(fetch: FetchLike): CrmDataClient {
  const transport = new Transport({ baseUrl: '', fetch, retries: 0, timeoutMs: 600_000 });
  return { ...(createMemoryApi().client as CrmDataClient), customers: new Customers(transport), priceBooks: new PriceBooks(transport), orders: new Orders(transport) } as CrmDataClient;
}

/** A client whose every call waits forever, to show the loading state. */
export const pendingPurchaseConditionsClient: CrmDataClient = over(() => new Promise<Response>(() => undefined));

/** A client whose every call fails as an unreachable API does. */
export const failingPurchaseConditionsClient: CrmDataClient = over(() => Promise.reject(new TypeError('Could not reach the CRM API.')));
