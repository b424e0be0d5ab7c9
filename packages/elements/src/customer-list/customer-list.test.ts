import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until, type LiveApi } from '../test/live-api.js';
import { createMemoryApi, MemoryApiError } from '../test/memory-api.js';
import { deskWidth, expectFitsLayout, phoneWidth, resetViewport, useViewport } from '../test/viewport.js';
import { CrmCustomerList } from './customer-list.component.js';
import './customer-list.js';

async function mount(client: unknown, { pageSize = 100, locale = 'en' } = {}): Promise<CrmCustomerList> {
  const provider = await fixture(html`<crm-provider .client=${client} locale=${locale}><crm-customer-list page-size=${pageSize}></crm-customer-list></crm-provider>`);
  const list = provider.querySelector('crm-customer-list')!;
  await until(() => Boolean(list.shadowRoot!.querySelector('.body, crm-state:not([kind="loading"])')), 8000, 'list loaded');
  return list;
}

const rows = (list: CrmCustomerList) => (list as unknown as { rows: Array<{ id: string }> }).rows;
const names = (list: CrmCustomerList) => [...list.shadowRoot!.querySelectorAll('.body .name .primary')].map((n) => n.textContent);
const footer = (list: CrmCustomerList) => list.shadowRoot!.querySelector('.footer')!.textContent!.trim();

async function pick(list: CrmCustomerList, name: string, value: string): Promise<void> {
  await until(() => Boolean(list.shadowRoot!.querySelector(`crm-select-field[name="${name}"]`)), 8000, `${name} filter`);
  const native = list.shadowRoot!.querySelector(`crm-select-field[name="${name}"]`)!.shadowRoot!.querySelector('select')!;
  native.value = value;
  native.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  native.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
}

describe('crm-customer-list', () => {
  let api: LiveApi;
  before(async () => {
    api = await liveApi();
    const acme = await api.client.customers.create({ name: 'Acme Lisboa', industry: 'Logistics', category: 'A', address: { city: 'Lisbon', country: 'PT' } });
    await api.client.customers.create({ name: 'Bletchley Works', industry: 'Software', address: { city: 'Milton Keynes', country: 'GB' } });
    await api.client.customers.create({ name: 'Cobol & Co', category: 'B' });
    await api.client.customers.transition(acme.id, { to: 'new', version: acme.version });
  });

  afterEach(() => resetViewport());

  it('should list the customers of the real API by name with their place and status, axe-clean', async () => {
    const list = await mount(api.client);
    expect(names(list)).to.deep.equal(['Acme Lisboa', 'Bletchley Works', 'Cobol & Co']);
    const first = list.shadowRoot!.querySelector('[data-index="0"]')!;
    expect(first.querySelector('.sub')!.textContent).to.equal('Logistics');
    expect(first.children[3]!.textContent).to.equal('Lisbon, PT');
    expect(first.querySelector('[part="status"]')!.textContent).to.equal('New');
    expect(list.shadowRoot!.querySelector('[data-index="1"] [part="status"]')!.textContent).to.equal('Draft');
    expect(footer(list)).to.equal('3 customers loaded');
    await expectAccessible(list);
  });

  it('should search and filter by status through the real API', async () => {
    const list = await mount(api.client);
    list.shadowRoot!.querySelector<HTMLElement>('crm-text-field[name="search"]')!.focus();
    await sendKeys({ type: 'bletch' });
    await until(() => names(list).length === 1, 8000, 'search result');
    expect(names(list)).to.deep.equal(['Bletchley Works']);
    expect(footer(list)).to.equal('1 customer loaded');
    list.search = '';
    await until(() => names(list).length === 3, 8000, 'search cleared');
    await pick(list, 'status', 'new');
    await until(() => names(list).length === 1, 8000, 'status filter');
    expect(names(list)).to.deep.equal(['Acme Lisboa']);
    expect(list.status).to.equal('new');
  });

  it('should sort newest first when the person picks it', async () => {
    const list = await mount(api.client);
    await pick(list, 'sort', '-createdAt');
    await until(() => names(list)[0] === 'Cobol & Co', 8000, 'newest first');
    expect(list.sort).to.equal('-createdAt');
  });

  it('should open a customer with Enter and select with Space', async () => {
    const list = await mount(api.client);
    list.shadowRoot!.querySelector<HTMLElement>('[data-index="0"]')!.focus();
    await sendKeys({ press: 'ArrowDown' });
    const selection = oneEvent(list, 'crm-selection-changed');
    await sendKeys({ press: ' ' });
    expect((await selection).detail.ids).to.deep.equal([rows(list)[1]!.id]);
    const opened = oneEvent(list, 'crm-customer-selected');
    await sendKeys({ press: 'Enter' });
    expect((await opened).detail.customer.name).to.equal('Bletchley Works');
    expect(list.selectedIds).to.have.length(1);
  });

  it('should follow the real API\'s cursors until every customer is listed', async () => {
    const own = await liveApi();
    for (let n = 0; n < 5; n++) await own.client.customers.create({ name: `Account ${n}` });
    const list = await mount(own.client, { pageSize: 2 });
    await until(() => rows(list).length === 5, 8000, 'every page');
    expect(new Set(rows(list).map((r) => r.id)).size).to.equal(5);
  });

  it('should speak German', async () => {
    const list = await mount(api.client, { locale: 'de' });
    expect(list.shadowRoot!.querySelector('[data-index="1"] [part="status"]')!.textContent).to.equal('Entwurf');
    expect(footer(list)).to.equal('3 Kunden geladen');
    expect(list.shadowRoot!.querySelector('[role="grid"]')!.getAttribute('aria-label')).to.equal('Kunden');
  });

  it('should fit a phone (390 px) and a desk (1280 px)', async () => {
    for (const width of [phoneWidth, deskWidth]) {
      await useViewport(width);
      const list = await mount(api.client);
      expectFitsLayout(list);
      const place = list.shadowRoot!.querySelector<HTMLElement>('[data-index="0"]')!.children[3] as HTMLElement;
      expect(getComputedStyle(place).display, `place column at ${width}`).to.equal(width === phoneWidth ? 'none' : 'block');
      await expectAccessible(list);
    }
  });

  it('should design the empty and the error state', async () => {
    const empty = await mount(createMemoryApi({ customers: 0 }).client);
    expect(empty.shadowRoot!.querySelector('crm-state')!.message).to.equal('No customers yet.');
    const memory = createMemoryApi();
    memory.failNext('GET', /^\/v1\/customers$/, new MemoryApiError(503, 'unavailable', 'Down for maintenance.'));
    const failing = await mount(memory.client);
    expect(failing.shadowRoot!.querySelector('crm-state')!.kind).to.equal('error');
    expect(failing.shadowRoot!.querySelector('crm-state')!.message).to.equal('Down for maintenance.');
    await expectAccessible(failing);
  });

  it('should register once however often define() is called', () => {
    CrmCustomerList.define('crm-customer-list');
    expect(customElements.get('crm-customer-list')).to.equal(CrmCustomerList);
  });
});
