import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { controlStyles } from '../shared/controls.styles.js';
import { CrmElement } from '../shared/crm-element.js';
import { formatPercent } from '../shared/format.js';
import type * as ChartLibrary from './chart-library.js';
import type { Chart, ChartConfiguration } from './chart-library.js';
import { formatPeriod, formatValue, periodsOf, totalOf, valuesOver, type CrmChartFormat, type CrmChartPeriod, type CrmChartSeries } from './chart-data.js';
import { chartStyles } from './chart.styles.js';

export type { CrmChartFormat, CrmChartPeriod, CrmChartSeries } from './chart-data.js';

/** What a chart draws: periods as a line, grouped or stacked bars; totals as a funnel or a pie. */
export type CrmChartKind = 'line' | 'bar' | 'stacked' | 'funnel' | 'pie';

/** Series colours, light and dark; a host overrides the n-th with `--crm-chart-series-<n>`. Each is at least 3:1 against its theme's surface. */
const palettes = {
  light: ['#2f4fbf', '#c2410c', '#047857', '#9333ea', '#a16207', '#0e7490', '#be123c', '#4d7c0f'],
  dark: ['#a9bdff', '#fdba74', '#6ee7b7', '#d8b4fe', '#fcd34d', '#67e8f9', '#fda4af', '#bef264'],
};

// One module promise for every chart of the page: the library is fetched once, when the first chart draws.
let library: Promise<typeof ChartLibrary> | undefined;
function loadLibrary(): Promise<typeof ChartLibrary> {
  library ??= import('./chart-library.js').catch((error: unknown) => {
    library = undefined;
    throw error;
  });
  return library;
}

/**
 * A chart of roll-up figures: `line`, `bar` and `stacked` draw each series over its periods; `funnel`
 * (horizontal bars in the order given, e.g. pipeline stages) and `pie` draw each series' total.
 * Presentational: set `series` (the `series` of `crm.metrics.query`'s answer).
 *
 * Drawn with Chart.js 4, chosen over uPlot and hand-made drawing: it is kept up by a large team, draws
 * all five kinds itself (uPlot has no pie and no bars of categories), and tree-shaken to the parts used
 * (chart-library.ts) it is 47 KB gzipped (measured on the built chunk), which `<crm-chart>` loads only when a chart is first
 * drawn. Its canvas is invisible to assistive technology (`aria-hidden`), so every chart carries a
 * table of the same figures: visually hidden, read by screen readers, and shown to everyone by the
 * "Show as table" toggle. Numbers and periods are written with `Intl` in the element's locale; colours
 * follow the light or dark theme.
 *
 * @summary A line, bar, stacked, funnel or pie chart with a table of its figures for screen readers.
 *
 * @csspart header - The label and the table toggle.
 * @csspart label - The label above the chart.
 * @csspart toggle - The "Show as table" button.
 * @csspart canvas-box - The box the canvas fills.
 * @csspart table - The table of the figures.
 * @csspart empty - The text shown when there are no figures.
 *
 * @cssproperty --crm-chart-height - Height of the drawing. Defaults to `16rem`.
 * @cssproperty --crm-chart-series-1 - Colour of the first series (likewise `-2` to `-8`). Defaults to a palette for the theme.
 */
export class CrmChart extends CrmElement {
  static override styles = [controlStyles, chartStyles];

  /** `line`, `bar`, `stacked`, `funnel` or `pie`. */
  @property({ reflect: true }) kind: CrmChartKind = 'line';

  /** The series to draw: `{ key, label, points: [{ periodStart, value }] }` each. */
  @property({ attribute: false }) series: CrmChartSeries[] = [];

  /** What the chart shows; its heading and the table's caption. */
  @property() label = '';

  /** The period of the points (`day`, `week`, `month`, `quarter`, `year`), for writing them. */
  @property() period: CrmChartPeriod = 'month';

  /** `number`, `currency` or `percent`. */
  @property() format: CrmChartFormat = 'number';

  /** The ISO 4217 currency when `format` is `currency`. */
  @property() currency = 'EUR';

  /** Overrides the locale of the nearest `<crm-provider>` (e.g. `de`). */
  @property() locale = '';

