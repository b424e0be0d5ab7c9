import type { Connection, Types } from 'mongoose';
import type { Action, Resource, VisibilityScope } from '../../platform/access/catalog.js';
import type { EffectiveRole, Principal } from '../../platform/access/principal.js';
import { ACCESS_CACHE_MS, accessEpoch } from '../../platform/access/access-epoch.js';
import { op } from '../../platform/db/operators.js';
import { findByIdInTenant } from '../../platform/db/tenancy.plugin.js';
import { orgModel } from './org.model.js';
import { productModel } from '../products/product.model.js';
import { roleModel, type Role } from './role.model.js';
import { userModel } from './user.model.js';

/** Flattens a stored role into the maps the access module checks. */
export function toEffectiveRole(role: Role): EffectiveRole {
  return {
    id: String(role._id),
    key: role.key,
    name: role.name,
    isAdmin: role.isAdmin,
    permissions: new Map(role.permissions.map((p) => [p.resource as Resource, new Set(p.actions as Action[])])),
    visibility: new Map(role.visibility.map((v) => [v.resource as Resource, v.scope as VisibilityScope])),
    exports: new Map(
      role.exports.map((e) => [e.resource as Resource, { scope: e.scope as VisibilityScope, columns: [...e.columns], activeProductsOnly: Boolean(e.activeProductsOnly) }]),
    ),
  };
}

/** Role ids at or below `roleId` in the tenant's role tree. */
function roleSubtree(roles: Pick<Role, '_id' | 'parentRoleId'>[], roleId: Types.ObjectId): Types.ObjectId[] {
  const children = new Map<string, Types.ObjectId[]>();
  for (const role of roles) {
    if (!role.parentRoleId) continue;
    const key = String(role.parentRoleId);
    children.set(key, [...(children.get(key) ?? []), role._id]);
  }
  const result: Types.ObjectId[] = [];
  const queue = [roleId];
  const seen = new Set<string>();
  while (queue.length) {
    const id = queue.shift()!;
    if (seen.has(String(id))) continue;
    seen.add(String(id));
    result.push(id);
    queue.push(...(children.get(String(id)) ?? []));
  }
  return result;
}

/**
 * Resolves everything visibility depends on for one user, in a handful of indexed queries: their role
 * and the roles below it, the users holding those, their teams, and the agency's products.
 */
export async function resolvePrincipal(
  connection: Connection,
  input: { tenantId: Types.ObjectId; userId: Types.ObjectId; apiKeyId?: Types.ObjectId | null; sessionId?: string | null; roleId?: Types.ObjectId },
): Promise<Principal | null> {
  // Reused for a few seconds while nothing it depends on changed (see access-epoch.ts); the session's
  // own liveness is checked by the caller on every request.
  const key = `${connection.id}:${String(input.tenantId)}:${String(input.userId)}:${String(input.roleId ?? '')}:${String(input.apiKeyId ?? '')}`;
  const epoch = accessEpoch();
  const hit = principals.get(key);
  if (hit && hit.epoch === epoch && Date.now() - hit.at < ACCESS_CACHE_MS) return hit.principal && { ...hit.principal, sessionId: input.sessionId ?? null };
  const principal = await loadPrincipal(connection, input);
  if (accessEpoch() === epoch) {
    principals.set(key, { epoch, at: Date.now(), principal });
    if (principals.size > 10_000) principals.delete(principals.keys().next().value!);
  }
  return principal && { ...principal, sessionId: input.sessionId ?? null };
}

const principals = new Map<string, { epoch: number; at: number; principal: Principal | null }>();

/** Resolves a principal from the database, uncached (the request path caches it per session itself). */
export async function loadPrincipal(
  connection: Connection,
  input: { tenantId: Types.ObjectId; userId: Types.ObjectId; apiKeyId?: Types.ObjectId | null; sessionId?: string | null; roleId?: Types.ObjectId },
): Promise<Principal | null> {
  const tenantId = input.tenantId;
  const user = await findByIdInTenant(userModel(connection), tenantId, input.userId);
  if (!user || user.status === 'disabled') return null;
  const roleId = input.roleId ?? user.roleId;
  const [roles, teams, products] = await Promise.all([
    roleModel(connection).find({ tenantId }).lean(),
    orgModel(connection).find({ tenantId, kind: 'team' }).select('memberIds leadId productIds').lean(),
    productModel(connection).find({ tenantId }).select('status locked departmentId teamIds userIds').lean(),
  ]);
  const role = roles.find((r) => r._id.equals(roleId));
  if (!role) return null;

  const subtree = roleSubtree(roles, role._id).filter((id) => !id.equals(role._id));
  const subordinates = subtree.length
    ? await userModel(connection).find({ tenantId, roleId: op({ $in: subtree }) }).select('_id').lean()
    : [];
  const myTeams = teams.filter((t) => t.memberIds.some((m) => m.equals(user._id)) || t.leadId?.equals(user._id));
  const teamIds = myTeams.map((t) => t._id);
  const teamProductIds = myTeams.flatMap((t) => t.productIds);
  const teamMemberIds = myTeams.flatMap((t) => [...t.memberIds, ...(t.leadId ? [t.leadId] : [])]);
  const assigned = products.filter(
    (p) => p.userIds.some((u) => u.equals(user._id)) || p.teamIds.some((t) => teamIds.some((mine) => mine.equals(t))) || teamProductIds.some((id) => id.equals(p._id)),
  );

  return {
    kind: input.apiKeyId ? 'apiKey' : 'user',
    tenantId,
    userId: user._id,
    apiKeyId: input.apiKeyId ?? null,
    sessionId: input.sessionId ?? null,
    role: toEffectiveRole(role),
    departmentId: user.departmentId ?? null,
    subordinateUserIds: [user._id, ...subordinates.map((u) => u._id)],
    teamIds,
    teamMemberIds,
    productIds: assigned.map((p) => p._id),
    products: {
      disabledIds: products.filter((p) => p.status === 'disabled').map((p) => p._id),
      lockedIds: products.filter((p) => p.locked).map((p) => p._id),
      activeIds: products.filter((p) => p.status === 'active').map((p) => p._id),
      activeOtherDepartmentIds: products
        .filter((p) => p.status === 'active' && p.departmentId && !(user.departmentId && p.departmentId.equals(user.departmentId)))
        .map((p) => p._id),
    },
  };
}
