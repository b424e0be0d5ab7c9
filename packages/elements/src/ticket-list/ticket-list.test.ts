import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until, type LiveApi } from '../test/live-api.js';
import { deskWidth, expectFitsLayout, phoneWidth, resetViewport, useViewport } from '../test/viewport.js';
import type { CrmTicketList } from './ticket-list.component.js';
import './ticket-list.js';

async function mount(api: LiveApi, { locale = 'en', attrs = {} as Record<string, string> } = {}): Promise<CrmTicketList> {
  const provider = await fixture(html`<crm-provider .client=${api.client} .user=${api.user} locale=${locale}><crm-ticket-list></crm-ticket-list></crm-provider>`);
  const list = provider.querySelector('crm-ticket-list')!;
  for (const [name, value] of Object.entries(attrs)) list.setAttribute(name, value);
  await until(() => Boolean(list.shadowRoot!.querySelector('[part="ticket"], crm-state[kind="empty"]')), 8000, 'tickets loaded');
  return list;
}

const subjects = (list: CrmTicketList) => [...list.shadowRoot!.querySelectorAll('[part="ticket"] .subject')].map((n) => n.textContent);

describe('crm-ticket-list', () => {
  let api: LiveApi;
  before(async () => {
    api = await liveApi();
    await api.client.tickets.create({ subject: 'Printer on fire', priority: 'urgent', channel: 'phone' });
    await api.client.tickets.create({ subject: 'Invoice missing', priority: 'low', channel: 'email' });
    const third = await api.client.tickets.create({ subject: 'Password reset', channel: 'portal' });
    await api.client.tickets.transition(third.id, { to: 'open' });
  });
  afterEach(resetViewport);

  it('should list the tickets from the real API, last update first, with a counted heading, axe-clean', async () => {
    const list = await mount(api);
    expect(subjects(list)).to.deep.equal(['Password reset', 'Invoice missing', 'Printer on fire']);
    expect(list.shadowRoot!.querySelector('[part="count"]')!.textContent).to.equal('3 tickets');
    expect(list.shadowRoot!.querySelector('[data-ticket] [part="status"]')!.textContent).to.equal('Open');
    await expectAccessible(list);
  });

  it('should filter by priority and status through the API', async () => {
    const list = await mount(api);
    const priority = list.shadowRoot!.querySelector<HTMLSelectElement>('select[name="priority"]')!;
    priority.value = 'urgent';
    priority.dispatchEvent(new Event('change'));
    await until(() => subjects(list).length === 1, 8000, 'priority filter');
    expect(subjects(list)).to.deep.equal(['Printer on fire']);
    list.priority = '';
    list.status = 'open';
    await until(() => subjects(list).length === 1 && subjects(list)[0] === 'Password reset', 8000, 'status filter');
  });

  it('should open a ticket by keyboard', async () => {
    const list = await mount(api);
    list.shadowRoot!.querySelector<HTMLElement>('[part="ticket"]')!.focus();
    const opened = oneEvent(list, 'crm-ticket-selected');
    await sendKeys({ press: 'Enter' });
    expect((await opened).detail.ticket.subject).to.equal('Password reset');
  });

  it('should speak German with plural counts and German labels', async () => {
    const list = await mount(api, { locale: 'de' });
    expect(list.shadowRoot!.querySelector('[part="count"]')!.textContent).to.equal('3 Tickets');
    expect(list.shadowRoot!.textContent).to.include('Dringend');
  });

  for (const width of [phoneWidth, deskWidth]) {
    it(`should fit ${width} px`, async () => {
      await useViewport(width);
      const list = await mount(api, { locale: 'de' });
      expectFitsLayout(list);
      await expectAccessible(list);
    });
  }
});
