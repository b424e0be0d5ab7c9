// What <crm-campaign-creator> asks of the API, all through `client.transport` until the SDK has
// `crm.campaigns`, `crm.segments` and `crm.templates`: segments and their live count
// (`GET /v1/segments`, `GET /v1/segments/{id}/count`, `/members`), contact and customer search,
// templates and their preview (`POST /v1/templates/{id}/preview`), the campaign itself
// (`POST /v1/campaigns`, then `POST /v1/campaigns/{id}/transitions` new → active to activate) and,
// on activation, the scheduled send of the message to the audience (`POST /v1/greetings`).
import { isMissingRoute, readProblem } from './errors.js';
import { compactQuery, path, transportPage, type CrmCallOptions, type CrmDataClient } from './transport.js';
import type { Campaign, CampaignDraft, Contact, Segment, Template } from './types.js';

export { listSegments } from './contact-list.js';

/** Someone a campaign can go to. */
export interface Recipient {
  type: 'contact' | 'customer';
  id: string;
  name: string;
  detail?: string;
}

/** A rendered message. */
export interface MessagePreview {
  subject: string;
  body: string;
}

/** How many contacts a segment holds now. */
export async function countSegment(client: CrmDataClient, segmentId: string, options?: CrmCallOptions): Promise<number> {
  const answer = await client.transport.get<{ count: number }>(path`/v1/segments/${segmentId}/count`, undefined, options);
  return answer.count;
}

/** The first member of a segment, to preview the message with. */
export async function firstSegmentMember(client: CrmDataClient, segmentId: string, options?: CrmCallOptions): Promise<Contact | undefined> {
  const answer = await client.transport.get<{ data: Contact[] }>(path`/v1/segments/${segmentId}/members`, { limit: 1 }, options);
  return answer.data[0];
}

/** Contacts and customers whose name matches `q`. */
export async function searchRecipients(client: CrmDataClient, q: string, options?: CrmCallOptions): Promise<Recipient[]> {
  const query = compactQuery({ q, limit: 10 });
  const [contacts, customers] = await Promise.all([
    client.transport.get<{ data: Contact[] }>('/v1/contacts', query, options),
    client.transport.get<{ data: Array<{ id: string; name: string }> }>('/v1/customers', query, options).catch((error: unknown) => {
      if (isMissingRoute(readProblem(error))) return { data: [] };
      throw error;
    }),
  ]);
  return [
    ...contacts.data.map((c): Recipient => ({ type: 'contact', id: c.id, name: c.fullName ?? `${c.firstName} ${c.lastName}`, detail: c.emails?.[0]?.value ?? '' })),
    ...customers.data.map((c): Recipient => ({ type: 'customer', id: c.id, name: c.name })),
  ];
}

/** One contact, to preview the message with. */
export function loadRecipient(client: CrmDataClient, id: string, options?: CrmCallOptions): Promise<Contact> {
  return client.transport.get<Contact>(path`/v1/contacts/${id}`, undefined, options);
}

/** The message templates. */
export async function listTemplates(client: CrmDataClient, options?: CrmCallOptions): Promise<Template[]> {
  try {
    return (await client.transport.get<{ data: Template[] }>('/v1/templates', { limit: 200 }, options)).data;
  } catch (error) {
    if (isMissingRoute(readProblem(error))) return [];
    throw error;
  }
}

/** The template rendered by the API for one real recipient; the plain-text part is what the element shows. */
export async function previewTemplate(client: CrmDataClient, templateId: string, recipient: { type: 'contact' | 'customer'; id: string }, options?: CrmCallOptions): Promise<MessagePreview> {
  const body = recipient.type === 'contact' ? { contactId: recipient.id } : { customerId: recipient.id };
  const rendered = await client.transport.post<{ subject: string; text: string }>(path`/v1/templates/${templateId}/preview`, body, options);
  return { subject: rendered.subject, body: rendered.text };
}

/** The body `POST /v1/campaigns` takes, from the creator's draft. */
export function campaignBody(draft: CampaignDraft): Record<string, unknown> {
  return {
    title: draft.title,
    code: draft.code,
    description: draft.description || null,
    type: draft.type,
    visibility: draft.visibility,
    startAt: draft.startDate || null,
    endAt: draft.endDate || null,
  };
}

/** Who a send goes to: the API's greetings take lists of ids (they do not take a segment yet). */
export interface SendTargets {
  contactIds: string[];
  customerIds: string[];
}

/** The audience as ids; a segment is expanded to its members (as the caller may see them now). */
export async function resolveTargets(client: CrmDataClient, draft: CampaignDraft, options?: CrmCallOptions): Promise<SendTargets> {
  if (draft.audience.kind === 'picked') return { contactIds: draft.audience.contactIds, customerIds: draft.audience.customerIds };
  const segmentId = draft.audience.segmentId;
  const segment = await client.transport.get<Segment>(path`/v1/segments/${segmentId}`, undefined, options);
  const ids: string[] = [];
  let page = await transportPage<{ id: string }>(client, path`/v1/segments/${segmentId}/members`, { limit: 200 }, options);
  for (;;) {
    ids.push(...page.data.map((member) => member.id));
    const next = ids.length < 50_000 ? await page.nextPage() : null;
    if (!next) break;
    page = next;
  }
  return segment.resource === 'customer' ? { contactIds: [], customerIds: ids } : { contactIds: ids, customerIds: [] };
}

/** The body `POST /v1/greetings` takes: the message, its recipients and when it goes out. */
export function sendBody(draft: CampaignDraft, targets: SendTargets, now: Date): Record<string, unknown> {
  // A local date-time is read in the agency's time zone by the API; "now" goes as an instant.
  return { name: draft.title, templateId: draft.templateId, targets, sendAt: draft.sendAt || now.toISOString(), fromUser: draft.fromUser };
}

/**
 * Saves the campaign as a draft, or saves it, activates it (draft → new → active) and schedules its
 * message to the audience. The audience is resolved first, so a bad audience fails before anything
 * is saved.
 */
export async function saveCampaign(client: CrmDataClient, draft: CampaignDraft, activate: boolean, options?: CrmCallOptions): Promise<Campaign> {
  const targets = activate && draft.templateId ? await resolveTargets(client, draft, options) : undefined;
  let campaign = await client.transport.post<Campaign>('/v1/campaigns', campaignBody(draft), options, true);
  if (activate) {
    for (const to of ['new', 'active']) {
      campaign = await client.transport.post<Campaign>(path`/v1/campaigns/${campaign.id}/transitions`, { to, version: campaign.version }, options);
    }
    if (targets) await client.transport.post('/v1/greetings', sendBody(draft, targets, new Date()), options, true);
  }
  return campaign;
}

/** Segments of contacts, typed for the audience step. */
export type { Segment };
