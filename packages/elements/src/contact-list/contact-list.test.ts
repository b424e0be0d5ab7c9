import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until, type LiveApi } from '../test/live-api.js';
import { deskWidth, expectFitsLayout, phoneWidth, resetViewport, useViewport } from '../test/viewport.js';
import { createMemoryApi, MemoryApiError } from '../test/memory-api.js';
import type { CrmContactList } from './contact-list.component.js';
import './contact-list.js';

async function mount(client: unknown, attrs = ''): Promise<CrmContactList> {
  const provider = await fixture(html`<crm-provider .client=${client}><crm-contact-list page-size=${attrs || '100'}></crm-contact-list></crm-provider>`);
  const list = provider.querySelector('crm-contact-list')!;
  await until(() => Boolean(list.shadowRoot!.querySelector('.body, crm-state:not([kind="loading"])')), 8000, 'list loaded');
  return list;
}

const names = (list: CrmContactList) => [...list.shadowRoot!.querySelectorAll('.body .name')].map((n) => n.textContent);

describe('crm-contact-list', () => {
  let api: LiveApi;
  before(async () => {
    api = await liveApi();
    for (const [firstName, lastName, company] of [
      ['Ada', 'Lovelace', 'Engines'],
      ['Grace', 'Hopper', 'Navy'],
      ['Alan', 'Turing', 'Bletchley'],
    ]) {
      await api.client.transport.post('/v1/contacts', { firstName, lastName, company: { name: company } });
    }
  });

  it('should list contacts from the real API sorted by last name, axe-clean', async () => {
    const list = await mount(api.client);
    expect(names(list)).to.deep.equal(['Grace Hopper', 'Ada Lovelace', 'Alan Turing']);
    expect(list.shadowRoot!.querySelector('[role="grid"]')!.getAttribute('aria-rowcount')).to.equal('4');
    await expectAccessible(list);
  });

  it('should search through the API as the person types', async () => {
    const list = await mount(api.client);
    list.shadowRoot!.querySelector<HTMLElement>('crm-text-field[name="search"]')!.focus();
    await sendKeys({ type: 'turi' });
    await until(() => names(list).length === 1, 8000, 'search result');
    expect(names(list)).to.deep.equal(['Alan Turing']);
    expect(list.search).to.equal('turi');
  });

  it('should move, select with Space and open with Enter by keyboard', async () => {
    const list = await mount(api.client);
    const first = list.shadowRoot!.querySelector<HTMLElement>('[data-index="0"]')!;
    first.focus();
    await sendKeys({ press: 'ArrowDown' });
    const selection = oneEvent(list, 'crm-selection-changed');
    await sendKeys({ press: ' ' });
    expect((await selection).detail.ids).to.have.length(1);
    await list.updateComplete;
    expect(list.shadowRoot!.querySelector('[data-index="1"]')!.getAttribute('aria-selected')).to.equal('true');
    expect(list.shadowRoot!.querySelector('[part="bulk-bar"]')!.hasAttribute('hidden')).to.equal(false);
    const opened = oneEvent(list, 'crm-contact-selected');
    await sendKeys({ press: 'Enter' });
    expect((await opened).detail.contact.lastName).to.equal('Lovelace');
  });

  it('should page through the SDK iterator as it scrolls, keeping the DOM small for 10,000 rows', async () => {
    const memory = createMemoryApi({ contacts: 10_000 });
    const list = await mount(memory.client, '200');
    const scroller = list.shadowRoot!.querySelector<HTMLElement>('.scroller')!;
    const rowsBefore = list.shadowRoot!.querySelectorAll('.body [role="row"]').length;
    expect(rowsBefore).to.be.lessThan(40);
    for (let i = 0; i < 8; i++) {
      scroller.scrollTop = scroller.scrollHeight;
      const loaded = (list as unknown as { rows: unknown[] }).rows.length;
      await until(() => (list as unknown as { rows: unknown[] }).rows.length > loaded, 4000, 'next page');
    }
    expect((list as unknown as { rows: unknown[] }).rows.length).to.be.at.least(1600);
    expect(list.shadowRoot!.querySelectorAll('.body [role="row"]').length).to.be.lessThan(40);
  });

  it('should filter by status, by a saved segment and sort, all through the real API', async () => {
    const own = await liveApi();
    const post = (body: object) => own.client.transport.post<{ id: string; version: number }>('/v1/contacts', body);
    const ada = await post({ firstName: 'Ada', lastName: 'Lovelace', tags: ['vip'] });
    await post({ firstName: 'Grace', lastName: 'Hopper', tags: ['vip'] });
    await post({ firstName: 'Alan', lastName: 'Turing' });
    await own.client.transport.post(`/v1/contacts/${ada.id}/transitions`, { to: 'hot', version: ada.version });
    await own.client.transport.post('/v1/segments', { name: 'VIPs', resource: 'contact', filters: { tag: 'vip' }, sharing: 'agency' });
    const list = await mount(own.client);
    const pick = async (name: string, value: string) => {
      await until(() => Boolean(list.shadowRoot!.querySelector(`crm-select-field[name="${name}"]`)), 8000, `${name} filter`);
      const native = list.shadowRoot!.querySelector(`crm-select-field[name="${name}"]`)!.shadowRoot!.querySelector('select')!;
      native.value = value;
      native.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      native.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
    };
    expect(names(list)).to.deep.equal(['Grace Hopper', 'Ada Lovelace', 'Alan Turing']);

    await pick('status', 'hot');
    await until(() => names(list).length === 1, 8000, 'status filter');
    expect(names(list)).to.deep.equal(['Ada Lovelace']);
    expect(list.status).to.equal('hot');
    await pick('status', '');
    await until(() => names(list).length === 3, 8000, 'status filter cleared');

    const segments = [...list.shadowRoot!.querySelectorAll('crm-select-field[name="segmentId"]')];
    expect(segments).to.have.length(1);
    const segmentId = (segments[0] as unknown as { options: Array<{ value: string; label: string }> }).options.find((o) => o.label === 'VIPs')!.value;
    await pick('segmentId', segmentId);
    await until(() => names(list).length === 2, 8000, 'segment members');
    expect(names(list)).to.have.members(['Ada Lovelace', 'Grace Hopper']);
    await pick('segmentId', '');
    await until(() => names(list).length === 3, 8000, 'all contacts again');

    await pick('sort', 'firstName');
    await until(() => names(list)[0] === 'Ada Lovelace', 8000, 'sorted by first name');
    expect(names(list)).to.deep.equal(['Ada Lovelace', 'Alan Turing', 'Grace Hopper']);
    expect(list.sort).to.equal('firstName');
    await expectAccessible(list);
  });

  it('should follow the real API\'s pages (cursor by cursor) until every contact is listed', async () => {
    const own = await liveApi();
    for (let n = 0; n < 7; n++) await own.client.transport.post('/v1/contacts', { firstName: `Person`, lastName: `Number ${n}` });
    const list = await mount(own.client, '2');
    await until(() => (list as unknown as { rows: unknown[] }).rows.length === 7, 8000, 'every page');
    const scroller = list.shadowRoot!.querySelector<HTMLElement>('.scroller')!;
    scroller.scrollTop = scroller.scrollHeight;
    await until(() => names(list).includes('Person Number 6'), 4000, 'last row rendered');
    expect(new Set((list as unknown as { rows: Array<{ id: string }> }).rows.map((r) => r.id)).size).to.equal(7);
  });

  it('should design empty and error states', async () => {
    const empty = await mount(createMemoryApi({ contacts: 0 }).client);
    expect(empty.shadowRoot!.querySelector('crm-state')!.kind).to.equal('empty');
    const memory = createMemoryApi();
    memory.failNext('GET', /^\/v1\/contacts$/, new MemoryApiError(503, 'unavailable', 'Down for maintenance.'));
    const failing = await mount(memory.client);
    const state = failing.shadowRoot!.querySelector('crm-state')!;
    expect(state.kind).to.equal('error');
    expect(state.message).to.equal('Down for maintenance.');
    await expectAccessible(failing);
  });

  describe('at 390 and 1280 px, light and dark, English and German', () => {
    afterEach(resetViewport);

    async function mountWith(attrs: { locale?: string; theme?: string }): Promise<CrmContactList> {
      const provider = await fixture(html`<crm-provider .client=${api.client} .user=${api.user} locale=${attrs.locale ?? 'en'} theme=${attrs.theme ?? 'light'}>
        <crm-contact-list></crm-contact-list>
      </crm-provider>`);
      const list = provider.querySelector('crm-contact-list')!;
      await until(() => Boolean(list.shadowRoot!.querySelector('.body .name')), 8000, 'rows');
      return list;
    }

    for (const width of [phoneWidth, deskWidth]) {
      for (const theme of ['light', 'dark']) {
        it(`should fit ${width} px with 44 px targets and be axe-clean in the ${theme} theme`, async () => {
          await useViewport(width);
          const list = await mountWith({ theme });
          expectFitsLayout(list);
          await expectAccessible(list.parentElement!);
        });
      }
    }

    it('should count loaded and selected contacts with plural rules in English and German', async () => {
      for (const [locale, three, one] of [['en', '3 contacts loaded', '1 selected'], ['de', '3 Kontakte geladen', '1 ausgewählt']] as const) {
        const list = await mountWith({ locale });
        await until(() => list.shadowRoot!.textContent!.includes(three), 8000, three);
        list.shadowRoot!.querySelector<HTMLElement>('.body .select')!.click();
        await until(() => list.shadowRoot!.textContent!.includes(one), 4000, one);
      }
    });

    it('should say "1 contact loaded" and "1 Kontakt geladen" for a single row', async () => {
      const memory = createMemoryApi({ contacts: 1 });
      for (const [locale, text] of [['en', '1 contact loaded'], ['de', '1 Kontakt geladen']] as const) {
        const provider = await fixture(html`<crm-provider .client=${memory.client} locale=${locale}><crm-contact-list></crm-contact-list></crm-provider>`);
        const list = provider.querySelector('crm-contact-list')!;
        await until(() => list.shadowRoot!.textContent!.includes(text), 8000, text);
      }
    });
  });
});

