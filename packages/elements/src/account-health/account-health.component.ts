import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { CrmChart } from '../chart/chart.component.js';
import type { CrmChartSeries } from '../chart/chart-data.js';
import { accountHealthClient, type AccountSnapshot } from '../shared/api/account-health.js';
import { readProblem } from '../shared/api/errors.js';
import { controlStyles } from '../shared/controls.styles.js';
import { CrmDataElement } from '../shared/data-element.js';
import { CrmState } from '../state/state.component.js';
import { accountHealthStyles } from './account-health.styles.js';

/**
 * An account's behaviour week by week, as the weekly account-health job recorded it: activities, orders,
 * tickets and late payments over the recent weeks (drawn by `<crm-chart>`, with its table for screen
 * readers), and the flags of the latest week (drop in activity, late payments) that the account manager
 * was told about. Read-only: the API records flags per week and has no acknowledgement, so a flag clears
 * when a later week no longer raises it.
 *
 * @summary An account's weekly pattern and its current flags.
 *
 * @csspart flags - The box of the current flags.
 * @csspart chart - The `<crm-chart>` of the weekly pattern.
 *
 * @cssproperty --crm-account-health-flag - Colour of a flag's edge. Defaults to `--crm-sys-color-error`.
 */
export class CrmAccountHealth extends CrmDataElement {
  static override styles = [controlStyles, accountHealthStyles];
  static override dependencies = { 'crm-chart': CrmChart, 'crm-state': CrmState };

  /** The account (customer id) whose weeks are shown. */
  @property({ attribute: 'account-id' }) accountId = '';

  /** The ISO 4217 currency the account is invoiced in, for the late amount. */
  @property() currency = 'EUR';

  /** How many recent weeks to show (1 to 104). */
  @property({ type: Number }) weeks = 12;

  @state() private snapshots: AccountSnapshot[] = [];
  @state() private loaded = false;
  @state() private loadError = '';

  protected override updated(changed: Map<string, unknown>): void {
    if ((changed.has('client') || changed.has('accountId') || changed.has('weeks')) && this.client && this.accountId) void this.load();
  }

  /** Reads the account's weeks again. */
  async load(): Promise<void> {
    const accountId = this.accountId;
    try {
      this.loadError = '';
      this.loaded = false;
      const limit = Math.min(104, Math.max(1, Math.trunc(this.weeks) || 12));
      const page = await accountHealthClient(this.client).accountHealth.history(accountId, { limit });
      // A slower answer for an account picked before must not overwrite the one picked now.
      if (accountId !== this.accountId) return;
      this.snapshots = page.data;
      this.loaded = true;
    } catch (error) {
      if (accountId === this.accountId) this.loadError = readProblem(error).detail;
    }
  }

  /** The snapshots oldest first, as the chart's series. */
  private get series(): CrmChartSeries[] {
    const weeks = [...this.snapshots].reverse();
    const line = (key: 'activities' | 'orders' | 'tickets' | 'lateInvoices'): CrmChartSeries => ({
      key,
      label: this.msg(`accountHealth.${key}`),
      points: weeks.map((s) => ({ periodStart: s.week, value: s[key] })),
    });
    return [line('activities'), line('orders'), line('tickets'), line('lateInvoices')];
  }

  private weekLabel(week: string): string {
    // Weeks are Mondays in UTC; written in UTC so no time zone moves them to Sunday.
    return new Intl.DateTimeFormat(this.activeLocale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${week}T00:00:00Z`));
  }

  private money(amount: number): string {
    return new Intl.NumberFormat(this.activeLocale, { style: 'currency', currency: this.currency }).format(amount);
  }

  private renderFlags(latest: AccountSnapshot) {
    const week = this.weekLabel(latest.week);
    const average = new Intl.NumberFormat(this.activeLocale, { maximumFractionDigits: 1 }).format(latest.trailingActivities ?? 0);
    return html`<section part="flags" aria-labelledby="flags-title">
      <h3 id="flags-title">${this.msg('accountHealth.flags')} · ${this.msg('accountHealth.week', { week })}</h3>
      ${latest.flags.length
        ? html`<ul>
            ${latest.flags.map(
              (flag) => html`<li data-flag=${flag}>
                <span class="flag">${this.msg(`accountHealth.flag.${flag}`)}</span>
                <span>${flag === 'activity_drop'
                  ? this.plural('accountHealth.drop', latest.activities, { average })
                  : this.plural('accountHealth.late', latest.lateInvoices, { amount: this.money(latest.lateAmount) })}</span>
              </li>`,
            )}
          </ul>`
        : html`<p class="calm" data-no-flags>${this.msg('accountHealth.noFlags', { week })}</p>`}
    </section>`;
  }

  override render() {
    if (!this.accountId) return html`<crm-state kind="empty" message=${this.msg('accountHealth.noAccount')}></crm-state>`;
    if (this.loadError) return html`<crm-state kind="error" message=${this.loadError} @crm-retry-requested=${() => this.load()}></crm-state>`;
    if (!this.loaded) return html`<crm-state kind="loading"></crm-state>`;
    const latest = this.snapshots[0];
    if (!latest) return html`<crm-state kind="empty" message=${this.msg('accountHealth.empty')}></crm-state>`;
    return html`${this.renderFlags(latest)}
      <crm-chart part="chart" kind="line" period="week" locale=${this.activeLocale} .series=${this.series} label=${`${this.msg('accountHealth.label')}: ${this.plural('accountHealth.weeks', this.snapshots.length)}`}></crm-chart>${nothing}`;
  }
}
