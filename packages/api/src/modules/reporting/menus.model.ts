import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';

/**
 * The internal portal's menu of one department (002: a unique menu per department), or the agency's
 * default (`department: 'default'`). `_id` is `<tenantId>|<department>`, so the signed-in person's menu
 * is at most two reads by `_id` (their department's, then the default), which FerretDB pushes down.
 */
export interface DepartmentMenu {
  _id: string;
  tenantId: Types.ObjectId;
  /** A department's org id, or `default`. */
  department: string;
  /** Page keys of the portal, in menu order (`dashboard`, `contacts`, `pipeline`...). */
  pages: string[];
  updatedBy: Types.ObjectId | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

const departmentMenuSchema = new Schema<DepartmentMenu>(
  {
    _id: { type: String, required: true },
    department: { type: String, required: true },
    pages: { type: [String], default: [] },
    updatedBy: { type: Schema.Types.ObjectId, default: null },
  },
  { timestamps: true, versionKey: 'version' },
);
departmentMenuSchema.plugin(tenantScoped);

export function departmentMenuModel(connection: Connection): Model<DepartmentMenu> {
  return (connection.models.DepartmentMenu as Model<DepartmentMenu>) ?? connection.model<DepartmentMenu>('DepartmentMenu', departmentMenuSchema, 'department_menus');
}
