import { createHash, randomBytes } from 'node:crypto';
import { Types, type Connection } from 'mongoose';
import { assertWritable } from '../../platform/access/access.js';
import type { Principal } from '../../platform/access/principal.js';
import { AppError } from '../../platform/errors.js';
import { createRecordService, type RecordDefinition, type RecordDeps } from '../../platform/records/record-service.js';
import { resolveSubject, type SubjectRegistry } from './subjects.js';
import { taskModel, type Task, type TimeSlot } from './task.model.js';
import { iso } from '../../platform/records/dto.js';
import { findByIdInTenant } from '../../platform/db/tenancy.plugin.js';
import { writeVersion } from '../../platform/records/version-claims.js';
import { claimOnce } from '../../platform/db/claim-once.js';
import { taskFiling } from './task-filing.js';

type Client = { ip?: string; userAgent?: string } | undefined;
const idOf = (v: unknown) => (v ? String(v) : null);
const slotDto = (s: TimeSlot) => ({ start: new Date(s.start).toISOString(), end: new Date(s.end).toISOString() });

/** The public shape of a task. */
export function toTaskDto(t: Task) {
  return {
    id: String(t._id),
    kind: t.kind,
    title: t.title,
    description: t.description ?? null,
    subject: t.subject ? { type: t.subject.type, id: String(t.subject.id) } : null,
    assigneeId: idOf(t.assigneeId),
    dueAt: iso(t.dueAt),
    status: t.status,
    statusChangedAt: iso(t.statusChangedAt),
    location: t.location ?? null,
    proposedSlots: (t.proposedSlots ?? []).map(slotDto),
    chosenSlot: t.chosenSlot ? slotDto(t.chosenSlot) : null,
    automatic: !!t.autoKey && !t.autoKey.startsWith('manual:'),
    ownerId: idOf(t.ownerId),
    teamId: idOf(t.teamId),
    productId: idOf(t.productId),
    departmentId: idOf(t.departmentId),
    tags: t.tags ?? [],
    custom: t.custom ?? {},
    version: t.version ?? 0,
    createdAt: iso(t.createdAt) ?? '',
    updatedAt: iso(t.updatedAt) ?? '',
  };
}

/** Tasks: visible to their owner, whoever the role's scope reaches, and their assignee (access.ts). */
export const taskDefinition = (connection: Connection): RecordDefinition<Task> => ({
  resource: 'task',
  label: 'Task',
  model: taskModel(connection),
  listRows: true,
  workflowKey: 'callingTask',
  list: {
    filters: {
      kind: { path: 'kind', kind: 'enum', values: ['call', 'meeting', 'followUp', 'todo'] },
      status: { path: 'status', kind: 'string' },
      assigneeId: { path: 'assigneeId', kind: 'id' },
      ownerId: { path: 'ownerId', kind: 'id' },
      subjectId: { path: 'subjectId', kind: 'id' },
      subjectType: { path: 'subjectType', kind: 'enum', values: ['contact', 'customer', 'lead', 'opportunity'] },
      productId: { path: 'productId', kind: 'id' },
      tag: { path: 'tags', kind: 'string' },
      dueAt: { path: 'dueAt', kind: 'date' },
      createdAt: { path: 'createdAt', kind: 'date' },
    },
    sorts: {
      dueAt: { path: 'dueAt', kind: 'date' },
      createdAt: { path: 'createdAt', kind: 'date' },
      updatedAt: { path: 'updatedAt', kind: 'date' },
      title: { path: 'title', kind: 'string' },
    },
  },
  searchValues: (t) => [t.title, t.location, ...(t.tags ?? [])],
  derive: (t) => ({
    autoKey: t.autoKey ?? `manual:${new Types.ObjectId().toHexString()}`,
    subjectType: t.subject?.type ?? null,
    subjectId: t.subject?.id ?? null,
    ...taskFiling(t),
  }),
  toDto: toTaskDto,
  exportColumns: {
    kind: (t) => t.kind,
    title: (t) => t.title,
    status: (t) => t.status,
    dueAt: (t) => t.dueAt,
    subjectType: (t) => t.subjectType,
    createdAt: (t) => t.createdAt,
  },
});

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

function toSlots(value: unknown): TimeSlot[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return (value as { start: string; end: string }[]).map((s) => ({ start: new Date(s.start), end: new Date(s.end) }));
}

/**
 * Tasks, meetings and follow-ups: the shared record rules plus subjects (checked against what the
 * caller may see), assignees (anyone in the agency), proposed meeting slots and the slot pick.
 */
/** A meeting's slots offered to its contact, with the single booking link (only for who mails it). */
export interface SlotInvitation {
  tenantId: Types.ObjectId;
  taskId: string;
  title: string;
  subject: { type: string; id: string } | null;
  slots: { start: string; end: string }[];
  path: string;
}

