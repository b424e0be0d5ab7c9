import { Types, type Connection } from 'mongoose';
import { op } from '../../platform/db/operators.js';
import { isDuplicateKeyError } from '../../platform/errors.js';
import type { DomainEvent, EventBus } from '../../platform/events.js';
import { syncListRow } from '../../platform/lists/list-rows.js';
import { syncRecordSearch } from '../../platform/search/search-index.js';
import type { WorkflowEngine } from '../../platform/workflow/workflow-engine.js';
import { roleModel } from '../identity/role.model.js';
import { userModel } from '../identity/user.model.js';
import { openTaskStates, taskModel, type SubjectType } from './task.model.js';
import { taskDefinition, toTaskDto } from './tasks.service.js';

/** The role whose users get the automatic tasks (000: "Customer Support"). */
export const SUPPORT_ROLE_KEY = 'SUPPORT';

const oidOf = (v: unknown) => (typeof v === 'string' && /^[a-f0-9]{24}$/i.test(v) ? new Types.ObjectId(v) : null);

/**
 * 000's automatic tasks: a new contact gets a "Convert <name> to a customer" call for customer support,
 * a new customer an "Activate <name>" task. The support user with the fewest open tasks gets it (ties:
 * the longest-standing user); with no support user the task stays unassigned. A unique `autoKey` per
 * subject makes a replayed event harmless.
 */
export function subscribeAutomaticTasks(connection: Connection, events: EventBus, workflows: WorkflowEngine): () => void {
  const Task = taskModel(connection);

  async function leastLoadedSupportUser(tenantId: Types.ObjectId): Promise<Types.ObjectId | null> {
    const role = await roleModel(connection).findOne({ tenantId, key: SUPPORT_ROLE_KEY }).select('_id').lean();
    if (!role) return null;
    const users = await userModel(connection).find({ tenantId, roleId: role._id, status: 'active' }).sort({ _id: 1 }).select('_id').limit(500).lean();
    if (!users.length) return null;
    const load = await Task.aggregate<{ _id: Types.ObjectId; open: number }>([
      { $match: { tenantId, assigneeId: op({ $in: users.map((u) => u._id) }), status: op({ $in: openTaskStates }) } },
      { $group: { _id: '$assigneeId', open: { $sum: 1 } } },
    ]);
    const openBy = new Map(load.map((l) => [String(l._id), l.open]));
    let best = users[0]!._id;
    for (const u of users) if ((openBy.get(String(u._id)) ?? 0) < (openBy.get(String(best)) ?? 0)) best = u._id;
    return best;
  }

  async function createFor(event: DomainEvent, spec: { subjectType: SubjectType; autoKey: string; title: string; kind: 'call' | 'todo'; description: string }) {
    const record = event.record ?? {};
    const subjectId = oidOf(event.resourceId);
    if (!subjectId) return;
    const autoKey = spec.autoKey.replace('<id>', String(subjectId));
    if (await Task.exists({ tenantId: event.tenantId, autoKey })) return;
    const assigneeId = await leastLoadedSupportUser(event.tenantId);
    const status = await workflows.initialState(event.tenantId, 'callingTask');
    const ownerId = oidOf(record.ownerId) ?? assigneeId;
    let created;
    try {
      created = (
        await Task.create({
          tenantId: event.tenantId,
          kind: spec.kind,
          title: spec.title,
          description: spec.description,
          subject: { type: spec.subjectType, id: subjectId },
          subjectType: spec.subjectType,
          subjectId,
          assigneeId,
          ownerId,
          productId: oidOf(record.productId),
          departmentId: oidOf(record.departmentId),
          status,
          autoKey,
        })
      ).toObject();
    } catch (error) {
      if (isDuplicateKeyError(error)) return; // the same event handled twice (or concurrently): one task
      throw error;
    }
    // Created outside the record service: its search entries and its list row are written here.
    await Promise.all([syncRecordSearch(connection, taskDefinition(connection), event.tenantId, created._id, created), syncListRow(connection, taskDefinition(connection), event.tenantId, created._id, created)]);
    await workflows.record({ principal: null, tenantId: event.tenantId, key: 'callingTask', resource: 'task', recordId: created._id, from: null, to: status, note: 'automatic' });
    await events.publish({ type: 'task.created', tenantId: event.tenantId, resource: 'task', resourceId: String(created._id), actor: null, record: toTaskDto(created), data: { automatic: true, cause: event.type } });
  }

  const name = (record: Record<string, unknown> | undefined, ...keys: string[]) => {
    for (const key of keys) {
      const value = key.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), record);
      if (typeof value === 'string' && value.trim()) return value.trim();
    }
    return 'the record';
  };

  const offContact = events.subscribe('contact.created', (event) =>
    createFor(event, {
      subjectType: 'contact',
      autoKey: 'contact:<id>:convert',
      kind: 'call',
      title: `Convert ${name(event.record, 'fullName', 'firstName')} to a customer`,
      description: 'New contact: call them, schedule a meeting if there is interest, and convert them to a customer (000 Pipeline).',
    }),
  );
  const offCustomer = events.subscribe('customer.created', (event) =>
    createFor(event, {
      subjectType: 'customer',
      autoKey: 'customer:<id>:activate',
      kind: 'todo',
      title: `Activate ${name(event.record, 'name', 'companyName', 'company.name', 'displayName')}`,
      description: 'New customer: complete the onboarding data and move the customer to Active (000).',
    }),
  );
  return () => {
    offContact();
    offCustomer();
  };
}
