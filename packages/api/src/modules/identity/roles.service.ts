import { Types, type Connection } from 'mongoose';
import { can } from '../../platform/access/access.js';
import type { Action, Resource } from '../../platform/access/catalog.js';
import type { Principal } from '../../platform/access/principal.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors.js';
import { writeVersion } from '../../platform/records/version-claims.js';
import type { EventBus } from '../../platform/events.js';
import type { ClientInfo } from './auth.service.js';
import { apiKeyModel } from '../api-keys/api-key.model.js';
import { roleModel, type Role } from './role.model.js';
import type { CreateRoleInput, UpdateRoleInput } from './roles.schema.js';
import { userModel } from './user.model.js';
import { actorOf, diff } from './users.service.js';

function toRoleDto(role: Role, userCount?: number) {
  return {
    id: String(role._id),
    key: role.key,
    name: role.name,
    description: role.description ?? null,
    departmentKey: role.departmentKey ?? null,
    parentRoleId: role.parentRoleId ? String(role.parentRoleId) : null,
    isAdmin: role.isAdmin,
    builtIn: role.builtIn,
    permissions: role.permissions.map((p) => ({ resource: p.resource, actions: [...p.actions] })),
    visibility: role.visibility.map((v) => ({ resource: v.resource, scope: v.scope })),
    exports: role.exports.map((e) => ({ resource: e.resource, scope: e.scope, columns: [...e.columns], activeProductsOnly: Boolean(e.activeProductsOnly) })),
    ...(userCount === undefined ? {} : { userCount }),
    version: role.version ?? 0,
  };
}

function assertUniqueResources(list: { resource: string }[] | undefined, field: string): void {
  if (!list) return;
  const seen = new Set<string>();
  for (const [i, item] of list.entries()) {
    if (seen.has(item.resource)) throw AppError.invalidField(`${field}.${i}.resource`, `lists ${item.resource} twice; give each resource once`, 'duplicate');
    seen.add(item.resource);
  }
}

