import type { Types} from 'mongoose';
import { type Connection } from 'mongoose';
import { orgModel } from './org.model.js';
import { roleModel } from './role.model.js';
import { defaultDepartments, defaultRoles } from './roles.defaults.js';
import { appliedDefaultsOf, defaultsHash } from './roles.upgrade.js';
import type { Action, Resource, VisibilityScope } from '../../platform/access/catalog.js';

/**
 * Gives a new agency its departments and built-in roles. Safe to run again: existing roles (matched by
 * key) are left as the agency edited them.
 */
export async function seedTenantDefaults(connection: Connection, tenantId: Types.ObjectId): Promise<Map<string, Types.ObjectId>> {
  const Org = orgModel(connection);
  const departmentIds = new Map<string, Types.ObjectId>();
  for (const dept of defaultDepartments) {
    const existing = await Org.findOne({ tenantId, kind: 'department', key: dept.key }).lean();
    departmentIds.set(dept.key, existing?._id ?? (await Org.create({ tenantId, kind: 'department', key: dept.key, name: dept.name }))._id);
  }
  const Role = roleModel(connection);
  const roleIds = new Map<string, Types.ObjectId>();
  for (const template of defaultRoles) {
    const existing = await Role.findOne({ tenantId, key: template.key }).lean();
    if (existing) {
      roleIds.set(template.key, existing._id);
      continue;
    }
    const role = await Role.create({
      tenantId,
      key: template.key,
      name: template.name,
      departmentKey: template.departmentKey,
      parentRoleId: template.parentKey ? (roleIds.get(template.parentKey) ?? null) : null,
      isAdmin: Boolean(template.isAdmin),
      builtIn: true,
      permissions: Object.entries(template.permissions).map(([resource, actions]) => ({ resource: resource as Resource, actions: actions as Action[] })),
      visibility: Object.entries(template.visibility).map(([resource, scope]) => ({ resource: resource as Resource, scope: scope as VisibilityScope })),
      exports: template.exports ?? [],
      // What this release gave it, so a later release adds only its new grants (roles.upgrade.ts).
      appliedDefaults: appliedDefaultsOf(template),
      defaultsHash: defaultsHash(appliedDefaultsOf(template)),
    });
    roleIds.set(template.key, role._id);
  }
  return new Map([...roleIds, ...[...departmentIds].map(([k, v]) => [`dept:${k}`, v] as [string, Types.ObjectId])]);
}
