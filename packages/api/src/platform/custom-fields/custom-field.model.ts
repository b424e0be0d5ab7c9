import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { invalidatesAccess } from '../access/access-epoch.js';
import { tenantScoped } from '../db/tenancy.plugin.js';

export const customFieldTypes = ['text', 'number', 'date', 'boolean', 'select', 'multiselect'] as const;
export type CustomFieldType = (typeof customFieldTypes)[number];

/** A sysadmin-defined attribute of one record type, stored under `custom.<key>` on each record. */
export interface CustomFieldDefinition {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  resource: string;
  key: string;
  label: string;
  type: CustomFieldType;
  options: string[];
  required: boolean;
  defaultValue: unknown;
  version: number;
}

const customFieldSchema = new Schema<CustomFieldDefinition>(
  {
    resource: { type: String, required: true },
    key: { type: String, required: true, maxlength: 40 },
    label: { type: String, required: true, maxlength: 100 },
    type: { type: String, enum: customFieldTypes, required: true },
    options: { type: [String], default: [] },
    required: { type: Boolean, default: false },
    defaultValue: { type: Schema.Types.Mixed, default: null },
  },
  { timestamps: true, versionKey: 'version', optimisticConcurrency: true },
);
customFieldSchema.plugin(tenantScoped);
// Every process caches definitions against the access stamp (custom-fields.ts): a change moves it.
customFieldSchema.plugin(invalidatesAccess);
customFieldSchema.index({ tenantId: 1, resource: 1, key: 1 }, { unique: true });

export function customFieldModel(connection: Connection): Model<CustomFieldDefinition> {
  return (connection.models.CustomField as Model<CustomFieldDefinition>) ?? connection.model<CustomFieldDefinition>('CustomField', customFieldSchema, 'custom_fields');
}
