import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { CrmQuoteDecidedEvent, CrmQuoteSavedEvent, CrmQuoteSentEvent } from '../events/quote-events.js';
import { readProblem } from '../shared/api/errors.js';
import { loadPriceBooks, previewQuote, quoteClient, recordDecision, saveQuote, sendQuote, type PriceBook, type Quote, type QuoteLineParams, type QuotePreview } from '../shared/api/quotes.js';
import { controlStyles } from '../shared/controls.styles.js';
import { CrmDataElement } from '../shared/data-element.js';
import { CrmState } from '../state/state.component.js';
import { quoteEditorStyles } from './quote-editor.styles.js';

/** One line as typed: the spec picked and the numbers as text, so "1,5" can be refused, never guessed. */
interface LineDraft {
  specKey: string;
  quantity: string;
  discount: string;
  tax: string;
}

const emptyLine = (): LineDraft => ({ specKey: '', quantity: '1', discount: '0', tax: '0' });
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

/** An amount in minor units as the locale writes it, from its exact decimal text (no float on the way). */
export function formatMinor(minor: number, exponent: number, currency: string, locale: string): string {
  const negative = minor < 0;
  const digits = String(Math.abs(minor)).padStart(exponent + 1, '0');
  const text = `${negative ? '-' : ''}${exponent ? `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}` : digits}`;
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(text as unknown as number);
}

/**
 * A quote on an opportunity: lines picked from the price book (service and spec, quantity, discount,
 * tax), the totals as the server computes them (in minor units, with the account's price and the
 * currency's rounding) shown live as lines change, the validity day, save, and send to the customer
 * through the rep's own mailbox with the PDF attached.
 *
 * @summary Build, price and send a quote from an opportunity.
 *
 * @event crm-quote-saved - The quote was created or saved; `detail.quote`, `detail.created`.
 * @event crm-quote-sent - The quote was sent to the customer; `detail.quote`.
 * @event crm-quote-decided - An agent recorded the customer's answer to a sent quote (given by phone, say); `detail.quote`, `detail.decision`, `detail.order` (the order an acceptance made).
 *
 * @csspart lines - The table of lines.
 * @csspart totals - The server's totals.
 * @csspart send - The send form.
 * @csspart decision - The form that records the customer's answer to a sent quote.
 *
 * @cssproperty --crm-quote-editor-accent - Colour of the total.
 */
export class CrmQuoteEditor extends CrmDataElement {
  static override styles = [controlStyles, quoteEditorStyles];
  static override dependencies = { 'crm-state': CrmState };

  /** The opportunity the quote is for. */
  @property({ attribute: 'opportunity-id', reflect: true }) opportunityId = '';

  /** An existing quote to edit (its lines are loaded as the starting point). */
  @property({ attribute: false }) quote?: Quote;

  @state() private books: PriceBook[] = [];
  @state() private lines: LineDraft[] = [emptyLine()];
  @state() private validUntil = inDays(30);
  @state() private preview?: QuotePreview;
  @state() private fieldErrors: Record<string, string> = {};
  @state() private message = '';
  @state() private busy = false;
  @state() private recipient = '';
  @state() private answer = { name: '', poNumber: '', reason: '' };
  @state() private loadError = '';
  @state() private loaded = false;

  #previewSeq = 0;
  #previewAbort?: AbortController;

  protected override updated(changed: Map<string, unknown>): void {
    if ((changed.has('client') || changed.has('opportunityId')) && this.client && this.opportunityId) void this.load();
    if (changed.has('quote') && this.quote) {
      this.lines = this.quote.lines.map((l) => ({ specKey: `${l.serviceId}/${l.specId}`, quantity: l.quantity, discount: String(l.discountBp / 100), tax: String(l.taxRateBp / 100) }));
      this.validUntil = this.quote.validUntil;
      this.preview = this.quote;
    }
  }

