import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until, type LiveApi } from '../test/live-api.js';
import { createMemoryApi, MemoryApiError } from '../test/memory-api.js';
import { deskWidth, expectFitsLayout, phoneWidth, resetViewport, useViewport } from '../test/viewport.js';
import { CrmLeadList } from './lead-list.component.js';
import './lead-list.js';

async function mount(client: unknown, { pageSize = 100, locale = 'en' } = {}): Promise<CrmLeadList> {
  const provider = await fixture(html`<crm-provider .client=${client} locale=${locale}><crm-lead-list page-size=${pageSize}></crm-lead-list></crm-provider>`);
  const list = provider.querySelector('crm-lead-list')!;
  await until(() => Boolean(list.shadowRoot!.querySelector('.body, crm-state:not([kind="loading"])')), 8000, 'list loaded');
  return list;
}

const rows = (list: CrmLeadList) => (list as unknown as { rows: Array<{ id: string; fullName: string }> }).rows;
const names = (list: CrmLeadList) => [...list.shadowRoot!.querySelectorAll('.body .name .primary')].map((n) => n.textContent);
const footer = (list: CrmLeadList) => list.shadowRoot!.querySelector('.footer')!.textContent!.trim();

async function pick(list: CrmLeadList, name: string, value: string): Promise<void> {
  await until(() => Boolean(list.shadowRoot!.querySelector(`crm-select-field[name="${name}"]`)), 8000, `${name} filter`);
  const native = list.shadowRoot!.querySelector(`crm-select-field[name="${name}"]`)!.shadowRoot!.querySelector('select')!;
  native.value = value;
  native.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  native.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
}

