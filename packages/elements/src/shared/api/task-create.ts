// What the task form of <crm-task-list> asks of the API, through the SDK's own resources and generated
// types: the create (`crm.tasks.create`), the records a task can be about, found by what the person
// types (`crm.contacts/customers/leads/opportunities.list` with `q`), and the people it can be assigned
// to (`crm.users.list`). No record type is declared here.
import type { CrmClient as SdkClient, TaskCreateParams } from '@crm/client-sdk';
import type { CrmClient } from '../../context/client-context.js';
import { isMissingRoute, readProblem } from './errors.js';

export type { TaskCreateParams, User } from '@crm/client-sdk';

/** The kinds of record a task can be about (`TaskCreate.subject.type`). */
export const taskSubjectTypes = ['contact', 'customer', 'lead', 'opportunity'] as const satisfies ReadonlyArray<NonNullable<TaskCreateParams['subject']>['type']>;

/** One of them. */
export type CrmTaskSubjectType = (typeof taskSubjectTypes)[number];

/** The kinds a new task can have here (a meeting needs proposed slots, which this form does not offer). */
export const newTaskKinds = ['todo', 'call', 'followUp'] as const satisfies ReadonlyArray<TaskCreateParams['kind']>;

/** The SDK resources the task form calls. */
export type CrmTaskFormClient = Pick<SdkClient, 'tasks' | 'users' | 'contacts' | 'customers' | 'leads' | 'opportunities'>;

/** A found record, as the form lists it. */
export interface CrmSubjectMatch {
  id: string;
  label: string;
}

/** The context's client as one with the task form's resources, or a clear error. */
export function taskFormClient(client: CrmClient | undefined): CrmTaskFormClient {
  const candidate = client as Partial<CrmTaskFormClient> | undefined;
  if (typeof candidate?.tasks?.create !== 'function') throw new Error('No CRM client: put the element inside a <crm-provider> that has a client of @crm/client-sdk.');
  return candidate as CrmTaskFormClient;
}

/** Up to five records of `type` matching `q`, by the name people know them by. */
export async function findSubjects(client: CrmTaskFormClient, type: CrmTaskSubjectType, q: string, signal?: AbortSignal): Promise<CrmSubjectMatch[]> {
  const query = { q, limit: 5 };
  switch (type) {
    case 'contact':
      return (await client.contacts.list(query, { signal })).data.map((r) => ({ id: r.id, label: [r.fullName, r.company?.name].filter(Boolean).join(' · ') }));
    case 'customer':
      return (await client.customers.list(query, { signal })).data.map((r) => ({ id: r.id, label: r.name }));
    case 'lead':
      return (await client.leads.list(query, { signal })).data.map((r) => ({ id: r.id, label: [r.fullName, r.companyName].filter(Boolean).join(' · ') }));
    case 'opportunity':
      return (await client.opportunities.list(query, { signal })).data.map((r) => ({ id: r.id, label: r.name }));
  }
}

/** The people a task can be assigned to, or `[]` when the caller may not list them (then it is theirs). */
export async function loadTaskAssignees(client: CrmTaskFormClient, signal?: AbortSignal): Promise<CrmSubjectMatch[]> {
  try {
    return (await client.users.list({ limit: 200 }, { signal })).data.map((u) => ({ id: u.id, label: u.name }));
  } catch (error) {
    const problem = readProblem(error);
    if (isMissingRoute(problem) || problem.status === 403) return [];
    throw error;
  }
}
