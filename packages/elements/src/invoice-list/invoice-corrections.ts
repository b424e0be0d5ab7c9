// Voiding an invoice and issuing credit notes from <crm-invoice-list>: the confirm dialog with its reason
// and amount (or the invoice's lines and quantities), the API's problems beside the field or line they
// name, and each invoice's credit notes. Its own
// controller so the list stays readable; the list owns the invoices and renders what this returns.
import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { CrmCreditNoteCreatedEvent, CrmInvoiceVoidedEvent } from '../events/invoice-events.js';
import type { CrmEvent } from '../events/crm-event.js';
import { msg, plural, type CrmMessageParams, type CrmPluralKey, type CrmStringKey } from '../i18n/index.js';
import { readProblem } from '../shared/api/errors.js';
import { formatAmount, invoiceClient, localizedToMinor, minorToInput, type CreditNote, type Invoice } from '../shared/api/invoices.js';
import type { CrmClient } from '../context/client-context.js';
import { CreditByLine } from './credit-by-line.js';
import type { CreditedLine } from './credit-lines.js';

/** What the corrections need of the list that hosts them. */
export interface InvoiceCorrectionsHost extends ReactiveControllerHost {
  readonly renderRoot: HTMLElement | DocumentFragment;
  correctionsClient(): CrmClient | undefined;
  correctionsLocale(): string;
  /** Puts the invoice as the API now answers it in place of the old one. */
  replaceInvoice(invoice: Invoice): void;
  /** The list's status line. */
  announce(text: string): void;
  dispatchEvent(event: CrmEvent<unknown>): boolean;
}

type Kind = 'void' | 'credit';
/** Credit all that is left, a gross amount, or quantities of the invoice's lines. */
type Scope = 'full' | 'part' | 'lines';

/** The void and credit-note dialog of one invoice at a time, and the credit notes of the account's invoices. */
export class InvoiceCorrections implements ReactiveController {
  /** The invoice being corrected, while the dialog is open. */
  target?: Invoice;
  kind: Kind = 'void';
  /** Credit the whole uncredited amount, a part of it, or by lines. */
  scope: Scope = 'full';
  /** The quantities typed per invoice line, while crediting by line. */
  readonly byLine: CreditByLine;
  fieldErrors: Record<string, string> = {};
  dialogMessage = '';
  busy = false;
  /** Credit notes by invoice id, read for the invoices that have any. */
  notes = new Map<string, CreditNote[]>();
  #opener?: HTMLElement;

  constructor(private readonly host: InvoiceCorrectionsHost) {
    host.addController(this);
    this.byLine = new CreditByLine({
      locale: () => host.correctionsLocale(),
      t: (key, params) => this.t(key, params),
      money: (minor, currency) => this.money(minor, currency),
      notesOf: (invoice) => this.notes.get(invoice.id) ?? [],
      fieldErrors: () => this.fieldErrors,
      setFieldErrors: (errors) => (this.fieldErrors = errors),
      error: (field) => this.error(field),
      requestUpdate: () => host.requestUpdate(),
    });
  }

  hostConnected(): void {}

  private t(key: CrmStringKey, params?: CrmMessageParams) {
    return msg(key, params, this.host.correctionsLocale());
  }

  private p(key: CrmPluralKey, count: number, params?: CrmMessageParams) {
    return plural(key, count, params, this.host.correctionsLocale());
  }

  private money(minor: number, currency: string) {
    return formatAmount(minor, currency, this.host.correctionsLocale());
  }

  private get dialog() {
    return this.host.renderRoot.querySelector<HTMLDialogElement>('dialog[data-correction]');
  }

  /** What credit notes may still take from an invoice: its total less what is credited already. */
  static uncredited(invoice: Invoice): number {
    return invoice.total - invoice.credited;
  }

