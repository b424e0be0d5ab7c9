import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';
import { invalidatesAccess } from '../../platform/access/access-epoch.js';

/** A product: in 002 a conference with a 3-month cycle, worked on by teams of one department. */
export interface Product {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  name: string;
  code?: string | null;
  description?: string;
  cycleStart: Date | null;
  cycleEnd: Date | null;
  status: 'active' | 'disabled';
  locked: boolean;
  departmentId: Types.ObjectId | null;
  teamIds: Types.ObjectId[];
  userIds: Types.ObjectId[];
  lockedAt?: Date | null;
  lockedBy?: Types.ObjectId | null;
  version: number;
  createdAt?: Date;
  updatedAt?: Date;
}

const productSchema = new Schema<Product>(
  {
    name: { type: String, required: true, trim: true, maxlength: 200 },
    code: { type: String, default: null, maxlength: 60 },
    description: { type: String, maxlength: 2000 },
    cycleStart: { type: Date, default: null },
    cycleEnd: { type: Date, default: null },
    status: { type: String, enum: ['active', 'disabled'], default: 'active', index: true },
    locked: { type: Boolean, default: false },
    departmentId: { type: Schema.Types.ObjectId, default: null },
    teamIds: { type: [Schema.Types.ObjectId], default: [] },
    userIds: { type: [Schema.Types.ObjectId], default: [] },
    lockedAt: { type: Date, default: null },
    lockedBy: { type: Schema.Types.ObjectId, default: null },
  },
  { timestamps: true, versionKey: 'version', optimisticConcurrency: true },
);
productSchema.plugin(tenantScoped);
productSchema.plugin(invalidatesAccess);
productSchema.index({ tenantId: 1, status: 1, _id: -1 });

export function productModel(connection: Connection): Model<Product> {
  return (connection.models.Product as Model<Product>) ?? connection.model<Product>('Product', productSchema, 'products');
}