export function createTasksService(connection: Connection, deps: RecordDeps, subjects: SubjectRegistry) {
  const records = createRecordService(taskDefinition(connection), deps);
  const Task = taskModel(connection);
  const invitationHandlers: ((invitation: SlotInvitation) => Promise<void>)[] = [];

  /** Checks subject and assignee of a write and turns wire values into stored ones. */
  async function prepare(principal: Principal, input: Record<string, unknown>, existing: Task | null): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = { ...input };
    if (input.subject) {
      const subject = input.subject as { type: 'contact'; id: string };
      const found = await resolveSubject(subjects, principal, subject);
      out.subject = { type: subject.type, id: found._id };
      if (!existing && !('productId' in input) && found.productId) out.productId = String(found.productId);
    }
    if ('assigneeId' in input && input.assigneeId) {
      const assigneeId = new Types.ObjectId(String(input.assigneeId));
      if (!(await deps.directory.user(principal.tenantId, assigneeId))) throw AppError.invalidField('assigneeId', 'is not a user of this agency');
      // Delegation follows the org hierarchy (003): yourself or someone whose role sits below yours; an
      // assignment that stays as it was is not a new delegation.
      const unchanged = existing?.assigneeId && existing.assigneeId.equals(assigneeId);
      if (!unchanged && !principal.role.isAdmin && !principal.subordinateUserIds.some((id) => id.equals(assigneeId))) {
        throw AppError.invalidField('assigneeId', 'is not you or someone below you in the organisation; ask their manager to delegate it');
      }
      out.assigneeId = assigneeId;
    }
    if (!existing && !('assigneeId' in input)) out.assigneeId = principal.userId;
    if (typeof input.dueAt === 'string') out.dueAt = new Date(input.dueAt);
    if (input.proposedSlots) out.proposedSlots = toSlots(input.proposedSlots);
    const kind = (input.kind ?? existing?.kind) as string;
    if (kind !== 'meeting' && (out.proposedSlots as TimeSlot[] | undefined)?.length) throw AppError.invalidField('proposedSlots', 'are for meetings only');
    return out;
  }

  /** Records the chosen slot, makes it the due time, and moves the task to scheduled (or re-scheduled). */
  async function applySlot(tenantId: Types.ObjectId, task: Task, start: string, principal: Principal | null, client: Client) {
    const slot = task.proposedSlots.find((s) => new Date(s.start).getTime() === Date.parse(start));
    if (!slot) throw AppError.invalidField('start', `is not one of the proposed slots (${task.proposedSlots.map((s) => new Date(s.start).toISOString()).join(', ') || 'none proposed'})`);
    const workflow = await deps.workflows.get(tenantId, 'callingTask');
    const to = task.chosenSlot || task.status === 'scheduled' || task.status === 'rescheduled' ? 'rescheduled' : 'scheduled';
    if (!workflow.transitions.some((t) => t.from === task.status && t.to === to)) {
      throw new AppError('invalid_transition', `a slot cannot be picked while the meeting is '${task.status}'`, { extensions: { from: task.status, to, allowed: workflow.transitions.filter((t) => t.from === task.status).map((t) => t.to) } });
    }
    // One booking per person and start time, whatever the race: the unique claim decides (FerretDB runs a
    // conditional update as find-then-write, so two picks could both pass a version check on their own).
    const holder = task.assigneeId ?? task.ownerId ?? task._id;
    if (!(await claimOnce(connection, `meeting-slot:${String(tenantId)}:${String(holder)}:${new Date(slot.start).toISOString()}`))) {
      throw new AppError('conflict', 'This time slot has just been booked; pick another one', { errors: [{ field: 'start', code: 'taken', message: 'is already booked' }] });
    }
    const now = new Date();
    const written = await writeVersion(Task, task, { $set: { chosenSlot: { start: slot.start, end: slot.end }, dueAt: slot.start, ...taskFiling({ chosenSlot: slot }), status: to, statusChangedAt: now, updatedAt: now } });
    if (!written) {
      if (principal) throw await records.versionConflict(principal, task._id);
      throw new AppError('conflict', 'The meeting changed meanwhile; reload and try again');
    }
    await deps.workflows.record({ principal, tenantId, key: 'callingTask', resource: 'task', recordId: task._id, from: task.status, to, note: `slot ${new Date(slot.start).toISOString()}` });
    const updated = (await findByIdInTenant(Task, tenantId, task._id))!;
    const dto = toTaskDto(updated);
    await deps.events.publish({
      type: 'task.transitioned',
      tenantId,
      resource: 'task',
      resourceId: String(task._id),
      actor: principal ? { tenantId, userId: principal.userId, apiKeyId: principal.apiKeyId, ip: client?.ip, userAgent: client?.userAgent } : null,
      record: dto,
      changes: { status: { from: task.status, to }, chosenSlot: { from: task.chosenSlot ?? null, to: slot } },
      data: { from: task.status, to, slotChosenBy: principal ? 'user' : 'invitee' },
    });
    return updated;
  }

  async function findByToken(token: string): Promise<Task> {
    const task = await Task.findOne({ invitationTokenHash: hashToken(token) }).setOptions({ crossTenant: 'meeting invitation found by its token' }).lean<Task>();
    if (!task || task.kind !== 'meeting') throw AppError.notFound('Invitation');
    return task;
  }

  const publicView = (t: Task) => ({ title: t.title, location: t.location ?? null, proposedSlots: t.proposedSlots.map(slotDto), chosenSlot: t.chosenSlot ? slotDto(t.chosenSlot) : null });

  return {
    ...records,

    async create(principal: Principal, input: Record<string, unknown>, client?: Client) {
      return records.create(principal, await prepare(principal, input, null), client);
    },

    /** A status change; with `dueAt`, re-scheduling: the new due time and the move are one write. */
    async transition(principal: Principal, id: string, input: { to: string; version?: number | undefined; note?: string | undefined; dueAt?: string | undefined }, client?: Client) {
      const { dueAt, ...move } = input;
      if (dueAt === undefined) return records.transition(principal, id, move, client);
      if (move.to !== 'scheduled' && move.to !== 'rescheduled') throw AppError.invalidField('dueAt', 'changes only with a move to scheduled or rescheduled');
      if (Date.parse(dueAt) < Date.now() - 60_000) throw AppError.invalidField('dueAt', 'is in the past');
      return records.transition(principal, id, move, client, { dueAt: new Date(dueAt) });
    },

    async update(principal: Principal, id: string, patch: Record<string, unknown>, options: { ifMatch?: number | undefined; client?: { ip?: string; userAgent?: string } } = {}) {
      const existing = await records.findVisible(principal, id, 'update');
      const { autoKey: _a, invitationTokenHash: _h, chosenSlot: _c, ...rest } = patch;
      return records.update(principal, id, await prepare(principal, rest, existing), options);
    },

    /** Staff record the slot a contact picked (by phone, mail...). */
    async chooseSlot(principal: Principal, id: string, input: { start: string; version?: number | undefined }, client?: Client) {
      const task = await records.findVisible(principal, id, 'update');
      assertWritable(principal, task);
      if (task.kind !== 'meeting') throw new AppError('conflict', 'Only meetings have time slots');
      if (input.version !== undefined && input.version !== task.version) throw await records.versionConflict(principal, task._id);
      return toTaskDto(await applySlot(principal.tenantId, task, input.start, principal, client));
    },

    /**
     * Issues (or re-issues) the invitation with which the contact picks a slot without an account (000:
     * "send out his available time slots"); the token is shown once, only its hash is stored.
     */
    async invite(principal: Principal, id: string, client?: Client) {
      const task = await records.findVisible(principal, id, 'update');
      assertWritable(principal, task);
      if (task.kind !== 'meeting' || !task.proposedSlots.length) throw new AppError('conflict', 'Propose time slots on a meeting before inviting');
      const token = randomBytes(24).toString('base64url');
      await Task.updateOne({ tenantId: principal.tenantId, _id: task._id }, { $set: { invitationTokenHash: hashToken(token) } });
      const offer = { title: task.title, subject: task.subject ? { type: task.subject.type, id: String(task.subject.id) } : null, slots: task.proposedSlots.map(slotDto) };
      // The event goes to the audit log, webhooks and sockets: it never carries the token (a bearer link).
      await deps.events.publish({
        type: 'task.slots_offered',
        tenantId: principal.tenantId,
        resource: 'task',
        resourceId: String(task._id),
        actor: { tenantId: principal.tenantId, userId: principal.userId, apiKeyId: principal.apiKeyId, ip: client?.ip, userAgent: client?.userAgent },
        data: offer,
      });
      // The link goes only to who sends it to the contact (the calendar's slot-offer mail).
      for (const handler of invitationHandlers) await handler({ tenantId: principal.tenantId, taskId: String(task._id), ...offer, path: `/v1/meeting-invitations/${token}` });
      return { token, path: `/v1/meeting-invitations/${token}`, expiresAt: task.proposedSlots.length ? new Date(Math.max(...task.proposedSlots.map((s) => new Date(s.start).getTime()))).toISOString() : null };
    },

    /** Who sends an issued invitation to the contact (the calendar module's mail); kept out of the event. */
    onInvitation(handler: (invitation: SlotInvitation) => Promise<void>) {
      invitationHandlers.push(handler);
    },

    /** What an invitee sees: the meeting's title and the offered slots, nothing else of the CRM. */
    async invitation(token: string) {
      return publicView(await findByToken(token));
    },

    /** The invitee picks a slot (until the last offered slot has started). */
    async pickByInvitation(token: string, start: string) {
      const task = await findByToken(token);
      if (task.status === 'done' || task.status === 'aborted') throw new AppError('conflict', 'This meeting is closed');
      if (Date.parse(start) < Date.now()) throw AppError.invalidField('start', 'is in the past');
      return publicView(await applySlot(task.tenantId, task, start, null, undefined));
    },
  };
}

export type TasksService = ReturnType<typeof createTasksService>;