  /** Whether the invoice can be voided (nothing paid, nothing credited) or credited (something left). */
  static can(invoice: Invoice, kind: Kind): boolean {
    if (invoice.status === 'void') return false;
    return kind === 'void' ? invoice.amountPaid === 0 && invoice.credited === 0 : InvoiceCorrections.uncredited(invoice) > 0;
  }

  /** Reads the credit notes of the invoices that have any (one call each, only for those). */
  async loadNotes(invoices: Invoice[]): Promise<void> {
    const client = invoiceClient(this.host.correctionsClient());
    const credited = invoices.filter((i) => i.credited > 0);
    const read = await Promise.all(credited.map(async (i) => [i.id, await client.invoices.creditNotes(i.id).catch(() => [] as CreditNote[])] as const));
    this.notes = new Map(read);
    this.host.requestUpdate();
  }

  open(invoice: Invoice, kind: Kind, event: Event): void {
    this.#opener = event.currentTarget as HTMLElement;
    this.target = invoice;
    this.kind = kind;
    this.scope = 'full';
    this.byLine.reset();
    this.fieldErrors = {};
    this.dialogMessage = '';
    this.host.requestUpdate();
    void this.host.updateComplete.then(() => {
      this.dialog?.showModal();
      this.dialog?.querySelector<HTMLElement>('[data-field="reason"]')?.focus();
    });
  }

  private close() {
    this.dialog?.close();
  }

