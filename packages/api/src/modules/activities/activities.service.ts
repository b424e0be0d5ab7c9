import { Types, type Connection } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import { createRecordService, type RecordDefinition, type RecordDeps } from '../../platform/records/record-service.js';
import { resolveSubject, type SubjectRegistry } from '../tasks/subjects.js';
import { activityModel, type Activity } from './activity.model.js';
import { iso } from '../../platform/records/dto.js';

type Client = { ip?: string; userAgent?: string } | undefined;
const idOf = (v: unknown) => (v ? String(v) : null);

/** The public shape of an activity. */
export function toActivityDto(a: Activity) {
  return {
    id: String(a._id),
    type: a.type,
    title: a.title,
    body: a.body ?? null,
    subject: { type: a.subject.type, id: String(a.subject.id) },
    occurredAt: iso(a.occurredAt) ?? '',
    direction: a.direction ?? null,
    durationMinutes: a.durationMinutes ?? null,
    outcome: a.outcome ?? null,
    contactIds: (a.contactIds ?? []).map(String),
    taskId: idOf(a.taskId),
    ownerId: idOf(a.ownerId),
    teamId: idOf(a.teamId),
    productId: idOf(a.productId),
    departmentId: idOf(a.departmentId),
    tags: a.tags ?? [],
    custom: a.custom ?? {},
    version: a.version ?? 0,
    createdAt: iso(a.createdAt) ?? '',
    updatedAt: iso(a.updatedAt) ?? '',
  };
}

/** The activity log: the record definition the shared record service runs. */
export const activityDefinition = (connection: Connection): RecordDefinition<Activity> => ({
  resource: 'activity',
  label: 'Activity',
  model: activityModel(connection),
  listRows: true,
  list: {
    filters: {
      type: { path: 'type', kind: 'enum', values: ['call', 'email', 'meeting', 'note'] },
      subjectId: { path: 'subjectId', kind: 'id' },
      subjectType: { path: 'subjectType', kind: 'enum', values: ['contact', 'customer', 'lead', 'opportunity'] },
      ownerId: { path: 'ownerId', kind: 'id' },
      productId: { path: 'productId', kind: 'id' },
      contactId: { path: 'contactIds', kind: 'id' },
      taskId: { path: 'taskId', kind: 'id' },
      tag: { path: 'tags', kind: 'string' },
      occurredAt: { path: 'occurredAt', kind: 'date' },
    },
    sorts: { occurredAt: { path: 'occurredAt', kind: 'date' }, createdAt: { path: 'createdAt', kind: 'date' } },
  },
  searchValues: (a) => [a.title, a.outcome, ...(a.tags ?? [])],
  derive: (a) => ({ subjectType: a.subject?.type, subjectId: a.subject?.id }),
  toDto: toActivityDto,
  exportColumns: {
    type: (a) => a.type,
    title: (a) => a.title,
    occurredAt: (a) => a.occurredAt,
    subjectType: (a) => a.subjectType,
    outcome: (a) => a.outcome,
  },
});

/** Activities: the shared record rules, with the subject checked against what the caller may see. */
export function createActivitiesService(connection: Connection, deps: RecordDeps, subjects: SubjectRegistry) {
  const records = createRecordService(activityDefinition(connection), deps);

  async function prepare(principal: Principal, input: Record<string, unknown>, creating: boolean) {
    const out: Record<string, unknown> = { ...input };
    if (input.subject) {
      const subject = input.subject as { type: 'contact'; id: string };
      const found = await resolveSubject(subjects, principal, subject);
      out.subject = { type: subject.type, id: found._id };
      if (creating && !('productId' in input) && found.productId) out.productId = String(found.productId);
    }
    if (typeof input.occurredAt === 'string') out.occurredAt = new Date(input.occurredAt);
    else if (creating) out.occurredAt = new Date();
    if (Array.isArray(input.contactIds)) out.contactIds = (input.contactIds as string[]).map((c) => new Types.ObjectId(c));
    if (typeof input.taskId === 'string') out.taskId = new Types.ObjectId(input.taskId);
    return out;
  }

  return {
    ...records,
    async create(principal: Principal, input: Record<string, unknown>, client?: Client) {
      return records.create(principal, await prepare(principal, input, true), client);
    },
    async update(principal: Principal, id: string, patch: Record<string, unknown>, options: { ifMatch?: number | undefined; client?: { ip?: string; userAgent?: string } } = {}) {
      return records.update(principal, id, await prepare(principal, patch, false), options);
    },
  };
}

export type ActivitiesService = ReturnType<typeof createActivitiesService>;
