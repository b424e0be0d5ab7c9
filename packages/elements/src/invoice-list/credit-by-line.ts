// Crediting by line in the credit note dialog of <crm-invoice-list>: each invoice line with what earlier
// credit notes left of it and a labelled quantity field, the credit note's figures previewed as the API
// computes them, and the check of the typed quantities before anything is sent.
import { html, nothing, type TemplateResult } from 'lit';
import type { CrmMessageParams, CrmStringKey } from '../i18n/index.js';
import type { CreditNote, Invoice } from '../shared/api/invoices.js';
import { creditedQuantities, creditLinesFigures, formatQuantity, localizedToMilli, type CreditedLine } from './credit-lines.js';

/** What the lines need of the dialog that shows them. */
export interface CreditByLineView {
  locale(): string;
  t(key: CrmStringKey, params?: CrmMessageParams): string;
  money(minor: number, currency: string): string;
  /** The invoice's credit notes read so far. */
  notesOf(invoice: Invoice): CreditNote[];
  fieldErrors(): Record<string, string>;
  setFieldErrors(errors: Record<string, string>): void;
  /** A field's problem as the dialog shows it (`line-<index>`, `lines`). */
  error(field: string): TemplateResult | typeof nothing;
  requestUpdate(): void;
}

/** The quantities typed per invoice line and their rendering; problems are named `line-<index>` and `lines`. */
export class CreditByLine {
  /** The quantities typed per invoice line (by line index), as the person wrote them. */
  quantities = new Map<number, string>();

  constructor(private readonly view: CreditByLineView) {}

  /** Forgets what was typed (a new dialog). */
  reset(): void {
    this.quantities = new Map();
  }

  /** A quantity in thousandths with its unit, as the locale writes it ("1,5 hour"). */
  private quantity(milli: number, unit: string) {
    return `${formatQuantity(milli, this.view.locale())}${unit ? ` ${unit}` : ''}`;
  }

  /** What is left to credit of each invoice line: invoiced less what earlier credit notes took by line. */
  private left(invoice: Invoice): number[] {
    const credited = creditedQuantities(this.view.notesOf(invoice));
    return invoice.lines.map((line, i) => Math.max(0, line.quantityMilli - (credited.get(i) ?? 0)));
  }

  /** The lines to send as typed so far (unreadable or zero quantities left out). */
  private typed(invoice: Invoice): CreditedLine[] {
    const locale = this.view.locale();
    return invoice.lines.flatMap((_, i) => {
      const quantityMilli = localizedToMilli(this.quantities.get(i) ?? '', locale);
      return quantityMilli ? [{ lineIndex: i, quantityMilli }] : [];
    });
  }

  /** Checks the typed quantities (0 up to what is left on each line), naming the line that is wrong. */
  check(invoice: Invoice, errors: Record<string, string>, uncredited: number): CreditedLine[] {
    const locale = this.view.locale();
    const left = this.left(invoice);
    invoice.lines.forEach((line, i) => {
      const quantityMilli = localizedToMilli(this.quantities.get(i) ?? '', locale);
      if (quantityMilli === null) errors[`line-${i}`] = this.view.t('invoiceList.lineQuantityFormat', { example: formatQuantity(1500, locale) });
      else if (quantityMilli > left[i]!) errors[`line-${i}`] = this.view.t('invoiceList.lineQuantityTooLarge', { quantity: this.quantity(left[i]!, line.unit) });
    });
    const lines = this.typed(invoice);
    if (Object.keys(errors).some((k) => k.startsWith('line-'))) return lines;
    const total = creditLinesFigures(invoice, lines).total;
    if (!lines.length) errors.lines = this.view.t('invoiceList.linesNone');
    else if (total > uncredited) errors.lines = this.view.t('invoiceList.linesTooLarge', { total: this.view.money(total, invoice.currency), left: this.view.money(uncredited, invoice.currency) });
    return lines;
  }

  /** The invoice's lines with a quantity to credit each, and the credit note's total as the API will compute it. */
  render(invoice: Invoice) {
    const locale = this.view.locale();
    const credited = creditedQuantities(this.view.notesOf(invoice));
    const left = this.left(invoice);
    const figures = creditLinesFigures(invoice, this.typed(invoice));
    const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 2 });
    const quantity = (milli: number, unit: string) => this.quantity(milli, unit);
    return html`<fieldset class="credit-lines" data-credit-lines aria-describedby=${this.view.fieldErrors().lines ? 'c-lines' : nothing}>
      <legend>${this.view.t('invoiceList.creditLinesLegend')}</legend>
      <ul>
        ${invoice.lines.map((line, i) => {
          const error = this.view.fieldErrors()[`line-${i}`];
          return html`<li data-line=${i}>
            <span class="line-description">${line.description}</span>
            <dl>
              <div><dt>${this.view.t('invoiceList.lineUnitPrice')}</dt><dd>${this.view.money(line.unitPrice, invoice.currency)}</dd></div>
              <div><dt>${this.view.t('invoiceList.lineInvoiced')}</dt><dd data-line-invoiced>${quantity(line.quantityMilli, line.unit)}</dd></div>
              <div><dt>${this.view.t('invoiceList.lineCredited')}</dt><dd data-line-credited>${quantity(credited.get(i) ?? 0, line.unit)}</dd></div>
            </dl>
            <label class="line-quantity">${this.view.t('invoiceList.lineQuantity', { line: line.description })}
              <input data-line-quantity=${i} inputmode="decimal" autocomplete="off" .value=${this.quantities.get(i) ?? ''} placeholder="0" ?disabled=${left[i] === 0}
                aria-invalid=${error ? 'true' : 'false'} aria-describedby=${error ? `c-line-${i}` : `c-left-${i}`}
                @input=${(e: Event) => this.type(i, (e.target as HTMLInputElement).value)} />
            </label>
            <span class="line-left" id=${`c-left-${i}`}>${left[i] ? this.view.t('invoiceList.lineLeft', { quantity: quantity(left[i]!, line.unit) }) : this.view.t('invoiceList.lineNothingLeft')}</span>
            <span class="amount" data-line-net>${figures.nets.has(i) ? this.view.money(figures.nets.get(i)!, invoice.currency) : ''}</span>
            ${this.view.error(`line-${i}`)}
          </li>`;
        })}
      </ul>
      <p class="credit-total" data-credit-total aria-live="polite">
        <strong>${this.view.t('invoiceList.linesTotal', { total: this.view.money(figures.total, invoice.currency) })}</strong>
        <span>${this.view.t('invoiceList.linesNet', { net: this.view.money(figures.subtotal, invoice.currency) })}${figures.taxes.map((t) => html` · ${this.view.t('invoiceList.linesTax', { rate: percent.format(t.rateBp / 10_000), amount: this.view.money(t.amount, invoice.currency) })}`)}</span>
      </p>
      ${this.view.error('lines')}
    </fieldset>`;
  }

  private type(lineIndex: number, text: string) {
    this.quantities = new Map(this.quantities).set(lineIndex, text);
    this.view.setFieldErrors(Object.fromEntries(Object.entries(this.view.fieldErrors()).filter(([field]) => field !== `line-${lineIndex}` && field !== 'lines')));
    this.view.requestUpdate();
  }
}
