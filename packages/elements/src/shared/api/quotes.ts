// What <crm-quote-editor> asks of the API, through the SDK's `crm.priceBooks` and `crm.quotes`: the
// price books to pick specs from, the server's totals of the lines, save, send.
import type { CrmClient as SdkClient, PriceBook, Quote, QuoteCreateParams, QuoteDecisionResult, QuoteLineParams, QuotePreview } from '@crm/client-sdk';
import type { CrmClient } from '../../context/client-context.js';

export type { PriceBook, Quote, QuoteDecisionResult, QuoteLineParams, QuotePreview };

/** A client that can quote: the SDK's `priceBooks` and `quotes`. */
export type QuoteClient = CrmClient & Pick<SdkClient, 'priceBooks' | 'quotes'>;

/** Narrows the provider's client to one that can quote, or throws a clear error. */
export function quoteClient(client: CrmClient | undefined): QuoteClient {
  if (!client || typeof (client as Partial<QuoteClient>).quotes?.preview !== 'function') throw new Error('No CRM client with quotes: put the element inside a <crm-provider> with a client of @crm/client-sdk.');
  return client as QuoteClient;
}

/** The active price books, the default first (the API orders them). */
export async function loadPriceBooks(client: QuoteClient): Promise<PriceBook[]> {
  return (await client.priceBooks.list()).filter((b) => b.status === 'active');
}

/** The server's pricing of the lines: what saving would store. */
export function previewQuote(client: QuoteClient, opportunityId: string, lines: QuoteLineParams[], signal?: AbortSignal): Promise<QuotePreview> {
  return client.quotes.preview({ opportunityId, lines }, signal ? { signal } : {});
}

/** Creates the quote, or saves the lines and validity of an existing one. */
export function saveQuote(client: QuoteClient, quote: Quote | undefined, params: QuoteCreateParams): Promise<Quote> {
  if (!quote) return client.quotes.create(params);
  return client.quotes.update(quote.id, { lines: params.lines, validUntil: params.validUntil, title: params.title }, { ifMatch: quote.version });
}

/** Sends the quote to the customer through the signed-in user's own mailbox. */
export function sendQuote(client: QuoteClient, id: string, to: string[], locale: string): Promise<Quote> {
  return client.quotes.send(id, { to, locale: locale.startsWith('de') ? 'de' : 'en' });
}

/** Records the customer's answer to a sent quote (given by phone, say): an acceptance makes the order. */
export function recordDecision(client: QuoteClient, id: string, decision: 'accept' | 'reject', params: { name?: string; poNumber?: string; reason?: string }): Promise<QuoteDecisionResult> {
  const name = params.name ? { name: params.name } : {};
  if (decision === 'accept') return client.quotes.accept(id, { ...name, ...(params.poNumber ? { poNumber: params.poNumber } : {}) });
  return client.quotes.reject(id, { ...name, ...(params.reason ? { reason: params.reason } : {}) });
}
