import { sendKeys, setViewport } from '@web/test-runner-commands';
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until, type LiveApi } from '../test/live-api.js';
import { createMemoryForecasts } from '../test/memory-forecasts.js';
import { expectFitsLayout } from '../test/viewport.js';
import type { CrmDataClient } from '../shared/api/transport.js';
import type { CrmAnnualForecast } from './annual-forecast.component.js';
import './annual-forecast.js';

const $ = <T extends Element = HTMLElement>(el: Element, selector: string) => el.shadowRoot!.querySelector(selector) as T;
const text = (el: Element | null) => el?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
/** A table cell of a month (1-12) row: 1-2 new sales plan/actual, 3-4 account management, 5-6 upselling, 7-8 total, 9 attainment. */
const cell = (el: Element, month: number, column: number) => text($(el, `tr[data-month="${month}"] td:nth-of-type(${column})`));

async function mount(client: CrmDataClient | LiveApi['client'], attributes: { ownerId?: string; year: number }, locale = 'en', theme = 'light') {
  const provider = await fixture(
    html`<crm-provider .client=${client} .user=${{ id: '1', name: 'Admin', email: 'a@example.test' }} locale=${locale} theme=${theme}><crm-annual-forecast owner-id=${attributes.ownerId ?? ''} year=${attributes.year}></crm-annual-forecast></crm-provider>`,
  );
  const forecast = provider.querySelector('crm-annual-forecast')!;
  await until(() => Boolean(forecast.shadowRoot!.querySelector('table, crm-state[kind="error"]')), 8000, 'the forecast');
  return forecast as CrmAnnualForecast;
}

