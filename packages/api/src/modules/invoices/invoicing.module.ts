import type { Connection, Types } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import type { Jobs } from '../../platform/jobs/jobs.js';
import type { RouteSpec } from '../../platform/http/route.js';
import { activityModel } from '../activities/activity.model.js';
import { createCreditService } from '../credit/credit.service.js';
import { contactModel } from '../contacts/contact.model.js';
import { customerModel } from '../customers/customer.model.js';
import { tenantModel } from '../identity/tenant.model.js';
import type { MailSettingsService } from '../mail-settings/mail-settings.service.js';
import type { PriceBooksService } from '../price-books/price-books.service.js';
import type { EventBus } from '../../platform/events.js';
import { syncListRowsWhere } from '../../platform/lists/list-rows.js';
import { createInvoiceEvents } from './invoice-events.js';
import { createDunningSettings, defineDunningJob, entryMessage, runDunning } from './dunning.js';
import { invoiceMailRoutes } from './invoice-mail.routes.js';
import type { Branding } from './invoice-document.js';
import { createInvoiceMail } from './invoice-mail.js';
import { defineMonthlyInvoicingJob, runMonthlyInvoicing } from './monthly-invoicing.js';
import type { InvoiceMail } from './invoice.model.js';
import { createInvoiceCorrections } from './invoice-corrections.js';
import { invoiceCorrectionRoutes } from './invoice-corrections.routes.js';
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
  const accountById = async (tenantId: Types.ObjectId, id: Types.ObjectId) => Customer.findOne({ tenantId, _id: id }).select('name emails billingUnits finance preferences').lean<InvoicedAccount>();
  const Contact = contactModel(connection);
  const Tenant = tenantModel(connection);
  const tenantLanguage = async (tenantId: Types.ObjectId) => (await Tenant.findOne({ _id: tenantId }).select('settings.locale').lean<{ settings?: { locale?: string | null } | null }>())?.settings?.locale || 'en';
  /**
   * The one rule for the language of an account's invoice mail and payment reminders (issue 21): its
   * billing contact's (a contact of the account whose role names billing, in the account's order), else
   * the account's (`preferences.language`), else the agency's. Reads by `_id` only.
   */
  const mailLanguage = async (tenantId: Types.ObjectId, accountId: Types.ObjectId) => {
    const account = await Customer.findOne({ tenantId, _id: accountId }).select('contacts preferences').lean<{ contacts?: { contactId: Types.ObjectId; role: string }[]; preferences?: { language?: string | null } | null }>();
    for (const entry of (account?.contacts ?? []).filter((c) => /billing|rechnung/i.test(c.role ?? ''))) {
      const contact = await Contact.findOne({ tenantId, _id: entry.contactId }).select('language').lean<{ language?: string | null }>();
      if (contact?.language) return contact.language;
    }
    return account?.preferences?.language || tenantLanguage(tenantId);
  };

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
    mailLanguage,
    mail,
    async storePaymentStats(tenantId: Types.ObjectId, accountId: Types.ObjectId, stats: PaymentStats) {
      await Customer.updateOne({ tenantId, _id: accountId }, { $set: { 'finance.paymentStats': stats } }, { timestamps: false });
      // The account's list row (and so its list pages and kept record) carries its payment stats too.
      await syncListRowsWhere(connection, 'customer', { tenantId, _id: accountId });
    },
  });
  const dunningSettings = createDunningSettings(connection);
  const credit = createCreditService(connection);
  const corrections = createInvoiceCorrections(connection, {
    invoices,
    // The account's credit limit and purchase summary (segment revenue) follow a credit note or void at once.
    accountChanged: async (tenantId, accountId) => {
      await credit.recalculateAccount(tenantId, accountId);
    },
    account: options.account,
    branding: options.branding,
    events: options.events,
    async log(tenantId, accountId, userId, title, tag) {
      await Activity.create({ tenantId, type: 'note', title: title.slice(0, 300), body: title, subject: { type: 'customer', id: accountId }, subjectType: 'customer', subjectId: accountId, occurredAt: new Date(), ownerId: userId, tags: [tag] });
    },
  });
  const portal = createPortalInvoices(connection, invoices, accountById, corrections);
  const dunningDeps = { connection, mail, invoices, accountById, branding: options.branding, mailLanguage, overdue: (tenantId: Types.ObjectId, id: Types.ObjectId) => invoiceEvents.publishOnce(tenantId, id, 'overdue', () => invoices.byId(tenantId, id)) };
  const monthlyDeps = { connection, invoices, accountById };
  if (options.jobs) {
    defineDunningJob({ ...dunningDeps, jobs: options.jobs });
    defineMonthlyInvoicingJob({ ...monthlyDeps, jobs: options.jobs });
  }
  const resendUncertain = (tenantId: Types.ObjectId, keys: string[] | null) => mail.resendUncertain(tenantId, keys, (entry) => entryMessage(dunningDeps, entry, new Date()));
  const routes: RouteSpec[] = [...invoiceRoutes(invoices, dunningSettings, portal), ...invoiceCorrectionRoutes(corrections, invoices, portal, accountById), ...invoiceMailRoutes({ uncertain: mail.uncertain, resendUncertain })];
  return { routes, invoices, corrections, mail, dunningSettings, runDunning: (now: Date) => runDunning(dunningDeps, now), runMonthlyInvoicing: (now: Date) => runMonthlyInvoicing(monthlyDeps, now) };
}

export type Invoicing = ReturnType<typeof buildInvoicing>;
