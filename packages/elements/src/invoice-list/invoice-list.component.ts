import { html, nothing } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { CrmPaymentRecordedEvent } from '../events/invoice-events.js';
import type { CrmStringKey } from '../i18n/index.js';
import { readProblem } from '../shared/api/errors.js';
import { formatAmount, invoiceClient, localizedToMinor, minorToInput, type CreditNote, type Invoice, type InvoicePaymentParams, type UncertainInvoiceMail } from '../shared/api/invoices.js';
import { controlStyles } from '../shared/controls.styles.js';
import { CrmDataElement } from '../shared/data-element.js';
import { CrmState } from '../state/state.component.js';
import { InvoiceCorrections, type InvoiceCorrectionsHost } from './invoice-corrections.js';
import { invoiceListStyles } from './invoice-list.styles.js';

const methods = ['bankTransfer', 'card', 'cash', 'cheque', 'directDebit', 'other'] as const;
const today = () => new Date().toISOString().slice(0, 10);
const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/**
 * An account's invoices for agents: number, invoice and due dates, total, open balance and a status
 * badge (overdue ones highlighted with their days late), the open balance per currency, a dialog that
 * records a payment (partial or full; more than the balance only as credit), and the PDF. An invoice with
 * nothing paid or credited can be voided, and any invoice with something left credited in full, in part
 * (a confirm dialog with the reason, the amount typed as the locale writes decimals) or by line (a quantity
 * per invoice line up to what earlier credit notes left of it, the credit note's total previewed as the
 * API computes it, a problem beside the line it names); its credit notes
 * are listed under it, each with its PDF. When a crash
 * left some of the account's invoice emails or reminders uncertain (the customer may or may not have
 * them), a notice says how many and offers to send them again, once.
 *
 * @summary An account's invoices: balances, status, payments, PDFs.
 *
 * @event crm-payment-recorded - A payment was recorded; `detail.payment`, `detail.invoice`.
 * @event crm-invoice-voided - An invoice was voided; `detail.invoice`.
 * @event crm-credit-note-created - A credit note was issued; `detail.creditNote`, `detail.invoice`.
 *
 * @csspart table - The table of invoices.
 * @csspart status - A status badge.
 * @csspart dialog - The record-payment dialog.
 * @csspart correction-dialog - The void / credit note dialog.
 * @csspart uncertain - The notice of uncertain invoice mail, with its resend button.
 *
 * @cssproperty --crm-invoice-list-overdue - Colour of overdue invoices.
 */
export class CrmInvoiceList extends CrmDataElement implements InvoiceCorrectionsHost {
  static override styles = [controlStyles, invoiceListStyles];
  static override dependencies = { 'crm-state': CrmState };

  /** The account whose invoices are listed. */
  @property({ attribute: 'account-id', reflect: true }) accountId = '';

  @state() private invoices: Invoice[] = [];
  @state() private loaded = false;
  @state() private loadError = '';
  @state() private paying?: Invoice;
  @state() private fieldErrors: Record<string, string> = {};
  @state() private dialogMessage = '';
  @state() private message = '';
  @state() private busy = false;
  @state() private uncertain: UncertainInvoiceMail[] = [];

  @query('dialog[data-payment]') private dialog?: HTMLDialogElement;
  #opener?: HTMLElement;
  readonly #corrections = new InvoiceCorrections(this);

  /** @internal */
  correctionsClient() {
    return this.client;
  }

  /** @internal */
  correctionsLocale() {
    return this.activeLocale;
  }

  /** @internal */
  replaceInvoice(invoice: Invoice): void {
    this.invoices = this.invoices.map((i) => (i.id === invoice.id ? invoice : i));
  }

  /** @internal */
  announce(text: string): void {
    this.message = text;
  }

  protected override updated(changed: Map<string, unknown>): void {
    if ((changed.has('client') || changed.has('accountId')) && this.client && this.accountId) void this.load();
  }

  /** Reads the account's invoices again. */
  async load(): Promise<void> {
    try {
      this.loadError = '';
      this.invoices = await invoiceClient(this.client).invoices.listForAccount(this.accountId);
      this.loaded = true;
      void this.loadUncertain();
      void this.#corrections.loadNotes(this.invoices).catch(() => undefined);
    } catch (error) {
      this.loadError = readProblem(error).detail;
    }
  }

  /** The account's invoice mail left uncertain by a crash; none when the caller may not read it. */
  private async loadUncertain(): Promise<void> {
    try {
      this.uncertain = (await invoiceClient(this.client).invoices.uncertainMail()).filter((e) => e.accountId === this.accountId);
    } catch {
      this.uncertain = [];
    }
  }

