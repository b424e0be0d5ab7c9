import { Types, type Connection } from 'mongoose';
import { can } from '../../platform/access/access.js';
import type { Principal } from '../../platform/access/principal.js';
import { AppError } from '../../platform/errors.js';
import { orgModel } from '../identity/org.model.js';
import { departmentMenuModel, type DepartmentMenu } from './menus.model.js';

/** The menu every department gets until an admin sets the agency's default or the department's own. */
export const builtInMenu = ['dashboard', 'contacts', 'customers', 'leads', 'pipeline', 'tasks', 'calendar', 'messages', 'support', 'campaigns', 'reports'] as const;

const menuId = (tenantId: Types.ObjectId, department: string) => `${String(tenantId)}|${department}`;

const toMenuDto = (m: Pick<DepartmentMenu, 'department' | 'pages'> & Partial<Pick<DepartmentMenu, 'version' | 'updatedAt'>>) => ({
  department: m.department,
  pages: [...m.pages],
  version: m.version ?? 0,
  updatedAt: m.updatedAt ? new Date(m.updatedAt).toISOString() : null,
});

/** Department menus of the internal portal (002): which pages each department sees, with a default. */
export function createMenusService(deps: { connection: Connection }) {
  const Menus = departmentMenuModel(deps.connection);

  /** Menus are an agency setting: whoever may update the agency (Admin by default), as the routes declare. */
  const adminOnly = (principal: Principal) => {
    if (!can(principal, 'tenant', 'update')) throw new AppError('forbidden', 'Only an admin sets which pages a department sees');
  };

  return {
    /** The signed-in person's menu: their department's, else the agency's default, else the built-in one; `source` says which. */
    async mine(principal: Principal) {
      const department = principal.departmentId ? String(principal.departmentId) : null;
      const ids = [...(department ? [menuId(principal.tenantId, department)] : []), menuId(principal.tenantId, 'default')];
      for (const _id of ids) {
        const found = await Menus.findOne({ _id, tenantId: principal.tenantId }).lean();
        if (found) return { ...toMenuDto(found), source: found.department === 'default' ? ('default' as const) : ('department' as const), departmentId: department };
      }
      return { ...toMenuDto({ department: 'default', pages: [...builtInMenu] }), source: 'built-in' as const, departmentId: department };
    },

    /** Every menu the agency has set (one per department at most, and the default): admins only. */
    async list(principal: Principal) {
      adminOnly(principal);
      const found = await Menus.find({ tenantId: principal.tenantId }).limit(500).lean();
      return { object: 'list' as const, data: found.map(toMenuDto).sort((a, b) => (a.department === 'default' ? -1 : b.department === 'default' ? 1 : a.department.localeCompare(b.department))) };
    },

    /** Sets the pages of a department (its org id) or of `default`: admins only; a department of another agency is 404. */
    async set(principal: Principal, department: string, input: { pages: string[] }) {
      adminOnly(principal);
      if (department !== 'default') {
        if (!Types.ObjectId.isValid(department) || !/^[a-f0-9]{24}$/i.test(department)) throw AppError.invalidField('department', "must be a department's id or 'default'");
        const org = await orgModel(deps.connection).findOne({ _id: new Types.ObjectId(department), tenantId: principal.tenantId }).select('kind').lean();
        if (!org || org.kind !== 'department') throw AppError.notFound('Department');
      }
      const pages = [...new Set(input.pages)];
      const _id = menuId(principal.tenantId, department);
      const now = new Date();
      const saved = await Menus.findOneAndUpdate(
        { _id, tenantId: principal.tenantId },
        { $set: { pages, updatedBy: principal.userId ?? null, updatedAt: now }, $inc: { version: 1 }, $setOnInsert: { department, createdAt: now } },
        { upsert: true, new: true, timestamps: false },
      ).lean();
      return toMenuDto(saved!);
    },
  };
}

export type MenusService = ReturnType<typeof createMenusService>;