  /** Hides the label line above the chart, for a host that shows its own heading. */
  @property({ type: Boolean, reflect: true, attribute: 'no-header' }) noHeader = false;

  /** Shows the table instead of the drawing. */
  @property({ type: Boolean, reflect: true, attribute: 'show-table' }) showTable = false;

  @state() private drawFailed = false;

  @query('canvas') private canvas?: HTMLCanvasElement;

  #chart: Chart | undefined;
  #drawing = 0;
  readonly #colorScheme = matchMedia('(prefers-color-scheme: dark)');
  readonly #redraw = () => void this.draw();

  protected override get activeLocale(): string {
    return this.locale || super.activeLocale;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#colorScheme.addEventListener('change', this.#redraw);
    if (this.hasUpdated) void this.draw();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#colorScheme.removeEventListener('change', this.#redraw);
    this.#chart?.destroy();
    this.#chart = undefined;
  }

  /** Draws the chart again, e.g. after the host switched the theme. */
  refresh(): void {
    void this.draw();
  }

  /** Whether there is anything to draw. */
  private get hasFigures(): boolean {
    return this.series.some((one) => one.points.length > 0);
  }

  protected override updated(changed: PropertyValues): void {
    if (['series', 'kind', 'period', 'format', 'currency', 'locale', 'localeSettings'].some((key) => changed.has(key))) void this.draw();
  }

  private write(value: number): string {
    return formatValue(value, this.format, this.activeLocale, this.currency);
  }

  private periodName(periodStart: string): string {
    return formatPeriod(periodStart, this.period, this.activeLocale, {
      quarter: (quarter, year) => this.msg('chart.quarter', { quarter, year: String(year) }),
      week: (date) => this.msg('chart.week', { date }),
    });
  }

  /** The theme's colours as the canvas needs them (it cannot read CSS variables itself). */
  private colors() {
    const style = getComputedStyle(this);
    const dark = style.colorScheme.includes('dark');
    const palette = dark ? palettes.dark : palettes.light;
    const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
    return {
      series: palette.map((fallback, i) => read(`--crm-chart-series-${i + 1}`, fallback)),
      text: read('--crm-sys-color-on-surface-variant', dark ? '#c4c5d2' : '#4a4c57'),
      grid: read('--crm-sys-color-outline', '#767884'),
      surface: read('--crm-sys-color-surface', dark ? '#1a1b21' : '#ffffff'),
    };
  }

