import { expect, fixture, html } from '@open-wc/testing';
import { Chart } from 'chart.js';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { until } from '../test/live-api.js';
import { deskWidth, expectFitsLayout, phoneWidth, resetViewport, useViewport } from '../test/viewport.js';
import type { CrmChart, CrmChartKind, CrmChartSeries } from './chart.component.js';
import './chart.js';

const won: CrmChartSeries[] = [
  { key: 'u1', label: 'Ada', points: [{ periodStart: '2026-10-01', value: 1200 }, { periodStart: '2026-11-01', value: 3400.5 }, { periodStart: '2026-12-01', value: 2100 }] },
  { key: 'u2', label: 'Ben', points: [{ periodStart: '2026-11-01', value: 900 }, { periodStart: '2026-12-01', value: 4000 }] },
];
const stages: CrmChartSeries[] = [
  { key: 'lead', label: 'Lead', points: [{ periodStart: '2026-12-01', value: 200 }] },
  { key: 'qualified', label: 'Qualified', points: [{ periodStart: '2026-12-01', value: 80 }] },
  { key: 'won', label: 'Won', points: [{ periodStart: '2026-12-01', value: 20 }] },
];

async function mount(kind: CrmChartKind, series: CrmChartSeries[], { locale = 'en', theme = 'light', format = 'currency', period = 'month' } = {}): Promise<CrmChart> {
  const provider = await fixture(html`<crm-provider locale=${locale} theme=${theme}>
    <crm-chart kind=${kind} label="Won revenue" format=${format} period=${period} .series=${series}></crm-chart>
  </crm-provider>`);
  const chart = provider.querySelector('crm-chart')!;
  await until(() => Boolean(drawn(chart)), 8000, 'chart drawn');
  return chart;
}

/** The Chart.js chart on the element's canvas, once drawn. */
const drawn = (chart: CrmChart) => {
  const canvas = chart.shadowRoot!.querySelector('canvas');
  return canvas ? Chart.getChart(canvas) : undefined;
};
const plain = (text: string | null | undefined) => (text ?? '').replace(/[\u00a0\u202f]/g, ' ').trim();
const rows = (chart: CrmChart) => [...chart.shadowRoot!.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((cell) => plain(cell.textContent)));

