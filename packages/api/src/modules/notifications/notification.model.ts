import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';

/** One entry of a user's in-app inbox. */
export interface Notification {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  userId: Types.ObjectId;
  category: string;
  title: string;
  body: string;
  link: string | null;
  resource: string | null;
  resourceId: string | null;
  readAt: Date | null;
  /** Exactly-once key ("campaign.activated:<id>:<at>", "reminder:<task>:<due>"); a random filler for ad-hoc ones. */
  dedupeKey: string;
  createdAt: Date;
}

const notificationSchema = new Schema<Notification>(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    category: { type: String, required: true },
    title: { type: String, required: true, maxlength: 300 },
    body: { type: String, default: '', maxlength: 5000 },
    link: { type: String, default: null },
    resource: { type: String, default: null },
    resourceId: { type: String, default: null },
    readAt: { type: Date, default: null },
    dedupeKey: { type: String, required: true },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
notificationSchema.plugin(tenantScoped);
notificationSchema.index({ tenantId: 1, userId: 1, _id: -1 });
notificationSchema.index({ tenantId: 1, userId: 1, readAt: 1 });
// The same event, reminder or summary lands in an inbox once, however many workers handle it.
notificationSchema.index({ tenantId: 1, dedupeKey: 1 }, { unique: true });

export function notificationModel(connection: Connection): Model<Notification> {
  return (connection.models.Notification as Model<Notification>) ?? connection.model<Notification>('Notification', notificationSchema, 'notifications');
}
