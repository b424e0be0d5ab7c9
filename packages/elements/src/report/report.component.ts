import { Task } from '@lit/task';
import { html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { CrmChart } from '../chart/chart.component.js';
import { formatPeriod } from '../chart/chart-data.js';
import { CrmReportSavedEvent } from '../events/report-events.js';
import { readProblem } from '../shared/api/errors.js';
import { exportReport, listReports, runReport, saveReport, scheduleReport, type Report, type ReportDefinition, type ReportResult } from '../shared/api/reports.js';
import { controlStyles } from '../shared/controls.styles.js';
import { CrmDataElement } from '../shared/data-element.js';
import { formatMoney, formatNumber } from '../shared/format.js';
import { CrmState } from '../state/state.component.js';
import { chartSeries, definitionFromForm, dimensions, formats, frequencies, frequencyOf, kinds, measuresByKind, moneyMeasures, periods, ranges, type ReportKind } from './report-fields.js';
import { reportStyles } from './report.styles.js';

/**
 * A report from the roll-ups: pick a saved one (the user's own or one shared with them) or build one
 * (record kind, measure, grouping, period, span), see it as a chart and a table, download it as Excel or
 * CSV (headers in the user's language), save it, and have it emailed daily, weekly or monthly. Every
 * figure is the signed-in user's own view: a rep sees their own records' figures, a head the team's.
 *
 * @summary Saved and ad-hoc reports: chart, table, Excel/CSV download and an emailed schedule.
 *
 * @event crm-report-saved - A report or its schedule was saved; `detail.report` is the API's record.
 *
 * @csspart picker - The saved-report picker.
 * @csspart builder - The form that builds a report.
 * @csspart save - The name and "Save report" of a built report.
 * @csspart result - The chart and table.
 * @csspart table - The table of figures.
 * @csspart export - The download buttons.
 * @csspart schedule - The schedule form.
 *
 * @cssproperty --crm-report-panel-background - Background of the forms. Defaults to `--crm-sys-color-surface-container`.
 * @cssproperty --crm-report-gap - Space between the parts. Defaults to `--crm-sys-spacing-m`.
 */
export class CrmReport extends CrmDataElement {
  static override styles = [controlStyles, reportStyles];
  static override dependencies = { 'crm-state': CrmState, 'crm-chart': CrmChart };

  /** The saved report to open; empty to start with the builder. */
  @property({ attribute: 'report-id' }) reportId = '';

  /** The currency money measures are written in (ISO 4217). */
  @property() currency = 'EUR';

  @state() private reports: Report[] = [];
  @state() private kind: ReportKind = 'opportunities';
  @state() private definition: ReportDefinition | undefined;
  @state() private busy = false;
  @state() private announcement = '';
  @state() private error = '';

  private readonly list = new Task(this, {
    args: () => [this.client] as const,
    task: async ([client], { signal }) => {
      if (!client) return [];
      this.reports = await listReports(this.api, { signal });
      return this.reports;
    },
  });

  private readonly result = new Task(this, {
    args: () => [this.client, this.reportId, this.definition] as const,
    task: async ([client, id, definition], { signal }): Promise<ReportResult | undefined> => {
      if (!client || (!id && !definition)) return undefined;
      return runReport(this.api, id ? { id } : { definition: definition! }, { signal });
    },
  });

  private get selected(): Report | undefined {
    return this.reports.find((r) => r.id === this.reportId);
  }

  private pick(event: Event): void {
    this.reportId = (event.target as HTMLSelectElement).value;
    this.definition = undefined;
    this.error = '';
  }

  private show(event: SubmitEvent): void {
    event.preventDefault();
    this.definition = definitionFromForm(event.target as HTMLFormElement);
  }

  /** Saves the builder's definition under the name typed (the save form's submit; the browser asks for a name first). */
  private async save(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = this.renderRoot.querySelector<HTMLFormElement>('[part="builder"]');
    const name = this.renderRoot.querySelector<HTMLInputElement>('[name="name"]');
    if (!form || !name?.value.trim() || this.busy) return;
    await this.act(async () => {
      const report = await saveReport(this.api, { name: name.value.trim(), ...definitionFromForm(form), sharedWith: { roles: [], teams: [] } });
      this.reports = [...this.reports, report].sort((a, b) => a.name.localeCompare(b.name));
      this.definition = undefined;
      this.reportId = report.id;
      this.announcement = this.msg('report.saved', { name: report.name });
      this.emit(new CrmReportSavedEvent({ report }));
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLSelectElement>('[name="report"]')?.focus();
    });
  }

  private async saveSchedule(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const report = this.selected;
    if (!report || !this.user) return;
    const data = new FormData(event.target as HTMLFormElement);
    const frequency = String(data.get('frequency')) as (typeof frequencies)[number];
    const format = String(data.get('format')) as (typeof formats)[number];
    await this.act(async () => {
      const saved = await scheduleReport(this.api, report, frequency === 'none' ? null : { frequency, format, recipients: [this.user!.id] });
      this.reports = this.reports.map((r) => (r.id === saved.id ? saved : r));
      this.announcement = this.msg('report.scheduleSaved');
      this.emit(new CrmReportSavedEvent({ report: saved }));
    });
  }

  private async download(format: 'csv' | 'xlsx'): Promise<void> {
    const report = this.selected;
    if (!report) return;
    this.announcement = this.msg('report.exporting');
    await this.act(async () => {
      const blob = await exportReport(this.api, report.id, format, this.activeLocale.startsWith('de') ? 'de' : 'en');
      const file = `${report.name.replace(/[^\p{L}\p{N}_-]+/gu, '-')}.${format}`;
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = file;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
      this.announcement = this.msg('report.exported', { file });
    });
  }

  /** Runs a write, showing the API's refusal beside the forms. */
  private async act(work: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.error = '';
    try {
      await work();
    } catch (error) {
      this.error = readProblem(error).detail;
      this.announcement = this.msg('report.saveFailed', { detail: this.error });
    } finally {
      this.busy = false;
    }
  }

  private measureName(measure: string): string {
    return this.msgOr(`metric.${measure}`, measure);
  }

  private write(measure: string, value: number): string {
    return moneyMeasures.has(measure) ? formatMoney(value, this.currency || 'EUR', this.activeLocale) : formatNumber(value, this.activeLocale, { maximumFractionDigits: 1 });
  }

  private periodName(periodStart: string, period: ReportResult['period']): string {
    return formatPeriod(periodStart, period, this.activeLocale, {
      quarter: (quarter, year) => this.msg('chart.quarter', { quarter, year: String(year) }),
      week: (date) => this.msg('chart.week', { date }),
    });
  }

  private select(name: string, label: string, options: ReadonlyArray<readonly [string, string]>, value?: string, onChange?: (event: Event) => void): TemplateResult {
    return html`<label>${label}
      <select class="native" name=${name} @change=${onChange ?? nothing}>
        ${options.map(([v, text]) => html`<option value=${v} ?selected=${v === value}>${text}</option>`)}
      </select>
    </label>`;
  }

  private renderPicker(): TemplateResult {
    return html`<div part="picker" class="panel">
      ${this.select('report', this.msg('report.pick'), [['', this.msg('report.new')], ...this.reports.map((r) => [r.id, r.name] as const)], this.reportId, (e) => this.pick(e))}
    </div>`;
  }

  private renderBuilder(): TemplateResult {
    return html`<form part="builder" class="panel" aria-labelledby="builder-heading" @submit=${this.show}>
      <h3 id="builder-heading">${this.msg('report.builder')}</h3>
      ${this.select('kind', this.msg('report.kind'), kinds.map((k) => [k, this.msg(`report.kind.${k}`)] as const), this.kind, (e) => (this.kind = (e.target as HTMLSelectElement).value as ReportKind))}
      ${this.select('measure', this.msg('report.measure'), measuresByKind[this.kind].map((m) => [m, this.measureName(m)] as const))}
      ${this.select('dimension', this.msg('dashboard.widgetDimension'), dimensions.map((d) => [d, this.msgOr(`dimension.${d}`, d)] as const))}
      ${this.select('period', this.msg('dashboard.widgetPeriod'), periods.map((p) => [p, this.msg(`dashboard.period.${p}`)] as const), 'month')}
      ${this.select('range', this.msg('report.range'), ranges.map((r) => [r, this.msg(`report.range.${r}`)] as const), 'year')}
      <span class="actions"><button type="submit" class="primary">${this.msg('report.run')}</button></span>
    </form>
    <form part="save" class="panel" @submit=${this.save}>
      <label>${this.msg('report.name')} <input class="native" name="name" maxlength="120" autocomplete="off" required /></label>
      <span class="actions"><button type="submit" data-action="save" ?disabled=${this.busy}>${this.msg('report.save')}</button></span>
    </form>`;
  }

  private renderTable(result: ReportResult): TemplateResult {
    const grouped = result.dimension !== 'all';
    return html`<div class="table-wrap" tabindex="0" role="region" aria-labelledby="table-caption">
      <table part="table">
        <caption id="table-caption">${result.name ?? this.msg('report.label')} · ${this.plural('report.rows', result.rows.length, { count: formatNumber(result.rows.length, this.activeLocale) })}</caption>
        <thead><tr>
          <th scope="col">${this.msg('report.period')}</th>
          ${grouped ? html`<th scope="col">${this.msgOr(`dimension.${result.dimension}`, result.dimension)}</th>` : nothing}
          ${result.measures.map((m) => html`<th scope="col" class="number">${this.measureName(m)}</th>`)}
        </tr></thead>
        <tbody>${result.rows.map((row) => html`<tr>
          <th scope="row">${this.periodName(row.periodStart, result.period)}</th>
          ${grouped ? html`<td>${row.label}</td>` : nothing}
          ${row.values.map((v, i) => html`<td class="number">${this.write(result.measures[i]!, v)}</td>`)}
        </tr>`)}</tbody>
      </table>
    </div>`;
  }

  private renderResult(result: ReportResult | undefined): TemplateResult | typeof nothing {
    if (!result) return nothing;
    if (!result.rows.length) return html`<crm-state kind="empty" message=${this.msg('report.noRows')}></crm-state>`;
    const measure = result.measures[0]!;
    return html`<section part="result" class="result" aria-label=${result.name ?? this.msg('report.label')}>
      <crm-chart kind=${result.dimension === 'all' ? 'line' : 'bar'} label=${this.measureName(measure)} period=${result.period} format=${moneyMeasures.has(measure) ? 'currency' : 'number'} currency=${this.currency} .series=${chartSeries(result)}></crm-chart>
      ${this.renderTable(result)}
    </section>`;
  }

  private renderSaved(report: Report): TemplateResult {
    const mine = report.owner === this.user?.id;
    return html`<div part="export" class="actions">
        <button type="button" data-action="xlsx" ?disabled=${this.busy} @click=${() => this.download('xlsx')}>${this.msg('report.exportXlsx')}</button>
        <button type="button" data-action="csv" ?disabled=${this.busy} @click=${() => this.download('csv')}>${this.msg('report.exportCsv')}</button>
      </div>
      ${mine
        ? html`<form part="schedule" class="panel" aria-labelledby="schedule-heading" @submit=${this.saveSchedule}>
            <h3 id="schedule-heading">${this.msg('report.schedule')}</h3>
            ${this.select('frequency', this.msg('report.frequency'), frequencies.map((f) => [f, this.msg(`report.frequency.${f}`)] as const), frequencyOf(report))}
            ${this.select('format', this.msg('report.format'), formats.map((f) => [f, f === 'xlsx' ? 'Excel (.xlsx)' : 'CSV'] as const), report.schedule?.format ?? 'xlsx')}
            <span class="actions"><button type="submit" class="primary" ?disabled=${this.busy}>${this.msg('report.scheduleSave')}</button></span>
          </form>`
        : html`<p class="muted">${this.msg('report.scheduleReadonly')}</p>`}`;
  }

  override render() {
    const report = this.selected;
    return html`${this.list.render({
        initial: () => html`<crm-state kind="loading"></crm-state>`,
        pending: () => (this.reports.length ? this.renderPicker() : html`<crm-state kind="loading"></crm-state>`),
        error: (error) => html`<crm-state kind="error" message=${readProblem(error).detail} @crm-retry-requested=${() => void this.list.run()}></crm-state>`,
        complete: () => this.renderPicker(),
      })}
      ${this.reportId ? nothing : this.renderBuilder()}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.result.render({
        pending: () => html`<crm-state kind="loading"></crm-state>`,
        error: (error) => html`<crm-state kind="error" message=${readProblem(error).detail} @crm-retry-requested=${() => void this.result.run()}></crm-state>`,
        complete: (result) => this.renderResult(result),
      })}
      ${report ? this.renderSaved(report) : nothing}
      <p class="sr-only" role="status">${this.announcement}</p>`;
  }
}
