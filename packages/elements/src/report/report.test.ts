import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until, type LiveApi } from '../test/live-api.js';
import { deskWidth, expectFitsLayout, phoneWidth, resetViewport, useViewport } from '../test/viewport.js';
import type { CrmReport } from './report.component.js';
import './report.js';

const plain = (text: string | null | undefined) => (text ?? '').replace(/[\u00a0\u202f]/g, ' ').replace(/\s+/g, ' ').trim();

describe('crm-report', () => {
  let api: LiveApi;
  let reportId: string;

  before(async function () {
    // A fresh agency, a pipeline, a won deal and a saved report, on a machine that may be loaded.
    this.timeout(120_000);
    api = await liveApi();
    const pipeline = await api.client.pipelines.create({
      name: `Report ${Math.random().toString(16).slice(2, 8)}`,
      stages: [
        { key: 'lead', name: 'Lead', probability: 10, kind: 'open' },
        { key: 'won', name: 'Won', probability: 100, kind: 'won' },
        { key: 'lost', name: 'Lost', probability: 0, kind: 'lost' },
      ],
    });
    await api.client.opportunities.create({ name: 'Initech - Renewal', amount: 5000, currency: 'EUR', pipelineId: pipeline.id, stage: 'won', expectedCloseDate: '2027-03-31' });
    reportId = (await api.client.reports.create({ name: 'Won by owner', kind: 'opportunities', measures: ['deals.won.amount', 'deals.won'], dimension: 'owner', period: 'month', range: 'year' })).id;
    // The roll-ups are applied just after the write: poll (with a deadline) until the won deal counts.
    for (const deadline = Date.now() + 60_000; ; ) {
      const { rows } = await api.client.reports.result(reportId);
      if (rows.some((row) => row.values[0] === 5000)) break;
      if (Date.now() > deadline) throw new Error('the won deal never reached the roll-ups');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  });
  afterEach(resetViewport);

  async function mount({ locale = 'en', theme = 'light', id = reportId } = {}): Promise<CrmReport> {
    const provider = await fixture(html`<crm-provider .client=${api.client} .user=${api.user} locale=${locale} theme=${theme}>
      <crm-report report-id=${id}></crm-report>
    </crm-provider>`);
    const report = provider.querySelector('crm-report')!;
    await until(() => Boolean(report.shadowRoot!.querySelector(id ? '[part="table"]' : '[part="builder"]')) && !report.shadowRoot!.querySelector('crm-state[kind="loading"]'), 30_000, 'report loaded');
    return report;
  }

  const cells = (report: CrmReport) => [...report.shadowRoot!.querySelectorAll('[part="table"] tbody tr')].map((tr) => [...tr.children].map((c) => plain(c.textContent)));
  const headers = (report: CrmReport) => [...report.shadowRoot!.querySelectorAll('[part="table"] thead th')].map((th) => plain(th.textContent));

  it('should show a saved report’s rows from the real API as a table and a chart, axe-clean', async function () {
    // The first mount also loads the chart library and warms the API up.
    this.timeout(60_000);
    const report = await mount();
    await until(() => cells(report).some((row) => row.includes('€5,000')), 15_000, 'the won deal in the table');
    expect(headers(report)).to.deep.equal(['Period', 'Person', 'Won revenue', 'Deals won']);
    expect(cells(report).find((row) => row.includes('€5,000'))!.slice(1)).to.deep.equal([api.user.name, '€5,000', '1']);
    expect(report.shadowRoot!.querySelector('crm-chart')!.kind).to.equal('bar');
    await expectAccessible(report);
  });

  it('should build a report by keyboard, show it and save it through the API', async () => {
    const report = await mount({ id: '' });
    const root = report.shadowRoot!;
    root.querySelector<HTMLSelectElement>('[name="measure"]')!.value = 'deals.won';
    root.querySelector<HTMLButtonElement>('[part="builder"] button[type="submit"]')!.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => Boolean(root.querySelector('[part="table"], crm-state[kind="error"], crm-state[kind="empty"]')), 15_000, 'the built report');
    expect(root.querySelector('crm-state')?.getAttribute('message') ?? '', 'no error or empty state').to.equal('');
    expect(headers(report)).to.deep.equal(['Period', 'Deals won']);
    root.querySelector<HTMLInputElement>('[name="name"]')!.focus();
    await sendKeys({ type: 'Deals won this year' });
    root.querySelector<HTMLButtonElement>('[data-action="save"]')!.focus();
    const saved = oneEvent(report, 'crm-report-saved');
    await sendKeys({ press: 'Enter' });
    const { detail } = await saved;
    expect(detail.report).to.include({ name: 'Deals won this year', kind: 'opportunities', dimension: 'all', period: 'month', range: 'year' });
    expect(detail.report.measures).to.deep.equal(['deals.won']);
    expect((await api.client.reports.get(detail.report.id)).name).to.equal('Deals won this year');
    expect(root.activeElement?.getAttribute('name')).to.equal('report', 'focus moves to the picker showing the saved report');
    expect(root.querySelector('[role="status"]')!.textContent).to.equal('Deals won this year saved.');
  });

  it('should download the report as Excel and save a weekly schedule to the user', async () => {
    const report = await mount();
    const root = report.shadowRoot!;
    root.querySelector<HTMLButtonElement>('[data-action="xlsx"]')!.click();
    await until(() => root.querySelector('[role="status"]')!.textContent === 'Won-by-owner.xlsx downloaded.', 15_000, 'the download');
    const form = root.querySelector<HTMLFormElement>('[part="schedule"]')!;
    form.querySelector<HTMLSelectElement>('[name="frequency"]')!.value = 'weekly';
    const saved = oneEvent(report, 'crm-report-saved');
    form.requestSubmit();
    await saved;
    expect((await api.client.reports.get(reportId)).schedule).to.deep.equal({ frequency: 'weekly', recipients: [api.user.id], format: 'xlsx' });
  });

  it('should speak German in the dark theme, axe-clean', async () => {
    const report = await mount({ locale: 'de', theme: 'dark' });
    expect(headers(report)[0]).to.equal('Zeitraum ab');
    expect(plain(root(report).querySelector('[data-action="csv"]')!.textContent)).to.equal('CSV herunterladen');
    await until(() => cells(report).some((row) => row.includes('5.000 €')), 15_000, 'German amounts');
    await expectAccessible(report.parentElement!);
  });

  for (const width of [phoneWidth, deskWidth]) {
    it(`should fit ${width} px with the builder and with a saved report`, async () => {
      await useViewport(width);
      const built = await mount({ id: '' });
      expectFitsLayout(built);
      await expectAccessible(built);
      const report = await mount();
      expectFitsLayout(report, { scrollers: ['.table-wrap'] });
      await expectAccessible(report);
    });
  }
});

const root = (report: CrmReport) => report.shadowRoot!;
