// What <crm-task-list> asks of the API, through the SDK's resources: open tasks (`crm.tasks.list`),
// the calling-task workflow (`crm.workflows.get('callingTask')`), transitions (`crm.tasks.transition`)
// and, for a re-schedule, the new due time with the move (`crm.tasks.transition` with `dueAt`).
import { isMissingRoute, readProblem } from './errors.js';
import { collect, compactQuery, type CrmCallOptions, type CrmDataClient } from './transport.js';
import type { Task, Workflow } from './types.js';

/** The statuses a task is still to do in. */
export const openTaskStatuses = ['new', 'scheduled', 'rescheduled'];

/** The seeded calling-task workflow, used when the API does not publish workflows; the API still decides. */
const defaultCallingWorkflow: Workflow = {
  key: 'callingTask',
  name: 'Calling task',
  initial: 'new',
  version: 0,
  updatedAt: null,
  states: [
    { key: 'new', label: 'New', final: false },
    { key: 'scheduled', label: 'Scheduled', final: false },
    { key: 'rescheduled', label: 'Re-scheduled', final: false },
    { key: 'done', label: 'Done', final: true },
    { key: 'aborted', label: 'Aborted', final: true },
  ],
  transitions: [
    { from: 'new', to: 'scheduled', roles: [] },
    { from: 'new', to: 'done', roles: [] },
    { from: 'new', to: 'aborted', roles: [] },
    { from: 'scheduled', to: 'rescheduled', roles: [] },
    { from: 'scheduled', to: 'done', roles: [] },
    { from: 'scheduled', to: 'aborted', roles: [] },
    { from: 'rescheduled', to: 'rescheduled', roles: [] },
    { from: 'rescheduled', to: 'done', roles: [] },
    { from: 'rescheduled', to: 'aborted', roles: [] },
  ],
};

/** Open tasks: assigned to `assigneeId`, or every one the caller may see (their team's) when omitted. */
export function listTasks(client: CrmDataClient, assigneeId: string | undefined, options?: CrmCallOptions): Promise<Task[]> {
  const query = compactQuery({ assigneeId, status: openTaskStatuses.join(','), sort: 'dueAt', limit: 200 });
  // A person's open tasks are few; stop at a sane bound rather than walk a runaway list.
  return collect(client.tasks.list(query, options), 2000);
}

/** The calling-task workflow. */
export async function loadCallingWorkflow(client: CrmDataClient, options?: CrmCallOptions): Promise<Workflow> {
  try {
    return await client.workflows.get('callingTask', options);
  } catch (error) {
    if (isMissingRoute(readProblem(error)) || readProblem(error).status === 403) return defaultCallingWorkflow;
    throw error;
  }
}

/** Moves a task to status `to`, if it is still at `version`. */
export function transitionTask(client: CrmDataClient, id: string, to: string, version: number, options?: CrmCallOptions): Promise<Task> {
  return client.tasks.transition(id, { to, version }, options);
}

/**
 * Re-schedules a task: the move to `to` (`rescheduled` or `scheduled`) and its new due time in one write,
 * if the task is still at `task.version`; a refused time or move changes nothing.
 */
export function rescheduleTask(client: CrmDataClient, task: Task, to: string, dueAt: string, options?: CrmCallOptions): Promise<Task> {
  return client.tasks.transition(task.id, { to, dueAt, version: task.version }, options);
}
