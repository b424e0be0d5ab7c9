import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { CrmChart } from '../chart/chart.component.js';
import type { CrmChartSeries } from '../chart/chart-data.js';
import { CrmForecastSavedEvent } from '../events/forecast-events.js';
import { watchMetrics } from '../shared/api/dashboards.js';
import { isVersionConflict, readProblem } from '../shared/api/errors.js';
import { forecastPillars, forecastsClient, type AnnualForecast, type Forecast, type ForecastPillar } from '../shared/api/forecasts.js';
import type { CrmDataClient } from '../shared/api/transport.js';
import { controlStyles } from '../shared/controls.styles.js';
import { CrmDataElement } from '../shared/data-element.js';
import { formatMoney, formatPercent } from '../shared/format.js';
import { CrmState } from '../state/state.component.js';
import { annualForecastStyles } from './annual-forecast.styles.js';

const MONTHS = Array.from({ length: 12 }, (_, m) => m);
type Draft = Record<ForecastPillar, string[]>;

/**
 * 003's annual forecast in three pillars (new sales, account management, upselling): the year's plan
 * against the deals won, month by month, with totals and attainment, for one account manager
 * (`owner-id`), team (`team-id`), account with its descendants (`account-id`), or everything the
 * signed-in person may see. The plan vs actual totals are drawn by `<crm-chart>` (with its table for
 * screen readers). Who may enter an account manager's forecast (themself, their lead, an admin) gets an
 * editor of the twelve months per pillar, each a labelled field with its problem beside it; saving is
 * conditional on the version loaded. Figures follow won deals live (`metric.changed`).
 *
 * @summary Annual forecast per pillar: plan against won deals by month, with an editor.
 *
 * @event crm-forecast-saved - The forecast was saved; `detail.forecast` is the API's entry.
 *
 * @csspart summary - The totals and attainment per pillar.
 * @csspart table - The table of months by pillar.
 * @csspart editor - The form of the twelve months per pillar.
 * @csspart chart - The `<crm-chart>` of plan against actual.
 *
 * @cssproperty --crm-annual-forecast-accent - Colour of the primary button. Defaults to `--crm-sys-color-primary`.
 */
export class CrmAnnualForecast extends CrmDataElement {
  static override styles = [controlStyles, annualForecastStyles];
  static override dependencies = { 'crm-chart': CrmChart, 'crm-state': CrmState };

  /** The year shown; 0 (the default) is next year, the one forecasts are entered for. */
  @property({ type: Number, reflect: true }) year = 0;

  /** One account manager (user id); their forecast is editable by whoever may enter it. */
  @property({ attribute: 'owner-id' }) ownerId = '';

  /** One team (org id): its members' and lead's forecasts. */
  @property({ attribute: 'team-id' }) teamId = '';

  /** One account (customer id) with its descendants. */
  @property({ attribute: 'account-id' }) accountId = '';

  /** Overrides the locale of the nearest `<crm-provider>` (e.g. `de`). */
  @property() locale = '';

  @state() private forecast: AnnualForecast | undefined;
  @state() private loadError = '';
  @state() private editing = false;
  @state() private draft: Draft | undefined;
  @state() private problems = new Map<string, string>();
  @state() private saveError = '';
  @state() private saving = false;
  #entry: Forecast | undefined;
  #stopWatching: (() => void) | undefined;

  protected override get activeLocale(): string {
    return this.locale || super.activeLocale;
  }

  /** The year asked for: `year`, else next year. */
  get shownYear(): number {
    return this.year || new Date().getFullYear() + 1;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#stopWatching?.();
    this.#stopWatching = undefined;
  }

  protected override updated(changed: Map<string, unknown>): void {
    if (changed.has('client')) {
      this.#stopWatching?.();
      this.#stopWatching = this.client
        ? watchMetrics(this.client as CrmDataClient, (change) => {
            if (change.metric.startsWith('deals.won.amount') && change.periodStart.startsWith(String(this.shownYear)) && !this.editing) void this.load();
          }, () => void this.load())
        : undefined;
    }
    if (['client', 'year', 'ownerId', 'teamId', 'accountId'].some((key) => changed.has(key)) && this.client) void this.load();
  }

