import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';
import type { TaxAmount } from '../../platform/money/money.js';
import type { PricedLine } from '../price-books/pricing.js';

/**
 * An invoice of an account (issue 21). `number` is the tenant's gapless sequence, written once by the
 * numbering sequence; `numberKey` carries the unique index (`n:<number>` once numbered, `pending:<id>`
 * before, since a unique index may not hold two nulls and partial indexes are outside the subset).
 */
export const invoiceStatuses = ['issued', 'partiallyPaid', 'paid', 'void', 'credited'] as const;
export type InvoiceStatus = (typeof invoiceStatuses)[number];

export interface Invoice {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  accountId: Types.ObjectId;
  quoteId: Types.ObjectId | null;
  number: number | null;
  numberKey: string;
  currency: string;
  /** Stored state; 'overdue' is derived when read (open and past its due day). */
  status: InvoiceStatus;
  orderId: Types.ObjectId | null;
  poNumber: string | null;
  /** The sum of the payments applied to it, and what was paid beyond the total as an explicit credit. */
  amountPaid: number;
  credit: number;
  /** The sum of its credit notes (invoice-corrections.ts): what the customer no longer owes. */
  credited?: number;
  voidedAt?: Date | null;
  voidReason?: string | null;
  paidAt: Date | null;
  sentAt: Date | null;
  issueDate: Date;
  dueDate: Date;
  lines: PricedLine[];
  gross: number;
  discountTotal: number;
  subtotal: number;
  taxes: TaxAmount[];
  taxTotal: number;
  total: number;
  createdBy: Types.ObjectId | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

const lineSchema = new Schema<PricedLine>(
  { serviceId: Schema.Types.ObjectId, specId: Schema.Types.ObjectId, description: String, unit: String, quantityMilli: Number, unitPrice: Number, listPrice: Number, discountBp: Number, taxRateBp: Number, gross: Number, discount: Number, net: Number },
  { _id: false },
);

const invoiceSchema = new Schema<Invoice>(
  {
    accountId: { type: Schema.Types.ObjectId, required: true },
    quoteId: { type: Schema.Types.ObjectId, default: null },
    number: { type: Number, default: null },
    numberKey: { type: String, required: true },
    currency: { type: String, required: true },
    status: { type: String, enum: invoiceStatuses, default: 'issued' },
    orderId: { type: Schema.Types.ObjectId, default: null },
    poNumber: { type: String, default: null },
    amountPaid: { type: Number, default: 0 },
    credit: { type: Number, default: 0 },
    credited: { type: Number, default: 0 },
    voidedAt: { type: Date, default: null },
    voidReason: { type: String, default: null },
    paidAt: { type: Date, default: null },
    sentAt: { type: Date, default: null },
    issueDate: { type: Date, required: true },
    dueDate: { type: Date, required: true },
    lines: { type: [lineSchema], default: [] },
    gross: Number,
    discountTotal: Number,
    subtotal: Number,
    taxes: { type: [new Schema<TaxAmount>({ rateBp: Number, base: Number, amount: Number }, { _id: false })], default: [] },
    taxTotal: Number,
    total: Number,
    createdBy: { type: Schema.Types.ObjectId, default: null },
  },
  { timestamps: true, versionKey: 'version' },
);
invoiceSchema.plugin(tenantScoped);
invoiceSchema.index({ tenantId: 1, numberKey: 1 }, { unique: true });
invoiceSchema.index({ tenantId: 1, accountId: 1 });

export function invoiceModel(connection: Connection): Model<Invoice> {
  return (connection.models.Invoice as Model<Invoice>) ?? connection.model<Invoice>('Invoice', invoiceSchema, 'invoices');
}

/** A payment against an invoice; `seq` (unique per invoice) is the claim that orders payments of one invoice. */
export interface InvoicePayment {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  invoiceId: Types.ObjectId;
  accountId: Types.ObjectId;
  seq: number;
  amount: number;
  /** The part beyond the open balance, kept as the account's credit (only with `asCredit`). */
  credit: number;
  date: Date;
  method: string;
  reference: string | null;
  createdBy: Types.ObjectId | null;
  createdAt: Date;
}

const paymentSchema = new Schema<InvoicePayment>(
  {
    invoiceId: { type: Schema.Types.ObjectId, required: true },
    accountId: { type: Schema.Types.ObjectId, required: true },
    seq: { type: Number, required: true },
    amount: { type: Number, required: true },
    credit: { type: Number, default: 0 },
    date: { type: Date, required: true },
    method: { type: String, required: true },
    reference: { type: String, default: null },
    createdBy: { type: Schema.Types.ObjectId, default: null },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);
paymentSchema.plugin(tenantScoped);
paymentSchema.index({ tenantId: 1, invoiceId: 1, seq: 1 }, { unique: true });
paymentSchema.index({ tenantId: 1, accountId: 1 });

export function invoicePaymentModel(connection: Connection): Model<InvoicePayment> {
  return (connection.models.InvoicePayment as Model<InvoicePayment>) ?? connection.model<InvoicePayment>('InvoicePayment', paymentSchema, 'invoice_payments');
}

/** A step of an agency's dunning schedule: days from the due day (negative: before), and its texts. */
export interface DunningStep {
  key: string;
  offsetDays: number;
  subjectTemplate: string;
  bodyTemplate: string;
  /** The step's texts in other languages (issue 21): chosen by the account's language, else these above. */
  translations?: DunningTranslation[];
}

export interface DunningTranslation {
  language: string;
  subjectTemplate: string;
  bodyTemplate: string;
}

export interface DunningSettings {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  /** Always 'dunning': with the tenant, the unique key of the one settings document. */
  scope: string;
  enabled: boolean;
  steps: DunningStep[];
  version: number;
}

const dunningSchema = new Schema<DunningSettings>(
  {
    scope: { type: String, default: 'dunning' },
    enabled: { type: Boolean, default: true },
    steps: {
      type: [
        new Schema<DunningStep>(
          { key: String, offsetDays: Number, subjectTemplate: String, bodyTemplate: String, translations: { type: [new Schema<DunningTranslation>({ language: String, subjectTemplate: String, bodyTemplate: String }, { _id: false })], default: [] } },
          { _id: false },
        ),
      ],
      default: [],
    },
  },
  { timestamps: true, versionKey: 'version' },
);
dunningSchema.plugin(tenantScoped);
dunningSchema.index({ tenantId: 1, scope: 1 }, { unique: true });

export function dunningSettingsModel(connection: Connection): Model<DunningSettings> {
  return (connection.models.DunningSettings as Model<DunningSettings>) ?? connection.model<DunningSettings>('DunningSettings', dunningSchema, 'dunning_settings');
}

export type InvoiceMailState = 'claimed' | 'sending' | 'sent' | 'failed' | 'skipped' | 'uncertain';

/**
 * The invoice mail ledger: one entry per message that must go out at most once (`send` of an invoice,
 * each dunning step of an invoice). `_id` is the key, so the insert is the claim; see invoice-mail.ts.
 */
export interface InvoiceMail {
  _id: string;
  tenantId: Types.ObjectId;
  invoiceId: Types.ObjectId;
  accountId: Types.ObjectId;
  kind: 'invoice' | 'reminder';
  step: string | null;
  /** Whose mailbox sends it (the user who created the invoice); null: the agency's. */
  userId: Types.ObjectId | null;
  state: InvoiceMailState;
  attempt: number;
  runId: string;
  to: string[];
  messageId: string;
  error: string | null;
  sentAt: Date | null;
  createdAt: Date;
}

const invoiceMailSchema = new Schema<InvoiceMail>(
  {
    _id: { type: String, required: true },
    invoiceId: { type: Schema.Types.ObjectId, required: true },
    accountId: { type: Schema.Types.ObjectId, required: true },
    kind: { type: String, required: true },
    step: { type: String, default: null },
    userId: { type: Schema.Types.ObjectId, default: null },
    state: { type: String, required: true },
    attempt: { type: Number, default: 1 },
    runId: { type: String, required: true },
    to: { type: [String], default: [] },
    messageId: { type: String, required: true },
    error: { type: String, default: null },
    sentAt: { type: Date, default: null },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
invoiceMailSchema.plugin(tenantScoped);
invoiceMailSchema.index({ tenantId: 1, invoiceId: 1 });

export function invoiceMailModel(connection: Connection): Model<InvoiceMail> {
  return (connection.models.InvoiceMail as Model<InvoiceMail>) ?? connection.model<InvoiceMail>('InvoiceMail', invoiceMailSchema, 'invoice_mails');
}
