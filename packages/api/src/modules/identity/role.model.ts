import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';
import type { Action, Resource, VisibilityScope } from '../../platform/access/catalog.js';
import { invalidatesAccess } from '../../platform/access/access-epoch.js';

/** What a role may export of one resource: which records (scope) and which columns (all when empty). */
export interface ExportRule {
  resource: Resource;
  scope: VisibilityScope;
  columns: string[];
  /** Only records of products that are active may be exported (002's sales roles). */
  activeProductsOnly: boolean;
}

export interface Role {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  key: string;
  name: string;
  description?: string;
  departmentKey?: string | null;
  parentRoleId: Types.ObjectId | null;
  isAdmin: boolean;
  builtIn: boolean;
  permissions: { resource: Resource; actions: Action[] }[];
  visibility: { resource: Resource; scope: VisibilityScope }[];
  exports: ExportRule[];
  /** Built-in roles: the release defaults last given to the role, and their hash (see roles.upgrade.ts). */
  appliedDefaults?: { permissions: { resource: Resource; actions: Action[] }[]; visibility: { resource: Resource; scope: VisibilityScope }[] } | null;
  defaultsHash?: string | null;
  version: number;
}

/** Roles are tenant data: permissions per resource and action, visibility per resource, export column sets. */
const roleSchema = new Schema<Role>(
  {
    key: { type: String, required: true, trim: true, maxlength: 40 },
    name: { type: String, required: true, trim: true, maxlength: 100 },
    description: { type: String, maxlength: 500 },
    departmentKey: { type: String, default: null },
    parentRoleId: { type: Schema.Types.ObjectId, default: null },
    isAdmin: { type: Boolean, default: false },
    builtIn: { type: Boolean, default: false },
    permissions: [{ _id: false, resource: String, actions: [String] }],
    visibility: [{ _id: false, resource: String, scope: String }],
    exports: [{ _id: false, resource: String, scope: String, columns: [String], activeProductsOnly: Boolean }],
    appliedDefaults: { type: Schema.Types.Mixed, default: null },
    defaultsHash: { type: String, default: null },
  },
  { timestamps: true, versionKey: 'version', optimisticConcurrency: true },
);
roleSchema.plugin(tenantScoped);
roleSchema.plugin(invalidatesAccess);
roleSchema.index({ tenantId: 1, key: 1 }, { unique: true });

export function roleModel(connection: Connection): Model<Role> {
  return (connection.models.Role as Model<Role>) ?? connection.model<Role>('Role', roleSchema, 'roles');
}