/** Roles as tenant data: custom roles next to the seeded ones, with guards against escalation and orphans. */
export function createRolesService(deps: { connection: Connection; events: EventBus }) {
  const { connection, events } = deps;
  const Role = roleModel(connection);
  const User = userModel(connection);
  const ApiKey = apiKeyModel(connection);

  async function findRole(tenantId: Types.ObjectId, id: string): Promise<Role> {
    const role = await Role.findOne({ tenantId, _id: new Types.ObjectId(id) }).lean();
    if (!role) throw AppError.notFound('Role');
    return role;
  }

  /** A non-admin may only hand out what they hold themselves, so role editing never escalates. */
  function assertGrantable(principal: Principal, permissions: { resource: Resource; actions: Action[] }[] | undefined): void {
    if (!permissions || principal.role.isAdmin) return;
    for (const p of permissions) {
      for (const action of p.actions) {
        if (!can(principal, p.resource, action)) throw new AppError('forbidden', `You cannot grant ${p.resource}:${action}; your own role does not have it`);
      }
    }
  }

  async function assertParent(tenantId: Types.ObjectId, parentRoleId: string | null | undefined, selfId?: Types.ObjectId): Promise<Types.ObjectId | null> {
    if (!parentRoleId) return null;
    const roles = await Role.find({ tenantId }).select('parentRoleId').lean();
    const byId = new Map(roles.map((r) => [String(r._id), r]));
    if (!byId.has(parentRoleId)) throw AppError.invalidField('parentRoleId', 'is not a role of this agency');
    // Walking up from the new parent must never reach the role itself, or the tree would loop.
    let cursor: string | null = parentRoleId;
    for (let depth = 0; cursor && depth < 100; depth += 1) {
      if (selfId && cursor === String(selfId)) throw AppError.invalidField('parentRoleId', 'would make the role its own manager', 'cycle');
      const parent: Types.ObjectId | null | undefined = byId.get(cursor)?.parentRoleId;
      cursor = parent ? String(parent) : null;
    }
    return new Types.ObjectId(parentRoleId);
  }

  return {
    async list(principal: Principal) {
      const [roles, counts] = await Promise.all([
        Role.find({ tenantId: principal.tenantId }).sort({ _id: 1 }).limit(500).lean(),
        User.aggregate<{ _id: Types.ObjectId; n: number }>([{ $match: { tenantId: principal.tenantId } }, { $group: { _id: '$roleId', n: { $sum: 1 } } }]),
      ]);
      const countOf = new Map(counts.map((c) => [String(c._id), c.n]));
      return { object: 'list' as const, data: roles.map((r) => toRoleDto(r, countOf.get(String(r._id)) ?? 0)), hasMore: false, nextCursor: null };
    },

    async get(principal: Principal, id: string) {
      const role = await findRole(principal.tenantId, id);
      return toRoleDto(role, await User.countDocuments({ tenantId: principal.tenantId, roleId: role._id }));
    },

    /** Creates a custom role (never an admin role: admin rights stay with the built-in Admin). */
    async create(principal: Principal, input: CreateRoleInput, client: ClientInfo) {
      assertUniqueResources(input.permissions, 'permissions');
      assertUniqueResources(input.visibility, 'visibility');
      assertUniqueResources(input.exports, 'exports');
      assertGrantable(principal, input.permissions);
      const parentRoleId = await assertParent(principal.tenantId, input.parentRoleId);
      let role: Role;
      try {
        role = (
          await Role.create({
            tenantId: principal.tenantId,
            key: input.key,
            name: input.name,
            description: input.description,
            departmentKey: input.departmentKey ?? null,
            parentRoleId,
            isAdmin: false,
            builtIn: false,
            permissions: input.permissions.map((p) => ({ resource: p.resource, actions: [...new Set(p.actions)] })),
            visibility: input.visibility,
            exports: input.exports,
          })
        ).toObject();
      } catch (error) {
        if (isDuplicateKeyError(error)) throw new AppError('conflict', `A role with key ${input.key} already exists`, { errors: [{ field: 'key', code: 'taken', message: 'is already used by another role' }] });
        throw error;
      }
      await events.publish({ type: 'role.created', tenantId: principal.tenantId, resource: 'role', resourceId: String(role._id), actor: actorOf(principal, client), changes: diff({}, { key: role.key, name: role.name, parentRoleId: parentRoleId ? String(parentRoleId) : null, permissions: input.permissions, visibility: input.visibility, exports: input.exports }) });
      return toRoleDto(role, 0);
    },

    /** Updates a role, built-in ones included; permission changes are audited as `role.permissions_changed`. */
    async update(principal: Principal, id: string, input: UpdateRoleInput, client: ClientInfo) {
      const role = await findRole(principal.tenantId, id);
      if (role.isAdmin && !principal.role.isAdmin) throw new AppError('forbidden', 'Only an admin can change the Admin role');
      if (String(role._id) === principal.role.id && !principal.role.isAdmin) throw new AppError('forbidden', 'You cannot change your own role; ask an admin');
      assertUniqueResources(input.permissions, 'permissions');
      assertUniqueResources(input.visibility, 'visibility');
      assertUniqueResources(input.exports, 'exports');
      assertGrantable(principal, input.permissions);
      const set: Record<string, unknown> = {};
      if (input.name !== undefined) set.name = input.name;
      if (input.description !== undefined) set.description = input.description;
      if (input.departmentKey !== undefined) set.departmentKey = input.departmentKey;
      if (input.parentRoleId !== undefined) {
        if (role.isAdmin && input.parentRoleId) throw AppError.invalidField('parentRoleId', 'the Admin role has no manager');
        set.parentRoleId = await assertParent(principal.tenantId, input.parentRoleId, role._id);
      }
      if (input.permissions !== undefined) set.permissions = input.permissions.map((p) => ({ resource: p.resource, actions: [...new Set(p.actions)] }));
      if (input.visibility !== undefined) set.visibility = input.visibility;
      if (input.exports !== undefined) set.exports = input.exports;
      const before = toRoleDto(role) as unknown as Record<string, unknown>;
      const after = Object.fromEntries(Object.entries(set).map(([k, v]) => [k, v instanceof Types.ObjectId ? String(v) : v]));
      const changes = diff(before, after);
      if (Object.keys(changes).length === 0) return toRoleDto(role, await User.countDocuments({ tenantId: principal.tenantId, roleId: role._id }));
      // The version check makes concurrent edits of one role fail instead of silently merging.
      const written = await writeVersion(Role, role, { $set: set });
      const updated = written ? await Role.findOne({ tenantId: principal.tenantId, _id: role._id }).lean() : null;
      if (!updated) throw new AppError('version_conflict', 'The role was changed by someone else; reload and try again', { extensions: { current: toRoleDto(await findRole(principal.tenantId, id)) } });
      const accessChanged = ['permissions', 'visibility', 'exports', 'parentRoleId'].some((k) => k in changes);
      await events.publish({ type: accessChanged ? 'role.permissions_changed' : 'role.updated', tenantId: principal.tenantId, resource: 'role', resourceId: id, actor: actorOf(principal, client), changes });
      return toRoleDto(updated, await User.countDocuments({ tenantId: principal.tenantId, roleId: role._id }));
    },

    /** Deletes a custom role that nobody (no user, no secret key, no child role) depends on. */
    async remove(principal: Principal, id: string, client: ClientInfo) {
      const role = await findRole(principal.tenantId, id);
      if (role.builtIn) throw new AppError('conflict', `${role.name} is a built-in role; edit it instead of deleting it`);
      const [users, keys, children] = await Promise.all([
        User.countDocuments({ tenantId: principal.tenantId, roleId: role._id }),
        ApiKey.countDocuments({ tenantId: principal.tenantId, roleId: role._id, revokedAt: null }),
        Role.countDocuments({ tenantId: principal.tenantId, parentRoleId: role._id }),
      ]);
      if (users) throw new AppError('conflict', `${users} user(s) hold this role; give them another role first`, { extensions: { userCount: users } });
      if (keys) throw new AppError('conflict', `${keys} secret key(s) act with this role; revoke them first`);
      if (children) throw new AppError('conflict', `${children} role(s) report to this role; change their parent first`);
      await Role.deleteOne({ tenantId: principal.tenantId, _id: role._id, builtIn: false });
      await events.publish({ type: 'role.deleted', tenantId: principal.tenantId, resource: 'role', resourceId: id, actor: actorOf(principal, client), changes: diff(toRoleDto(role) as unknown as Record<string, unknown>, { key: null, name: null, permissions: null }) });
    },

    /** Ids of the roles at or below `roleId`, for "you may only hand out your own role or lower". */
    async subtree(tenantId: Types.ObjectId, roleId: string): Promise<Set<string>> {
      const roles = await Role.find({ tenantId }).select('parentRoleId').lean();
      const out = new Set<string>([roleId]);
      let grew = true;
      while (grew) {
        grew = false;
        for (const r of roles) if (r.parentRoleId && out.has(String(r.parentRoleId)) && !out.has(String(r._id))) {
          out.add(String(r._id));
          grew = true;
        }
      }
      return out;
    },

    /** True when the role exists in the tenant. */
    async exists(tenantId: Types.ObjectId, roleId: string) {
      return Boolean(await Role.exists({ tenantId, _id: new Types.ObjectId(roleId) }));
    },
  };
}

export type RolesService = ReturnType<typeof createRolesService>;