describe('crm-contact-list over 100,000 contacts (pages on demand)', () => {
  type Internals = { rows: Array<{ id: string }>; page: { nextCursor: string | null } | null };
  const internals = (list: CrmContactList) => list as unknown as Internals;
  const frames = async (n: number) => {
    for (let i = 0; i < n; i++) await new Promise((resolve) => requestAnimationFrame(resolve));
  };
  let memory: ReturnType<typeof createMemoryApi>;
  before(() => {
    memory = createMemoryApi({ contacts: 100_000 });
  });
  const listCalls = () => memory.calls.filter((c) => c.method === 'GET' && c.path === '/v1/contacts');

  async function mountFresh(): Promise<{ list: CrmContactList; scroller: HTMLElement }> {
    memory.calls.length = 0;
    const list = await mount(memory.client, '100');
    await until(() => internals(list).rows.length === 100, 8000, 'first page');
    await frames(3);
    return { list, scroller: list.shadowRoot!.querySelector<HTMLElement>('.scroller')! };
  }

  it('should ask for one page on first render, and the next page by its cursor only when scrolled to the end of the loaded rows', async () => {
    const { list, scroller } = await mountFresh();
    expect(listCalls()).to.have.length(1);
    expect(listCalls()[0]!.query).to.deep.equal({ limit: '100', sort: 'lastName' });
    expect(list.shadowRoot!.querySelector('[role="grid"]')!.getAttribute('aria-rowcount')).to.equal('-1');

    // Scrolling within the loaded rows asks for nothing.
    scroller.scrollTop = 40 * 44;
    await frames(5);
    expect(listCalls()).to.have.length(1);

    const cursor = internals(list).page!.nextCursor;
    expect(cursor).to.be.a('string');
    scroller.scrollTop = scroller.scrollHeight;
    await until(() => internals(list).rows.length === 200, 8000, 'second page');
    await frames(5);
    expect(listCalls()).to.have.length(2);
    expect(listCalls()[1]!.query).to.deep.equal({ limit: '100', sort: 'lastName', cursor });
    expect(new Set(internals(list).rows.map((r) => r.id)).size).to.equal(200);
    // Nothing asked for more than a page, and the DOM holds a screenful, not the loaded rows.
    expect(listCalls().every((c) => Number((c.query as Record<string, string>).limit) <= 200)).to.equal(true);
    expect(list.shadowRoot!.querySelectorAll('.body [role="row"]').length).to.be.lessThan(40);
  });

  it('should ask for the next page when End moves the keyboard focus to the last loaded row, one page per press', async () => {
    const { list } = await mountFresh();
    list.shadowRoot!.querySelector<HTMLElement>('[data-index="0"]')!.focus();
    for (const expected of [200, 300]) {
      const cursor = internals(list).page!.nextCursor;
      await sendKeys({ press: 'End' });
      await until(() => internals(list).rows.length === expected, 8000, `${expected} rows`);
      await frames(5);
      expect(listCalls()).to.have.length(expected / 100);
      expect((listCalls().at(-1)!.query as Record<string, string>).cursor).to.equal(cursor);
      expect(list.shadowRoot!.activeElement?.getAttribute('data-index')).to.equal(String(expected - 101));
    }
  });

  it('should keep at most 5,000 contacts in memory, asking for a dropped page again by its cursor when it comes back into view', async () => {
    memory.calls.length = 0;
    const list = await mount(memory.client, '200');
    await until(() => internals(list).rows.length === 200, 8000, 'first page');
    const firstId = internals(list).rows[0]!.id;
    list.shadowRoot!.querySelector<HTMLElement>('[data-index="0"]')!.focus();
    for (let pages = 2; pages <= 30; pages++) {
      await sendKeys({ press: 'End' });
      await until(() => internals(list).rows.length === pages * 200, 8000, `${pages} pages`);
    }
    await frames(5);
    const rows = () => internals(list).rows;
    expect(rows().filter(Boolean).length).to.be.at.most(5000);
    expect(rows()[0], 'the first page was dropped').to.equal(undefined);
    expect(listCalls()).to.have.length(30);

    await sendKeys({ press: 'Home' });
    await until(() => rows()[0] !== undefined, 8000, 'the first page again');
    await frames(5);
    expect(rows()[0]!.id).to.equal(firstId);
    expect(listCalls()).to.have.length(31);
    expect(listCalls()[30]!.query).to.deep.equal({ limit: '200', sort: 'lastName' });
    expect(rows().filter(Boolean).length).to.be.at.most(5000);

    // The last page was dropped in turn; End brings it back by the cursor it was first asked for by.
    const last = (list as unknown as { pages: { slots: Array<{ cursor: string | null; kept: boolean }> } }).pages.slots[29]!;
    expect(last.kept).to.equal(false);
    await sendKeys({ press: 'End' });
    await until(() => rows()[5999] !== undefined, 8000, 'the last page again');
    expect(listCalls().filter((c) => (c.query as Record<string, string>).cursor === last.cursor)).to.have.length(2);
    expect(list.shadowRoot!.querySelectorAll('.body [role="row"]').length).to.be.lessThan(40);
  });

  it('should show a loading row while the next page comes, and a failed page as an error row whose retry asks again once', async () => {
    const { list, scroller } = await mountFresh();
    memory.failNext('GET', /^\/v1\/contacts$/, new MemoryApiError(503, 'unavailable', 'The CRM is restarting.'));
    scroller.scrollTop = scroller.scrollHeight;
    await until(() => Boolean(list.shadowRoot!.querySelector('[part="error-row"]')), 8000, 'error row');
    expect(list.shadowRoot!.querySelector('[part="error-row"]')!.textContent).to.contain('The CRM is restarting.');
    // A failed page is not asked for again behind the person's back, however they scroll.
    scroller.scrollTop = 0;
    await frames(3);
    scroller.scrollTop = scroller.scrollHeight;
    await frames(8);
    expect(listCalls()).to.have.length(2);
    await expectAccessible(list);

    memory.holdNext('GET', /^\/v1\/contacts$/);
    list.shadowRoot!.querySelector<HTMLButtonElement>('[part="error-row"] button')!.click();
    await until(() => Boolean(list.shadowRoot!.querySelector('[part="loading-row"]')), 4000, 'loading row');
    expect(list.shadowRoot!.querySelector('[part="loading-row"]')!.textContent).to.contain('Loading more contacts');
    expect(listCalls()).to.have.length(3);
    expect(list.shadowRoot!.querySelector('[part="error-row"]')).to.equal(null);
  });
});