  private async load() {
    try {
      this.loadError = '';
      this.books = await loadPriceBooks(quoteClient(this.client));
      this.loaded = true;
    } catch (error) {
      this.loadError = readProblem(error).detail;
    }
  }

  private get book(): PriceBook | undefined {
    return this.books[0];
  }

  /** The lines as the API takes them; null with the field errors set when a number is not a plain decimal. */
  private params(): QuoteLineParams[] | null {
    const errors: Record<string, string> = {};
    const out: QuoteLineParams[] = [];
    this.lines.forEach((line, i) => {
      const [serviceId, specId] = line.specKey.split('/');
      if (!serviceId || !specId) errors[`lines.${i}.specId`] = this.msg('quoteEditor.pickSpec');
      const number = (text: string, field: string) => {
        if (!/^\d+(\.\d+)?$/.test(text.trim())) errors[`lines.${i}.${field}`] = this.msg('quoteEditor.decimal');
        return Number(text);
      };
      out.push({ serviceId: serviceId ?? '', specId: specId ?? '', quantity: number(line.quantity, 'quantity'), discountPercent: number(line.discount, 'discountPercent'), taxRatePercent: number(line.tax, 'taxRatePercent') });
    });
    this.fieldErrors = errors;
    return Object.keys(errors).length ? null : out;
  }