  private onClose() {
    const invoiceId = this.target?.id;
    this.target = undefined;
    this.host.requestUpdate();
    // A void (or a credit of all that was left) removes the button that opened the dialog: focus the row's PDF button instead.
    void this.host.updateComplete.then(() => {
      if (this.#opener?.isConnected) this.#opener.focus();
      else if (invoiceId) this.host.renderRoot.querySelector<HTMLElement>(`tr[data-invoice="${invoiceId}"] [data-pdf]`)?.focus();
    });
  }

  private setScope(scope: Scope) {
    this.scope = scope;
    this.fieldErrors = {};
    this.host.requestUpdate();
    const first = scope === 'part' ? '[data-field="amount"]' : scope === 'lines' ? 'input[data-line-quantity]:not([disabled])' : '';
    if (first) void this.host.updateComplete.then(() => this.dialog?.querySelector<HTMLElement>(first)?.focus());
  }

  /** A problem's field as this dialog shows it: `lines.<n>.<x>` is the line sent n-th, by its index. */
  private problemField(field: string, sent: CreditedLine[]): string {
    const perLine = /^lines\.(\d+)\./.exec(field);
    if (this.scope !== 'lines') return field.startsWith('lines') ? 'amount' : field;
    if (perLine) {
      const line = sent[Number(perLine[1])];
      return line ? `line-${line.lineIndex}` : 'lines';
    }
    return field.startsWith('lines') || field === 'amount' ? 'lines' : field;
  }

  private async submit(event: Event) {
    event.preventDefault();
    const invoice = this.target;
    if (!invoice) return;
    const data = new FormData(event.target as HTMLFormElement);
    const reason = String(data.get('reason') ?? '').trim();
    const errors: Record<string, string> = {};
    if (reason.length < 3) errors.reason = this.t('invoiceList.reasonRequired');
    let amount = InvoiceCorrections.uncredited(invoice);
    let lines: CreditedLine[] = [];
    if (this.kind === 'credit' && this.scope === 'lines') lines = this.byLine.check(invoice, errors, InvoiceCorrections.uncredited(invoice));
    if (this.kind === 'credit' && this.scope === 'part') {
      const typed = localizedToMinor(String(data.get('amount') ?? ''), invoice.currency, this.host.correctionsLocale());
      if (typed === null || typed <= 0) errors.amount = this.t('invoiceList.creditAmountFormat', { example: minorToInput(12050, invoice.currency, this.host.correctionsLocale()) });
      else amount = typed;
    }
    this.fieldErrors = errors;
    this.dialogMessage = '';
    if (Object.keys(errors).length) {
      this.host.requestUpdate();
      return;
    }
    this.busy = true;
    this.host.requestUpdate();
    const client = invoiceClient(this.host.correctionsClient());
    try {
      if (this.kind === 'void') {
        const after = await client.invoices.void(invoice.id, { reason });
        this.host.replaceInvoice(after);
        this.host.announce(this.t('invoiceList.voided', { number: invoice.displayNumber }));
        this.host.dispatchEvent(new CrmInvoiceVoidedEvent({ invoice: after }));
      } else {
        const result = await client.invoices.createCreditNote(invoice.id, this.scope === 'lines' ? { reason, lines } : { reason, amount });
        this.notes = new Map(this.notes).set(invoice.id, [result.creditNote, ...(this.notes.get(invoice.id) ?? [])]);
        this.host.replaceInvoice(result.invoice);
        this.host.announce(this.t('invoiceList.credited', { number: result.creditNote.displayNumber, amount: this.money(result.creditNote.total, invoice.currency), invoice: invoice.displayNumber }));
        this.host.dispatchEvent(new CrmCreditNoteCreatedEvent({ creditNote: result.creditNote, invoice: result.invoice }));
      }
      this.close();
    } catch (error) {
      const problem = readProblem(error);
      // By amount, the API's `amount` or `lines` (a credit over what is left) is the amount field; by lines,
      // `lines.<n>.quantityMilli` is the line sent n-th and `lines` the lines as a whole.
      const fields = problem.fieldErrors.map((f) => [this.problemField(f.field, lines), f.message] as const);
      const shown = fields.filter(([field]) => field === 'reason' || (this.kind === 'credit' && (field === 'amount' || field === 'lines' || field.startsWith('line-'))));
      if (shown.some(([field]) => field === 'amount') && this.scope === 'full') this.scope = 'part';
      this.fieldErrors = Object.fromEntries(shown);
      this.dialogMessage = shown.length ? '' : problem.detail;
    } finally {
      this.busy = false;
      this.host.requestUpdate();
    }
  }

  private error(field: string) {
    const text = this.fieldErrors[field];
    return text ? html`<span class="field-error" id=${`c-${field}`} role="alert">${text}</span>` : nothing;
  }

  /** The confirm dialog (always in the tree, opened with `showModal`). */
  renderDialog() {
    const invoice = this.target;
    const locale = this.host.correctionsLocale();
    const left = invoice ? InvoiceCorrections.uncredited(invoice) : 0;
    return html`<dialog data-correction part="correction-dialog" class=${this.kind === 'credit' && this.scope === 'lines' ? 'wide' : ''} aria-labelledby="correction-title" @close=${() => this.onClose()}>
      ${invoice
        ? html`<form @submit=${(e: Event) => this.submit(e)} novalidate>
            <h3 id="correction-title">${this.t(this.kind === 'void' ? 'invoiceList.voidTitle' : 'invoiceList.creditTitle', { number: invoice.displayNumber })}</h3>
            <p data-explain>${this.kind === 'void' ? this.t('invoiceList.voidExplain') : this.t('invoiceList.creditExplain', { amount: this.money(left, invoice.currency) })}</p>
            ${this.kind === 'credit'
              ? html`<fieldset>
                  <legend>${this.t('invoiceList.creditScope')}</legend>
                  <label class="check"><input type="radio" name="scope" value="full" data-scope="full" .checked=${this.scope === 'full'} @change=${() => this.setScope('full')} /> ${this.t('invoiceList.creditFull', { amount: this.money(left, invoice.currency) })}</label>
                  <label class="check"><input type="radio" name="scope" value="part" data-scope="part" .checked=${this.scope === 'part'} @change=${() => this.setScope('part')} /> ${this.t('invoiceList.creditPart')}</label>
                  ${invoice.lines.length ? html`<label class="check"><input type="radio" name="scope" value="lines" data-scope="lines" .checked=${this.scope === 'lines'} @change=${() => this.setScope('lines')} /> ${this.t('invoiceList.creditLines')}</label>` : nothing}
                </fieldset>
                ${this.scope === 'lines' ? this.byLine.render(invoice) : nothing}
                ${this.scope === 'part'
                  ? html`<label>${this.t('invoiceList.amount', { currency: invoice.currency })}
                        <input name="amount" data-field="amount" inputmode="decimal" autocomplete="off" placeholder=${minorToInput(left, invoice.currency, locale)} aria-invalid=${this.fieldErrors.amount ? 'true' : 'false'} aria-describedby=${this.fieldErrors.amount ? 'c-amount' : nothing} />
                      </label>
                      ${this.error('amount')}`
                  : this.scope === 'full' ? this.error('amount') : nothing}`
              : nothing}
            <label>${this.t('invoiceList.reason')}
              <textarea name="reason" data-field="reason" rows="2" maxlength="500" required aria-invalid=${this.fieldErrors.reason ? 'true' : 'false'} aria-describedby=${this.fieldErrors.reason ? 'c-reason' : nothing}></textarea>
            </label>
            ${this.error('reason')}
            <p role="alert" class="field-error" data-correction-message>${this.dialogMessage}</p>
            <div class="actions">
              <button type="submit" class=${this.kind === 'void' ? 'danger' : 'primary'} data-confirm ?disabled=${this.busy}>${this.t(this.kind === 'void' ? 'invoiceList.voidConfirm' : 'invoiceList.creditConfirm')}</button>
              <button type="button" data-correction-cancel @click=${() => this.close()}>${this.t('invoiceList.cancel')}</button>
            </div>
          </form>`
        : nothing}
    </dialog>`;
  }

  /** The buttons of one invoice's row. */
  renderActions(invoice: Invoice) {
    return html`${InvoiceCorrections.can(invoice, 'credit') ? html`<button type="button" data-credit aria-label=${this.t('invoiceList.creditTitle', { number: invoice.displayNumber })} @click=${(e: Event) => this.open(invoice, 'credit', e)}>${this.t('invoiceList.credit')}</button>` : nothing}
    ${InvoiceCorrections.can(invoice, 'void') ? html`<button type="button" data-void aria-label=${this.t('invoiceList.voidTitle', { number: invoice.displayNumber })} @click=${(e: Event) => this.open(invoice, 'void', e)}>${this.t('invoiceList.void')}</button>` : nothing}`;
  }

  /** The credit notes under their invoice, and a void invoice's reason. */
  renderBelow(invoice: Invoice, columns: number, download: (note: CreditNote) => void) {
    const notes = this.notes.get(invoice.id) ?? [];
    if (!notes.length && !invoice.voidReason) return nothing;
    return html`<tr class="below" data-below=${invoice.id}>
      <td colspan=${columns}>
        ${invoice.voidReason ? html`<p class="void-reason" data-void-reason>${this.t('invoiceList.voidReason', { reason: invoice.voidReason })}</p>` : nothing}
        ${notes.length
          ? html`<ul class="notes" aria-label=${this.p('invoiceList.creditNotes', notes.length, { number: invoice.displayNumber })}>
              ${notes.map(
                (n) => html`<li data-credit-note=${n.id}>
                  <span class="note-number">${n.displayNumber}</span>
                  <span>${new Intl.DateTimeFormat(this.host.correctionsLocale(), { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${n.issueDate}T00:00:00Z`))}</span>
                  <span class="amount" data-note-total>−${this.money(n.total, n.currency)}</span>
                  <span class="note-reason">${n.reason}</span>
                  <button type="button" data-note-pdf aria-label=${this.t('invoiceList.pdfFor', { number: n.displayNumber })} @click=${() => download(n)}>${this.t('invoiceList.pdf')}</button>
                </li>`,
              )}
            </ul>`
          : nothing}
      </td>
    </tr>`;
  }
}
