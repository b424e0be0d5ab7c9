// What <crm-task-list> asks of the API: tasks (`crm.tasks.list` when the SDK has it, else
// `GET /v1/tasks`), the calling-task workflow (`GET /v1/workflows/callingTask`) and transitions
// (`POST /v1/tasks/{id}/transitions`).
import { isMissingRoute, readProblem } from './errors.js';
import { compactQuery, path, sdkResource, transportPage, type CrmCallOptions, type CrmDataClient } from './transport.js';
import type { Task, Workflow } from './types.js';

/** The statuses a task is still to do in. */
export const openTaskStatuses = ['new', 'scheduled', 'rescheduled'];

/** The seeded calling-task workflow, used when the API does not publish workflows; the API still decides. */
const defaultCallingWorkflow: Workflow = {
  key: 'callingTask',
  initial: 'new',
  states: [
    { key: 'new', label: 'New', final: false },
    { key: 'scheduled', label: 'Scheduled', final: false },
    { key: 'rescheduled', label: 'Re-scheduled', final: false },
    { key: 'done', label: 'Done', final: true },
    { key: 'aborted', label: 'Aborted', final: true },
  ],
  transitions: [
    { from: 'new', to: 'scheduled' },
    { from: 'new', to: 'done' },
    { from: 'new', to: 'aborted' },
    { from: 'scheduled', to: 'rescheduled' },
    { from: 'scheduled', to: 'done' },
    { from: 'scheduled', to: 'aborted' },
    { from: 'rescheduled', to: 'rescheduled' },
    { from: 'rescheduled', to: 'done' },
    { from: 'rescheduled', to: 'aborted' },
  ],
};

/** Open tasks: assigned to `assigneeId`, or every one the caller may see (their team's) when omitted. */
export async function listTasks(client: CrmDataClient, assigneeId: string | undefined, options?: CrmCallOptions): Promise<Task[]> {
  const query = compactQuery({ assigneeId, status: openTaskStatuses.join(','), sort: 'dueAt', limit: 200 });
  const tasks = sdkResource<Task>(client, 'tasks');
  const first = tasks ? await tasks.list(query, options) : await transportPage<Task>(client, '/v1/tasks', query, options);
  const all: Task[] = [...first.data];
  // A person's open tasks are few; stop at a sane bound rather than walk a runaway list.
  for (let page = first; page.hasNextPage() && all.length < 2000; ) {
    const next = await page.nextPage();
    if (!next) break;
    all.push(...next.data);
    page = next;
  }
  return all;
}

/** The calling-task workflow. */
export async function loadCallingWorkflow(client: CrmDataClient, options?: CrmCallOptions): Promise<Workflow> {
  try {
    return await client.transport.get<Workflow>('/v1/workflows/callingTask', undefined, options);
  } catch (error) {
    if (isMissingRoute(readProblem(error)) || readProblem(error).status === 403) return defaultCallingWorkflow;
    throw error;
  }
}

/** Moves a task to status `to`, if it is still at `version`. */
export function transitionTask(client: CrmDataClient, id: string, to: string, version: number, options?: CrmCallOptions): Promise<Task> {
  const tasks = sdkResource<Task>(client, 'tasks');
  if (tasks) return tasks.transition(id, { to, version }, options);
  return client.transport.post<Task>(path`/v1/tasks/${id}/transitions`, { to, version }, options);
}
