import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';
import type { TaxAmount } from '../../platform/money/money.js';
import type { PricedLine } from '../price-books/pricing.js';

/** An order line: the priced line it came from, plus what one unit costs the agency when the rep said so (minor units). */
export type OrderLine = PricedLine & { unitCost: number | null };

export const orderBillingStates = ['open', 'invoiced'] as const;
export type OrderBilling = (typeof orderBillingStates)[number];

/** Who accepted the quote an order came from. */
export interface OrderAcceptance {
  by: 'customer' | 'link' | 'agent';
  customerUserId: Types.ObjectId | null;
  userId: Types.ObjectId | null;
  name: string | null;
  at: Date;
  revision: number;
  total: number;
}

/**
 * An order of an account (issue 21): from an accepted quote (its lines and totals copied from the
 * accepted revision) or entered by an agent. `number` is the tenant's gapless `order` sequence;
 * `sourceKey` (`quote:<id>` or `manual:<id>`) is unique, so a quote makes at most one order.
 */
export interface Order {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  accountId: Types.ObjectId;
  opportunityId: Types.ObjectId | null;
  quoteId: Types.ObjectId | null;
  sourceKey: string;
  number: number | null;
  numberKey: string;
  currency: string;
  status: string;
  poNumber: string | null;
  lines: OrderLine[];
  gross: number;
  discountTotal: number;
  subtotal: number;
  taxes: TaxAmount[];
  taxTotal: number;
  total: number;
  /** Why the credit gate held the order for approval (null when it did not). */
  hold: string | null;
  acceptance: OrderAcceptance | null;
  invoiceId: Types.ObjectId | null;
  /**
   * `open` until the order is on an invoice, then `invoiced` (set with `invoiceId`, in the same write).
   * The monthly run finds uninvoiced orders by this string equality, which FerretDB pushes down to SQL;
   * a null equality (`invoiceId: null`) it filters only after decoding every order.
   */
  billing: OrderBilling;
  createdBy: Types.ObjectId | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

const lineSchema = new Schema<OrderLine>(
  { serviceId: Schema.Types.ObjectId, specId: Schema.Types.ObjectId, description: String, unit: String, quantityMilli: Number, unitPrice: Number, listPrice: Number, discountBp: Number, taxRateBp: Number, gross: Number, discount: Number, net: Number, unitCost: { type: Number, default: null } },
  { _id: false },
);

const acceptanceSchema = new Schema<OrderAcceptance>(
  { by: String, customerUserId: { type: Schema.Types.ObjectId, default: null }, userId: { type: Schema.Types.ObjectId, default: null }, name: { type: String, default: null }, at: Date, revision: Number, total: Number },
  { _id: false },
);

const orderSchema = new Schema<Order>(
  {
    accountId: { type: Schema.Types.ObjectId, required: true },
    opportunityId: { type: Schema.Types.ObjectId, default: null },
    quoteId: { type: Schema.Types.ObjectId, default: null },
    sourceKey: { type: String, required: true },
    number: { type: Number, default: null },
    numberKey: { type: String, required: true },
    currency: { type: String, required: true },
    status: { type: String, required: true },
    poNumber: { type: String, default: null },
    lines: { type: [lineSchema], default: [] },
    gross: Number,
    discountTotal: Number,
    subtotal: Number,
    taxes: { type: [new Schema<TaxAmount>({ rateBp: Number, base: Number, amount: Number }, { _id: false })], default: [] },
    taxTotal: Number,
    total: Number,
    hold: { type: String, default: null },
    acceptance: { type: acceptanceSchema, default: null },
    invoiceId: { type: Schema.Types.ObjectId, default: null },
    billing: { type: String, enum: orderBillingStates, default: 'open' },
    createdBy: { type: Schema.Types.ObjectId, default: null },
  },
  { timestamps: true, versionKey: 'version', optimisticConcurrency: true, minimize: false },
);
orderSchema.plugin(tenantScoped);
orderSchema.index({ tenantId: 1, sourceKey: 1 }, { unique: true });
orderSchema.index({ tenantId: 1, numberKey: 1 }, { unique: true });
orderSchema.index({ tenantId: 1, accountId: 1 });

export function orderModel(connection: Connection): Model<Order> {
  return (connection.models.Order as Model<Order>) ?? connection.model<Order>('Order', orderSchema, 'orders');
}

/**
 * The customer's one decision on a quote: accepted or rejected, unique per quote. Inserting it is the
 * claim that makes acceptance happen once: two acceptances at the same moment insert one row, the
 * other gets the duplicate-key error (FerretDB's conditional updates are not compare-and-set).
 */
export interface QuoteDecision {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  quoteId: Types.ObjectId;
  /** The quote's account: a customer's list reads its decisions by it (one pushed-down equality). */
  accountId: Types.ObjectId | null;
  revision: number;
  decision: 'accepted' | 'rejected';
  by: 'customer' | 'link' | 'agent';
  customerUserId: Types.ObjectId | null;
  userId: Types.ObjectId | null;
  name: string | null;
  reason: string | null;
  poNumber: string | null;
  total: number;
  currency: string;
  at: Date;
}

const decisionSchema = new Schema<QuoteDecision>(
  {
    quoteId: { type: Schema.Types.ObjectId, required: true },
    accountId: { type: Schema.Types.ObjectId, default: null },
    revision: { type: Number, required: true },
    decision: { type: String, enum: ['accepted', 'rejected'], required: true },
    by: { type: String, enum: ['customer', 'link', 'agent'], required: true },
    customerUserId: { type: Schema.Types.ObjectId, default: null },
    userId: { type: Schema.Types.ObjectId, default: null },
    name: { type: String, default: null },
    reason: { type: String, default: null },
    poNumber: { type: String, default: null },
    total: Number,
    currency: String,
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
decisionSchema.plugin(tenantScoped);
decisionSchema.index({ tenantId: 1, quoteId: 1 }, { unique: true });
decisionSchema.index({ tenantId: 1, accountId: 1 });

export function quoteDecisionModel(connection: Connection): Model<QuoteDecision> {
  return (connection.models.QuoteDecision as Model<QuoteDecision>) ?? connection.model<QuoteDecision>('QuoteDecision', decisionSchema, 'quoteDecisions');
}

/** One use of a signed quote link (its `linkId`, unique): a second use of the same link is refused. */
export interface QuoteLinkUse {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  linkId: string;
  quoteId: Types.ObjectId;
  usedAt: Date;
}

const linkUseSchema = new Schema<QuoteLinkUse>({ linkId: { type: String, required: true }, quoteId: { type: Schema.Types.ObjectId, required: true }, usedAt: { type: Date, required: true } }, { versionKey: false });
linkUseSchema.plugin(tenantScoped);
linkUseSchema.index({ tenantId: 1, linkId: 1 }, { unique: true });

export function quoteLinkUseModel(connection: Connection): Model<QuoteLinkUse> {
  return (connection.models.QuoteLinkUse as Model<QuoteLinkUse>) ?? connection.model<QuoteLinkUse>('QuoteLinkUse', linkUseSchema, 'quoteLinkUses');
}
