import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';

/** Categories of message; marketing ones carry an unsubscribe link and the List-Unsubscribe headers. */
export const messageCategories = ['greeting', 'marketing', 'campaign', 'nurturing', 'reminder', 'satisfaction', 'transactional'] as const;
export type MessageCategory = (typeof messageCategories)[number];
export const marketingCategories: readonly MessageCategory[] = ['greeting', 'marketing', 'campaign', 'nurturing', 'satisfaction'];

/** A tenant's message template (handlebars): subject, HTML and text. */
export interface MessageTemplate {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  name: string;
  description: string | null;
  category: MessageCategory;
  subject: string;
  html: string;
  text: string;
  createdBy: Types.ObjectId | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

const templateSchema = new Schema<MessageTemplate>(
  {
    name: { type: String, required: true, trim: true, maxlength: 120 },
    description: { type: String, default: null },
    category: { type: String, enum: messageCategories, required: true },
    subject: { type: String, required: true },
    html: { type: String, required: true },
    text: { type: String, required: true },
    createdBy: { type: Schema.Types.ObjectId, default: null },
  },
  { timestamps: true, versionKey: 'version' },
);
templateSchema.plugin(tenantScoped);
templateSchema.index({ tenantId: 1, name: 1 }, { unique: true });

export function templateModel(connection: Connection): Model<MessageTemplate> {
  return (connection.models.MessageTemplate as Model<MessageTemplate>) ?? connection.model<MessageTemplate>('MessageTemplate', templateSchema, 'messageTemplates');
}