describe('crm-chart', () => {
  afterEach(resetViewport);

  it('should draw a line per series on a canvas hidden from screen readers, and give them a table of the same figures', async () => {
    const chart = await mount('line', won);
    const instance = drawn(chart)!;
    expect((instance.config as { type: string }).type).to.equal('line');
    expect(instance.data.labels).to.deep.equal(['Oct 2026', 'Nov 2026', 'Dec 2026']);
    expect(instance.data.datasets.map((d) => d.data)).to.deep.equal([[1200, 3400.5, 2100], [0, 900, 4000]]);
    expect(chart.shadowRoot!.querySelector('canvas')!.getAttribute('aria-hidden')).to.equal('true');
    expect(chart.shadowRoot!.querySelector('caption')!.textContent).to.equal('Won revenue');
    expect([...chart.shadowRoot!.querySelectorAll('thead th')].map((th) => th.textContent)).to.deep.equal(['Period', 'Ada', 'Ben']);
    expect(rows(chart)).to.deep.equal([
      ['Oct 2026', '€1,200', '€0'],
      ['Nov 2026', '€3,400.50', '€900'],
      ['Dec 2026', '€2,100', '€4,000'],
    ]);
    // Hidden from sight, not from assistive technology.
    expect(chart.shadowRoot!.querySelector('table')!.closest('.sr-only')).not.to.equal(null);
    await expectAccessible(chart);
  });

  it('should stack bars, and show the table to everyone by the toggle', async () => {
    const chart = await mount('stacked', won);
    const instance = drawn(chart)!;
    expect((instance.config as { type: string }).type).to.equal('bar');
    expect((instance.options.scales as Record<string, { stacked?: boolean }>)['y']!.stacked).to.equal(true);
    const toggle = chart.shadowRoot!.querySelector<HTMLButtonElement>('[part="toggle"]')!;
    expect(toggle.getAttribute('aria-pressed')).to.equal('false');
    toggle.click();
    await chart.updateComplete;
    expect(toggle.getAttribute('aria-pressed')).to.equal('true');
    expect(chart.shadowRoot!.querySelector('table')!.closest('.sr-only')).to.equal(null);
    expect(chart.shadowRoot!.querySelector<HTMLElement>('[part="canvas-box"]')!.hidden).to.equal(true);
    await expectAccessible(chart);
  });

  it('should draw a funnel as horizontal bars in the given order, with each step as a share of the first', async () => {
    const chart = await mount('funnel', stages, { format: 'number' });
    const instance = drawn(chart)!;
    expect(instance.options.indexAxis).to.equal('y');
    expect(instance.data.labels).to.deep.equal(['Lead', 'Qualified', 'Won']);
    expect(rows(chart)).to.deep.equal([['Lead', '200', '100%'], ['Qualified', '80', '40%'], ['Won', '20', '10%']]);
  });

  it('should draw a pie of the totals with each slice as a share of the whole', async () => {
    const chart = await mount('pie', won);
    expect((drawn(chart)!.config as { type: string }).type).to.equal('pie');
    expect(rows(chart)).to.deep.equal([['Ada', '€6,700.50', '57.8%'], ['Ben', '€4,900', '42.2%']]);
  });

  it('should redraw when the host sets new figures', async () => {
    const chart = await mount('bar', won);
    chart.series = [{ key: 'total', label: 'All', points: [{ periodStart: '2026-12-01', value: 7 }] }];
    await until(() => drawn(chart)!.data.datasets[0]!.data[0] === 7, 4000, 'redrawn');
    expect(drawn(chart)!.data.datasets).to.have.length(1);
  });

  it('should write periods and numbers in German, with quarters and weeks', async () => {
    const chart = await mount('bar', won, { locale: 'de' });
    expect(rows(chart)[1]).to.deep.equal(['Nov. 2026', '3.400,50 €', '900 €']);
    expect(chart.shadowRoot!.querySelector('[part="toggle"]')!.textContent).to.equal('Als Tabelle zeigen');
    chart.period = 'quarter';
    await chart.updateComplete;
    expect(rows(chart)[0]![0]).to.equal('Q4 2026');
    chart.period = 'week';
    await chart.updateComplete;
    expect(rows(chart)[0]![0]).to.equal('Woche ab 01.10.2026');
  });

  it('should take the dark palette inside a dark provider, axe-clean', async () => {
    const chart = await mount('line', won, { theme: 'dark', locale: 'de' });
    expect(drawn(chart)!.data.datasets[0]!.borderColor).to.equal('#a9bdff');
    await expectAccessible(chart.parentElement!);
  });

  it('should say so when there are no figures', async () => {
    const provider = await fixture(html`<crm-provider><crm-chart kind="line" label="Calls" .series=${[]}></crm-chart></crm-provider>`);
    const chart = provider.querySelector('crm-chart')!;
    await chart.updateComplete;
    expect(chart.shadowRoot!.querySelector('[part="empty"]')!.textContent).to.equal('No figures for this period.');
    expect(chart.shadowRoot!.querySelector('canvas')).to.equal(null);
  });

  for (const width of [phoneWidth, deskWidth]) {
    it(`should fit ${width} px and draw across the width it has`, async () => {
      await useViewport(width);
      const chart = await mount('bar', won, { locale: 'de' });
      expectFitsLayout(chart);
      const canvas = chart.shadowRoot!.querySelector('canvas')!;
      expect(canvas.getBoundingClientRect().width).to.be.within(width * 0.5, width);
    });
  }
});
