import { Task } from '@lit/task';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { CrmChart } from '../chart/chart.component.js';
import { CrmDashboardSavedEvent } from '../events/dashboard-events.js';
import { CrmGauge } from '../gauge/gauge.component.js';
import { loadDashboard, saveDashboard, watchMetrics, type Dashboard, type DashboardWidget, type MetricChange } from '../shared/api/dashboards.js';
import { readProblem } from '../shared/api/errors.js';
import { controlStyles } from '../shared/controls.styles.js';
import { cssomStyle } from '../shared/cssom-style.js';
import { CrmDataElement } from '../shared/data-element.js';
import { formatMoney, formatNumber } from '../shared/format.js';
import { CrmState } from '../state/state.component.js';
import { renderAddForm, widgetFromForm } from './dashboard-add-form.js';
import { flow, moved, readingOrder } from './dashboard-layout.js';
import { loadWidgets, moneyMetrics, type WidgetData } from './dashboard-widget.js';
import { dashboardStyles } from './dashboard.styles.js';

/** How many widgets load at once when the client has no batch route (the API limits concurrent reads per user). */
const parallelLoads = 4;

/**
 * A dashboard: its widgets (gauges against targets, figures, charts) laid out on a grid of 12 columns
 * that becomes one column on a phone, all loading their figures from the roll-ups in one request
 * (`crm.metrics.batch`: series and attainments; a widget the user may not see shows its own error). Widgets reload live when the API says a metric
 * changed (`metric.changed` over realtime). "Edit dashboard" lets the user move widgets earlier or
 * later, remove and add them, by keyboard as well, and save the layout with `crm.dashboards.update`
 * (a role's default dashboard, which only an admin changes, is saved as the user's own copy).
 *
 * @summary A user's dashboard of live gauges, figures and charts, arranged and saved by the user.
 *
 * @event crm-dashboard-saved - The layout was saved; `detail.dashboard` is the API's record.
 *
 * @csspart toolbar - The dashboard's name and the edit, save and cancel buttons.
 * @csspart grid - The grid of widgets.
 * @csspart widget - One widget.
 * @csspart figure - A figure widget's number.
 * @csspart add-form - The "New widget" form (edit mode).
 *
 * @cssproperty --crm-dashboard-widget-background - Background of a widget. Defaults to `--crm-sys-color-surface-container`.
 * @cssproperty --crm-dashboard-gap - Space between widgets. Defaults to `--crm-sys-spacing-m`.
 */
export class CrmDashboard extends CrmDataElement {
  static override styles = [controlStyles, dashboardStyles];
  static override dependencies = { 'crm-state': CrmState, 'crm-gauge': CrmGauge, 'crm-chart': CrmChart };

  /** The dashboard to show; empty for the user's first (their own, else their role's default). */
  @property({ attribute: 'dashboard-id' }) dashboardId = '';

  /** The currency money metrics are written in (ISO 4217). */
  @property() currency = 'EUR';

  /** Hides the edit button, for a read-only wall display. */
  @property({ type: Boolean, reflect: true }) readonly = false;

  @state() private dashboard: Dashboard | undefined;
  @state() private widgets: DashboardWidget[] = [];
  @state() private figures = new Map<string, WidgetData>();
  @state() private editing = false;
  @state() private saving = false;
  @state() private newKind = 'gauge';
  @state() private announcement = '';

  #stopWatching: (() => void) | undefined;
  #pendingMetrics = new Set<string>();
  #reloadTimer: ReturnType<typeof setTimeout> | undefined;
  #loadRun = 0;
  #connections = 0;
  /** Whether a full load of the figures finished before the socket first connected. */
  #figuresLoaded = false;

  private readonly load = new Task(this, {
    args: () => [this.client, this.dashboardId] as const,
    task: async ([, id], { signal }) => {
      const dashboard = await loadDashboard(this.api, id, { signal });
      this.dashboard = dashboard;
      this.widgets = readingOrder(dashboard?.widgets ?? []);
      this.editing = false;
      this.figures = new Map();
      void this.loadFigures(this.widgets);
      return dashboard;
    },
  });

  /** Loads the dashboard and every widget's figures again. */
  reload(): void {
    void this.load.run();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#stopWatching?.();
    this.#stopWatching = undefined;
    clearTimeout(this.#reloadTimer);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated && this.client) this.watch();
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.has('client')) this.watch();
  }

  private watch(): void {
    this.#stopWatching?.();
    this.#stopWatching = this.client ? watchMetrics(this.api, (change) => this.metricChanged(change), () => this.reconnected()) : undefined;
  }

