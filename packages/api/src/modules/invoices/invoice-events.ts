import type { Connection, Types } from 'mongoose';
import { claimOnce } from '../../platform/db/claim-once.js';
import type { EventBus } from '../../platform/events.js';
import type { Invoice } from './invoice.model.js';
import { toInvoiceDto } from './invoices.service.js';

/** The invoice events webhooks can subscribe to (kind `invoice`). */
export const invoiceEventActions = ['issued', 'paid', 'overdue', 'voided', 'credited'] as const;
export type InvoiceEventAction = (typeof invoiceEventActions)[number];

/**
 * Publishes `invoice.issued` (numbered), `invoice.paid` (paid in full) and `invoice.overdue` (open past
 * its due day, seen by the hourly dunning run) exactly once per invoice: the publish follows a claim of
 * `invoice.<action>:<id>` (a unique insert), so a retried write or a second job run publishes nothing.
 */
export function createInvoiceEvents(connection: Connection, events: EventBus | undefined) {
  return {
    /** Publishes the event for the invoice `load` answers, once per invoice and action (claimed before it is loaded). */
    async publishOnce(tenantId: Types.ObjectId, invoiceId: Types.ObjectId, action: InvoiceEventAction, load: () => Promise<Invoice | null>, now = new Date()): Promise<boolean> {
      if (!events) return false;
      if (!(await claimOnce(connection, `invoice.${action}:${String(invoiceId)}`))) return false;
      const invoice = await load();
      if (!invoice) return false;
      await events.publish({ type: `invoice.${action}`, tenantId, resource: 'invoice', resourceId: String(invoiceId), actor: null, record: { ...toInvoiceDto(invoice, now), accountId: String(invoice.accountId) } });
      return true;
    },
  };
}

export type InvoiceEvents = ReturnType<typeof createInvoiceEvents>;
