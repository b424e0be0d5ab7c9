import { Types, type Connection } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import { op } from '../../platform/db/operators.js';
import { AppError } from '../../platform/errors.js';
import type { EventBus } from '../../platform/events.js';
import { productModel } from '../products/product.model.js';
import type { ClientInfo } from './auth.service.js';
import { orgModel, type OrgKind, type OrgNode } from './org.model.js';
import type { OrgInput } from './org.schema.js';
import { roleModel } from './role.model.js';
import { userModel } from './user.model.js';
import { actorOf, diff } from './users.service.js';

const labels: Record<OrgKind, string> = { unit: 'Unit', department: 'Department', designation: 'Designation', team: 'Team' };

function toOrgDto(node: OrgNode) {
  return {
    id: String(node._id),
    kind: node.kind,
    name: node.name,
    key: node.key ?? null,
    parentId: node.parentId ? String(node.parentId) : null,
    departmentId: node.departmentId ? String(node.departmentId) : null,
    memberIds: (node.memberIds ?? []).map(String),
    leadId: node.leadId ? String(node.leadId) : null,
    productIds: (node.productIds ?? []).map(String),
    createdAt: ((node as { createdAt?: Date }).createdAt ?? new Date(0)).toISOString(),
    version: node.version ?? 0,
  };
}

function encodeCursor(id: Types.ObjectId): string {
  return Buffer.from(`o:${String(id)}`).toString('base64url');
}

function decodeCursor(cursor: string): Types.ObjectId {
  const match = /^o:([a-f0-9]{24})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw AppError.invalidField('query.cursor', 'is not a cursor this route issued; pass nextCursor back unchanged');
  return new Types.ObjectId(match[1]);
}

const ids = (values: string[]) => [...new Set(values)].map((v) => new Types.ObjectId(v));