  /** Reads the year's plan and actuals again. */
  async load(): Promise<void> {
    const query = { year: this.shownYear, ...(this.ownerId ? { ownerId: this.ownerId } : this.teamId ? { teamId: this.teamId } : this.accountId ? { accountId: this.accountId } : {}) };
    const asked = JSON.stringify(query);
    try {
      this.loadError = '';
      const answer = await forecastsClient(this.client).forecasts.annual(query);
      // A slower answer for a year or subject picked before must not overwrite the one picked now.
      if (asked !== JSON.stringify({ year: this.shownYear, ...(this.ownerId ? { ownerId: this.ownerId } : this.teamId ? { teamId: this.teamId } : this.accountId ? { accountId: this.accountId } : {}) })) return;
      this.forecast = answer;
    } catch (error) {
      this.loadError = readProblem(error).detail;
    }
  }

  /** The digits of the agency's currency (2 for EUR, 0 for JPY): amounts travel in minor units. */
  private get digits(): number {
    return new Intl.NumberFormat('en', { style: 'currency', currency: this.forecast?.currency ?? 'EUR' }).resolvedOptions().maximumFractionDigits ?? 2;
  }

  private money(minor: number): string {
    return formatMoney(minor / 10 ** this.digits, this.forecast?.currency ?? 'EUR', this.activeLocale);
  }

  private share(ratio: number | null): string {
    return ratio === null ? '–' : formatPercent(Math.round(ratio * 1000) / 10, this.activeLocale);
  }

