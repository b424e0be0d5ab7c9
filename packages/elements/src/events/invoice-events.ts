import type { CreditNote, Invoice, InvoicePaymentResult } from '../shared/api/invoices.js';
import type { Customer } from '../shared/api/purchase-conditions.js';
import { CrmEvent } from './crm-event.js';

/** Fired after the API recorded a payment; `detail.payment` and `detail.invoice` (its new balance and status). */
export class CrmPaymentRecordedEvent extends CrmEvent<{ payment: InvoicePaymentResult['payment']; invoice: Invoice }> {
  static readonly eventName = 'crm-payment-recorded';
  constructor(detail: { payment: InvoicePaymentResult['payment']; invoice: Invoice }) {
    super(CrmPaymentRecordedEvent.eventName, detail);
  }
}

/** Fired after the API voided an invoice; `detail.invoice` (status `void`, with its reason). */
export class CrmInvoiceVoidedEvent extends CrmEvent<{ invoice: Invoice }> {
  static readonly eventName = 'crm-invoice-voided';
  constructor(detail: { invoice: Invoice }) {
    super(CrmInvoiceVoidedEvent.eventName, detail);
  }
}

/** Fired after the API issued a credit note; `detail.creditNote` and `detail.invoice` (its new balance and status). */
export class CrmCreditNoteCreatedEvent extends CrmEvent<{ creditNote: CreditNote; invoice: Invoice }> {
  static readonly eventName = 'crm-credit-note-created';
  constructor(detail: { creditNote: CreditNote; invoice: Invoice }) {
    super(CrmCreditNoteCreatedEvent.eventName, detail);
  }
}

/** Fired after the API saved an account's purchase conditions; `detail.account` as it now is. */
export class CrmPurchaseConditionsSavedEvent extends CrmEvent<{ account: Customer }> {
  static readonly eventName = 'crm-purchase-conditions-saved';
  constructor(detail: { account: Customer }) {
    super(CrmPurchaseConditionsSavedEvent.eventName, detail);
  }
}

declare global {
  interface HTMLElementEventMap {
    'crm-payment-recorded': CrmPaymentRecordedEvent;
    'crm-invoice-voided': CrmInvoiceVoidedEvent;
    'crm-credit-note-created': CrmCreditNoteCreatedEvent;
    'crm-purchase-conditions-saved': CrmPurchaseConditionsSavedEvent;
  }
}
