import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until, type LiveApi } from '../test/live-api.js';
import { createMemoryApi, MemoryApiError } from '../test/memory-api.js';
import { deskWidth, expectFitsLayout, phoneWidth, resetViewport, useViewport } from '../test/viewport.js';
import { CrmCampaignList } from './campaign-list.component.js';
import './campaign-list.js';

async function mount(client: unknown, { pageSize = 100, locale = 'en' } = {}): Promise<CrmCampaignList> {
  const provider = await fixture(html`<crm-provider .client=${client} locale=${locale} time-zone="UTC"><crm-campaign-list page-size=${pageSize}></crm-campaign-list></crm-provider>`);
  const list = provider.querySelector('crm-campaign-list')!;
  await until(() => Boolean(list.shadowRoot!.querySelector('.body, crm-state:not([kind="loading"])')), 8000, 'list loaded');
  return list;
}

const rows = (list: CrmCampaignList) => (list as unknown as { rows: Array<{ id: string; title: string }> }).rows;
const row = (list: CrmCampaignList, title: string) =>
  [...list.shadowRoot!.querySelectorAll<HTMLElement>('.body [role="row"]')].find((r) => r.querySelector('.primary')!.textContent === title)!;
/** What a cell shows to the eye (screen-reader-only text left out). */
function shown(cell: Element): string {
  const copy = cell.cloneNode(true) as Element;
  copy.querySelectorAll('.sr-only').forEach((node) => node.remove());
  return copy.textContent!.trim();
}
const cells = (list: CrmCampaignList, title: string) => [...row(list, title).children].map(shown);
const figuresLoaded = (list: CrmCampaignList) => !list.shadowRoot!.querySelector('.body [data-figures="loading"]');