describe('crm-lead-list', () => {
  let api: LiveApi;
  before(async () => {
    api = await liveApi();
    const ada = await api.client.leads.create({ firstName: 'Ada', lastName: 'Lovelace', companyName: 'Engines', quality: 'good', emails: [{ value: 'ada@engines.example', primary: true }] });
    await api.client.leads.create({ firstName: 'Grace', lastName: 'Hopper', companyName: 'Navy', quality: 'bad' });
    await api.client.leads.create({ firstName: 'Alan', lastName: 'Turing', companyName: 'Bletchley' });
    await api.client.leads.transition(ada.id, { to: 'qualified', version: ada.version });
  });

  afterEach(() => resetViewport());

  it('should list the leads of the real API sorted by last name, with counts in words, axe-clean', async () => {
    const list = await mount(api.client);
    expect(names(list)).to.deep.equal(['Grace Hopper', 'Ada Lovelace', 'Alan Turing']);
    expect(list.shadowRoot!.querySelector('[role="grid"]')!.getAttribute('aria-rowcount')).to.equal('4');
    expect(list.shadowRoot!.querySelector('[data-index="1"] [part="status"]')!.textContent).to.equal('Qualified');
    expect(footer(list)).to.equal('3 leads loaded');
    await expectAccessible(list);
  });

  it('should search through the API as the person types', async () => {
    const list = await mount(api.client);
    list.shadowRoot!.querySelector<HTMLElement>('crm-text-field[name="search"]')!.focus();
    await sendKeys({ type: 'turi' });
    await until(() => names(list).length === 1, 8000, 'search result');
    expect(names(list)).to.deep.equal(['Alan Turing']);
    expect(list.search).to.equal('turi');
    expect(footer(list)).to.equal('1 lead loaded');
  });

  it('should filter by status (the workflow\'s states), by quality and by owner, all through the real API', async () => {
    const list = await mount(api.client);
    await until(() => Boolean(list.shadowRoot!.querySelector('crm-select-field[name="status"]')), 8000, 'statuses');
    const statusOptions = (list.shadowRoot!.querySelector('crm-select-field[name="status"]') as unknown as { options: Array<{ value: string; label: string }> }).options;
    expect(statusOptions.map((o) => o.value)).to.include.members(['new', 'contacted', 'qualified', 'converted', 'disqualified']);
    await pick(list, 'status', 'qualified');
    await until(() => names(list).length === 1, 8000, 'status filter');
    expect(names(list)).to.deep.equal(['Ada Lovelace']);
    expect(list.status).to.equal('qualified');
    await pick(list, 'status', '');
    await until(() => names(list).length === 3, 8000, 'status filter cleared');

    await pick(list, 'quality', 'bad');
    await until(() => names(list).length === 1, 8000, 'quality filter');
    expect(names(list)).to.deep.equal(['Grace Hopper']);
    await pick(list, 'quality', '');
    await until(() => names(list).length === 3, 8000, 'quality cleared');

    await pick(list, 'ownerId', api.user.id);
    await until(() => !list.shadowRoot!.querySelector('crm-state[kind="loading"]') && list.ownerId === api.user.id, 8000, 'owner filter');
    expect(names(list)).to.have.length(3);
    list.ownerId = '000000000000000000000bad';
    await until(() => list.shadowRoot!.querySelector('crm-state')?.getAttribute('kind') === 'empty', 8000, 'nobody else owns leads');
    expect(list.shadowRoot!.querySelector('crm-state')!.message).to.equal('No leads match these filters.');
  });

  it('should move, select with Space and open with Enter by keyboard', async () => {
    const list = await mount(api.client);
    list.shadowRoot!.querySelector<HTMLElement>('[data-index="0"]')!.focus();
    await sendKeys({ press: 'ArrowDown' });
    const selection = oneEvent(list, 'crm-selection-changed');
    await sendKeys({ press: ' ' });
    expect((await selection).detail.ids).to.have.length(1);
    await list.updateComplete;
    expect(list.shadowRoot!.querySelector('[data-index="1"]')!.getAttribute('aria-selected')).to.equal('true');
    expect(list.shadowRoot!.querySelector('[part="bulk-bar"] [role="status"]')!.textContent).to.equal('1 selected');
    const opened = oneEvent(list, 'crm-lead-selected');
    await sendKeys({ press: 'Enter' });
    expect((await opened).detail.lead.lastName).to.equal('Lovelace');
    await sendKeys({ press: 'End' });
    expect(list.shadowRoot!.activeElement!.getAttribute('data-index')).to.equal('2');
  });

  it('should follow the real API\'s cursors page by page until every lead is listed', async () => {
    const own = await liveApi();
    for (let n = 0; n < 7; n++) await own.client.leads.create({ firstName: 'Person', lastName: `Number ${n}` });
    const list = await mount(own.client, { pageSize: 2 });
    await until(() => rows(list).length === 7, 8000, 'every page');
    expect(new Set(rows(list).map((r) => r.id)).size).to.equal(7);
  });

  it('should keep the DOM small for 10,000 leads, loading pages as it scrolls', async () => {
    const list = await mount(createMemoryApi({ leads: 10_000 }).client, { pageSize: 200 });
    const scroller = list.shadowRoot!.querySelector<HTMLElement>('.scroller')!;
    for (let i = 0; i < 5; i++) {
      const loaded = rows(list).length;
      scroller.scrollTop = scroller.scrollHeight;
      await until(() => rows(list).length > loaded, 4000, 'next page');
    }
    expect(rows(list).length).to.be.at.least(1000);
    expect(list.shadowRoot!.querySelectorAll('.body [role="row"]').length).to.be.lessThan(40);
  });

  it('should speak German: statuses, dates and counts', async () => {
    const list = await mount(api.client, { locale: 'de' });
    expect(list.shadowRoot!.querySelector('[data-index="1"] [part="status"]')!.textContent).to.equal('Qualifiziert');
    expect(footer(list)).to.equal('3 Leads geladen');
    const created = list.shadowRoot!.querySelector('[data-index="0"]')!.children[4]!.textContent!;
    expect(created).to.match(/^\d{2}\.\d{2}\.\d{4}$|^\d{1,2}\. \w+\.? \d{4}$/);
  });

  it('should fit a phone (390 px) and a desk (1280 px), leaving secondary columns out on the phone', async () => {
    for (const width of [phoneWidth, deskWidth]) {
      await useViewport(width);
      const list = await mount(api.client);
      expectFitsLayout(list);
      const email = list.shadowRoot!.querySelector<HTMLElement>('[data-index="0"]')!.children[2] as HTMLElement;
      expect(getComputedStyle(email).display, `email column at ${width}`).to.equal(width === phoneWidth ? 'none' : 'block');
      await expectAccessible(list);
    }
  });

  it('should design the empty and the error state', async () => {
    const empty = await mount(createMemoryApi({ leads: 0 }).client);
    expect(empty.shadowRoot!.querySelector('crm-state')!.kind).to.equal('empty');
    expect(empty.shadowRoot!.querySelector('crm-state')!.message).to.equal('No leads yet.');
    const memory = createMemoryApi();
    memory.failNext('GET', /^\/v1\/leads$/, new MemoryApiError(503, 'unavailable', 'Down for maintenance.'));
    const failing = await mount(memory.client);
    const state = failing.shadowRoot!.querySelector('crm-state')!;
    expect(state.kind).to.equal('error');
    expect(state.message).to.equal('Down for maintenance.');
    await expectAccessible(failing);
  });

  it('should hide its filter row with no-filters, and show a lead added elsewhere after reload()', async () => {
    const own = await liveApi();
    await own.client.leads.create({ firstName: 'Edsger', lastName: 'Dijkstra' });
    const list = await mount(own.client);
    list.noFilters = true;
    await list.updateComplete;
    expect(list.shadowRoot!.querySelector('[part="toolbar"]')).to.equal(null);
    expect(names(list)).to.deep.equal(['Edsger Dijkstra']);
    await own.client.leads.create({ firstName: 'Barbara', lastName: 'Liskov' });
    list.reload();
    await until(() => names(list).length === 2, 8000, 'reloaded');
    expect(names(list)).to.deep.equal(['Edsger Dijkstra', 'Barbara Liskov']);
  });

  it('should register once however often define() is called', () => {
    CrmLeadList.define('crm-lead-list');
    expect(customElements.get('crm-lead-list')).to.equal(CrmLeadList);
  });
});
