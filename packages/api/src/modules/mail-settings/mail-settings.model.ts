import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';

/** An SMTP account: the agency's (userId null) or one user's own mailbox (002). The password is sealed. */
export interface MailSettings {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  userId: Types.ObjectId | null;
  /** "tenant" or the user's id: one account per owner (a top-level unique key). */
  ownerKey: string;
  host: string;
  port: number;
  secure: boolean;
  username: string | null;
  passwordSealed: string | null;
  fromName: string | null;
  fromEmail: string;
  updatedAt: Date;
  createdAt: Date;
}

const mailSettingsSchema = new Schema<MailSettings>(
  {
    userId: { type: Schema.Types.ObjectId, default: null },
    ownerKey: { type: String, required: true },
    host: { type: String, required: true },
    port: { type: Number, required: true },
    secure: { type: Boolean, default: false },
    username: { type: String, default: null },
    passwordSealed: { type: String, default: null },
    fromName: { type: String, default: null },
    fromEmail: { type: String, required: true },
  },
  { timestamps: true, versionKey: false },
);
mailSettingsSchema.plugin(tenantScoped);
mailSettingsSchema.index({ tenantId: 1, ownerKey: 1 }, { unique: true });

export function mailSettingsModel(connection: Connection): Model<MailSettings> {
  return (connection.models.MailSettings as Model<MailSettings>) ?? connection.model<MailSettings>('MailSettings', mailSettingsSchema, 'mailSettings');
}
