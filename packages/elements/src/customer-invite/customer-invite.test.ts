import { setViewport } from '@web/test-runner-commands';
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until } from '../test/live-api.js';
import { failingClient } from '../test/story-provider.js';
import { expectFitsLayout } from '../test/viewport.js';
import type { CrmCustomerInvite } from './customer-invite.component.js';
import './customer-invite.js';

async function mount(client: unknown, user: unknown, contactId: string, locale = 'en', theme = 'light'): Promise<CrmCustomerInvite> {
  const provider = await fixture(html`<crm-provider .client=${client} .user=${user} locale=${locale} theme=${theme}><crm-customer-invite contact-id=${contactId}></crm-customer-invite></crm-provider>`);
  const invite = provider.querySelector('crm-customer-invite')!;
  await until(() => Boolean(invite.shadowRoot!.querySelector('form, [part="identity"], crm-state[kind="error"]')), 8000, 'invite form');
  return invite;
}

const $ = <T extends Element = HTMLElement>(invite: CrmCustomerInvite, selector: string) => invite.shadowRoot!.querySelector<T & Element>(selector) as T;

describe('crm-customer-invite', () => {
  afterEach(async () => {
    await setViewport({ width: 800, height: 600 });
  });

  it('should invite a contact as a customer case manager on the real API, then show the identity and send a new link', async () => {
    const own = await liveApi();
    const account = await own.client.customers.create({ name: `Invite Co ${Date.now()}` });
    const email = `invite-${Date.now()}@example.test`;
    const contact = await own.client.contacts.create({ firstName: 'Ines', lastName: 'Invite', emails: [{ label: 'work', value: email, primary: true }], customerId: account.id });
    const invite = await mount(own.client, own.user, contact.id);
    expect($(invite, '#invite-heading').textContent).to.equal('Customer portal');
    await expectAccessible(invite);

    const role = $<HTMLSelectElement>(invite, '[data-field="role"]');
    role.value = 'customer_case_manager';
    role.dispatchEvent(new Event('change'));
    const invited = oneEvent(invite, 'crm-customer-invited');
    $<HTMLButtonElement>(invite, 'form button[type="submit"]').click();
    const { detail } = await invited;
    expect(detail.customerUser.role).to.equal('customer_case_manager');
    expect(detail.customerUser.status).to.equal('invited');
    const stored = await own.client.customerUsers.list({ contactId: contact.id });
    expect(stored.data.map((u) => [u.email, u.role, u.status])).to.deep.equal([[email, 'customer_case_manager', 'invited']]);
    await invite.updateComplete;
    expect($(invite, '[part="message"]').textContent).to.equal(`A sign-in link is on its way to ${email}.`);
    expect($(invite, '[part="identity"]').textContent).to.match(/Customer case manager/);
    expect($(invite, '[data-status]').textContent).to.equal('Invited');
    await expectAccessible(invite);

    // A new link for the same identity (by keyboard): nothing else is created.
    const again = oneEvent(invite, 'crm-customer-invited');
    $<HTMLButtonElement>(invite, '[data-resend]').focus();
    $<HTMLButtonElement>(invite, '[data-resend]').click();
    await again;
    expect((await own.client.customerUsers.list({ contactId: contact.id })).data).to.have.length(1);
  });

  it('should say what is wrong when the contact has no email, and change nothing', async () => {
    const own = await liveApi();
    const contact = await own.client.contacts.create({ firstName: 'Nora', lastName: 'Nomail' });
    const invite = await mount(own.client, own.user, contact.id);
    $<HTMLButtonElement>(invite, 'form button[type="submit"]').click();
    await until(() => Boolean($(invite, '[part="message"]').textContent), 8000, 'message');
    expect($(invite, '[part="message"]').textContent).to.match(/email/i);
    expect($(invite, 'form')).to.not.equal(null);
    expect((await own.client.customerUsers.list({ contactId: contact.id })).data).to.have.length(0);
  });

  it('should speak German, fit 390 and 1280 px in dark mode, and show an error state when the API is down', async () => {
    const own = await liveApi();
    const contact = await own.client.contacts.create({ firstName: 'Dora', lastName: 'Deutsch', emails: [{ label: 'work', value: `dora-${Date.now()}@example.test`, primary: true }] });
    for (const width of [390, 1280]) {
      await setViewport({ width, height: 800 });
      const invite = await mount(own.client, own.user, contact.id, 'de', 'dark');
      expect($(invite, '#invite-heading').textContent).to.equal('Kundenportal');
      expect($(invite, 'form button[type="submit"]').textContent).to.equal('Kunden einladen');
      expectFitsLayout(invite);
      await expectAccessible(invite);
    }
    const broken = await mount(failingClient, own.user, contact.id);
    expect($(broken, 'crm-state[kind="error"]')).to.not.equal(null);
  });
});
