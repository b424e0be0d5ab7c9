import { Task } from '@lit/task';
import { html, nothing, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { CrmChart, type CrmChartSeries } from '../chart/chart.component.js';
import { loadCampaignAnalytics, type CampaignAnalytics, type CampaignEmailAnalytics, type MailwizzCampaign } from '../shared/api/campaign-analytics.js';
import { readProblem } from '../shared/api/errors.js';
import { controlStyles } from '../shared/controls.styles.js';
import { CrmDataElement } from '../shared/data-element.js';
import { formatCount, formatDateTime, formatMoney, formatPercent } from '../shared/format.js';
import type { CrmStringKey } from '../i18n/strings.en.js';
import { CrmState } from '../state/state.component.js';
import { campaignAnalyticsStyles } from './campaign-analytics.styles.js';

/** One figure: a count, and its share of a base (`of` names the base) where a rate means something. */
interface Figure {
  key: string;
  label: CrmStringKey;
  value: number;
  rate?: { value: number; of: CrmStringKey } | undefined;
}

/** The most links the top-links table lists. */
const TOP_LINKS = 10;

/** A share from 0 to 1, rounded as the API rounds its rates; 0 when the base is 0. */
const share = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : 0);

/**
 * The analytics of one campaign: what its mail did (our own sends: sent, delivered, unique opens and
 * clicks, bounces, replies and unsubscribes; a Mailwizz campaign: the same figures as Mailwizz reports
 * them, with complaints), each with its rate, then what the campaign brought (signups, leads,
 * conversions, cost, revenue won and ROI), a chart of its daily activity and the links clicked most.
 * A source the campaign does not have (no own sends, never sent through Mailwizz) is left out. Numbers,
 * money and percentages are written with `Intl` in the provider's locale. Every figure comes from
 * counters and roll-ups the API keeps on write, so the element costs the same for ten recipients or a
 * million.
 *
 * @summary A campaign's mail figures with rates, its results and ROI, a daily chart and the top links.
 *
 * @event crm-retry-requested - Bubbles from the error state's "Try again"; the element reloads itself.
 *
 * @csspart header - The campaign's title and the reload button.
 * @csspart reload - The reload button.
 * @csspart email - The figures of our own sends.
 * @csspart mailwizz - The figures Mailwizz reported.
 * @csspart results - Signups, leads, conversions, cost, revenue and ROI.
 * @csspart figures - A list of figures.
 * @csspart figure - One figure (label, value and rate).
 * @csspart chart - The daily activity chart.
 * @csspart links - The top-links table.
 *
 * @cssproperty --crm-campaign-analytics-figure-background - Background of a figure. Defaults to `--crm-sys-color-surface-container`.
 * @cssproperty --crm-campaign-analytics-value-color - Colour of a figure's value. Defaults to `--crm-sys-color-on-surface`.
 */
export class CrmCampaignAnalytics extends CrmDataElement {
  static override styles = [controlStyles, campaignAnalyticsStyles];
  static override dependencies = { 'crm-state': CrmState, 'crm-chart': CrmChart };

  /** Id of the campaign to show. */
  @property({ attribute: 'campaign-id', reflect: true }) campaignId = '';

  /** Hides the daily chart (e.g. in a narrow side panel). */
  @property({ type: Boolean, reflect: true, attribute: 'no-chart' }) noChart = false;

  private readonly load = new Task(this, {
    args: () => [this.client, this.campaignId] as const,
    task: async ([, id], { signal }): Promise<CampaignAnalytics> => {
      if (!id) throw new Error(this.msg('campaignAnalytics.noId'));
      return loadCampaignAnalytics(this.api, id, { signal });
    },
  });

  /** Reads the campaign's figures again. */
  reload(): void {
    void this.load.run();
  }

  private count(n: number): string {
    return formatCount(n, this.activeLocale);
  }

  private emailFigures(email: CampaignEmailAnalytics): Figure[] {
    return [
      { key: 'sent', label: 'campaignAnalytics.sent', value: email.sent },
      { key: 'delivered', label: 'campaignAnalytics.delivered', value: email.delivered, rate: { value: email.rates.delivered, of: 'campaignAnalytics.ofSent' } },
      { key: 'opened', label: 'campaignAnalytics.opened', value: email.opened, rate: { value: email.rates.opened, of: 'campaignAnalytics.ofDelivered' } },
      { key: 'clicked', label: 'campaignAnalytics.clicked', value: email.clicked, rate: { value: email.rates.clicked, of: 'campaignAnalytics.ofDelivered' } },
      { key: 'bounced', label: 'campaignAnalytics.bounced', value: email.bounced, rate: { value: email.rates.bounced, of: 'campaignAnalytics.ofSent' } },
      { key: 'replied', label: 'campaignAnalytics.replied', value: email.replied, rate: { value: email.rates.replied, of: 'campaignAnalytics.ofDelivered' } },
      { key: 'unsubscribed', label: 'campaignAnalytics.unsubscribed', value: email.unsubscribed, rate: { value: email.rates.unsubscribed, of: 'campaignAnalytics.ofDelivered' } },
    ];
  }

