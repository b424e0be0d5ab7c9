import { html, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import { CrmElement } from '../shared/crm-element.js';
import { cssomStyle } from '../shared/cssom-style.js';
import { formatMoney, formatNumber, formatPercent } from '../shared/format.js';
import { gaugeStyles } from './gauge.styles.js';

/** How a gauge writes its value and target: a plain number, money in `currency`, or a percent (`25` → 25 %). */
export type CrmGaugeFormat = 'number' | 'currency' | 'percent';

let nextId = 0;

/**
 * A value against its target as a half-ring gauge, e.g. a rep's won revenue this month against the quota
 * the sales head set. Presentational: the host (or `<crm-dashboard>`) sets `value` and `target`. For
 * assistive technology it is a `meter` (`aria-valuenow`, `aria-valuemin`, `aria-valuemax`) whose
 * `aria-valuetext` says the value, the target and the share in the element's locale. The ring is CSS
 * (no canvas, no SVG), so it follows the theme tokens and needs no chart library.
 *
 * @summary A value against a target: an accessible meter drawn as a half ring.
 *
 * @csspart base - The figure around the meter and its label.
 * @csspart meter - The element with `role="meter"`.
 * @csspart dial - The half ring.
 * @csspart value - The formatted value inside the ring.
 * @csspart share - The share of the target inside the ring.
 * @csspart label - The caption under the ring.
 * @csspart target - The "of … target" line.
 *
 * @cssproperty --crm-gauge-fill - The reached share of the ring. Defaults to `--crm-sys-color-primary`.
 * @cssproperty --crm-gauge-track - The rest of the ring. Defaults to `--crm-sys-color-outline` at 35 %, so it shows on any surface.
 * @cssproperty --crm-gauge-size - The widest the ring grows. Defaults to `12rem`.
 */
export class CrmGauge extends CrmElement {
  static override styles = gaugeStyles;

  /** The value reached so far. */
  @property({ type: Number }) value = 0;

  /** The target the value is measured against; 0 for none (the ring then stays empty and only the value shows). */
  @property({ type: Number }) target = 0;

  /** What is measured, e.g. "Won revenue, December"; the meter's accessible name. */
  @property() label = '';

  /** `number`, `currency` or `percent`. */
  @property({ reflect: true }) format: CrmGaugeFormat = 'number';

  /** The ISO 4217 currency when `format` is `currency`. */
  @property() currency = 'EUR';

  /** Overrides the locale of the nearest `<crm-provider>` (e.g. `de`). */
  @property() locale = '';

  readonly #labelId = `crm-gauge-label-${++nextId}`;

  protected override get activeLocale(): string {
    return this.locale || super.activeLocale;
  }

  /** The value as the gauge writes it. */
  private formatted(value: number): string {
    const locale = this.activeLocale;
    if (this.format === 'currency') return formatMoney(value, this.currency || 'EUR', locale);
    if (this.format === 'percent') return formatPercent(value, locale);
    return formatNumber(value, locale, { maximumFractionDigits: 1 });
  }

  override render() {
    const value = Number.isFinite(this.value) ? this.value : 0;
    const target = Number.isFinite(this.target) && this.target > 0 ? this.target : 0;
    const share = target ? value / target : 0;
    const shareText = target ? formatPercent(Math.round(share * 1000) / 10, this.activeLocale) : '';
    const valueText = target
      ? this.msg('gauge.valueText', { value: this.formatted(value), target: this.formatted(target), share: shareText })
      : this.formatted(value);
    // A meter's value may not pass its maximum: past the target, the maximum is the value (the ring is full).
    const max = target ? Math.max(target, value) : Math.max(value, 0);
    return html`<figure part="base">
      <div
        part="meter"
        role="meter"
        aria-labelledby=${this.label ? this.#labelId : nothing}
        aria-label=${this.label ? nothing : this.msg('gauge.unnamed')}
        aria-valuemin="0"
        aria-valuemax=${String(max)}
        aria-valuenow=${String(Math.max(0, Math.min(value, max)))}
        aria-valuetext=${valueText}
      >
        <div part="dial" ${cssomStyle({ '--_share': String(Math.max(0, Math.min(1, share))) })}></div>
        <div class="reading">
          <span part="value">${this.formatted(value)}</span>
          ${target ? html`<span part="share">${shareText}</span>` : nothing}
        </div>
      </div>
      <figcaption part="label" id=${this.#labelId}>${this.label}</figcaption>
      ${target ? html`<p part="target">${this.msg('gauge.target', { target: this.formatted(target) })}</p>` : nothing}
    </figure>`;
  }
}
