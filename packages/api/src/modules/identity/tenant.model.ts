import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';

const addressSchema = new Schema(
  { line1: String, line2: String, city: String, state: String, country: String, postalCode: String },
  { _id: false },
);

/** An agency: the tenant that owns every other record. */
const tenantSchema = new Schema(
  {
    name: { type: String, required: true, trim: true, maxlength: 200 },
    slug: { type: String, required: true, lowercase: true, trim: true },
    type: { type: String, trim: true, maxlength: 100 },
    address: { type: addressSchema, default: undefined },
    settings: {
      timeZone: { type: String, default: 'UTC' },
      locale: { type: String, default: 'en' },
      currency: { type: String, default: 'USD' },
      auditRetentionMonths: { type: Number, default: 24, min: 1, max: 120 },
      // Rows the agency's import runs may handle per day; null: the server's IMPORT_DAILY_ROW_CAP.
      importDailyRowCap: { type: Number, default: null, min: 0 },
    },
    status: { type: String, enum: ['active', 'suspended'], default: 'active' },
  },
  { timestamps: true, optimisticConcurrency: true, versionKey: 'version' },
);
tenantSchema.index({ slug: 1 }, { unique: true });

export type Tenant = InferSchemaType<typeof tenantSchema> & { _id: Types.ObjectId };

export function tenantModel(connection: Connection): Model<Tenant> {
  return (connection.models.Tenant as Model<Tenant>) ?? connection.model<Tenant>('Tenant', tenantSchema, 'tenants');
}
