import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';
import { invalidatesAccess } from '../../platform/access/access-epoch.js';

/** One kind of organisation node: a unit/division, a department (business unit), a designation, or a team. */
export type OrgKind = 'unit' | 'department' | 'designation' | 'team';

export interface OrgNode {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  kind: OrgKind;
  name: string;
  /** Stable short key (departments: production, email-sales, phone-sales). */
  key?: string | null;
  parentId: Types.ObjectId | null;
  /** Teams: who is in it, who leads it, and the product it works on. */
  memberIds: Types.ObjectId[];
  leadId: Types.ObjectId | null;
  productIds: Types.ObjectId[];
  departmentId: Types.ObjectId | null;
  version: number;
}

const orgSchema = new Schema<OrgNode>(
  {
    kind: { type: String, enum: ['unit', 'department', 'designation', 'team'], required: true, index: true },
    name: { type: String, required: true, trim: true, maxlength: 200 },
    key: { type: String, default: null, maxlength: 60 },
    parentId: { type: Schema.Types.ObjectId, default: null },
    memberIds: { type: [Schema.Types.ObjectId], default: [] },
    leadId: { type: Schema.Types.ObjectId, default: null },
    productIds: { type: [Schema.Types.ObjectId], default: [] },
    departmentId: { type: Schema.Types.ObjectId, default: null },
  },
  { timestamps: true, versionKey: 'version', optimisticConcurrency: true },
);
orgSchema.plugin(tenantScoped);
orgSchema.plugin(invalidatesAccess);

export function orgModel(connection: Connection): Model<OrgNode> {
  return (connection.models.OrgNode as Model<OrgNode>) ?? connection.model<OrgNode>('OrgNode', orgSchema, 'org_nodes');
}
