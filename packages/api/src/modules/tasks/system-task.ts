import type { Connection, Types } from 'mongoose';
import { isDuplicateKeyError } from '../../platform/errors.js';
import type { EventBus } from '../../platform/events.js';
import { syncListRow } from '../../platform/lists/list-rows.js';
import { syncRecordSearch } from '../../platform/search/search-index.js';
import type { WorkflowEngine } from '../../platform/workflow/workflow-engine.js';
import { taskFiling } from './task-filing.js';
import { taskModel, type SubjectType } from './task.model.js';
import { taskDefinition, toTaskDto } from './tasks.service.js';

/** What a task created by the system (not by a user) is. */
export interface SystemTaskInput {
  tenantId: Types.ObjectId;
  /** Unique per tenant: the same key twice creates one task (a replayed event is harmless). */
  autoKey: string;
  kind: 'call' | 'todo' | 'followUp';
  title: string;
  description: string;
  subject: { type: SubjectType; id: Types.ObjectId } | null;
  assigneeId: Types.ObjectId | null;
  ownerId?: Types.ObjectId | null;
  dueAt?: Date | null;
  cause: string;
}

/**
 * Creates a task on behalf of the system (lost-deal reviews, project jobs), with its search entries, list
 * row, workflow history and `task.created` event, exactly as auto-tasks.ts does for its own. Returns the
 * task id, or the id of the task already created under the same `autoKey`.
 */
export async function createSystemTask(deps: { connection: Connection; events: EventBus; workflows: WorkflowEngine }, input: SystemTaskInput): Promise<Types.ObjectId> {
  const { connection, events, workflows } = deps;
  const Task = taskModel(connection);
  const existing = await Task.findOne({ tenantId: input.tenantId, autoKey: input.autoKey }).select('_id').lean();
  if (existing) return existing._id;
  const status = await workflows.initialState(input.tenantId, 'callingTask');
  let created;
  try {
    created = (
      await Task.create({
        tenantId: input.tenantId,
        kind: input.kind,
        title: input.title.slice(0, 300),
        description: input.description,
        subject: input.subject,
        subjectType: input.subject?.type ?? null,
        subjectId: input.subject?.id ?? null,
        assigneeId: input.assigneeId,
        ownerId: input.ownerId ?? input.assigneeId,
        dueAt: input.dueAt ?? null,
        ...taskFiling({ dueAt: input.dueAt ?? null }),
        status,
        autoKey: input.autoKey,
      })
    ).toObject();
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    return (await Task.findOne({ tenantId: input.tenantId, autoKey: input.autoKey }).select('_id').lean())!._id;
  }
  await Promise.all([syncRecordSearch(connection, taskDefinition(connection), input.tenantId, created._id, created), syncListRow(connection, taskDefinition(connection), input.tenantId, created._id, created)]);
  await workflows.record({ principal: null, tenantId: input.tenantId, key: 'callingTask', resource: 'task', recordId: created._id, from: null, to: status, note: 'automatic' });
  await events.publish({ type: 'task.created', tenantId: input.tenantId, resource: 'task', resourceId: String(created._id), actor: null, record: toTaskDto(created), data: { automatic: true, cause: input.cause } });
  return created._id;
}