  private configuration(): ChartConfiguration {
    const colors = this.colors();
    const color = (i: number) => colors.series[i % colors.series.length]!;
    const reduceMotion = matchMedia('(prefers-reduced-motion: reduce)').matches;
    const tick = { color: colors.text, font: { family: getComputedStyle(this).fontFamily } };
    const valueTicks = { ...tick, callback: (value: string | number) => this.write(Number(value)) };
    const grid = { color: `${colors.grid}55` };
    const base = {
      responsive: true,
      maintainAspectRatio: false,
      locale: this.activeLocale,
      animation: reduceMotion ? (false as const) : { duration: 250 },
      plugins: {
        legend: { display: this.kind === 'pie' || this.series.length > 1, labels: { color: colors.text } },
        tooltip: { callbacks: { label: (item: { dataset: { label?: string }; label: string; parsed: number | { x: number; y: number } }) => `${this.kind === 'pie' || this.kind === 'funnel' ? item.label : item.dataset.label}: ${this.write(typeof item.parsed === 'number' ? item.parsed : this.kind === 'funnel' ? item.parsed.x : item.parsed.y)}` } },
      },
    };
    if (this.kind === 'pie') {
      return {
        type: 'pie',
        data: { labels: this.series.map((one) => one.label), datasets: [{ data: this.series.map(totalOf), backgroundColor: this.series.map((_, i) => color(i)), borderColor: colors.surface }] },
        options: base,
      } as ChartConfiguration;
    }
    if (this.kind === 'funnel') {
      return {
        type: 'bar',
        data: { labels: this.series.map((one) => one.label), datasets: [{ label: this.label, data: this.series.map(totalOf), backgroundColor: this.series.map((_, i) => color(i)) }] },
        options: { ...base, indexAxis: 'y', plugins: { ...base.plugins, legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: valueTicks, grid }, y: { ticks: tick, grid: { display: false } } } },
      } as ChartConfiguration;
    }
    const periods = periodsOf(this.series);
    const stacked = this.kind === 'stacked';
    return {
      type: this.kind === 'line' ? 'line' : 'bar',
      data: {
        labels: periods.map((p) => this.periodName(p)),
        datasets: this.series.map((one, i) => ({ label: one.label, data: valuesOver(one, periods), borderColor: color(i), backgroundColor: color(i), tension: 0.2, pointRadius: 3 })),
      },
      options: { ...base, scales: { x: { stacked, ticks: tick, grid: { display: false } }, y: { stacked, beginAtZero: true, ticks: valueTicks, grid } } },
    } as ChartConfiguration;
  }

  /** Draws (or redraws) the canvas from the current figures; the table is rendered by Lit. */
  private async draw(): Promise<void> {
    const run = ++this.#drawing;
    if (!this.hasFigures || !this.isConnected) {
      this.#chart?.destroy();
      this.#chart = undefined;
      return;
    }
    try {
      const { Chart } = await loadLibrary();
      await this.updateComplete;
      const canvas = this.canvas;
      if (run !== this.#drawing || !canvas || !this.isConnected) return;
      const config = this.configuration();
      const current = this.#chart;
      if (current && current.canvas === canvas && (current.config as { type?: string }).type === config.type) {
        current.data = config.data;
        current.options = config.options ?? {};
        current.update();
      } else {
        current?.destroy();
        this.#chart = new Chart(canvas, config);
      }
      this.drawFailed = false;
    } catch {
      // The figures are still in the table (and shown when the drawing is missing).
      this.drawFailed = true;
    }
  }

  private renderTable(): TemplateResult {
    const caption = this.label || this.msg('chart.unnamed');
    if (this.kind === 'pie' || this.kind === 'funnel') {
      const totals = this.series.map(totalOf);
      const whole = this.kind === 'pie' ? totals.reduce((sum, v) => sum + v, 0) : (totals[0] ?? 0);
      return html`<table part="table">
        <caption>${caption}</caption>
        <thead><tr><th scope="col">${this.msg('chart.category')}</th><th scope="col">${this.msg('chart.value')}</th><th scope="col">${this.msg('chart.share')}</th></tr></thead>
        <tbody>${this.series.map((one, i) => html`<tr><th scope="row">${one.label}</th><td>${this.write(totals[i]!)}</td><td>${whole ? formatPercent(Math.round((totals[i]! / whole) * 1000) / 10, this.activeLocale) : '–'}</td></tr>`)}</tbody>
      </table>`;
    }
    const periods = periodsOf(this.series);
    const values = this.series.map((one) => valuesOver(one, periods));
    return html`<table part="table">
      <caption>${caption}</caption>
      <thead><tr><th scope="col">${this.msg('chart.period')}</th>${this.series.map((one) => html`<th scope="col">${one.label}</th>`)}</tr></thead>
      <tbody>${periods.map((p, row) => html`<tr><th scope="row">${this.periodName(p)}</th>${values.map((v) => html`<td>${this.write(v[row]!)}</td>`)}</tr>`)}</tbody>
    </table>`;
  }

  override render() {
    const header = this.noHeader
      ? nothing
      : html`<div part="header"><span part="label" class="label">${this.label}</span>
          ${this.hasFigures
            ? html`<button part="toggle" type="button" class="quiet" aria-pressed=${this.showTable ? 'true' : 'false'} @click=${() => (this.showTable = !this.showTable)}>${this.msg('chart.showTable')}</button>`
            : nothing}
        </div>`;
    if (!this.hasFigures) return html`${header}<p part="empty">${this.msg('chart.empty')}</p>`;
    const tableShown = this.showTable || this.drawFailed;
    return html`${header}
      <div part="canvas-box" ?hidden=${tableShown}><canvas aria-hidden="true"></canvas></div>
      ${this.drawFailed ? html`<p class="muted">${this.msg('chart.drawFailed')}</p>` : nothing}
      <div class=${tableShown ? 'table-box' : 'sr-only'}>${this.renderTable()}</div>`;
  }
}