  /** Sends the account's uncertain invoice mail again (the API sends each at most once more). */
  private async resendUncertain() {
    this.busy = true;
    try {
      const result = await invoiceClient(this.client).invoices.resendUncertainMail({ keys: this.uncertain.map((e) => e.key) });
      this.message = this.plural('invoiceList.resent', result.resent);
      await this.loadUncertain();
    } catch (error) {
      this.message = readProblem(error).detail;
    } finally {
      this.busy = false;
    }
  }

  private renderUncertain() {
    if (!this.uncertain.length) return nothing;
    return html`<div class="uncertain" part="uncertain" data-uncertain>
      <p>${this.plural('invoiceList.uncertain', this.uncertain.length)}</p>
      <button type="button" data-resend ?disabled=${this.busy} @click=${() => this.resendUncertain()}>${this.plural('invoiceList.resend', this.uncertain.length)}</button>
    </div>`;
  }

  private money(minor: number, currency: string) {
    return formatAmount(minor, currency, this.activeLocale);
  }

  private day(text: string) {
    return new Intl.DateTimeFormat(this.activeLocale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${text}T00:00:00Z`));
  }

  private openPayment(invoice: Invoice, event: Event) {
    this.#opener = event.currentTarget as HTMLElement;
    this.paying = invoice;
    this.fieldErrors = {};
    this.dialogMessage = '';
    void this.updateComplete.then(() => {
      this.dialog?.showModal();
      this.dialog?.querySelector<HTMLInputElement>('[data-field="amount"]')?.focus();
    });
  }

  private closePayment() {
    this.dialog?.close();
  }

  private onDialogClose() {
    this.paying = undefined;
    this.#opener?.focus();
  }

  private async submitPayment(event: Event) {
    event.preventDefault();
    const invoice = this.paying;
    if (!invoice) return;
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const amount = localizedToMinor(String(data.get('amount') ?? ''), invoice.currency, this.activeLocale);
    if (amount === null || amount <= 0) {
      this.fieldErrors = { amount: this.msg('invoiceList.amountFormat', { example: minorToInput(12050, invoice.currency, this.activeLocale) }) };
      return;
    }
    const params: InvoicePaymentParams = { amount, date: String(data.get('date') || today()), method: String(data.get('method')) as InvoicePaymentParams['method'], reference: String(data.get('reference') ?? '').trim() || null, asCredit: data.get('asCredit') === 'on' };
    this.busy = true;
    try {
      const result = await invoiceClient(this.client).invoices.recordPayment(invoice.id, params);
      this.invoices = this.invoices.map((i) => (i.id === invoice.id ? result.invoice : i));
      this.message = this.msg('invoiceList.recorded', { amount: this.money(amount, invoice.currency), number: invoice.displayNumber });
      this.emit(new CrmPaymentRecordedEvent({ payment: result.payment, invoice: result.invoice }));
      this.closePayment();
    } catch (error) {
      const problem = readProblem(error);
      this.fieldErrors = Object.fromEntries(problem.fieldErrors.map((f) => [f.field, f.message]));
      this.dialogMessage = problem.fieldErrors.length ? '' : problem.detail;
    } finally {
      this.busy = false;
    }
  }

  private async downloadPdf(invoice: Invoice | CreditNote) {
    try {
      const locale = this.activeLocale.startsWith('de') ? 'de' : 'en';
      const invoices = invoiceClient(this.client).invoices;
      const blob = 'invoiceNumber' in invoice ? await invoices.creditNotePdf(invoice.invoiceId, invoice.id, { locale }) : await invoices.pdf(invoice.id, { locale });
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `${invoice.displayNumber}.pdf`;
      this.renderRoot.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      this.message = readProblem(error).detail;
    }
  }

  private error(field: string) {
    const text = this.fieldErrors[field];
    return text ? html`<span class="field-error" id=${`e-${field}`} role="alert">${text}</span>` : nothing;
  }

  private openBalances() {
    const sums = new Map<string, number>();
    for (const i of this.invoices) if (i.status !== 'void' && i.balance > 0) sums.set(i.currency, (sums.get(i.currency) ?? 0) + i.balance);
    return [...sums].map(([currency, balance]) => this.money(balance, currency)).join(', ');
  }

  private renderDialog() {
    const invoice = this.paying;
    return html`<dialog data-payment part="dialog" aria-labelledby="pay-title" @close=${() => this.onDialogClose()}>
      ${invoice
        ? html`<form @submit=${(e: Event) => this.submitPayment(e)} novalidate>
            <h3 id="pay-title">${this.msg('invoiceList.recordPaymentFor', { number: invoice.displayNumber })}</h3>
            <p>${this.msg('invoiceList.open', { amount: this.money(invoice.balance, invoice.currency) })}</p>
            <label>${this.msg('invoiceList.amount', { currency: invoice.currency })}
              <input name="amount" data-field="amount" inputmode="decimal" required aria-invalid=${this.fieldErrors.amount ? 'true' : 'false'} aria-describedby=${this.fieldErrors.amount ? 'e-amount' : nothing} />
            </label>
            ${this.error('amount')}
            <label>${this.msg('invoiceList.date')}
              <input name="date" type="date" data-field="date" max=${today()} .value=${today()} aria-invalid=${this.fieldErrors.date ? 'true' : 'false'} aria-describedby=${this.fieldErrors.date ? 'e-date' : nothing} />
            </label>
            ${this.error('date')}
            <label>${this.msg('invoiceList.method')}
              <select name="method" data-field="method">${methods.map((m) => html`<option value=${m}>${this.msg(`invoiceList.method.${m}` as CrmStringKey)}</option>`)}</select>
            </label>
            <label>${this.msg('invoiceList.reference')} <input name="reference" data-field="reference" maxlength="200" /></label>
            <label class="check"><input type="checkbox" name="asCredit" data-field="asCredit" /> ${this.msg('invoiceList.asCredit')}</label>
            <p role="alert" class="field-error">${this.dialogMessage}</p>
            <div class="actions">
              <button type="submit" class="primary" data-save ?disabled=${this.busy}>${this.msg('invoiceList.save')}</button>
              <button type="button" data-cancel @click=${() => this.closePayment()}>${this.msg('invoiceList.cancel')}</button>
            </div>
          </form>`
        : nothing}
    </dialog>`;
  }

  override render() {
    if (this.loadError) return html`<crm-state kind="error" message=${this.loadError} @crm-retry-requested=${() => this.load()}></crm-state>`;
    if (!this.loaded) return html`<crm-state kind="loading"></crm-state>`;
    if (!this.invoices.length) return html`<crm-state kind="empty" message=${this.msg('invoiceList.empty')}></crm-state>`;
    const now = today();
    const open = this.openBalances();
    const h = (key: CrmStringKey) => this.msg(key);
    return html`
      ${open ? html`<p class="open" data-open>${this.msg('invoiceList.open', { amount: open })}</p>` : nothing}
      ${this.renderUncertain()}
      <div class="scroll">
        <table part="table">
          <caption>${this.plural('invoiceList.count', this.invoices.length)}</caption>
          <thead><tr><th scope="col">${h('invoiceList.number')}</th><th scope="col">${h('invoiceList.issued')}</th><th scope="col">${h('invoiceList.due')}</th><th scope="col" class="amount">${h('invoiceList.total')}</th><th scope="col" class="amount">${h('invoiceList.balance')}</th><th scope="col">${h('invoiceList.statusHeader')}</th><th scope="col">${h('invoiceList.actions')}</th></tr></thead>
          <tbody>
            ${this.invoices.map((i) => {
              const overdue = i.status === 'overdue';
              return html`<tr class=${overdue ? 'overdue' : ''} data-invoice=${i.id}>
                <th scope="row" data-label=${h('invoiceList.number')}>${i.displayNumber}</th>
                <td data-label=${h('invoiceList.issued')}>${this.day(i.issueDate)}</td>
                <td data-label=${h('invoiceList.due')}>${this.day(i.dueDate)}${overdue ? html`<span class="late">${this.plural('invoiceList.overdueDays', daysBetween(i.dueDate, now))}</span>` : nothing}</td>
                <td class="amount" data-label=${h('invoiceList.total')}>${this.money(i.total, i.currency)}</td>
                <td class="amount" data-label=${h('invoiceList.balance')} data-balance>${this.money(i.balance, i.currency)}</td>
                <td data-label=${h('invoiceList.statusHeader')}><span part="status" class=${`badge ${i.status}`} data-status=${i.status}>${this.msg(`invoiceList.status.${i.status}` as CrmStringKey)}</span></td>
                <td data-label=${h('invoiceList.actions')}>
                  <div class="actions">
                    ${i.balance > 0 && i.status !== 'void' ? html`<button type="button" data-pay aria-label=${this.msg('invoiceList.recordPaymentFor', { number: i.displayNumber })} @click=${(e: Event) => this.openPayment(i, e)}>${h('invoiceList.recordPayment')}</button>` : nothing}
                    <button type="button" data-pdf aria-label=${this.msg('invoiceList.pdfFor', { number: i.displayNumber })} @click=${() => this.downloadPdf(i)}>${h('invoiceList.pdf')}</button>
                    ${this.#corrections.renderActions(i)}
                  </div>
                </td>
              </tr>
              ${this.#corrections.renderBelow(i, 7, (n) => void this.downloadPdf(n))}`;
            })}
          </tbody>
        </table>
      </div>
      <p class="message" role="status">${this.message}</p>
      ${this.renderDialog()} ${this.#corrections.renderDialog()}
    `;
  }
}