  /** Asks the server for the totals; only the answer to the latest lines is shown. */
  private async refreshTotals() {
    const lines = this.params();
    if (!lines || !this.client) return;
    const seq = ++this.#previewSeq;
    this.#previewAbort?.abort();
    this.#previewAbort = new AbortController();
    try {
      const answer = await previewQuote(quoteClient(this.client), this.opportunityId, lines, this.#previewAbort.signal);
      if (seq === this.#previewSeq) this.preview = answer;
    } catch (error) {
      if (seq !== this.#previewSeq || (error as Error).name === 'AbortError') return;
      this.showProblem(error);
    }
  }

  private showProblem(error: unknown) {
    const problem = readProblem(error);
    this.fieldErrors = Object.fromEntries(problem.fieldErrors.map((f) => [f.field, f.message]));
    this.message = problem.fieldErrors.length ? '' : problem.detail;
  }

  private change(i: number, field: keyof LineDraft, value: string) {
    this.lines = this.lines.map((line, j) => (j === i ? { ...line, [field]: value } : line));
    void this.refreshTotals();
  }

  private addLine() {
    this.lines = [...this.lines, emptyLine()];
  }

  private removeLine(i: number) {
    this.lines = this.lines.filter((_, j) => j !== i);
    void this.refreshTotals();
  }

  private async save() {
    const lines = this.params();
    if (!lines || !this.client) return;
    this.busy = true;
    try {
      const created = !this.quote;
      this.quote = await saveQuote(quoteClient(this.client), this.quote, { opportunityId: this.opportunityId, validUntil: this.validUntil, lines });
      this.preview = this.quote;
      this.message = this.msg('quoteEditor.saved', { number: this.quote.number });
      this.emit(new CrmQuoteSavedEvent({ quote: this.quote, created }));
    } catch (error) {
      this.showProblem(error);
    } finally {
      this.busy = false;
    }
  }

  private async send(event: Event) {
    event.preventDefault();
    if (!this.quote || !this.client) return;
    this.busy = true;
    try {
      this.quote = await sendQuote(quoteClient(this.client), this.quote.id, [this.recipient.trim()], this.activeLocale);
      this.message = this.msg('quoteEditor.sent', { number: this.quote.number, to: this.recipient.trim() });
      this.emit(new CrmQuoteSentEvent({ quote: this.quote }));
    } catch (error) {
      this.showProblem(error);
    } finally {
      this.busy = false;
    }
  }

  /** Records the customer's answer to the sent quote: an acceptance makes the order and wins the opportunity. */
  private async decide(decision: 'accept' | 'reject') {
    if (!this.quote || !this.client) return;
    this.busy = true;
    try {
      const client = quoteClient(this.client);
      const result = await recordDecision(client, this.quote.id, decision, this.answer);
      this.quote = await client.quotes.get(this.quote.id);
      this.message = result.order ? this.msg('quoteEditor.acceptedOrder', { number: this.quote.number, order: result.order.displayNumber }) : this.msg('quoteEditor.rejected', { number: this.quote.number });
      this.emit(new CrmQuoteDecidedEvent({ quote: this.quote, decision: result.decision, order: result.order }));
    } catch (error) {
      this.showProblem(error);
    } finally {
      this.busy = false;
    }
  }

  private error(field: string) {
    const text = this.fieldErrors[field];
    return text ? html`<span class="field-error" id=${`e-${field.replace(/\./g, '-')}`} role="alert">${text}</span>` : nothing;
  }

  private input(i: number, field: 'quantity' | 'discount' | 'tax', apiField: string, label: string) {
    const key = `lines.${i}.${apiField}`;
    const id = `e-${key.replace(/\./g, '-')}`;
    return html`<td>
      <input inputmode="decimal" aria-label=${`${label} ${i + 1}`} data-field=${key} .value=${this.lines[i]![field]} aria-invalid=${this.fieldErrors[key] ? 'true' : 'false'} aria-describedby=${this.fieldErrors[key] ? id : nothing} @change=${(e: Event) => this.change(i, field, (e.target as HTMLInputElement).value)} />
      ${this.error(key)}
    </td>`;
  }

  override render() {
    if (this.loadError) return html`<crm-state kind="error" message=${this.loadError} @crm-retry-requested=${() => this.load()}></crm-state>`;
    if (!this.loaded) return html`<crm-state kind="loading"></crm-state>`;
    const locale = this.activeLocale;
    const p = this.preview;
    const money = (minor: number) => (p ? formatMinor(minor, p.exponent, p.currency, locale) : '');
    const final = this.quote && this.quote.status !== 'draft' && this.quote.status !== 'sent';
    return html`
      <h2>${this.quote ? this.msg('quoteEditor.headingNumber', { number: this.quote.number }) : this.msg('quoteEditor.heading')}</h2>
      ${this.quote ? html`<p class="status">${this.msg('quoteEditor.status', { status: this.quote.status, revision: String(this.quote.revision) })}</p>` : nothing}
      <div class="scroll">
        <table part="lines">
          <caption>${this.plural('quoteEditor.lines', this.lines.length)}</caption>
          <thead><tr><th scope="col">${this.msg('quoteEditor.spec')}</th><th scope="col">${this.msg('quoteEditor.quantity')}</th><th scope="col">${this.msg('quoteEditor.discount')}</th><th scope="col">${this.msg('quoteEditor.tax')}</th><th scope="col">${this.msg('quoteEditor.amount')}</th><th scope="col"><span class="visually-hidden">${this.msg('quoteEditor.remove')}</span></th></tr></thead>
          <tbody>
            ${this.lines.map((line, i) => html`<tr>
              <td>
                <select aria-label=${`${this.msg('quoteEditor.spec')} ${i + 1}`} data-field=${`lines.${i}.specId`} @change=${(e: Event) => this.change(i, 'specKey', (e.target as HTMLSelectElement).value)}>
                  <option value="" ?selected=${!line.specKey}>${this.msg('select.placeholder')}</option>
                  ${this.book?.services.map((s) => html`<optgroup label=${s.name}>${s.specs.map((sp) => html`<option value=${`${s.id}/${sp.id}`} ?selected=${line.specKey === `${s.id}/${sp.id}`}>${sp.name} (${sp.unit})</option>`)}</optgroup>`)}
                </select>
                ${this.error(`lines.${i}.specId`)}${this.error(`lines.${i}.currency`)}
              </td>
              ${this.input(i, 'quantity', 'quantity', this.msg('quoteEditor.quantity'))}
              ${this.input(i, 'discount', 'discountPercent', this.msg('quoteEditor.discount'))}
              ${this.input(i, 'tax', 'taxRatePercent', this.msg('quoteEditor.tax'))}
              <td class="amount">${p?.lines[i] ? money(p.lines[i]!.net) : ''}</td>
              <td><button type="button" class="ghost" aria-label=${`${this.msg('quoteEditor.remove')} ${i + 1}`} ?disabled=${this.lines.length === 1} @click=${() => this.removeLine(i)}>×</button></td>
            </tr>`)}
          </tbody>
        </table>
      </div>
      <button type="button" data-add @click=${() => this.addLine()}>${this.msg('quoteEditor.addLine')}</button>
      ${p
        ? html`<dl part="totals" aria-live="polite">
            <dt>${this.msg('quoteEditor.subtotal')}</dt><dd data-total="subtotal">${money(p.subtotal)}</dd>
            ${p.taxes.map((t) => html`<dt>${this.msg('quoteEditor.taxLine', { rate: new Intl.NumberFormat(locale).format(t.rateBp / 100) })}</dt><dd>${money(t.amount)}</dd>`)}
            <dt class="total">${this.msg('quoteEditor.total')}</dt><dd class="total" data-total="total">${money(p.total)}</dd>
          </dl>`
        : nothing}
      <label class="valid">${this.msg('quoteEditor.validUntil')}
        <input type="date" data-field="validUntil" .value=${this.validUntil} @change=${(e: Event) => (this.validUntil = (e.target as HTMLInputElement).value)} />
      </label>
      ${this.error('validUntil')}
      <div class="actions">
        <button type="button" class="primary" data-save ?disabled=${this.busy || final} @click=${() => this.save()}>${this.msg('quoteEditor.save')}</button>
      </div>
      ${this.quote && this.quote.status === 'draft'
        ? html`<form part="send" @submit=${(e: Event) => this.send(e)}>
            <label>${this.msg('quoteEditor.recipient')} <input type="email" required data-field="to" .value=${this.recipient} @input=${(e: Event) => (this.recipient = (e.target as HTMLInputElement).value)} /></label>
            ${this.error('to.0')}
            <button type="submit" class="primary" data-send ?disabled=${this.busy}>${this.msg('quoteEditor.send')}</button>
          </form>`
        : nothing}
      ${this.quote && this.quote.status === 'sent'
        ? html`<fieldset part="decision">
            <legend>${this.msg('quoteEditor.answerTitle')}</legend>
            <label>${this.msg('quoteEditor.answerName')} <input data-field="name" autocomplete="off" .value=${this.answer.name} @input=${(e: Event) => (this.answer = { ...this.answer, name: (e.target as HTMLInputElement).value })} /></label>
            <label>${this.msg('quoteEditor.answerPo')} <input data-field="poNumber" autocomplete="off" .value=${this.answer.poNumber} @input=${(e: Event) => (this.answer = { ...this.answer, poNumber: (e.target as HTMLInputElement).value })} /></label>
            ${this.error('poNumber')}
            <label>${this.msg('quoteEditor.answerReason')} <input data-field="reason" autocomplete="off" .value=${this.answer.reason} @input=${(e: Event) => (this.answer = { ...this.answer, reason: (e.target as HTMLInputElement).value })} /></label>
            <div class="actions">
              <button type="button" class="primary" data-accept ?disabled=${this.busy} @click=${() => this.decide('accept')}>${this.msg('quoteEditor.recordAccept')}</button>
              <button type="button" data-reject ?disabled=${this.busy} @click=${() => this.decide('reject')}>${this.msg('quoteEditor.recordReject')}</button>
            </div>
          </fieldset>`
        : nothing}
      <p class="message" role="status">${this.message}</p>
    `;
  }
}
