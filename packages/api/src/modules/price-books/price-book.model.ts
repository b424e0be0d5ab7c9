import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';

/** A price of one spec in one currency, valid from a day (inclusive) to a day (exclusive); null = open. */
export interface SpecPrice {
  currency: string;
  /** Minor units of the currency (cents). */
  unitPrice: number;
  validFrom: Date | null;
  validTo: Date | null;
}

/** 003: a spec of a service with its unit of measure and prices per currency. */
export interface ServiceSpec {
  id: Types.ObjectId;
  name: string;
  unit: string;
  prices: SpecPrice[];
}

/** 003: a service of the price book. */
export interface PriceBookService {
  id: Types.ObjectId;
  name: string;
  specs: ServiceSpec[];
}

/**
 * A price book (003): services, their specs with unit and prices per currency. Accounts link to it
 * through their `finance.priceBookId`, so one book serves many accounts; `isDefault` is the book used
 * for an opportunity without an account or an account without a book. Its services are small and read
 * whole, so they are one array rewritten whole under the version check.
 */
export interface PriceBook {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  name: string;
  description: string | null;
  isDefault: boolean;
  status: 'active' | 'archived';
  services: PriceBookService[];
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

const priceSchema = new Schema<SpecPrice>(
  { currency: { type: String, required: true }, unitPrice: { type: Number, required: true }, validFrom: { type: Date, default: null }, validTo: { type: Date, default: null } },
  { _id: false },
);
const specSchema = new Schema<ServiceSpec>({ id: { type: Schema.Types.ObjectId, required: true }, name: { type: String, required: true }, unit: { type: String, required: true }, prices: { type: [priceSchema], default: [] } }, { _id: false });
const serviceSchema = new Schema<PriceBookService>({ id: { type: Schema.Types.ObjectId, required: true }, name: { type: String, required: true }, specs: { type: [specSchema], default: [] } }, { _id: false });

const priceBookSchema = new Schema<PriceBook>(
  {
    name: { type: String, required: true, trim: true, maxlength: 200 },
    description: { type: String, default: null },
    isDefault: { type: Boolean, default: false },
    status: { type: String, enum: ['active', 'archived'], default: 'active' },
    services: { type: [serviceSchema], default: [] },
  },
  { timestamps: true, versionKey: 'version', optimisticConcurrency: true },
);
priceBookSchema.plugin(tenantScoped);
priceBookSchema.index({ tenantId: 1, isDefault: 1 });

export function priceBookModel(connection: Connection): Model<PriceBook> {
  return (connection.models.PriceBook as Model<PriceBook>) ?? connection.model<PriceBook>('PriceBook', priceBookSchema, 'priceBooks');
}