  private monthName(month: number): string {
    return new Intl.DateTimeFormat(this.activeLocale, { month: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2000, month, 1)));
  }

  private pillarName(pillar: ForecastPillar | 'total'): string {
    return this.msg(`annualForecast.pillar.${pillar}`);
  }

  private pickYear(event: Event): void {
    this.year = Number((event.target as HTMLSelectElement).value);
    this.editing = false;
  }

  /** Opens the editor on the account manager's own entry (the part not tied to an account). */
  private async startEditing(): Promise<void> {
    try {
      const entries = await forecastsClient(this.client).forecasts.list({ year: this.shownYear, ownerId: this.ownerId });
      this.#entry = entries.data.find((e) => e.accountId === null);
      const scale = 10 ** this.digits;
      const months = (pillar: ForecastPillar) => MONTHS.map((m) => String((this.#entry?.months[pillar][m] ?? 0) / scale));
      this.draft = { new: months('new'), accountManagement: months('accountManagement'), upsell: months('upsell') };
      this.problems = new Map();
      this.saveError = '';
      this.editing = true;
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLInputElement>('input[data-field="months.new.0"]')?.focus();
    } catch (error) {
      this.saveError = readProblem(error).detail;
    }
  }

  private input(pillar: ForecastPillar, month: number, event: Event): void {
    this.draft![pillar][month] = (event.target as HTMLInputElement).value;
  }

  /** Checks the draft as the API will (non-negative amounts), then saves it on the version loaded. */
  private async save(event: Event): Promise<void> {
    event.preventDefault();
    const scale = 10 ** this.digits;
    const problems = new Map<string, string>();
    const months = { new: [] as number[], accountManagement: [] as number[], upsell: [] as number[] };
    for (const pillar of forecastPillars) {
      for (const m of MONTHS) {
        const raw = this.draft![pillar][m]!.trim().replace(',', '.');
        const value = raw === '' ? 0 : Number(raw);
        if (!Number.isFinite(value) || value < 0) problems.set(`months.${pillar}.${m}`, this.msg('annualForecast.notAmount'));
        months[pillar].push(Math.round((Number.isFinite(value) ? value : 0) * scale));
      }
    }
    this.problems = problems;
    this.saveError = '';
    if (problems.size) return this.focusFirstProblem();
    this.saving = true;
    try {
      const saved = await forecastsClient(this.client).forecasts.put({ year: this.shownYear, ownerId: this.ownerId, accountId: null, months }, { ifMatch: this.#entry?.version ?? 0 });
      this.editing = false;
      this.emit(new CrmForecastSavedEvent({ forecast: saved }));
      await this.load();
    } catch (error) {
      const problem = readProblem(error);
      if (isVersionConflict(problem)) this.saveError = this.msg('annualForecast.conflict');
      else if (problem.fieldErrors.length) this.problems = new Map(problem.fieldErrors.map((f) => [f.field, f.message]));
      else this.saveError = problem.detail;
      await this.focusFirstProblem();
    } finally {
      this.saving = false;
    }
  }

  private async focusFirstProblem(): Promise<void> {
    await this.updateComplete;
    const first = [...this.problems.keys()][0];
    this.renderRoot.querySelector<HTMLInputElement>(first ? `input[data-field="${first}"]` : 'button.primary')?.focus();
  }

  private get years(): number[] {
    const now = new Date().getFullYear();
    return [...new Set([now - 2, now - 1, now, now + 1, now + 2, this.shownYear])].sort((a, b) => a - b);
  }

  private get series(): CrmChartSeries[] {
    const f = this.forecast!;
    const point = (values: number[]) => values.map((v, m) => ({ periodStart: `${f.year}-${String(m + 1).padStart(2, '0')}-01`, value: v / 10 ** this.digits }));
    return [
      { key: 'plan', label: this.msg('annualForecast.plan'), points: point(f.total.plan) },
      { key: 'actual', label: this.msg('annualForecast.actual'), points: point(f.total.actual) },
    ];
  }

  private renderSummary(f: AnnualForecast) {
    const items = [...forecastPillars.map((p) => [p, f.pillars[p]] as const), ['total', f.total] as const];
    return html`<dl part="summary">
      ${items.map(
        ([key, s]) => html`<div data-pillar=${key}>
          <dt>${this.pillarName(key)}</dt>
          <dd>${this.msg('annualForecast.ofPlan', { actual: this.money(s.actualTotal), plan: this.money(s.planTotal) })}</dd>
          <dd>${this.msg('annualForecast.attainment', { share: this.share(s.attainment) })}</dd>
        </div>`,
      )}
    </dl>`;
  }

  private renderTable(f: AnnualForecast) {
    const cell = (pillar: ForecastPillar, m: number) => html`<td>${this.money(f.pillars[pillar].plan[m]!)}</td><td>${this.money(f.pillars[pillar].actual[m]!)}</td>`;
    const ratio = (actual: number, plan: number) => (plan > 0 ? actual / plan : null);
    return html`<div class="scroll" tabindex="0" role="region" aria-labelledby="table-caption">
      <table part="table">
        <caption id="table-caption" class="sr-only">${this.msg('annualForecast.tableCaption', { year: String(f.year) })}</caption>
        <thead>
          <tr>
            <td></td>
            ${[...forecastPillars, 'total' as const].map((p) => html`<th scope="colgroup" colspan="2">${this.pillarName(p)}</th>`)}
            <td></td>
          </tr>
          <tr>
            <th scope="col">${this.msg('annualForecast.month')}</th>
            ${[...forecastPillars, 'total'].map(() => html`<th scope="col">${this.msg('annualForecast.plan')}</th><th scope="col">${this.msg('annualForecast.actual')}</th>`)}
            <th scope="col">${this.msg('annualForecast.attainmentColumn')}</th>
          </tr>
        </thead>
        <tbody>
          ${MONTHS.map(
            (m) => html`<tr data-month=${m + 1}>
              <th scope="row">${this.monthName(m)}</th>
              ${forecastPillars.map((p) => cell(p, m))}
              <td>${this.money(f.total.plan[m]!)}</td><td>${this.money(f.total.actual[m]!)}</td>
              <td>${this.share(ratio(f.total.actual[m]!, f.total.plan[m]!))}</td>
            </tr>`,
          )}
        </tbody>
        <tfoot>
          <tr data-total>
            <th scope="row">${this.msg('annualForecast.year')}</th>
            ${[...forecastPillars.map((p) => f.pillars[p]), f.total].map((s) => html`<td>${this.money(s.planTotal)}</td><td>${this.money(s.actualTotal)}</td>`)}
            <td>${this.share(f.total.attainment)}</td>
          </tr>
        </tfoot>
      </table>
    </div>`;
  }

  private renderEditor() {
    const field = (pillar: ForecastPillar, m: number) => {
      const name = `months.${pillar}.${m}`;
      const problem = this.problems.get(name);
      const id = `f-${pillar}-${m}`;
      return html`<td>
        <label class="sr-only" for=${id}>${this.pillarName(pillar)}, ${this.monthName(m)}</label>
        <input class="native" id=${id} data-field=${name} type="text" inputmode="decimal" .value=${this.draft![pillar][m]!} aria-invalid=${problem ? 'true' : 'false'} aria-describedby=${problem ? `${id}-problem` : nothing} @input=${(e: Event) => this.input(pillar, m, e)} />
        ${problem ? html`<span class="problem" id=${`${id}-problem`}>${problem}</span>` : nothing}
      </td>`;
    };
    return html`<form part="editor" novalidate @submit=${this.save} aria-labelledby="editor-title">
      <h3 id="editor-title">${this.msg('annualForecast.editTitle', { year: String(this.shownYear), currency: this.forecast?.currency ?? '' })}</h3>
      <p class="note">${this.msg('annualForecast.editNote')}</p>
      <div class="scroll" tabindex="0" role="region" aria-labelledby="editor-title">
        <table>
          <thead><tr><th scope="col">${this.msg('annualForecast.month')}</th>${forecastPillars.map((p) => html`<th scope="col">${this.pillarName(p)}</th>`)}</tr></thead>
          <tbody>${MONTHS.map((m) => html`<tr><th scope="row">${this.monthName(m)}</th>${forecastPillars.map((p) => field(p, m))}</tr>`)}</tbody>
        </table>
      </div>
      <p class="banner error" role="alert">${this.saveError}</p>
      <div class="row">
        <button class="primary" type="submit" ?disabled=${this.saving}>${this.msg('annualForecast.save')}</button>
        <button type="button" @click=${() => (this.editing = false)}>${this.msg('annualForecast.cancel')}</button>
      </div>
    </form>`;
  }

  override render() {
    const toolbar = html`<div class="toolbar">
      <label>${this.msg('annualForecast.yearLabel')}
        <select class="native" @change=${this.pickYear}>${this.years.map((y) => html`<option value=${y} ?selected=${y === this.shownYear}>${y}</option>`)}</select>
      </label>
      ${this.forecast?.editable && this.ownerId && !this.editing ? html`<button type="button" @click=${this.startEditing}>${this.msg('annualForecast.edit')}</button>` : nothing}
    </div>`;
    if (this.loadError) return html`${toolbar}<crm-state kind="error" message=${this.loadError} @crm-retry-requested=${() => this.load()}></crm-state>`;
    const f = this.forecast;
    if (!f || f.year !== this.shownYear) return html`${toolbar}<crm-state kind="loading"></crm-state>`;
    return html`${toolbar}
      ${this.editing ? this.renderEditor() : nothing}
      ${!this.editing && this.saveError ? html`<p class="banner error" role="alert">${this.saveError}</p>` : nothing}
      ${this.renderSummary(f)} ${this.renderTable(f)}
      <crm-chart part="chart" kind="bar" period="month" format="currency" currency=${f.currency} locale=${this.activeLocale} .series=${this.series} label=${this.msg('annualForecast.chartLabel', { year: String(f.year) })}></crm-chart>`;
  }
}
