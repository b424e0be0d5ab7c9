// What <crm-contact-viewer> asks of the API, through the SDK's resources: the contact
// (`crm.contacts.get`), its workflow (`crm.workflows.get('contact')`), its timeline
// (`crm.timeline.list('contact', id)`, falling back to the status history `crm.contacts.history` on an
// API without the timeline) and status changes (`crm.contacts.transition`).
import { isMissingRoute, readProblem } from './errors.js';
import type { CrmCallOptions, CrmDataClient } from './transport.js';
import type { Contact, TimelineEntry, Workflow } from './types.js';

export { loadContact } from './contact-editor.js';

/** The seeded contact workflow, used when the API does not publish workflows; the API still decides. */
const defaultContactWorkflow: Workflow = {
  key: 'contact',
  name: 'Contact',
  initial: 'new',
  version: 0,
  updatedAt: null,
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
    return await client.workflows.get('contact', options);
  } catch (error) {
    if (isMissingRoute(readProblem(error)) || readProblem(error).status === 403) return defaultContactWorkflow;
    throw error;
  }
}

/** A line of the viewer's timeline: an entry of the API's timeline (or of the status history) with its note lifted out of `data`. */
export type TimelineLine = Pick<TimelineEntry, 'id' | 'title' | 'at' | 'byUserId'> & { kind: TimelineEntry['kind'] | 'status'; note: string | null };

/** The contact's activity, newest first. */
export async function loadTimeline(client: CrmDataClient, id: string, options?: CrmCallOptions): Promise<TimelineLine[]> {
  try {
    const page = await client.timeline.list('contact', id, { limit: 50 }, options);
    return page.data.map((entry) => ({ ...entry, note: typeof entry.data.note === 'string' ? entry.data.note : null }));
  } catch (error) {
    if (!isMissingRoute(readProblem(error))) throw error;
  }
  const history = await client.contacts.history(id, options);
  return history
    .map((entry, index) => ({
      id: `transition-${index}`,
      kind: 'status' as const,
      title: entry.from ? `${entry.from} → ${entry.to}` : entry.to,
      at: entry.at,
      byUserId: entry.byUserId ?? null,
      note: entry.note ?? null,
    }))
    .reverse();
}

/** Moves the contact to status `to`, if it is still at `version`. */
export function transitionContact(client: CrmDataClient, id: string, to: string, version: number, options?: CrmCallOptions): Promise<Contact> {
  return client.contacts.transition(id, { to, version }, options);
}