describe('crm-annual-forecast', () => {
  afterEach(async () => {
    await setViewport({ width: 800, height: 600 });
  });

  it('should show won deals against the plan, let the account manager enter it by keyboard with problems beside the field, and follow new deals live (real API)', async () => {
    const api = await liveApi();
    const year = new Date().getUTCFullYear();
    const month = new Date().getUTCMonth() + 1;
    await api.client.opportunities.create({ name: 'First deal', amount: 1234.5, stage: 'won' } as never);
    const forecast = await mount(api.client, { ownerId: api.user.id, year });
    await until(() => cell(forecast, month, 2).includes('1,234.50'), 10_000, 'the won deal as new sales');
    expect(cell(forecast, month, 4)).to.equal('$0', 'no account management');

    // Edit by keyboard: the button, then the field of this month's new sales.
    $(forecast, '.toolbar button').focus();
    await sendKeys({ press: 'Enter' });
    await until(() => Boolean($(forecast, '[part="editor"]')), 5000, 'the editor');
    const field = (pillar: string, m: number) => $<HTMLInputElement>(forecast, `input[data-field="months.${pillar}.${m}"]`);
    expect(forecast.shadowRoot!.activeElement).to.equal(field('new', 0));
    expect(text($(forecast, `label[for="${field('new', month - 1).id}"]`))).to.equal(`New sales, ${new Intl.DateTimeFormat('en', { month: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2000, month - 1, 1)))}`);
    field('new', month - 1).focus();
    field('new', month - 1).select();
    await sendKeys({ type: '2469' });
    field('upsell', 2).focus();
    field('upsell', 2).select();
    await sendKeys({ type: '-5' });
    $(forecast, '[part="editor"] button.primary').focus();
    await sendKeys({ press: 'Enter' });
    await until(() => Boolean($(forecast, '.problem')), 3000, 'the problem');
    expect(field('upsell', 2).getAttribute('aria-invalid')).to.equal('true');
    expect(text($(forecast, `#${field('upsell', 2).getAttribute('aria-describedby')}`))).to.equal('Enter an amount of 0 or more.');
    expect(forecast.shadowRoot!.activeElement).to.equal(field('upsell', 2));
    await expectAccessible(forecast);
    field('upsell', 2).select();
    await sendKeys({ type: '0' });
    const saved = oneEvent(forecast, 'crm-forecast-saved');
    $(forecast, '[part="editor"] button.primary').focus();
    await sendKeys({ press: 'Enter' });
    const { detail } = await saved;
    expect(detail.forecast.months.new[month - 1]).to.equal(246_900);
    await until(() => cell(forecast, month, 1) === '$2,469', 10_000, 'the plan');
    expect(text($(forecast, '[data-pillar="new"]'))).to.contain('Attainment 50%');
    const entries = await api.client.forecasts.list({ year });
    expect(entries.data.map((e) => e.months.new[month - 1])).to.deep.equal([246_900]);

    // A deal won now shows up without a reload (metric.changed over realtime).
    let stop = () => undefined as void;
    await new Promise<void>((resolve) => (stop = api.client.realtime.subscribe({ resource: 'opportunity' }, () => undefined, { onSubscribed: () => resolve() })));
    await api.client.opportunities.create({ name: 'Second deal', amount: 1234.5, stage: 'won' } as never);
    await until(() => cell(forecast, month, 2) === '$2,469', 10_000, 'the second deal');
    expect(text($(forecast, '[data-pillar="new"]'))).to.contain('Attainment 100%');
    stop();
    await expectAccessible(forecast);
  });

  it('should write German months, money and percentages, chart plan against actual, fit 390 and 1280 px and be axe-clean in the dark theme', async () => {
    const { client, ownerId, year } = createMemoryForecasts();
    const forecast = await mount(client, { ownerId, year }, 'de', 'dark');
    expect(text($(forecast, 'tr[data-month="1"] th'))).to.equal('Januar');
    expect(cell(forecast, 1, 1)).to.match(/^10\.000\s€$/);
    expect(cell(forecast, 3, 2)).to.match(/^9\.500,50\s€$/);
    expect(text($(forecast, '[data-pillar="upsell"] dt'))).to.equal('Upselling');
    expect(text($(forecast, '[data-pillar="accountManagement"]'))).to.match(/Bestandskunden 14\.700\s€ von 60\.000\s€ Erreichung 24,5\s%/);
    const chart = $(forecast, 'crm-chart') as HTMLElement & { series: { key: string; points: { value: number }[] }[] };
    expect(chart.getAttribute('label')).to.equal('Plan und Ist je Monat, 2027');
    expect(chart.series.map((s) => [s.key, s.points[0]!.value])).to.deep.equal([['plan', 17_500], ['actual', 16_500]]);
    expect(text($(forecast, '.toolbar button'))).to.equal('Prognose bearbeiten');
    for (const width of [390, 1280]) {
      await setViewport({ width, height: 800 });
      // Chart.js redraws its canvas for the new width on its resize observer, a frame or two later.
      const canvas = () => chart.shadowRoot!.querySelector('canvas');
      await until(() => !canvas() || canvas()!.getBoundingClientRect().right <= forecast.getBoundingClientRect().right + 1, 3000, 'the chart at the new width');
      // The table of 12 months by 4 pillars scrolls sideways on its own (a focusable region); nothing else does.
      await expectFitsLayout(forecast, { scrollers: ['.scroll'] });
    }
    await expectAccessible(forecast);
  });

  it('should pick another year from the picker and offer no editor to who may not enter the forecast', async () => {
    const { client, ownerId } = createMemoryForecasts({ editable: false });
    const forecast = await mount(client, { ownerId, year: 2027 });
    expect($(forecast, '.toolbar button')).to.equal(null);
    const picker = $<HTMLSelectElement>(forecast, 'select');
    picker.value = '2026';
    picker.dispatchEvent(new Event('change'));
    await until(() => forecast.year === 2026 && Boolean($(forecast, 'table')), 3000, 'the other year');
    await until(() => text($(forecast, 'tfoot td:last-of-type')) === '–', 3000, 'no plan that year');
  });
});
