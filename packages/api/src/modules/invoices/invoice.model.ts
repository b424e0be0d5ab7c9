import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';
import type { TaxAmount } from '../../platform/money/money.js';
import type { PricedLine } from '../price-books/pricing.js';

/**
 * An invoice of an account (issue 21). `number` is the tenant's gapless sequence, written once by the
 * numbering sequence; `numberKey` carries the unique index (`n:<number>` once numbered, `pending:<id>`
 * before, since a unique index may not hold two nulls and partial indexes are outside the subset).
 */
export interface Invoice {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  accountId: Types.ObjectId;
  quoteId: Types.ObjectId | null;
  number: number | null;
  numberKey: string;
  currency: string;
  status: 'issued' | 'paid' | 'void';
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
    status: { type: String, enum: ['issued', 'paid', 'void'], default: 'issued' },
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