  private mailwizzFigures(stats: NonNullable<MailwizzCampaign['stats']>): Figure[] {
    const bounced = stats.bouncesHard + stats.bouncesSoft;
    const ofDelivered = (n: number) => ({ value: share(n, stats.delivered), of: 'campaignAnalytics.ofDelivered' as const });
    return [
      { key: 'sent', label: 'campaignAnalytics.sent', value: stats.processed },
      { key: 'delivered', label: 'campaignAnalytics.delivered', value: stats.delivered, rate: { value: share(stats.delivered, stats.processed), of: 'campaignAnalytics.ofSent' } },
      { key: 'opened', label: 'campaignAnalytics.opened', value: stats.uniqueOpens, rate: ofDelivered(stats.uniqueOpens) },
      { key: 'clicked', label: 'campaignAnalytics.clicked', value: stats.uniqueClicks, rate: ofDelivered(stats.uniqueClicks) },
      { key: 'bounced', label: 'campaignAnalytics.bounced', value: bounced, rate: { value: share(bounced, stats.processed), of: 'campaignAnalytics.ofSent' } },
      { key: 'unsubscribed', label: 'campaignAnalytics.unsubscribed', value: stats.unsubscribes, rate: ofDelivered(stats.unsubscribes) },
      { key: 'complaints', label: 'campaignAnalytics.complaints', value: stats.complaints, rate: ofDelivered(stats.complaints) },
    ];
  }

  private renderFigures(figures: Figure[]): TemplateResult {
    return html`<dl part="figures">
      ${figures.map(
        (f) => html`<div part="figure" data-key=${f.key}>
          <dt>${this.msg(f.label)}</dt>
          <dd>
            <span class="value">${this.count(f.value)}</span>
            ${f.rate ? html`<span class="rate">${this.msg(f.rate.of, { rate: formatPercent(f.rate.value * 100, this.activeLocale) })}</span>` : nothing}
          </dd>
        </div>`,
      )}
    </dl>`;
  }

  private renderEmail(email: CampaignEmailAnalytics | null, hasMailwizz: boolean): TemplateResult | typeof nothing {
    if (!email || (email.sent === 0 && hasMailwizz)) return nothing;
    return html`<section part="email" aria-labelledby="email-heading">
      <h3 id="email-heading">${this.msg('campaignAnalytics.email')}</h3>
      ${email.sent === 0 ? html`<p class="muted">${this.msg('campaignAnalytics.nothingSent')}</p>` : this.renderFigures(this.emailFigures(email))}
    </section>`;
  }

  private renderMailwizz(mw: MailwizzCampaign | null): TemplateResult | typeof nothing {
    if (!mw) return nothing;
    return html`<section part="mailwizz" aria-labelledby="mailwizz-heading">
      <h3 id="mailwizz-heading">${this.msg('campaignAnalytics.mailwizz')}</h3>
      ${mw.stats
        ? html`${this.renderFigures(this.mailwizzFigures(mw.stats))}
            ${mw.statsAt ? html`<p class="muted">${this.msg('campaignAnalytics.pulledAt', { at: formatDateTime(mw.statsAt, this.activeLocale, this.activeTimeZone) })}</p>` : nothing}`
        : html`<p class="muted">${this.msg('campaignAnalytics.noMailwizzStats')}</p>`}
    </section>`;
  }