describe('crm-campaign-list', () => {
  let api: LiveApi;
  before(async () => {
    api = await liveApi();
    const fair = await api.client.campaigns.create({ title: 'Trade fair Lisbon', code: 'FAIR-26', type: 'event', cost: 2000, startAt: '2026-03-02', endAt: '2026-04-15' });
    await api.client.campaigns.create({ title: 'Referral drive', code: 'REF-26', type: 'referral' });
    for (const lastName of ['Lovelace', 'Hopper']) await api.client.leads.create({ firstName: 'Ada', lastName, campaignId: fair.id });
    await api.client.campaigns.transition(fair.id, { to: 'new', version: fair.version });
  });

  afterEach(() => resetViewport());

  it('should list campaigns with status, period, leads and ROI from the real API\'s stats, axe-clean', async () => {
    const list = await mount(api.client);
    await until(() => figuresLoaded(list), 8000, 'figures');
    // select, title + code, type, period, signups, leads, ROI, status
    expect(cells(list, 'Trade fair Lisbon')).to.deep.equal(['', 'Trade fair LisbonFAIR-26', 'Event', 'Mar 2, 2026 – Apr 15, 2026', '0', '2', '-100%', 'New']);
    const refCells = cells(list, 'Referral drive');
    expect(refCells[6], 'no cost, so no ROI').to.equal('—');
    expect(refCells[7]).to.equal('Draft');
    const roiCell = row(list, 'Trade fair Lisbon').children[6]!;
    expect(roiCell.textContent, 'what a screen reader hears').to.equal('-100%, revenue won €0');
    expect(row(list, 'Referral drive').children[6]!.textContent, 'what a screen reader hears').to.equal('—No ROI: no cost recorded');
    await expectAccessible(list);
  });

  it('should filter by status and type, and sort by title, through the real API', async () => {
    const list = await mount(api.client);
    list.status = 'new';
    await until(() => rows(list).length === 1, 8000, 'status filter');
    expect(rows(list)[0]!.title).to.equal('Trade fair Lisbon');
    list.status = '';
    const native = async (name: string, value: string) => {
      await until(() => Boolean(list.shadowRoot!.querySelector(`crm-select-field[name="${name}"]`)), 8000, name);
      const select = list.shadowRoot!.querySelector(`crm-select-field[name="${name}"]`)!.shadowRoot!.querySelector('select')!;
      select.value = value;
      select.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    };
    await native('type', 'referral');
    await until(() => rows(list).length === 1 && rows(list)[0]!.title === 'Referral drive', 8000, 'type filter');
    expect(list.type).to.equal('referral');
    await native('type', '');
    await native('sort', 'title');
    await until(() => rows(list).length === 2 && rows(list)[0]!.title === 'Referral drive', 8000, 'sorted by title');
  });

  it('should open a campaign with Enter', async () => {
    const list = await mount(api.client);
    list.shadowRoot!.querySelector<HTMLElement>('[data-index="0"]')!.focus();
    await sendKeys({ press: 'End' });
    const opened = oneEvent(list, 'crm-campaign-selected');
    await sendKeys({ press: 'Enter' });
    expect((await opened).detail.campaign.id).to.equal(rows(list)[rows(list).length - 1]!.id);
  });

  it('should ask for figures only for the rows in view, a few at a time', async () => {
    const memory = createMemoryApi({ campaigns: 2000 });
    const list = await mount(memory.client, { pageSize: 200 });
    await until(() => figuresLoaded(list), 8000, 'figures of the first rows');
    const statsCalls = () => memory.calls.filter((c) => /\/stats$/.test(c.path)).length;
    expect(statsCalls()).to.be.within(1, 40);
    const scroller = list.shadowRoot!.querySelector<HTMLElement>('.scroller')!;
    scroller.scrollTop = 100 * 48;
    await until(() => statsCalls() > 20 && figuresLoaded(list), 8000, 'figures of the rows scrolled to');
    expect(statsCalls()).to.be.lessThan(80);
  });

  it('should speak German: dates, percentages and counts', async () => {
    const list = await mount(api.client, { locale: 'de' });
    await until(() => figuresLoaded(list), 8000, 'figures');
    const fair = cells(list, 'Trade fair Lisbon');
    expect(fair[3]).to.equal('02.03.2026 – 15.04.2026');
    expect(fair[6]!.replace(/\s/g, ' '), 'a no-break space before %').to.equal('-100 %');
    expect(fair[6]).not.to.equal('-100 %');
    expect(fair[7]).to.equal('Neu');
    expect(list.shadowRoot!.querySelector('.footer')!.textContent!.trim()).to.equal('2 Kampagnen geladen');
  });

  it('should fit a phone (390 px) and a desk (1280 px), keeping title, ROI and status on the phone', async () => {
    for (const width of [phoneWidth, deskWidth]) {
      await useViewport(width);
      const list = await mount(api.client);
      await until(() => figuresLoaded(list), 8000, 'figures');
      expectFitsLayout(list);
      const shown = [...row(list, 'Trade fair Lisbon').children].filter((c) => getComputedStyle(c).display !== 'none').length;
      expect(shown, `columns at ${width}`).to.equal(width === phoneWidth ? 4 : 8);
      await expectAccessible(list);
    }
  });

  it('should design the empty and the error state, and say when figures are refused', async () => {
    const empty = await mount(createMemoryApi({ campaigns: 0 }).client);
    expect(empty.shadowRoot!.querySelector('crm-state')!.message).to.equal('No campaigns yet.');
    const memory = createMemoryApi();
    memory.failNext('GET', /^\/v1\/campaigns$/, new MemoryApiError(503, 'unavailable', 'Down for maintenance.'));
    const failing = await mount(memory.client);
    expect(failing.shadowRoot!.querySelector('crm-state')!.message).to.equal('Down for maintenance.');
    const partial = createMemoryApi({ campaigns: 3 });
    partial.failNext('GET', /\/stats$/, new MemoryApiError(403, 'forbidden', 'Not yours.'));
    const list = await mount(partial.client);
    await until(() => Boolean(list.shadowRoot!.querySelector('[data-figures="failed"]')), 8000, 'refused figures');
    expect(list.shadowRoot!.querySelector('[data-figures="failed"] .sr-only')!.textContent).to.equal('Figures not available');
    await expectAccessible(list);
  });

  it('should register once however often define() is called', () => {
    CrmCampaignList.define('crm-campaign-list');
    expect(customElements.get('crm-campaign-list')).to.equal(CrmCampaignList);
  });
});
