// Invoices in memory, for the invoice list's stories: `crm.invoices` of the real SDK over a `fetch`
// that answers its routes (each handler typed by its operation, so it cannot drift from the OpenAPI
// document). Payments, voids and credit notes here are a story's stand-in: the API's own rules are
// tested there (a credit over what is left answers the API's 400 problem on `amount`, as it does).
import { Invoices, Transport, type CreditNote, type FetchLike, type Invoice, type UncertainInvoiceMail } from '@crm/client-sdk';
import { creditedQuantities, creditLinesFigures, type CreditedLine } from '../invoice-list/credit-lines.js';
import type { CrmDataClient } from '../shared/api/transport.js';
import { createMemoryApi } from './memory-api.js';
import { route, type Handler } from './memory-route.js';

const hex = (n: number) => n.toString(16).padStart(24, '0');
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** The lines of a story invoice with 19 % tax: invoice 3 has consulting hours and hosting, the others hosting months. */
function makeLines(n: number, subtotal: number): Invoice['lines'] {
  const line = (description: string, unit: string, quantityMilli: number, unitPrice: number) => ({ description, unit, quantityMilli, unitPrice, discountBp: 0, taxRateBp: 1900, net: Math.round((unitPrice * quantityMilli) / 1000) });
  if (n === 3) return [line('Consulting · Senior', 'hour', 10_000, (subtotal - 20_000) / 10), line('Hosting · Monthly', 'month', 2_000, 10_000)];
  return [line('Hosting · Monthly', 'month', (subtotal / 10_000) * 1000, 10_000)];
}

function makeInvoice(n: number, total: number, issued: number, due: number, amountPaid = 0, currency = 'EUR'): Invoice {
  const balance = total - amountPaid;
  const subtotal = Math.round(total / 1.19);
  const status = balance === 0 ? 'paid' : day(due) < day(0) ? 'overdue' : amountPaid > 0 ? 'partiallyPaid' : 'issued';
  return { id: hex(0x1000 + n), number: n, displayNumber: `INV-${String(n).padStart(6, '0')}`, accountId: hex(0xa001), orderId: null, poNumber: n === 3 ? 'PO-7781' : null, currency, status, issueDate: day(issued), dueDate: day(due), lines: makeLines(n, subtotal), subtotal, taxes: [{ rateBp: 1900, base: subtotal, amount: total - subtotal }], taxTotal: total - subtotal, total, amountPaid, balance, credit: 0, credited: 0, voidedAt: null, voidReason: null, paidAt: balance === 0 ? `${day(issued + 5)}T00:00:00.000Z` : null, sentAt: null, version: 0, createdAt: `${day(issued)}T09:00:00.000Z` };
}

const uncertainEntry = (invoice: Invoice, step: string | null): UncertainInvoiceMail => {
  const key = step ? `reminder:${invoice.id}:${step}` : `invoice:${invoice.id}`;
  return { key, invoiceId: invoice.id, accountId: invoice.accountId, kind: step ? 'reminder' : 'invoice', step, to: ['ap@globex.test'], attempts: 1, messageId: `<${key.replace(/:/g, '.')}@invoices.crm>`, reason: 'its process stopped while handing the message to the mail server', createdAt: `${day(-1)}T09:00:00.000Z` };
};

const problem = (status: number, code: string, detail: string, errors: Array<{ field: string; message: string }> = []) =>
  new Response(JSON.stringify({ type: `urn:crm:problem:${code}`, title: detail, status, code, detail, errors }), { status, headers: { 'content-type': 'application/problem+json' } });

/**
 * An account with four invoices: one open, one partially paid, one overdue, one paid; with `uncertain`,
 * the overdue one's reminder and the open one's email were left uncertain by a crash (resent once here).
 */
