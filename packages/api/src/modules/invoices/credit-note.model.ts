import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';
import type { TaxAmount } from '../../platform/money/money.js';

/** A line of a credit note: an invoice line credited in part or in full, or an amount credited. */
export interface CreditNoteLine {
  /** The invoice line credited (its index), or null for an amount credited on the whole invoice. */
  lineIndex: number | null;
  description: string;
  unit: string;
  quantityMilli: number;
  unitPrice: number;
  discountBp: number;
  taxRateBp: number;
  net: number;
}

/**
 * A credit note (issue 21): corrects an issued invoice, which itself is never edited. `seq` (unique
 * per invoice) is the claim that orders the credit notes of one invoice, so two concurrent ones cannot
 * both be checked against the same open amount; `number` is the tenant's own gapless credit note
 * sequence (`numberKey` as for invoices: `n:<number>` once numbered, `pending:<id>` before).
 */
export interface CreditNote {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  invoiceId: Types.ObjectId;
  accountId: Types.ObjectId;
  seq: number;
  number: number | null;
  numberKey: string;
  currency: string;
  reason: string;
  issueDate: Date;
  lines: CreditNoteLine[];
  subtotal: number;
  taxes: TaxAmount[];
  taxTotal: number;
  total: number;
  createdBy: Types.ObjectId | null;
  createdAt: Date;
}

const lineSchema = new Schema<CreditNoteLine>(
  { lineIndex: { type: Number, default: null }, description: String, unit: String, quantityMilli: Number, unitPrice: Number, discountBp: Number, taxRateBp: Number, net: Number },
  { _id: false },
);

const creditNoteSchema = new Schema<CreditNote>(
  {
    invoiceId: { type: Schema.Types.ObjectId, required: true },
    accountId: { type: Schema.Types.ObjectId, required: true },
    seq: { type: Number, required: true },
    number: { type: Number, default: null },
    numberKey: { type: String, required: true },
    currency: { type: String, required: true },
    reason: { type: String, required: true },
    issueDate: { type: Date, required: true },
    lines: { type: [lineSchema], default: [] },
    subtotal: Number,
    taxes: { type: [new Schema<TaxAmount>({ rateBp: Number, base: Number, amount: Number }, { _id: false })], default: [] },
    taxTotal: Number,
    total: Number,
    createdBy: { type: Schema.Types.ObjectId, default: null },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
creditNoteSchema.plugin(tenantScoped);
creditNoteSchema.index({ tenantId: 1, invoiceId: 1, seq: 1 }, { unique: true });
creditNoteSchema.index({ tenantId: 1, numberKey: 1 }, { unique: true });
creditNoteSchema.index({ tenantId: 1, accountId: 1 });

export function creditNoteModel(connection: Connection): Model<CreditNote> {
  return (connection.models.CreditNote as Model<CreditNote>) ?? connection.model<CreditNote>('CreditNote', creditNoteSchema, 'credit_notes');
}
