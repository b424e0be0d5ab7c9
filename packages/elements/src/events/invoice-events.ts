import type { Invoice, InvoicePaymentResult } from '../shared/api/invoices.js';
import { CrmEvent } from './crm-event.js';

/** Fired after the API recorded a payment; `detail.payment` and `detail.invoice` (its new balance and status). */
export class CrmPaymentRecordedEvent extends CrmEvent<{ payment: InvoicePaymentResult['payment']; invoice: Invoice }> {
  static readonly eventName = 'crm-payment-recorded';
  constructor(detail: { payment: InvoicePaymentResult['payment']; invoice: Invoice }) {
    super(CrmPaymentRecordedEvent.eventName, detail);
  }
}

declare global {
  interface HTMLElementEventMap {
    'crm-payment-recorded': CrmPaymentRecordedEvent;
  }
}