/** The organisation of an agency: units/divisions, departments, designations and teams. */
export function createOrgService(deps: { connection: Connection; events: EventBus }) {
  const { connection, events } = deps;
  const Org = orgModel(connection);
  const User = userModel(connection);
  const Product = productModel(connection);
  const Role = roleModel(connection);

  async function findNode(tenantId: Types.ObjectId, kind: OrgKind, id: string): Promise<OrgNode> {
    const node = await Org.findOne({ tenantId, kind, _id: new Types.ObjectId(id) }).lean();
    if (!node) throw AppError.notFound(labels[kind]);
    return node;
  }

  /** Checks every reference of a write against this tenant and returns the fields to store. */
  async function resolve(tenantId: Types.ObjectId, kind: OrgKind, input: OrgInput, selfId?: Types.ObjectId): Promise<Record<string, unknown>> {
    const set: Record<string, unknown> = {};
    if (input.name !== undefined) set.name = input.name;
    if (input.key !== undefined) {
      if (input.key && (await Org.exists({ tenantId, kind, key: input.key, ...(selfId ? { _id: op({ $ne: selfId }) } : {}) }))) {
        throw new AppError('conflict', `Another ${kind} already has the key ${input.key}`, { errors: [{ field: 'key', code: 'taken', message: 'is already used' }] });
      }
      set.key = input.key;
    }
    if (input.parentId !== undefined) {
      if (input.parentId) {
        if (selfId && input.parentId === String(selfId)) throw AppError.invalidField('parentId', 'cannot be the node itself', 'cycle');
        if (!(await Org.exists({ tenantId, kind: 'unit', _id: new Types.ObjectId(input.parentId) }))) throw AppError.invalidField('parentId', 'is not a unit of this agency');
        if (kind === 'unit' && selfId) {
          // Walk up from the new parent; meeting ourselves would make a loop.
          let cursor: Types.ObjectId | null = new Types.ObjectId(input.parentId);
          for (let depth = 0; cursor && depth < 50; depth += 1) {
            if (cursor.equals(selfId)) throw AppError.invalidField('parentId', 'would put the unit inside itself', 'cycle');
            cursor = (await Org.findOne({ tenantId, _id: cursor }).select('parentId').lean())?.parentId ?? null;
          }
        }
      }
      set.parentId = input.parentId ? new Types.ObjectId(input.parentId) : null;
    }
    if (input.departmentId !== undefined) {
      if (input.departmentId && !(await Org.exists({ tenantId, kind: 'department', _id: new Types.ObjectId(input.departmentId) }))) throw AppError.invalidField('departmentId', 'is not a department of this agency');
      set.departmentId = input.departmentId ? new Types.ObjectId(input.departmentId) : null;
    }
    const people = [...(input.memberIds ?? []), ...(input.leadId ? [input.leadId] : [])];
    if (people.length) {
      const wanted = ids(people);
      const found = await User.countDocuments({ tenantId, _id: op({ $in: wanted }) });
      if (found !== wanted.length) throw AppError.invalidField(input.memberIds?.length ? 'memberIds' : 'leadId', 'must name users of this agency');
    }
    if (input.memberIds !== undefined) set.memberIds = ids(input.memberIds);
    if (input.leadId !== undefined) set.leadId = input.leadId ? new Types.ObjectId(input.leadId) : null;
    if (input.productIds !== undefined) {
      const wanted = ids(input.productIds);
      if (wanted.length && (await Product.countDocuments({ tenantId, _id: op({ $in: wanted }) })) !== wanted.length) throw AppError.invalidField('productIds', 'must name products of this agency');
      set.productIds = wanted;
    }
    return set;
  }

  const plain = (set: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(set).map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : v instanceof Types.ObjectId ? String(v) : v]));

  return {
    async list(principal: Principal, kind: OrgKind, query: { limit: number; cursor?: string | undefined }) {
      const filter: Record<string, unknown> = { tenantId: principal.tenantId, kind };
      if (query.cursor) filter._id = op({ $gt: decodeCursor(query.cursor) });
      const docs = await Org.find(filter).sort({ _id: 1 }).limit(query.limit + 1).lean();
      const page = docs.slice(0, query.limit);
      const hasMore = docs.length > query.limit;
      return { object: 'list' as const, data: page.map(toOrgDto), hasMore, nextCursor: hasMore ? encodeCursor(page[page.length - 1]!._id) : null };
    },

    async get(principal: Principal, kind: OrgKind, id: string) {
      return toOrgDto(await findNode(principal.tenantId, kind, id));
    },

    async create(principal: Principal, kind: OrgKind, input: OrgInput, client: ClientInfo) {
      const set = await resolve(principal.tenantId, kind, input);
      const node = (await Org.create({ tenantId: principal.tenantId, kind, ...set })).toObject();
      await events.publish({ type: `org.${kind}.created`, tenantId: principal.tenantId, resource: 'org', resourceId: String(node._id), actor: actorOf(principal, client), changes: diff({}, plain(set)) });
      return toOrgDto(node);
    },

    async update(principal: Principal, kind: OrgKind, id: string, input: OrgInput, client: ClientInfo) {
      const node = await findNode(principal.tenantId, kind, id);
      const set = await resolve(principal.tenantId, kind, input, node._id);
      const changes = diff(plain(toOrgDto(node) as unknown as Record<string, unknown>), plain(set));
      if (!Object.keys(changes).length) return toOrgDto(node);
      const updated = await Org.findOneAndUpdate({ tenantId: principal.tenantId, kind, _id: node._id }, { $set: set, $inc: { version: 1 } }, { returnDocument: 'after' }).lean();
      if (!updated) throw AppError.notFound(labels[kind]);
      await events.publish({ type: `org.${kind}.updated`, tenantId: principal.tenantId, resource: 'org', resourceId: id, actor: actorOf(principal, client), changes });
      return toOrgDto(updated);
    },

    /** Deletes a node nothing depends on: no child units, no people, no roles or teams of a department. */
    async remove(principal: Principal, kind: OrgKind, id: string, client: ClientInfo) {
      const tenantId = principal.tenantId;
      const node = await findNode(tenantId, kind, id);
      const blockers: string[] = [];
      if (kind === 'unit' && (await Org.exists({ tenantId, parentId: node._id }))) blockers.push('units or departments belong to it');
      if (kind === 'department') {
        if (await User.exists({ tenantId, departmentId: node._id })) blockers.push('users belong to it');
        if (await Org.exists({ tenantId, departmentId: node._id })) blockers.push('teams or designations belong to it');
        if (node.key && (await Role.exists({ tenantId, departmentKey: node.key }))) blockers.push('roles belong to it');
        if (await Product.exists({ tenantId, departmentId: node._id })) blockers.push('products belong to it');
      }
      if (kind === 'designation' && (await User.exists({ tenantId, designationId: node._id }))) blockers.push('users hold it');
      if (kind === 'unit' && (await User.exists({ tenantId, unitId: node._id }))) blockers.push('users belong to it');
      if (blockers.length) throw new AppError('conflict', `${labels[kind]} ${node.name} cannot be deleted: ${blockers.join(', ')}`);
      await Org.deleteOne({ tenantId, kind, _id: node._id });
      await events.publish({ type: `org.${kind}.deleted`, tenantId, resource: 'org', resourceId: id, actor: actorOf(principal, client), changes: { name: { from: node.name, to: null } } });
    },
  };
}

export type OrgService = ReturnType<typeof createOrgService>;
