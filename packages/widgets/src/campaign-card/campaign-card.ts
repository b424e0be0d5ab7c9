import { css, html, nothing, type PropertyValues } from 'lit';
import type { PublicCrmClient } from '@crm/client-sdk/public';
import { fetchCampaign, publicClient, visitorId } from '../shared/config.js';
import { strings } from '../shared/i18n.js';
import { baseStyles, WidgetElement } from '../shared/widget-element.js';
import { remembered, yieldToPage } from './visitor-memory.js';
import { formatDate, formatDateRange } from './format.js';

const text = strings('card', {
  like: 'Like',
  liked: 'Liked',
  enrol: 'Enrol',
  enrolled: 'Enrolled',
  views: { one: '{n} view', other: '{n} views' },
  likes: { one: '{n} like', other: '{n} likes' },
  enrolments: { one: '{n} enrolment', other: '{n} enrolments' },
  from: 'From {start}',
  until: 'Until {end}',
});

type Campaign = Awaited<ReturnType<PublicCrmClient['public']['campaigns']['get']>>;
type Kind = 'view' | 'like' | 'enrol';

/**
 * A campaign's card for partner pages: title, period, counts, like and enrol. The view is counted once
 * per visitor, when at least half of the card has been on screen.
 *
 * @summary Campaign card with like and enrol.
 * @event crm-campaign-engaged - A like or enrolment was sent; `detail`: `{ campaign, kind, counted }`.
 * @event crm-widget-error - The campaign could not be loaded or an action failed; `detail`: `{ campaign, message }`.
 * @csspart root - The card.
 * @csspart title - The campaign title.
 * @csspart description - The campaign description.
 * @csspart period - The period line.
 * @csspart counts - The counts line.
 * @csspart actions - The row of buttons.
 * @csspart like - The like button.
 * @csspart enrol - The enrol button.
 * @csspart status - The live region for errors.
 * @cssproperty --crm-campaign-card-min-height - Space reserved before it renders (default 278px, the default card at 340 px wide and more; the same in crm-widgets.css).
 * @cssproperty --crm-campaign-card-max-width - Its largest width (default 420px).
 */
export class CrmCampaignCard extends WidgetElement {
  static override properties = {
    campaign: {},
    data: { state: true },
    status: { state: true },
    busy: { state: true },
  };

  static override styles = [
    baseStyles,
    css`
      :host {
        --_min-height: var(--crm-campaign-card-min-height, 278px);
        --_max-width: var(--crm-campaign-card-max-width, 420px);
      }
      /* The reserved height is what the card needs at its narrowest: wider, the spare space goes above the buttons. */
      .root {
        display: flex;
        flex-direction: column;
      }
      .actions {
        margin-top: auto;
        display: flex;
        gap: 8px;
        flex-wrap: wrap;
      }
      button[aria-pressed='false'] {
        background: transparent;
        color: var(--crm-sys-color-primary, #0b5cad);
      }
    `,
  ];

  /** The campaign code. */
  declare campaign: string;
  declare protected data: Campaign | null;
  declare protected status: string;
  declare protected busy: boolean;
  private observer: IntersectionObserver | null = null;
  private viewed = false;

  constructor() {
    super();
    this.campaign = '';
    this.data = null;
    this.status = '';
    this.busy = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting) && this.data) void this.countView();
      },
      { threshold: 0.5 },
    );
    this.observer.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.observer?.disconnect();
    this.observer = null;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('campaign') && this.campaign) void this.load();
  }

  private t(key: Parameters<typeof text>[1], params?: Record<string, string | number>): string {
    return text(this.locale, key, params);
  }

  private async load(): Promise<void> {
    this.viewed = false;
    try {
      const [data] = await Promise.all([fetchCampaign(this.campaign), this.localeReady()]);
      // A signup form of the same campaign renders from the same answer: let it have its own task.
      await yieldToPage();
      this.data = data;
      this.status = '';
      // The observer may have fired before the data arrived: look again.
      if (this.observer) {
        this.observer.unobserve(this);
        this.observer.observe(this);
      }
    } catch (error) {
      await this.localeReady();
      this.status = this.describe(error);
      this.emit('crm-widget-error', { campaign: this.campaign, message: this.status });
    }
  }

  private async countView(): Promise<void> {
    if (this.viewed) return;
    this.viewed = true;
    this.observer?.disconnect();
    try {
      const result = await publicClient().public.campaigns.engage(this.campaign, 'view', visitorId());
      if (this.data) this.data = { ...this.data, counts: result.counts };
    } catch {
      // A lost view is not worth bothering the visitor about.
    }
  }

  private async engage(kind: Exclude<Kind, 'view'>): Promise<void> {
    if (this.busy || remembered(this.campaign, kind)) return;
    this.busy = true;
    try {
      const result = await publicClient().public.campaigns.engage(this.campaign, kind, visitorId());
      remembered(this.campaign, kind, true);
      if (this.data) this.data = { ...this.data, counts: result.counts };
      this.status = '';
      this.emit('crm-campaign-engaged', { campaign: this.campaign, kind, counted: result.counted });
    } catch (error) {
      this.status = this.describe(error);
      this.emit('crm-widget-error', { campaign: this.campaign, message: this.status });
    } finally {
      this.busy = false;
    }
  }

  private period(data: Campaign): string {
    const format = (iso: string) => formatDate(iso, this.locale);
    if (data.startAt && data.endAt) return formatDateRange(data.startAt, data.endAt, this.locale);
    if (data.startAt) return this.t('from', { start: format(data.startAt) });
    if (data.endAt) return this.t('until', { end: format(data.endAt) });
    return '';
  }

  protected override render() {
    const data = this.data;
    // Nothing until the campaign comes, unless it is slow to (the host keeps the space meanwhile).
    if (!data && !this.status && !this.loadingVisible) return nothing;
    const liked = remembered(this.campaign, 'like');
    const enrolled = remembered(this.campaign, 'enrol');
    return html`<div class="root" part="root" lang=${this.locale} aria-busy=${data || this.status ? 'false' : 'true'}>
      ${data
        ? html`<h2 part="title">${data.title}</h2>
            ${data.description ? html`<p part="description">${data.description}</p>` : nothing}
            <p class="muted" part="period">${this.period(data)}</p>
            <p class="muted" part="counts">${this.t('views', { n: data.counts.views })} · ${this.t('likes', { n: data.counts.likes })} · ${this.t('enrolments', { n: data.counts.enrolments })}</p>
            <div class="actions" part="actions">
              <button part="like" type="button" aria-pressed=${liked ? 'true' : 'false'} ?disabled=${this.busy || !data.active} @click=${() => void this.engage('like')}>${liked ? this.t('liked') : this.t('like')}</button>
              <button part="enrol" type="button" aria-pressed=${enrolled ? 'true' : 'false'} ?disabled=${this.busy || !data.active} @click=${() => void this.engage('enrol')}>${enrolled ? this.t('enrolled') : this.t('enrol')}</button>
            </div>`
        : html`<p class="muted">${this.status ? '' : this.common('loading')}</p>`}
      <p class="alert" part="status" role="status" aria-live="polite">${this.status}</p>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'crm-campaign-card': CrmCampaignCard;
  }
}
