// What <crm-contact-viewer> asks of the API: the contact (`crm.contacts` when the SDK has it), its
// workflow (`GET /v1/workflows/contact`) and timeline (`GET /v1/contacts/{id}/timeline`, falling back
// to the status history `GET /v1/contacts/{id}/transitions` on an API without the timeline route).
import { isMissingRoute, readProblem } from './errors.js';
import { path, sdkResource, type CrmCallOptions, type CrmDataClient } from './transport.js';
import type { Contact, TimelineEntry, Workflow } from './types.js';

export { loadContact } from './contact-editor.js';

/** The seeded contact workflow, used when the API does not publish workflows; the API still decides. */
const defaultContactWorkflow: Workflow = {
  key: 'contact',
  initial: 'new',
  states: [
    { key: 'new', label: 'New', final: false },
    { key: 'hot', label: 'Hot', final: false },
    { key: 'cold', label: 'Cold', final: false },
    { key: 'converted', label: 'Converted', final: true },
    { key: 'not_interested', label: 'Not interested', final: false },
  ],
  transitions: [],
};

/** The contact workflow: states and the moves between them. */
export async function loadContactWorkflow(client: CrmDataClient, options?: CrmCallOptions): Promise<Workflow> {
  try {
    return await client.transport.get<Workflow>('/v1/workflows/contact', undefined, options);
  } catch (error) {
    if (isMissingRoute(readProblem(error)) || readProblem(error).status === 403) return defaultContactWorkflow;
    throw error;
  }
}

interface TransitionHistoryEntry {
  from: string | null;
  to: string;
  byUserId: string | null;
  note: string | null;
  at: string;
}

/** The contact's activity, newest first. */
export async function loadTimeline(client: CrmDataClient, id: string, options?: CrmCallOptions): Promise<TimelineEntry[]> {
  try {
    const answer = await client.transport.get<{ data: TimelineEntry[] }>(path`/v1/contacts/${id}/timeline`, { limit: 50 }, options);
    return answer.data.map((entry) => ({ ...entry, note: typeof entry.data?.note === 'string' ? entry.data.note : (entry.note ?? null) }));
  } catch (error) {
    if (!isMissingRoute(readProblem(error))) throw error;
  }
  const history = await client.transport.get<{ data: TransitionHistoryEntry[] }>(path`/v1/contacts/${id}/transitions`, undefined, options);
  return history.data
    .map((entry, index) => ({
      id: `transition-${index}`,
      kind: 'status',
      title: entry.from ? `${entry.from} → ${entry.to}` : entry.to,
      at: entry.at,
      byUserId: entry.byUserId,
      note: entry.note,
    }))
    .reverse();
}

/** Moves the contact to status `to`, if it is still at `version`. */
export function transitionContact(client: CrmDataClient, id: string, to: string, version: number, options?: CrmCallOptions): Promise<Contact> {
  const contacts = sdkResource<Contact>(client, 'contacts');
  if (contacts) return contacts.transition(id, { to, version }, options);
  return client.transport.post<Contact>(path`/v1/contacts/${id}/transitions`, { to, version }, options);
}
