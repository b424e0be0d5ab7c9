import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../provider/provider.js';
import type { DashboardWidget } from '../shared/api/dashboards.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until, type LiveApi } from '../test/live-api.js';
import { deskWidth, expectFitsLayout, phoneWidth, resetViewport, useViewport } from '../test/viewport.js';
import type { CrmDashboard } from './dashboard.component.js';
import { widgetSpan } from './dashboard-layout.js';
import './dashboard.js';

const widgets: DashboardWidget[] = [
  { id: 'won-month', kind: 'gauge', title: 'Won this month', metric: 'deals.won.amount', period: 'month', dimension: 'owner', target: true, x: 0, y: 0, w: 4, h: 3 },
  { id: 'won-count', kind: 'metric', title: 'Deals won this month', metric: 'deals.won', period: 'month', dimension: 'all', x: 4, y: 0, w: 4, h: 3 },
  { id: 'revenue', kind: 'chart', title: 'Revenue by sales person', metric: 'deals.won.amount', period: 'month', dimension: 'owner', chart: 'bar', range: '3months', x: 0, y: 3, w: 6, h: 4 },
];

const plain = (text: string | null | undefined) => (text ?? '').replace(/[\u00a0\u202f]/g, ' ').trim();

describe('crm-dashboard', () => {
  let api: LiveApi;
  let dashboardId: string;
  let pipelineId: string;

  before(async () => {
    api = await liveApi();
    const pipeline = await api.client.pipelines.create({
      name: `Dashboard ${Math.random().toString(16).slice(2, 8)}`,
      stages: [
        { key: 'lead', name: 'Lead', probability: 10, kind: 'open' },
        { key: 'won', name: 'Won', probability: 100, kind: 'won' },
        { key: 'lost', name: 'Lost', probability: 0, kind: 'lost' },
      ],
    });
    pipelineId = pipeline.id;
    // The sales head's part: this month's revenue target for the signed-in rep.
    const { periodStart } = await api.client.targets.attainment({ metric: 'deals.won.amount', period: 'month' });
    await api.client.targets.create({ metric: 'deals.won.amount', period: 'month', periodStart, dimension: 'owner', key: api.user.id, value: 20000 });
  });

  beforeEach(async () => {
    dashboardId = (await api.client.dashboards.create({ name: 'My month', widgets })).id;
  });
  afterEach(resetViewport);

  async function mount({ locale = 'en', theme = 'light' } = {}): Promise<CrmDashboard> {
    const provider = await fixture(html`<crm-provider .client=${api.client} .user=${api.user} locale=${locale} theme=${theme}>
      <crm-dashboard dashboard-id=${dashboardId}></crm-dashboard>
    </crm-provider>`);
    const dashboard = provider.querySelector('crm-dashboard')!;
    await until(() => Boolean(dashboard.shadowRoot!.querySelector('[part="grid"]')) && !dashboard.shadowRoot!.querySelector('crm-state[kind="loading"]'), 10_000, 'dashboard and widgets loaded');
    return dashboard;
  }

  const meter = (dashboard: CrmDashboard) => dashboard.shadowRoot!.querySelector('crm-gauge')!.shadowRoot!.querySelector('[role="meter"]')!;
  const titles = (dashboard: CrmDashboard) => [...dashboard.shadowRoot!.querySelectorAll('[part="widget"] h3')].map((h) => h.textContent);

  it('should show each widget from the real API: the gauge against the target the head set, the figure and the chart, axe-clean', async () => {
    const dashboard = await mount();
    expect(dashboard.shadowRoot!.querySelector('h2')!.textContent).to.equal('My month');
    expect(titles(dashboard)).to.deep.equal(['Won this month', 'Deals won this month', 'Revenue by sales person']);
    expect(meter(dashboard).getAttribute('aria-valuemax')).to.equal('20000');
    expect(plain(meter(dashboard).getAttribute('aria-valuetext'))).to.match(/^€[\d,.]+ of €20,000 \(/);
    expect(dashboard.shadowRoot!.querySelector('crm-chart')!.kind).to.equal('bar');
    await expectAccessible(dashboard);
  });

  it('should ask once for all its widgets (POST /v1/metrics/batch), not once per widget', async () => {
    performance.clearResourceTimings();
    await mount();
    const asked = performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname);
    expect(asked.filter((path) => path === '/v1/metrics/batch').length).to.be.within(1, 2, 'the load, and a reload if the socket connected after it');
    expect(asked.filter((path) => path === '/v1/metrics' || path === '/v1/targets/attainment')).to.deep.equal([]);
  });

  it('should move the gauge live when a deal is won (metric.changed over realtime)', async () => {
    const dashboard = await mount();
    const before = Number(meter(dashboard).getAttribute('aria-valuenow'));
    const figure = () => plain(dashboard.shadowRoot!.querySelector('[part="figure"]')!.textContent);
    const wonBefore = figure();
    // The dashboard listens on the client's one socket; once a subscription on it is acknowledged, the
    // socket is connected (and in the agency's room), so the change below cannot go out before it listens.
    let stop = () => undefined as void;
    await new Promise<void>((resolve) => (stop = api.client.realtime.subscribe({ resource: 'opportunity' }, () => undefined, { onSubscribed: () => resolve() })));
    await api.client.opportunities.create({ name: 'Initech - Renewal', amount: 5000, currency: 'EUR', pipelineId, stage: 'won', expectedCloseDate: '2027-03-31' });
    await until(() => Number(meter(dashboard).getAttribute('aria-valuenow')) === before + 5000, 10_000, 'gauge moved');
    await until(() => figure() !== wonBefore, 10_000, 'figure moved');
    stop();
  });

  it('should let the user reorder, remove and add widgets by keyboard, and save the layout through the API', async () => {
    const dashboard = await mount();
    const root = dashboard.shadowRoot!;
    root.querySelector<HTMLButtonElement>('[data-action="edit"]')!.click();
    await dashboard.updateComplete;
    // The chart two places earlier, by keyboard; focus stays on its button.
    root.querySelector<HTMLButtonElement>('[data-widget="revenue"] [data-action="up"]')!.focus();
    await sendKeys({ press: 'Enter' });
    await sendKeys({ press: 'Enter' });
    expect(titles(dashboard)).to.deep.equal(['Revenue by sales person', 'Won this month', 'Deals won this month']);
    expect(root.activeElement?.closest('[data-widget]')?.getAttribute('data-widget')).to.equal('revenue');
    expect(root.querySelector('[role="status"]')!.textContent).to.equal('Revenue by sales person is now at position 1 of 3.');
    root.querySelector<HTMLButtonElement>('[data-widget="won-count"] [data-action="remove"]')!.click();
    await dashboard.updateComplete;
    const form = root.querySelector<HTMLFormElement>('[part="add-form"]')!;
    form.querySelector<HTMLInputElement>('[name="title"]')!.value = 'Calls this week';
    form.querySelector<HTMLSelectElement>('[name="metric"]')!.value = 'activities.calls';
    form.querySelector<HTMLSelectElement>('[name="period"]')!.value = 'week';
    form.requestSubmit();
    await dashboard.updateComplete;
    expect(titles(dashboard)).to.deep.equal(['Revenue by sales person', 'Won this month', 'Calls this week']);
    const saved = oneEvent(dashboard, 'crm-dashboard-saved');
    root.querySelector<HTMLButtonElement>('[data-action="save"]')!.click();
    await saved;
    const stored = await api.client.dashboards.get(dashboardId);
    expect(stored.widgets.map((w) => [w.title, w.x, w.y, w.w])).to.deep.equal([
      ['Revenue by sales person', 0, 0, 6],
      ['Won this month', 6, 0, 4],
      ['Calls this week', 0, 4, 4],
    ]);
    expect(stored.widgets[2]).to.include({ kind: 'gauge', metric: 'activities.calls', period: 'week', target: true });
    expect(root.querySelector('[data-action="edit"]')).not.to.equal(null);
  });

  it('should speak German in the dark theme, axe-clean', async () => {
    const dashboard = await mount({ locale: 'de', theme: 'dark' });
    expect(dashboard.shadowRoot!.querySelector('[data-action="edit"]')!.textContent).to.equal('Dashboard bearbeiten');
    expect(plain(meter(dashboard).getAttribute('aria-valuetext'))).to.match(/von 20\.000 €/);
    await expectAccessible(dashboard.parentElement!);
  });

  for (const width of [phoneWidth, deskWidth]) {
    it(`should lay the widgets out at ${width} px (one column on a phone, a row on a desk), in edit mode too`, async () => {
      await useViewport(width);
      const dashboard = await mount();
      const boxes = [...dashboard.shadowRoot!.querySelectorAll('[part="widget"]')].map((w) => w.getBoundingClientRect());
      if (width === phoneWidth) expect(new Set(boxes.map((b) => Math.round(b.left))).size).to.equal(1);
      else expect(Math.round(boxes[1]!.top)).to.equal(Math.round(boxes[0]!.top));
      expectFitsLayout(dashboard);
      dashboard.shadowRoot!.querySelector<HTMLButtonElement>('[data-action="edit"]')!.click();
      await dashboard.updateComplete;
      expectFitsLayout(dashboard);
      await expectAccessible(dashboard);
    });
  }
});

describe('widgetSpan (what a widget asks /v1/metrics for)', () => {
  const now = new Date('2026-12-31T23:30:00Z');
  it('should leave the current period to the API for gauges and figures, and name only spans of days for charts', () => {
    expect(widgetSpan({ kind: 'gauge', period: 'month' }, now)).to.deep.equal({});
    expect(widgetSpan({ kind: 'metric', period: 'quarter' }, now)).to.deep.equal({});
    expect(widgetSpan({ kind: 'chart', period: 'week', range: 'quarter' }, now)).to.deep.equal({ since: 'quarter' });
    expect(widgetSpan({ kind: 'chart', period: 'month', range: '3months' }, now)).to.deep.equal({ from: '2026-10-01' });
  });
  it('should look ahead from the current period for a forecast', () => {
    expect(widgetSpan({ kind: 'chart', period: 'month', range: 'next3months' }, now)).to.deep.equal({ to: '2027-03-31' });
    expect(widgetSpan({ kind: 'chart', period: 'month', range: 'next12months' }, now)).to.deep.equal({ to: '2027-12-31' });
  });
});