  /** The socket (re)connected: what changed while it was away was not announced, so read every figure again (the old ones stay shown). */
  private reconnected(): void {
    if (this.#connections++ === 0 && !this.#figuresLoaded) return;
    void this.loadFigures(this.widgets, { keepShown: true });
  }

  /** A roll-up moved: reload the widgets counting that metric, a moment later so a burst of changes reloads once. */
  private metricChanged(change: MetricChange): void {
    this.#pendingMetrics.add(change.metric);
    clearTimeout(this.#reloadTimer);
    this.#reloadTimer = setTimeout(() => {
      const metrics = this.#pendingMetrics;
      this.#pendingMetrics = new Set();
      void this.loadFigures(this.widgets.filter((w) => metrics.has(w.metric)), { keepShown: true });
    }, 150);
  }

  /** Loads the figures of `widgets` in one request; with `keepShown` the old figures stay until the new arrive. */
  private async loadFigures(widgets: DashboardWidget[], { keepShown = false } = {}): Promise<void> {
    const run = keepShown ? this.#loadRun : ++this.#loadRun;
    if (!keepShown) this.figures = new Map(widgets.map((w) => [w.id, { state: 'loading' } as const]));
    const answers = widgets.length ? await loadWidgets(this.api, widgets, this.user?.id, new Date(), parallelLoads) : [];
    if (run !== this.#loadRun) return;
    const figures = new Map(this.figures);
    widgets.forEach((widget, i) => figures.set(widget.id, answers[i]!));
    this.figures = figures;
    if (!keepShown) this.#figuresLoaded = true;
  }

  private startEditing(): void {
    this.editing = true;
    this.announcement = this.msg('dashboard.editing');
  }

  private cancelEditing(): void {
    this.editing = false;
    this.widgets = readingOrder(this.dashboard?.widgets ?? []);
    this.figures = new Map([...this.figures].filter(([id]) => this.widgets.some((w) => w.id === id)));
  }

  private async focusControl(selector: string): Promise<void> {
    await this.updateComplete;
    const control = this.renderRoot.querySelector<HTMLElement>(selector);
    if (control && !(control as HTMLButtonElement).disabled) control.focus();
    else this.renderRoot.querySelector<HTMLElement>('[data-action="add"] , .add-form input')?.focus();
  }

  private moveWidget(widget: DashboardWidget, by: -1 | 1): void {
    const from = this.widgets.indexOf(widget);
    this.widgets = moved(this.widgets, from, from + by);
    const position = this.widgets.indexOf(widget) + 1;
    this.announcement = this.msg('dashboard.moved', { title: widget.title, position, count: this.widgets.length });
    // Keep the keyboard where it was: on the same button of the moved widget (or its other one at an end).
    void this.focusControl(`[data-widget="${widget.id}"] [data-action="${by < 0 ? 'up' : 'down'}"]:not([disabled]), [data-widget="${widget.id}"] [data-action="${by < 0 ? 'down' : 'up'}"]`);
  }

  private removeWidget(widget: DashboardWidget): void {
    const index = this.widgets.indexOf(widget);
    this.widgets = this.widgets.filter((w) => w !== widget);
    this.announcement = this.msg('dashboard.removed', { title: widget.title });
    const next = this.widgets[Math.min(index, this.widgets.length - 1)];
    void this.focusControl(next ? `[data-widget="${next.id}"] [data-action="remove"]` : '.add-form input');
  }

  private add(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const widget = widgetFromForm(form, new Set(this.widgets.map((w) => w.id)));
    if (!widget.title) return;
    this.widgets = [...this.widgets, widget];
    this.announcement = this.msg('dashboard.added', { title: widget.title });
    form.reset();
    this.newKind = 'gauge';
    void this.loadFigures([widget], { keepShown: true });
  }

  private async save(): Promise<void> {
    if (!this.dashboard || this.saving) return;
    this.saving = true;
    try {
      const saved = await saveDashboard(this.api, this.dashboard, flow(this.widgets));
      this.dashboard = saved;
      this.widgets = readingOrder(saved.widgets);
      this.editing = false;
      this.announcement = this.msg('dashboard.saved');
      this.emit(new CrmDashboardSavedEvent({ dashboard: saved }));
    } catch (error) {
      this.announcement = this.msg('dashboard.saveFailed', { detail: readProblem(error).detail });
    } finally {
      this.saving = false;
    }
  }

  private write(widget: DashboardWidget, value: number): string {
    return moneyMetrics.has(widget.metric) ? formatMoney(value, this.currency || 'EUR', this.activeLocale) : formatNumber(value, this.activeLocale, { maximumFractionDigits: 1 });
  }

  private renderBody(widget: DashboardWidget): TemplateResult {
    const data = this.figures.get(widget.id);
    if (!data || data.state === 'loading') return html`<crm-state kind="loading"></crm-state>`;
    if (data.state === 'error') return html`<p class="error">${this.msg('dashboard.widgetFailed', { title: widget.title, detail: data.detail })}</p>`;
    const { figures } = data;
    if (figures.kind === 'gauge') {
      return html`<crm-gauge .value=${figures.value} .target=${figures.target} label=${widget.title} format=${moneyMetrics.has(widget.metric) ? 'currency' : 'number'} currency=${this.currency}></crm-gauge>
        ${widget.target !== false && !figures.target ? html`<p class="muted">${this.msg('dashboard.noTarget')}</p>` : nothing}`;
    }
    if (figures.kind === 'metric') return html`<p part="figure" class="figure">${this.write(widget, figures.value)}</p>`;
    return html`<crm-chart kind=${widget.chart ?? 'line'} label=${widget.title} period=${widget.period} format=${moneyMetrics.has(widget.metric) ? 'currency' : 'number'} currency=${this.currency} .series=${figures.series}></crm-chart>`;
  }

  private renderWidget(widget: DashboardWidget, index: number): TemplateResult {
    const titleId = `widget-${widget.id}`;
    const last = index === this.widgets.length - 1;
    return html`<section part="widget" class="widget ${widget.kind}" data-widget=${widget.id} aria-labelledby=${titleId} ${cssomStyle({ '--_span': String(Math.min(12, Math.max(1, widget.w))) })}>
      <h3 id=${titleId}>${widget.title}</h3>
      ${this.editing
        ? html`<div class="widget-tools">
            <button type="button" data-action="up" ?disabled=${index === 0} @click=${() => this.moveWidget(widget, -1)}><span aria-hidden="true">↑</span><span class="sr-only">${this.msg('dashboard.moveUp', { title: widget.title })}</span></button>
            <button type="button" data-action="down" ?disabled=${last} @click=${() => this.moveWidget(widget, 1)}><span aria-hidden="true">↓</span><span class="sr-only">${this.msg('dashboard.moveDown', { title: widget.title })}</span></button>
            <button type="button" data-action="remove" @click=${() => this.removeWidget(widget)}><span aria-hidden="true">✕</span><span class="sr-only">${this.msg('dashboard.remove', { title: widget.title })}</span></button>
          </div>`
        : nothing}
      <div class="widget-body">${this.renderBody(widget)}</div>
    </section>`;
  }

  private renderToolbar(dashboard: Dashboard): TemplateResult {
    return html`<div part="toolbar" class="toolbar">
      <h2>${dashboard.name}</h2>
      ${this.readonly
        ? nothing
        : this.editing
          ? html`<span class="actions">
              <button type="button" class="primary" data-action="save" ?disabled=${this.saving} aria-busy=${this.saving ? 'true' : 'false'} @click=${this.save}>${this.msg('dashboard.save')}</button>
              <button type="button" data-action="cancel" @click=${this.cancelEditing}>${this.msg('dashboard.cancel')}</button>
            </span>`
          : html`<button type="button" data-action="edit" @click=${this.startEditing}>${this.msg('dashboard.edit')}</button>`}
    </div>
    ${this.editing && !dashboard.editable ? html`<p class="muted">${this.msg('dashboard.copyNote')}</p>` : nothing}`;
  }

  private renderDashboard(dashboard: Dashboard | undefined): TemplateResult {
    if (!dashboard) return html`<crm-state kind="empty" message=${this.msg('dashboard.none')}></crm-state>`;
    return html`${this.renderToolbar(dashboard)}
      ${this.widgets.length
        ? html`<div part="grid" class="grid">${this.widgets.map((w, i) => this.renderWidget(w, i))}</div>`
        : html`<crm-state kind="empty" message=${this.msg('dashboard.empty')}></crm-state>`}
      ${this.editing ? renderAddForm({ msg: (key, fallback) => this.msgOr(key, fallback) }, this.newKind, (kind) => (this.newKind = kind), (e) => this.add(e)) : nothing}`;
  }

  override render() {
    return html`${this.load.render({
        initial: () => html`<crm-state kind="loading"></crm-state>`,
        pending: () => (this.dashboard ? this.renderDashboard(this.dashboard) : html`<crm-state kind="loading"></crm-state>`),
        error: (error) => html`<crm-state kind="error" message=${readProblem(error).detail} @crm-retry-requested=${this.reload}></crm-state>`,
        complete: (dashboard) => this.renderDashboard(dashboard),
      })}
      <p class="sr-only" role="status">${this.announcement}</p>`;
  }
}
