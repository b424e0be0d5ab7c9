import { html, type PropertyValues, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { CrmCampaignSelectedEvent } from '../events/record-events.js';
import { campaignStats, type Campaign, type CampaignStats, type RecordQuery } from '../shared/api/record-lists.js';
import { controlStyles } from '../shared/controls.styles.js';
import { formatCount, formatDate, formatMoney, formatNumber } from '../shared/format.js';
import { CrmRecordList, type CrmListColumn } from '../shared/record-list.js';
import { recordListStyles } from '../shared/record-list.styles.js';
import { CampaignFigureCache } from './campaign-figures.js';
import { campaignListStyles } from './campaign-list.styles.js';

const types = ['email', 'promotion', 'greetings', 'event', 'referral', 'ad'] as const;
const roiFormat: Intl.NumberFormatOptions = { style: 'percent', maximumFractionDigits: 0, signDisplay: 'exceptZero' };

/** A ratio as a signed percentage in the locale, e.g. `+150%` / `+150 %`. */
function formatRoi(ratio: number, locale: string): string {
  return formatNumber(ratio, locale, roiFormat);
}

/**
 * The campaigns the signed-in person may see, with their status, period, signups, leads and return on
 * investment, searchable and filterable by status, type, owner and product, in pages loaded as the
 * person scrolls. The figures come from each campaign's stats (`crm.campaigns.stats`), asked for only
 * for the rows in view, a few at a time. ROI is (revenue won − cost) / cost, as the API computes it; a
 * campaign without a recorded cost has none ("—").
 *
 * Keyboard: Tab into the list, Up/Down/Home/End/PageUp/PageDown to move, Space to select, Enter to open.
 * Below 40rem of width only the title, the ROI and the status are shown.
 *
 * @summary A virtualized campaign list with status, period, signups, leads and ROI, filters, sort and selection.
 *
 * @slot bulk-actions - Buttons that act on the selection (shown while rows are selected); read `selectedIds`.
 * @slot empty - Replaces the empty state, e.g. with a "New campaign" button.
 *
 * @event crm-campaign-selected - The person opened a campaign (Enter or click); `detail.campaign` is the row.
 * @event crm-selection-changed - The person changed the selection; `detail.ids` is the whole selection.
 *
 * @csspart toolbar - The search and filter row.
 * @csspart bulk-bar - The bar shown while rows are selected.
 * @csspart grid - The list itself.
 * @csspart header - The column header row.
 * @csspart row - One campaign row.
 * @csspart cell - One cell of a row.
 * @csspart status - The status badge in a row.
 * @csspart roi - The return on investment in a row.
 *
 * @cssproperty --crm-campaign-list-height - Height of the scrolling area. Defaults to `28rem`.
 * @cssproperty --crm-campaign-list-row-hover - Background of a hovered row. Defaults to `--crm-sys-color-surface-container`.
 * @cssproperty --crm-campaign-list-selected - Background of a selected row. Defaults to a tint of `--crm-sys-color-primary`.
 * @cssproperty --crm-campaign-list-columns - The grid's column template when wider than 40rem (eight columns).
 * @cssproperty --crm-campaign-list-gain-color - Colour of a positive ROI. Defaults to the text colour.
 * @cssproperty --crm-campaign-list-loss-color - Colour of a negative ROI. Defaults to `--crm-sys-color-error`.
 */
export class CrmCampaignList extends CrmRecordList<Campaign> {
  static override styles = [controlStyles, recordListStyles, campaignListStyles];

  /** Only campaigns of this type (`email`, `promotion`, `greetings`, `event`, `referral`, `ad`). */
  @property({ reflect: true }) type = '';

  protected readonly kind = 'campaign';
  protected readonly sorts = ['-startAt', 'startAt', 'endAt', 'title', '-createdAt', 'status'] as const;
  protected override readonly extraQueryKeys = ['type'];

  private readonly figures = new CampaignFigureCache(
    (id) => campaignStats(this.api, id),
    () => this.requestUpdate(),
  );

  /** Loads the list and the figures again. */
  override reload(): void {
    this.figures.clear();
    super.reload();
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('client')) this.figures.clear();
    super.willUpdate(changed);
  }

  protected override extraQuery(): RecordQuery {
    return { type: this.type };
  }

  protected override renderExtraFilters(): TemplateResult {
    return html`<crm-select-field name="type" label=${this.msg('campaign.type')} placeholder=${this.msg('campaignList.anyType')} .value=${this.type}
      .options=${types.map((t) => ({ value: t, label: this.msgOr(`campaign.type.${t}`, t) }))}></crm-select-field>`;
  }

  protected override rowsShown(rows: Campaign[]): void {
    if (this.client) this.figures.want(rows.map((r) => r.id));
  }

  protected opened(campaign: Campaign): void {
    this.emit(new CrmCampaignSelectedEvent({ campaign }));
  }

  private period(c: Campaign): string {
    const [from, to] = [c.startAt, c.endAt].map((d) => formatDate(d, this.activeLocale, this.activeTimeZone));
    if (!from && !to) return '—';
    if (!to) return this.msg('campaignList.from', { date: from! });
    if (!from) return this.msg('campaignList.until', { date: to });
    return `${from} – ${to}`;
  }

  /** A figure of the campaign's stats, or a placeholder while they load or when they were refused. */
  private figure(c: Campaign, read: (stats: CampaignStats) => TemplateResult | string): TemplateResult | string {
    const known = this.figures.get(c.id);
    // The placeholders are marks for the eye; a screen reader hears what they mean instead.
    const mark = (sign: string, meaning: string, state: string) =>
      html`<span class="muted" data-figures=${state}><span aria-hidden="true">${sign}</span><span class="sr-only">${meaning}</span></span>`;
    if (!known || known.state === 'loading') return mark('…', this.msg('campaignList.figuresLoading'), 'loading');
    if (known.state === 'failed') return mark('?', this.msg('campaignList.figuresFailed'), 'failed');
    return read(known.stats);
  }

  private roi(c: Campaign): TemplateResult | string {
    return this.figure(c, (stats) => {
      if (stats.roi === null) return html`<span class="muted"><span aria-hidden="true">—</span><span class="sr-only">${this.msg('campaignList.noCost')}</span></span>`;
      const revenue = formatMoney(stats.totals.revenueWon, stats.currency, this.activeLocale);
      return html`<span part="roi" class=${stats.roi < 0 ? 'loss' : 'gain'}>${formatRoi(stats.roi, this.activeLocale)}</span><span class="sr-only"
          >${this.msg('campaignList.revenueWon', { revenue })}</span>`;
    });
  }

  protected columns(): Array<CrmListColumn<Campaign>> {
    const count = (n: number) => formatCount(n, this.activeLocale);
    return [
      { label: this.msg('campaign.title'), className: 'name', cell: (c) => html`<span class="primary">${c.title}</span><span class="sub">${c.code}</span>` },
      { label: this.msg('campaign.type'), wide: true, cell: (c) => this.msgOr(`campaign.type.${c.type}`, c.type) },
      { label: this.msg('campaign.period'), wide: true, cell: (c) => this.period(c) },
      { label: this.msg('campaignList.signups'), wide: true, className: 'number', cell: (c) => this.figure(c, (s) => count(s.totals.signups)) },
      { label: this.msg('campaignList.leads'), wide: true, className: 'number', cell: (c) => this.figure(c, (s) => count(s.totals.leads)) },
      { label: this.msg('campaignList.roi'), className: 'number', cell: (c) => this.roi(c) },
      { label: this.msg('campaignList.status'), cell: (c) => this.statusBadge(c) },
    ];
  }
}
