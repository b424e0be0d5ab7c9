import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';
import type { TaxAmount } from '../../platform/money/money.js';
import type { PricedLine } from '../price-books/pricing.js';

/** A priced line: the price book's spec at the account's price, a quantity, a discount and a tax rate (the resolver's line). */
export type QuoteLine = PricedLine;

/** The amounts of a quote, in minor units of its currency, always computed on the server. */
export interface QuoteTotals {
  gross: number;
  discountTotal: number;
  subtotal: number;
  taxes: TaxAmount[];
  taxTotal: number;
  total: number;
}

/** A quote on an opportunity (issue 21). Its visibility is its opportunity's. */
export interface Quote extends QuoteTotals {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  opportunityId: Types.ObjectId;
  accountId: Types.ObjectId | null;
  title: string;
  currency: string;
  status: string;
  /** The content version: a sent quote that is edited becomes the next revision (and a draft again). */
  revision: number;
  validUntil: Date;
  priceDate: Date;
  lines: QuoteLine[];
  notes: string | null;
  sentRevision: number | null;
  sentAt: Date | null;
  createdBy: Types.ObjectId | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

const lineSchema = new Schema<QuoteLine>(
  {
    serviceId: { type: Schema.Types.ObjectId, required: true },
    specId: { type: Schema.Types.ObjectId, required: true },
    description: String,
    unit: String,
    quantityMilli: Number,
    unitPrice: Number,
    listPrice: Number,
    discountBp: Number,
    taxRateBp: Number,
    gross: Number,
    discount: Number,
    net: Number,
  },
  { _id: false },
);
const taxSchema = new Schema<TaxAmount>({ rateBp: Number, base: Number, amount: Number }, { _id: false });

const quoteSchema = new Schema<Quote>(
  {
    opportunityId: { type: Schema.Types.ObjectId, required: true },
    accountId: { type: Schema.Types.ObjectId, default: null },
    title: { type: String, required: true, maxlength: 200 },
    currency: { type: String, required: true },
    status: { type: String, required: true },
    revision: { type: Number, default: 1 },
    validUntil: { type: Date, required: true },
    priceDate: { type: Date, required: true },
    lines: { type: [lineSchema], default: [] },
    notes: { type: String, default: null },
    gross: Number,
    discountTotal: Number,
    subtotal: Number,
    taxes: { type: [taxSchema], default: [] },
    taxTotal: Number,
    total: Number,
    sentRevision: { type: Number, default: null },
    sentAt: { type: Date, default: null },
    createdBy: { type: Schema.Types.ObjectId, default: null },
  },
  { timestamps: true, versionKey: 'version', optimisticConcurrency: true },
);
quoteSchema.plugin(tenantScoped);
quoteSchema.index({ tenantId: 1, opportunityId: 1 });

export function quoteModel(connection: Connection): Model<Quote> {
  return (connection.models.Quote as Model<Quote>) ?? connection.model<Quote>('Quote', quoteSchema, 'quotes');
}

/**
 * One sent version of a quote, as the customer got it: the ledger that makes a send happen once per
 * revision (unique per quote and revision) and the record acceptance will point at.
 */
export interface QuoteRevision {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  quoteId: Types.ObjectId;
  revision: number;
  state: 'sending' | 'sent';
  to: string[];
  snapshot: Record<string, unknown>;
  messageId: string | null;
  sentBy: Types.ObjectId;
  sentAt: Date | null;
}

const revisionSchema = new Schema<QuoteRevision>(
  {
    quoteId: { type: Schema.Types.ObjectId, required: true },
    revision: { type: Number, required: true },
    state: { type: String, enum: ['sending', 'sent'], required: true },
    to: { type: [String], default: [] },
    snapshot: { type: Schema.Types.Mixed, default: () => ({}) },
    messageId: { type: String, default: null },
    sentBy: { type: Schema.Types.ObjectId, required: true },
    sentAt: { type: Date, default: null },
  },
  { versionKey: false, minimize: false },
);
revisionSchema.plugin(tenantScoped);
revisionSchema.index({ tenantId: 1, quoteId: 1, revision: 1 }, { unique: true });

export function quoteRevisionModel(connection: Connection): Model<QuoteRevision> {
  return (connection.models.QuoteRevision as Model<QuoteRevision>) ?? connection.model<QuoteRevision>('QuoteRevision', revisionSchema, 'quoteRevisions');
}

/** The agency's quote branding and its editable handlebars texts (PDF and email). */
export interface QuoteSettings {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  /** Always 'quote': the top-level key of the one settings document per agency (unique with tenantId). */
  scope: 'quote';
  companyName: string | null;
  accentColor: string;
  introTemplate: string;
  termsTemplate: string;
  emailSubjectTemplate: string;
  emailBodyTemplate: string;
}

const settingsSchema = new Schema<QuoteSettings>(
  {
    scope: { type: String, default: 'quote' },
    companyName: { type: String, default: null },
    accentColor: { type: String, default: '#1f4e79' },
    introTemplate: String,
    termsTemplate: String,
    emailSubjectTemplate: String,
    emailBodyTemplate: String,
  },
  { versionKey: false },
);
settingsSchema.plugin(tenantScoped);
settingsSchema.index({ tenantId: 1, scope: 1 }, { unique: true });

export function quoteSettingsModel(connection: Connection): Model<QuoteSettings> {
  return (connection.models.QuoteSettings as Model<QuoteSettings>) ?? connection.model<QuoteSettings>('QuoteSettings', settingsSchema, 'quoteSettings');
}
