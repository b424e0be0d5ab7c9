import type { Connection, Types } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import type { Jobs } from '../../platform/jobs/jobs.js';
import type { RouteSpec } from '../../platform/http/route.js';
import { activityModel } from '../activities/activity.model.js';
import { customerModel } from '../customers/customer.model.js';
import type { MailSettingsService } from '../mail-settings/mail-settings.service.js';
import type { PriceBooksService } from '../price-books/price-books.service.js';
import type { EventBus } from '../../platform/events.js';
import { createInvoiceEvents } from './invoice-events.js';
import { createDunningSettings, defineDunningJob, runDunning } from './dunning.js';
import type { Branding } from './invoice-document.js';
import { createInvoiceMail } from './invoice-mail.js';
import { defineMonthlyInvoicingJob, runMonthlyInvoicing } from './monthly-invoicing.js';
import type { InvoiceMail } from './invoice.model.js';
import { invoiceRoutes } from './invoices.routes.js';
import { createInvoicesService, createPortalInvoices, type InvoicedAccount, type PaymentStats } from './invoices.service.js';

export interface InvoicingOptions {
  connection: Connection;
  priceBooks: PriceBooksService;
  mailSettings: Pick<MailSettingsService, 'sendAs' | 'routeFor'>;
  account: (principal: Principal, id: string) => Promise<InvoicedAccount>;
  /** The agency's name and accent colour (quote settings). */
  branding: (tenantId: Types.ObjectId) => Promise<Branding>;
  /** The run lease of invoice mail (MAIL_SEND_LEASE_MS). */
  leaseMs: number;
  /** Production never reports a message sent that could only reach the local outbox. */
  production: boolean;
  jobs?: Jobs;
  /** Where `invoice.issued`, `invoice.paid` and `invoice.overdue` are published (webhooks subscribe). */
  events?: EventBus;
}

/**
 * Invoices wired: the service, the invoice mail ledger (automatic sending and reminders, once each), the
 * dunning settings and job, the agents' routes and the customer portal's. Accounts are read by their
 * tenant and id for the jobs; the timeline entry of a mailed invoice or reminder is an outbound email
 * activity on the account.
 */
export function buildInvoicing(options: InvoicingOptions) {
  const { connection } = options;
  const Customer = customerModel(connection);
  const Activity = activityModel(connection);
  const accountById = async (tenantId: Types.ObjectId, id: Types.ObjectId) => Customer.findOne({ tenantId, _id: id }).select('name emails billingUnits finance').lean<InvoicedAccount>();

  const mail = createInvoiceMail({
    connection,
    leaseMs: options.leaseMs,
    async send(tenantId, userId, message) {
      const route = await options.mailSettings.routeFor(tenantId, userId);
      if (options.production && !route.delivers) throw new Error('no SMTP server is configured (PUT /v1/mail-settings or SMTP_URL)');
      return options.mailSettings.sendAs(tenantId, userId, message);
    },
    async log(entry: InvoiceMail, subject: string) {
      const what = entry.kind === 'invoice' ? 'Invoice sent' : `Payment reminder (${entry.step}) sent`;
      await Activity.create({
        tenantId: entry.tenantId,
        type: 'email',
        title: `${what}: ${subject}`.slice(0, 300),
        body: `To ${entry.to.join(', ')}, Message-ID ${entry.messageId}`,
        subject: { type: 'customer', id: entry.accountId },
        subjectType: 'customer',
        subjectId: entry.accountId,
        occurredAt: entry.sentAt ?? new Date(),
        direction: 'outbound',
        ownerId: entry.userId ?? null,
        tags: [entry.kind === 'invoice' ? 'invoice' : 'payment-reminder'],
      });
    },
  });

  const invoiceEvents = createInvoiceEvents(connection, options.events);
  const invoices = createInvoicesService(connection, {
    published: (tenantId, id, action, load) => invoiceEvents.publishOnce(tenantId, id, action, load),
    priceBooks: options.priceBooks,
    account: options.account,
    accountById,
    branding: options.branding,
    mail,
    async storePaymentStats(tenantId: Types.ObjectId, accountId: Types.ObjectId, stats: PaymentStats) {
      await Customer.updateOne({ tenantId, _id: accountId }, { $set: { 'finance.paymentStats': stats } }, { timestamps: false });
    },
  });
  const dunningSettings = createDunningSettings(connection);
  const portal = createPortalInvoices(connection, invoices, accountById);
  const dunningDeps = { connection, mail, invoices, accountById, branding: options.branding, overdue: (tenantId: Types.ObjectId, id: Types.ObjectId) => invoiceEvents.publishOnce(tenantId, id, 'overdue', () => invoices.byId(tenantId, id)) };
  const monthlyDeps = { connection, invoices, accountById };
  if (options.jobs) {
    defineDunningJob({ ...dunningDeps, jobs: options.jobs });
    defineMonthlyInvoicingJob({ ...monthlyDeps, jobs: options.jobs });
  }
  const routes: RouteSpec[] = invoiceRoutes(invoices, dunningSettings, portal);
  return { routes, invoices, mail, dunningSettings, runDunning: (now: Date) => runDunning(dunningDeps, now), runMonthlyInvoicing: (now: Date) => runMonthlyInvoicing(monthlyDeps, now) };
}

export type Invoicing = ReturnType<typeof buildInvoicing>;
