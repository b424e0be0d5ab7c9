import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { Ticket } from '@crm/client-sdk';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until, type LiveApi } from '../test/live-api.js';
import { deskWidth, expectFitsLayout, phoneWidth, resetViewport, useViewport } from '../test/viewport.js';
import type { CrmTicketView } from './ticket-view.component.js';
import './ticket-view.js';

async function mount(api: LiveApi, id: string, locale = 'en'): Promise<CrmTicketView> {
  const provider = await fixture(html`<crm-provider .client=${api.client} .user=${api.user} locale=${locale}><crm-ticket-view ticket-id=${id}></crm-ticket-view></crm-provider>`);
  const view = provider.querySelector('crm-ticket-view')!;
  await until(() => Boolean(view.shadowRoot!.querySelector('[part="reply"]')), 8000, 'ticket loaded');
  return view;
}

const bodies = (view: CrmTicketView) => [...view.shadowRoot!.querySelectorAll('[part="message"] p')].map((p) => p.textContent);
const status = (view: CrmTicketView) => view.shadowRoot!.querySelector('[role="status"]')!.textContent!.trim();

describe('crm-ticket-view', () => {
  let api: LiveApi;
  let ticket: Ticket;
  before(async () => {
    api = await liveApi();
    ticket = await api.client.tickets.create({ subject: 'Cannot download invoice', priority: 'high', channel: 'portal' });
    await api.client.tickets.reply(ticket.id, { body: 'Looking into it', visibility: 'public' });
  });
  afterEach(resetViewport);

  it('should show the ticket and its thread, and post a reply and an internal note by keyboard', async () => {
    const view = await mount(api, ticket.id);
    expect(view.shadowRoot!.querySelector('h2')!.textContent).to.equal('Cannot download invoice');
    expect(bodies(view)).to.deep.equal(['Looking into it']);
    await expectAccessible(view);

    view.shadowRoot!.querySelector<HTMLTextAreaElement>('textarea')!.focus();
    await sendKeys({ type: 'A fresh link is on its way' });
    const replied = oneEvent(view, 'crm-ticket-replied');
    view.shadowRoot!.querySelector<HTMLButtonElement>('button[type="submit"]')!.focus();
    await sendKeys({ press: 'Enter' });
    expect((await replied).detail.message.visibility).to.equal('public');
    await until(() => status(view) === 'Reply sent.', 5000, 'reply announced');

    view.shadowRoot!.querySelector<HTMLInputElement>('input[value="internal"]')!.click();
    view.shadowRoot!.querySelector<HTMLTextAreaElement>('textarea')!.focus();
    await sendKeys({ type: 'Storage incident 42' });
    const noted = oneEvent(view, 'crm-ticket-replied');
    view.shadowRoot!.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    // The answer may take a while when the API is shared with every other test file; the event says it came.
    expect((await noted).detail.message.visibility).to.equal('internal');
    await until(() => status(view) === 'Internal note added.', 5000, 'note announced');
    expect(view.shadowRoot!.querySelector('[part="message"].internal p')!.textContent).to.equal('Storage incident 42');
    const stored = await api.client.tickets.listMessages(ticket.id);
    expect(stored.data.map((m) => [m.body, m.visibility])).to.deep.equal([['Looking into it', 'public'], ['A fresh link is on its way', 'public'], ['Storage incident 42', 'internal']]);
  });

  it('should refuse an empty reply without calling the API', async () => {
    const view = await mount(api, ticket.id);
    const before = (await api.client.tickets.get(ticket.id)).messageCount;
    view.shadowRoot!.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await until(() => status(view) === 'Write a message first.', 5000, 'empty refused');
    expect((await api.client.tickets.get(ticket.id)).messageCount).to.equal(before);
  });

  it('should move the ticket along its workflow and assign it', async () => {
    const fresh = await api.client.tickets.create({ subject: 'Move me', channel: 'phone' });
    const view = await mount(api, fresh.id);
    const changed = oneEvent(view, 'crm-ticket-changed');
    view.shadowRoot!.querySelector<HTMLButtonElement>('[data-to="open"]')!.click();
    expect((await changed).detail.ticket.status).to.equal('open');
    await until(() => view.shadowRoot!.querySelector('[part="status"]')!.textContent === 'Open', 5000, 'status shown');
    const select = view.shadowRoot!.querySelector<HTMLSelectElement>('select[name="assignee"]')!;
    select.value = '';
    select.dispatchEvent(new Event('change'));
    await until(() => status(view) === 'Ticket is unassigned.', 5000, 'unassigned');
    expect((await api.client.tickets.get(fresh.id)).ownerId).to.equal(null);
  });

  it("should show another person's reply live through realtime", async () => {
    const view = await mount(api, ticket.id);
    const deadline = performance.now() + 10_000;
    let n = 0;
    // The subscription is acknowledged asynchronously: reply until one arrives live (no reload of the element).
    while (!bodies(view).some((b) => b?.startsWith('Live reply')) && performance.now() < deadline) {
      await api.client.tickets.reply(ticket.id, { body: `Live reply ${n++}`, visibility: 'public' });
      await until(() => bodies(view).some((b) => b?.startsWith('Live reply')), 1500, 'live reply').catch(() => undefined);
    }
    expect(bodies(view).some((b) => b?.startsWith('Live reply'))).to.equal(true);
    expect(status(view)).to.equal('New message in the conversation.');
  });

  it('should speak German', async () => {
    const view = await mount(api, ticket.id, 'de');
    expect(view.shadowRoot!.querySelector('button[type="submit"]')!.textContent!.trim()).to.equal('Senden');
    expect(view.shadowRoot!.textContent).to.include('Interne Notiz');
  });

  for (const width of [phoneWidth, deskWidth]) {
    it(`should fit ${width} px`, async () => {
      await useViewport(width);
      const view = await mount(api, ticket.id, 'de');
      expectFitsLayout(view);
      await expectAccessible(view);
    });
  }
});
