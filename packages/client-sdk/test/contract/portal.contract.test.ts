// crm.customerUsers (agents) and crm.portal (a customer's own client) against the real API: invite, the
// emailed sign-in link, the customer's session kept apart from agents', profile and preferences, sign-out.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CrmClient } from '../../src/core/client.js';
import { CrmAuthenticationError, CrmValidationError } from '../../src/core/errors.js';
import { createPortalClient } from '../../src/core/portal-client.js';
import { memoryTokenStore } from '../../src/core/portal-session.js';
import { startLiveApi, type LiveApi } from '../support/live-api.js';

let api: LiveApi;
let crm: CrmClient;
let slug: string;

before(async () => {
  api = await startLiveApi({ file: import.meta.filename });
  crm = api.adminClient();
  slug = (await crm.tenant.get()).slug;
});
after(() => api?.close());

const linkOf = (text: string) => decodeURIComponent(/#crm-portal-link=([A-Za-z0-9_%.-]+)/.exec(text)![1]!);

describe('crm.portal', () => {
  it('should invite a contact, sign the customer in from the emailed link, and keep their tokens in their own store', async () => {
    const email = `portal-${Date.now()}@example.test`;
    const account = await crm.customers.create({ name: 'Portal Account' } as never);
    const contact = await crm.contacts.create({ firstName: 'Ada', lastName: 'Portal', emails: [{ label: 'work', value: email, primary: true }], customerId: account.id } as never);
    const invited = await crm.customerUsers.invite({ contactId: contact.id, role: 'customer' });
    assert.equal(invited.status, 'invited');
    assert.deepEqual((await crm.customerUsers.list({ contactId: contact.id })).data.map((u) => u.id), [invited.id]);

    const tokens = memoryTokenStore();
    const portal = createPortalClient({ baseUrl: api.baseUrl, tenant: slug, tokens, fetch: api.fetchFrom(), retries: 0 });
    await assert.rejects(portal.portal.me.get(), CrmAuthenticationError, 'signed out: refused without a round trip');
    const mail = await api.testing.waitForMail(api.runtime, email, (m) => m.text.includes('#crm-portal-link='));
    const customer = await portal.portal.session.exchangeLink(linkOf(mail.text));
    assert.equal(customer.status, 'active');
    assert.ok(tokens.read()?.accessToken, 'the tokens are in the store the portal was given');

    const me = await portal.portal.me.get();
    assert.equal(me.contact.id, contact.id);
    assert.equal(me.account?.id, account.id);
    const session = await portal.portal.session.get();
    assert.equal(session.tenant.slug, slug);
    const changed = await portal.portal.me.update({ jobTitle: 'Buyer' });
    assert.equal(changed.contact.jobTitle, 'Buyer');
    const prefs = await portal.portal.me.updatePreferences({ marketing: true });
    assert.equal(prefs.consent.marketing, true);
    await assert.rejects(portal.portal.me.update({ phone: '<script>' }), (error: unknown) => error instanceof CrmValidationError && error.errors.some((e) => e.field === 'phone'));

    await portal.portal.session.refresh();
    assert.equal((await portal.portal.me.get()).contact.id, contact.id, 'a refreshed token still works');
    await portal.portal.session.signOut();
    assert.equal(tokens.read(), null);
    await assert.rejects(portal.portal.me.get(), CrmAuthenticationError);
  });

  it('should ask for a link for any address alike, and refuse a link used twice', async () => {
    const portal = createPortalClient({ baseUrl: api.baseUrl, tenant: slug, fetch: api.fetchFrom(), retries: 0 });
    await portal.portal.session.requestLink({ email: 'nobody-here@example.test' });
    await assert.rejects(portal.portal.session.exchangeLink('ml_not-a-real-link-token-at-all.zz.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'), CrmAuthenticationError);
  });
});
