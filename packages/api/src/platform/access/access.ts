import type { Types } from 'mongoose';
import { op } from '../db/operators.js';
import { AppError } from '../errors.js';
import type { Action, Resource, VisibilityScope } from './catalog.js';
import type { Principal } from './principal.js';

type Filter = Record<string, unknown>;

/** True when the principal's role grants the action on the resource. */
export function can(principal: Principal, resource: Resource, action: Action): boolean {
  if (principal.role.isAdmin) return true;
  return principal.role.permissions.get(resource)?.has(action) ?? false;
}

/** Throws 403 unless the role grants the action (function-level check; record-level is the filter). */
export function assertCan(principal: Principal, resource: Resource, action: Action): void {
  if (!can(principal, resource, action)) {
    throw new AppError('forbidden', `Your role (${principal.role.name}) may not ${action} ${resource} records`);
  }
}

function scopeFilter(principal: Principal, scope: VisibilityScope): Filter | null {
  const mine = { ownerId: op({ $in: principal.subordinateUserIds }) };
  switch (scope) {
    case 'all':
      return null;
    case 'own':
      return mine;
    case 'team':
      return { $or: [mine, { ownerId: op({ $in: principal.teamMemberIds }) }, { teamId: op({ $in: principal.teamIds }) }] };
    case 'product':
      return { $or: [mine, { productId: op({ $in: principal.productIds }) }] };
    case 'department':
      return principal.departmentId ? { $or: [mine, { departmentId: principal.departmentId }] } : mine;
    case 'allExceptActiveOtherDepartments':
      return principal.products.activeOtherDepartmentIds.length
        ? { $or: [mine, { productId: op({ $nin: principal.products.activeOtherDepartmentIds }) }] }
        : null;
  }
}

/**
 * The one place that turns (principal, resource, action) into a Mongo filter. Services merge it into
 * every read, update, delete, count and export; realtime matches events against it. It always contains
 * the tenant, so a record of another agency can never match.
 */
export function visibilityFilter(principal: Principal, resource: Resource, action: Action = 'read'): Filter {
  const parts: Filter[] = [];
  if (!principal.role.isAdmin) {
    const scope =
      action === 'export'
        ? (principal.role.exports.get(resource)?.scope ?? principal.role.visibility.get(resource) ?? 'own')
        : (principal.role.visibility.get(resource) ?? 'own');
    const scoped = scopeFilter(principal, scope);
    if (scoped) parts.push(scoped);
    if (principal.products.disabledIds.length) parts.push({ productId: op({ $nin: principal.products.disabledIds }) });
    if (action === 'export' && principal.role.exports.get(resource)?.activeProductsOnly) {
      parts.push({ productId: op({ $in: principal.products.activeIds }) });
    }
  }
  const tenant = { tenantId: principal.tenantId };
  if (parts.length === 0) return tenant;
  const scoped = parts.length === 1 ? mergeable(parts[0]!) : { $and: parts };
  const also = alsoVisible[resource]?.(principal);
  if (also) return { ...tenant, $or: [scoped, also] };
  return { ...tenant, ...scoped };
}

/**
 * Records a principal reaches whatever the role's scope says: a task assigned to someone (003: a
 * follow-up can be assigned to anyone) is theirs to see and work on. Part of the one filter, so lists,
 * reads, writes, exports and realtime all agree.
 */
const alsoVisible: Partial<Record<Resource, (principal: Principal) => Filter>> = {
  task: (principal) => ({ assigneeId: principal.userId }),
};

// A single part can be spread only when it does not collide with the tenant key.
function mergeable(part: Filter): Filter {
  return 'tenantId' in part ? { $and: [part] } : part;
}

/** The columns a role may export of a resource; `null` means every column. */
export function exportColumns(principal: Principal, resource: Resource): string[] | null {
  if (principal.role.isAdmin) return null;
  const rule = principal.role.exports.get(resource);
  return rule && rule.columns.length ? rule.columns : null;
}

/** Locked products make their records read-only for everyone but admins (002). */
export function assertWritable(principal: Principal, record: { productId?: Types.ObjectId | null }): void {
  if (principal.role.isAdmin || !record.productId) return;
  if (principal.products.lockedIds.some((id) => id.equals(record.productId!))) {
    throw new AppError('forbidden', 'This record belongs to a locked product and is read-only until an admin unlocks it');
  }
}

/**
 * Evaluates a visibility filter against one in-memory record, for realtime fan-out: the same rules
 * as the database query, so a pushed event never reaches someone who could not read the record.
 */
export function matchesFilter(record: Record<string, unknown>, filter: Filter): boolean {
  return Object.entries(filter).every(([key, condition]) => {
    if (key === '$and') return (condition as Filter[]).every((part) => matchesFilter(record, part));
    if (key === '$or') return (condition as Filter[]).some((part) => matchesFilter(record, part));
    const value = record[key];
    // An array field matches when one of its elements does, as in the database (`attendeeUserIds: userId`).
    const values = Array.isArray(value) ? value : [value];
    if (condition && typeof condition === 'object' && !isObjectId(condition)) {
      const ops = condition as { $in?: unknown[]; $nin?: unknown[] };
      if (ops.$in) return ops.$in.some((candidate) => values.some((v) => same(candidate, v)));
      if (ops.$nin) return !ops.$nin.some((candidate) => values.some((v) => same(candidate, v)));
      return false;
    }
    return values.some((v) => same(condition, v));
  });
}

function isObjectId(value: unknown): value is Types.ObjectId {
  return typeof value === 'object' && value !== null && '_bsontype' in value;
}

function same(a: unknown, b: unknown): boolean {
  if (a === null || a === undefined) return b === null || b === undefined;
  if (b === null || b === undefined) return false;
  return String(a) === String(b);
}
