import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';

export const segmentResources = ['contact', 'customer'] as const;
export const segmentSharing = ['private', 'team', 'agency'] as const;

/**
 * Conditions on purchase history (issue 21 item 7), all of which an account meets: ordered any/all of
 * the products (price-book services), invoiced revenue over the last `months` calendar months at least
 * or at most `amount` (minor units of `currency`), and the last order before/after a date or within N days.
 */
export interface SegmentPurchase {
  products?: { mode: 'any' | 'all'; ids: string[] } | undefined;
  revenue?: { op: 'gte' | 'lte'; amount: number; currency: string; months: number } | undefined;
  lastOrder?: { op: 'before' | 'after' | 'within'; date?: string | undefined; days?: number | undefined } | undefined;
}

/** A saved, named filter over contacts or customers (004), reusable as a campaign audience. */
export interface Segment {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  name: string;
  description: string | null;
  resource: (typeof segmentResources)[number];
  /**
   * List query parameters (the same names and values as the resource's list route), validated on save.
   * Kept as pairs, not a map: names such as `createdAt.gte` and `custom.tier` hold dots, which are
   * never document keys here.
   */
  filters: { param: string; value: string }[];
  /** Purchase-history conditions (customers only), read from each account's purchase summary (modules/credit). */
  purchase: SegmentPurchase | null;
  sharing: (typeof segmentSharing)[number];
  teamId: Types.ObjectId | null;
  ownerId: Types.ObjectId;
  version: number;
  createdAt?: Date;
  updatedAt?: Date;
}

const segmentSchema = new Schema<Segment>(
  {
    name: { type: String, required: true, trim: true, maxlength: 200 },
    description: { type: String, default: null, maxlength: 2000 },
    resource: { type: String, enum: segmentResources, required: true },
    filters: { type: [{ _id: false, param: String, value: String }], default: [] },
    purchase: { type: Schema.Types.Mixed, default: null },
    sharing: { type: String, enum: segmentSharing, default: 'private' },
    teamId: { type: Schema.Types.ObjectId, default: null },
    ownerId: { type: Schema.Types.ObjectId, required: true, index: true },
  },
  { timestamps: true, versionKey: 'version', minimize: false },
);
segmentSchema.plugin(tenantScoped);
segmentSchema.index({ tenantId: 1, sharing: 1, _id: -1 });

export function segmentModel(connection: Connection): Model<Segment> {
  return (connection.models.Segment as Model<Segment>) ?? connection.model<Segment>('Segment', segmentSchema, 'segments');
}