  private renderResults({ stats }: CampaignAnalytics): TemplateResult {
    const money = (n: number) => formatMoney(n, stats.currency || 'EUR', this.activeLocale);
    return html`<section part="results" aria-labelledby="results-heading">
      <h3 id="results-heading">${this.msg('campaignAnalytics.results')}</h3>
      <dl part="figures">
        <div part="figure" data-key="signups"><dt>${this.msg('campaignAnalytics.signups')}</dt>
          <dd><span class="value">${this.count(stats.totals.signups)}</span></dd></div>
        <div part="figure" data-key="leads"><dt>${this.msg('campaignAnalytics.leads')}</dt>
          <dd><span class="value">${this.count(stats.totals.leads)}</span></dd></div>
        <div part="figure" data-key="conversions">
          <dt>${this.msg('campaignAnalytics.conversions')}</dt>
          <dd>
            <span class="value">${this.count(stats.totals.conversions)}</span>
            ${stats.totals.leads > 0 ? html`<span class="rate">${this.msg('campaignAnalytics.ofLeads', { rate: formatPercent(share(stats.totals.conversions, stats.totals.leads) * 100, this.activeLocale) })}</span>` : nothing}
          </dd>
        </div>
        <div part="figure" data-key="cost"><dt>${this.msg('campaignAnalytics.cost')}</dt>
          <dd><span class="value">${money(stats.cost)}</span></dd></div>
        <div part="figure" data-key="revenue"><dt>${this.msg('campaignAnalytics.revenueWon')}</dt>
          <dd><span class="value">${money(stats.totals.revenueWon + stats.events.revenue)}</span></dd></div>
        <div part="figure" data-key="roi">
          <dt>${this.msg('campaignAnalytics.roi')}</dt>
          <dd>${stats.roi === null ? html`<span class="rate">${this.msg('campaignAnalytics.noCost')}</span>` : html`<span class="value">${formatPercent(stats.roi * 100, this.activeLocale)}</span>`}</dd>
        </div>
      </dl>
    </section>`;
  }

  private renderChart({ stats }: CampaignAnalytics): TemplateResult | typeof nothing {
    if (this.noChart || stats.daily.length === 0) return nothing;
    const metrics = ['views', 'signups', 'leads'] as const;
    const series: CrmChartSeries[] = metrics
      .filter((m) => stats.daily.some((d) => d[m] > 0))
      .map((m) => ({ key: m, label: this.msg(`campaignAnalytics.series.${m}`), points: stats.daily.map((d) => ({ periodStart: d.day, value: d[m] })) }));
    if (series.length === 0) return nothing;
    return html`<section part="chart" aria-labelledby="chart-heading">
      <h3 id="chart-heading">${this.msg('campaignAnalytics.daily')}</h3>
      <crm-chart kind="line" period="day" label=${this.msg('campaignAnalytics.dailyLabel')} .series=${series}></crm-chart>
    </section>`;
  }

  private renderLinks(email: CampaignEmailAnalytics | null): TemplateResult | typeof nothing {
    const links = (email?.links ?? []).filter((l) => l.clicked > 0).slice(0, TOP_LINKS);
    if (!email || links.length === 0) return nothing;
    return html`<section part="links" aria-labelledby="links-heading">
      <h3 id="links-heading">${this.msg('campaignAnalytics.topLinks')}</h3>
      <div class="scroll" tabindex="0" role="region" aria-labelledby="links-heading">
        <table>
          <colgroup><col /><col class="count" /><col class="count" /></colgroup>
          <thead>
            <tr><th scope="col">${this.msg('campaignAnalytics.link')}</th><th scope="col" class="num">${this.msg('campaignAnalytics.linkClicked')}</th><th scope="col" class="num">${this.msg('campaignAnalytics.linkShare')}</th></tr>
          </thead>
          <tbody>
            ${links.map(
              (l) => html`<tr>
                <td class="url"><a href=${l.url} target="_blank" rel="noopener noreferrer">${l.url}</a></td>
                <td class="num">${this.count(l.clicked)}</td>
                <td class="num">${formatPercent(share(l.clicked, email.clicked) * 100, this.activeLocale)}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </section>`;
  }

  private renderAnalytics(data: CampaignAnalytics): TemplateResult {
    return html`<header part="header">
        <h2>${data.campaign.title}</h2>
        <button part="reload" type="button" @click=${this.reload}>${this.msg('campaignAnalytics.reload')}</button>
      </header>
      ${this.renderEmail(data.email, Boolean(data.mailwizz))} ${this.renderMailwizz(data.mailwizz)} ${this.renderResults(data)} ${this.renderChart(data)}
      ${this.renderLinks(data.email)}`;
  }

  override render() {
    return this.load.render({
      initial: () => html`<crm-state kind="loading"></crm-state>`,
      pending: () => (this.load.value ? this.renderAnalytics(this.load.value) : html`<crm-state kind="loading"></crm-state>`),
      error: (error) => html`<crm-state kind="error" message=${readProblem(error).detail} @crm-retry-requested=${this.reload}></crm-state>`,
      complete: (data) => this.renderAnalytics(data),
    });
  }
}
