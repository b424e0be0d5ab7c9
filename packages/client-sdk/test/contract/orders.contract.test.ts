// crm.orders, crm.quotes.accept/reject, crm.quoteLinks and crm.portal.quotes against the real API: a sent
// quote accepted by the signed-in customer makes one order; the emailed link is refused once decided; an
// agent records a rejection; a manual order gets its PO (If-Match) and is cancelled.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CrmClient } from '../../src/core/client.js';
import { CrmConflictError, CrmNotFoundError, CrmPreconditionFailedError } from '../../src/core/errors.js';
import { createPortalClient } from '../../src/core/portal-client.js';
import { startLiveApi, type LiveApi } from '../support/live-api.js';

let api: LiveApi;
let crm: CrmClient;
let slug: string;
let line: { serviceId: string; specId: string; quantity: number };

before(async () => {
  api = await startLiveApi({ file: import.meta.filename });
  crm = api.adminClient();
  slug = (await crm.tenant.get()).slug;
  const book = await crm.priceBooks.create({ name: 'Book', isDefault: true, services: [{ name: 'Consulting', specs: [{ name: 'Hour', unit: 'hour', prices: [{ currency: 'EUR', unitPrice: 10_000 }] }] }] } as never);
  line = { serviceId: book.services[0]!.id, specId: book.services[0]!.specs[0]!.id, quantity: 2 };
});
after(() => api?.close());

const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
let seq = 0;

/** A quote of the account, sent to a fresh address: its id and the signed link from the email. */
async function sentQuote(accountId: string) {
  const deal = await crm.opportunities.create({ name: `Deal ${(seq += 1)}`, customerId: accountId, currency: 'EUR', amount: 200 } as never);
  const quote = await crm.quotes.create({ opportunityId: deal.id, validUntil: inDays(10), lines: [line] });
  const to = `quote-${Date.now()}-${seq}@example.test`;
  await crm.quotes.send(quote.id, { to: [to] });
  // The email is multipart (text, HTML, the PDF); its text part is quoted-printable, with soft line breaks to undo.
  const mail = await api.testing.waitForMail(api.runtime, to);
  const link = /\/portal\/quote-links\/([A-Za-z0-9._-]+)/.exec(mail.raw.replace(/=\r?\n/g, ''));
  assert.ok(link, 'the quote email carries the signed link');
  return { id: quote.id, opportunityId: deal.id, token: link[1]! };
}

describe('crm.orders and quote acceptance', () => {
  it('should let the portal customer accept: one order, the link then refused, the opportunity won', async () => {
    const email = `buyer-${Date.now()}@example.test`;
    const account = await crm.customers.create({ name: 'Acceptance Account', finance: { currency: 'EUR' } } as never);
    const contact = await crm.contacts.create({ firstName: 'Bea', lastName: 'Buyer', emails: [{ label: 'work', value: email, primary: true }], customerId: account.id } as never);
    await crm.customerUsers.invite({ contactId: contact.id, role: 'customer' });
    const portal = createPortalClient({ baseUrl: api.baseUrl, tenant: slug, fetch: api.fetchFrom(), retries: 0 });
    const invitation = await api.testing.waitForMail(api.runtime, email, (m) => m.text.includes('#crm-portal-link='));
    await portal.portal.session.exchangeLink(decodeURIComponent(/#crm-portal-link=([A-Za-z0-9_%.-]+)/.exec(invitation.text)![1]!));

    const q = await sentQuote(account.id);
    const view = await crm.quoteLinks.get(q.token);
    assert.equal(view.usable, true);
    assert.equal(view.quote.total, 20_000);
    const mine = await portal.portal.quotes.list();
    assert.deepEqual(mine.map((x) => x.id), [q.id]);
    assert.equal((await portal.portal.quotes.get(q.id)).decidable, true);
    const pdf = await portal.portal.quotes.pdf(q.id);
    assert.equal(pdf.type, 'application/pdf');
    assert.equal(new TextDecoder().decode((await pdf.arrayBuffer()).slice(0, 5)), '%PDF-');

    const result = await portal.portal.quotes.accept(q.id, { poNumber: 'PO-5' });
    assert.equal(result.decision.by, 'customer');
    assert.equal(result.quote.status, 'accepted');
    const order = result.order!;
    assert.equal(order.total, 20_000);
    assert.equal(order.poNumber, 'PO-5');
    assert.deepEqual((await crm.orders.listForAccount(account.id)).map((o) => o.id), [order.id]);
    assert.equal((await crm.orders.get(order.id)).acceptance?.revision, 1);
    assert.equal((await crm.opportunities.get(q.opportunityId)).stageKind, 'won');

    await assert.rejects(crm.quoteLinks.accept(q.token), (error: unknown) => error instanceof CrmConflictError && (error.problem as { reason?: string }).reason === 'already_decided');
    await assert.rejects(crm.quoteLinks.get(`${q.token.slice(0, -3)}abc`), CrmNotFoundError);
  });

  it('should record a rejection by phone, and let agents enter, PO and cancel an order', async () => {
    const account = await crm.customers.create({ name: 'Phone Account', finance: { currency: 'EUR' } } as never);
    const q = await sentQuote(account.id);
    const rejected = await crm.quotes.reject(q.id, { reason: 'Budget moved', name: 'Carl on the phone' });
    assert.equal(rejected.decision.reason, 'Budget moved');
    assert.equal(rejected.order, null);
    await assert.rejects(crm.quotes.accept(q.id), CrmConflictError);

    const order = await crm.orders.create({ accountId: account.id, lines: [line] });
    assert.equal(order.status, 'open');
    await assert.rejects(crm.orders.setPo(order.id, 'PO-1', { ifMatch: order.version + 3 }), CrmPreconditionFailedError);
    const withPo = await crm.orders.setPo(order.id, 'PO-1', { ifMatch: order.version });
    assert.equal(withPo.poNumber, 'PO-1');
    const cancelled = await crm.orders.cancel(order.id, 'customer withdrew');
    assert.equal(cancelled.status, 'cancelled');
  });
});