export function createMemoryInvoices(options: { empty?: boolean; uncertain?: boolean; corrected?: boolean; lineCredited?: boolean } = {}) {
  let invoices: Invoice[] = options.empty ? [] : [makeInvoice(4, 238_000, -2, 28), makeInvoice(3, 119_000, -20, 10, 50_000), makeInvoice(2, 59_500, -45, -15), makeInvoice(1, 11_900, -80, -50, 11_900)];
  const notes = new Map<string, CreditNote[]>();
  let noteNumber = 0;
  /** A credit note of a gross amount, or (with `lines`) of invoice lines, its figures as the API computes them. */
  const credit = (invoice: Invoice, amount: number, reason: string, lines?: CreditedLine[]): CreditNote => {
    noteNumber += 1;
    const figures = lines ? creditLinesFigures(invoice, lines) : null;
    const noteLines = lines ? lines.map(({ lineIndex, quantityMilli }) => ({ ...invoice.lines[lineIndex]!, lineIndex, quantityMilli, net: figures!.nets.get(lineIndex)! })) : [];
    const sums = figures ? { subtotal: figures.subtotal, taxes: figures.taxes, taxTotal: figures.taxTotal, total: figures.total } : { subtotal: amount, taxes: [], taxTotal: 0, total: amount };
    amount = sums.total;
    const note: CreditNote = { id: hex(0x9000 + noteNumber), number: noteNumber, displayNumber: `CN-${String(noteNumber).padStart(6, '0')}`, invoiceId: invoice.id, invoiceNumber: invoice.displayNumber, accountId: invoice.accountId, currency: invoice.currency, reason, issueDate: day(0), lines: noteLines.map(({ lineIndex, description, unit, quantityMilli, unitPrice, taxRateBp, net }) => ({ lineIndex, description, unit, quantityMilli, unitPrice, taxRateBp, net })), ...sums, createdAt: new Date().toISOString() };
    notes.set(invoice.id, [note, ...(notes.get(invoice.id) ?? [])]);
    const credited = invoice.credited + amount;
    const balance = Math.max(0, invoice.total - credited - invoice.amountPaid);
    const after: Invoice = { ...invoice, credited, balance, status: credited === invoice.total ? 'credited' : balance === 0 ? 'paid' : invoice.status };
    invoices = invoices.map((i) => (i.id === after.id ? after : i));
    return note;
  };
  if (options.corrected && invoices.length) {
    credit(invoices[1]!, 11_900, 'Ten hours were not delivered');
    invoices = invoices.map((i, n) => (n === 0 ? { ...i, status: 'void' as const, balance: 0, voidedAt: new Date().toISOString(), voidReason: 'Issued to the wrong account' } : i));
  }
  if (options.lineCredited && invoices.length) credit(invoices[1]!, 0, 'One consulting hour was not delivered', [{ lineIndex: 0, quantityMilli: 1_000 }]);
  let uncertain: UncertainInvoiceMail[] = options.uncertain && invoices.length ? [uncertainEntry(invoices[2]!, 'overdue-7'), uncertainEntry(invoices[0]!, null)] : [];
  const routes: Array<[string, RegExp, Handler]> = [
    route('GET', /^\/v1\/invoice-mail\/uncertain$/, 'listUncertainInvoiceMail', () => ({ object: 'list' as const, data: uncertain, hasMore: false, nextCursor: null })),
    route('POST', /^\/v1\/invoice-mail\/resend-uncertain$/, 'resendUncertainInvoiceMail', (_m, _q, body) => {
      const keys = (body.keys as string[] | undefined) ?? uncertain.map((e) => e.key);
      const results = uncertain.filter((e) => keys.includes(e.key)).map((e) => ({ key: e.key, outcome: 'sent' as const }));
      uncertain = uncertain.filter((e) => !keys.includes(e.key));
      return { resent: results.length, results };
    }),
    route('POST', /^\/v1\/invoices\/([a-f0-9]+)\/void$/, 'voidInvoice', (match, _q, body) => {
      const before = invoices.find((i) => i.id === match[1])!;
      const after: Invoice = { ...before, status: 'void', balance: 0, voidedAt: new Date().toISOString(), voidReason: String(body.reason) };
      invoices = invoices.map((i) => (i.id === after.id ? after : i));
      return after;
    }),
    route('GET', /^\/v1\/invoices\/([a-f0-9]+)\/credit-notes$/, 'listCreditNotes', (match) => ({ object: 'list' as const, data: notes.get(match[1]!) ?? [], hasMore: false, nextCursor: null })),
    route('POST', /^\/v1\/invoices\/([a-f0-9]+)\/credit-notes$/, 'createCreditNote', (match, _q, body) => {
      const before = invoices.find((i) => i.id === match[1])!;
      const creditNote = credit(before, Number(body.amount), String(body.reason), body.lines as CreditedLine[] | undefined);
      return { creditNote, invoice: invoices.find((i) => i.id === before.id)! };
    }),
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
    const crediting = method === 'POST' ? /\/v1\/invoices\/([a-f0-9]+)\/credit-notes$/.exec(parsed.pathname) : null;
    const target = crediting ? invoices.find((i) => i.id === crediting[1]) : undefined;
    // By lines, as the API: no line beyond what earlier credit notes left of it, nor more than is uncredited.
    const lines = target ? (body.lines as CreditedLine[] | undefined) : undefined;
    if (target && lines) {
      const credited = creditedQuantities(notes.get(target.id) ?? []);
      const over = lines.findIndex((l) => l.quantityMilli + (credited.get(l.lineIndex) ?? 0) > (target.lines[l.lineIndex]?.quantityMilli ?? 0));
      if (over >= 0) return problem(400, 'validation_failed', 'The request is not valid.', [{ field: `lines.${over}.quantityMilli`, message: 'is more than is left to credit of this line' }]);
      const total = creditLinesFigures(target, lines).total;
      if (total > target.total - target.credited) return problem(400, 'validation_failed', 'The request is not valid.', [{ field: 'lines', message: `credits ${total}, more than the invoice's uncredited amount (${target.total - target.credited})` }]);
    } else if (target && Number(body.amount) > target.total - target.credited) {
      const left = target.total - target.credited;
      return problem(400, 'validation_failed', 'The request is not valid.', [{ field: 'amount', message: `more than is left to credit on ${target.displayNumber}: at most ${left} (minor units)` }]);
    }
    for (const [verb, pattern, handler] of routes) {
      const match = verb === method ? parsed.pathname.match(pattern) : null;
      if (match) return new Response(JSON.stringify(await handler(match, Object.fromEntries(parsed.searchParams), body, {})), { status: method === 'POST' && !/resend-uncertain$/.test(parsed.pathname) ? 201 : 200, headers: { 'content-type': 'application/json' } });
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
