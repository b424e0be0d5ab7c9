// What <crm-campaign-creator> asks of the API, through the SDK's resources: segments and their live
// count (`crm.segments.list`, `count`, `members`), contact and customer search (`crm.contacts.list`,
// `crm.customers.list`), templates and their preview (`crm.templates.list`, `preview`), the campaign
// itself (`crm.campaigns.create`, then `crm.campaigns.transition` new → active to activate) and, on
// activation, the scheduled send of the message to the audience (`crm.greetings.create`, a segment as itself).
import { isMissingRoute, readProblem } from './errors.js';
import { compactQuery, type CrmCallOptions, type CrmDataClient } from './transport.js';
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
  return (await client.segments.count(segmentId, options)).count;
}

/** The first member of a segment, to preview the message with. */
export async function firstSegmentMember(client: CrmDataClient, segmentId: string, options?: CrmCallOptions): Promise<Contact | undefined> {
  return (await client.segments.members<Contact>(segmentId, { limit: 1 }, options)).data[0];
}

/** Contacts and customers whose name matches `q`. */
export async function searchRecipients(client: CrmDataClient, q: string, options?: CrmCallOptions): Promise<Recipient[]> {
  const query = compactQuery({ q, limit: 10 });
  const [contacts, customers] = await Promise.all([
    client.contacts.list(query, options),
    Promise.resolve(client.customers.list(query, options)).catch((error: unknown) => {
      if (isMissingRoute(readProblem(error))) return { data: [] as Array<{ id: string; name: string }> };
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
  return client.contacts.get(id, options);
}

/** The message templates. */
export async function listTemplates(client: CrmDataClient, options?: CrmCallOptions): Promise<Template[]> {
  try {
    return (await client.templates.list({ limit: 200 }, options)).data;
  } catch (error) {
    if (isMissingRoute(readProblem(error))) return [];
    throw error;
  }
}

/** The template rendered by the API for one real recipient; the plain-text part is what the element shows. */
export async function previewTemplate(client: CrmDataClient, templateId: string, recipient: { type: 'contact' | 'customer'; id: string }, options?: CrmCallOptions): Promise<MessagePreview> {
  const body = recipient.type === 'contact' ? { contactId: recipient.id } : { customerId: recipient.id };
  const rendered = await client.templates.preview(templateId, body, options);
  return { subject: rendered.subject, body: rendered.text };
}

/** The body `crm.campaigns.create` takes, from the creator's draft. */
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

/**
 * Who a send goes to: listed contacts and customers, or a saved segment, which the API takes as its
 * members (those the sender may see) when the send is scheduled, so no list of ids travels.
 */
export type SendTargets = { contactIds: string[]; customerIds: string[] } | { segmentId: string };

/** The most members one send to a segment takes (the API's bound). */
export const MAX_SEGMENT_SEND = 50_000;

/**
 * The audience as the API's greetings take it. A segment is checked before anything is saved: it must
 * be one the caller may see (404 otherwise) and within what one send takes, so a refused audience
 * leaves no half-saved campaign behind.
 */
export async function resolveTargets(client: CrmDataClient, draft: CampaignDraft, options?: CrmCallOptions): Promise<SendTargets> {
  if (draft.audience.kind === 'picked') return { contactIds: draft.audience.contactIds, customerIds: draft.audience.customerIds };
  const segmentId = draft.audience.segmentId;
  const members = await countSegment(client, segmentId, options);
  if (members > MAX_SEGMENT_SEND) {
    throw new AudienceTooLargeError(`has ${members.toLocaleString('en')} members, more than the ${MAX_SEGMENT_SEND.toLocaleString('en')} one send takes; narrow it down`);
  }
  return { segmentId };
}

/** A segment too large for one send, shaped as the API's problems are (so the step shows it on its field). */
export class AudienceTooLargeError extends Error {
  readonly status = 400;
  readonly code = 'validation_failed';
  readonly errors: Array<{ field: string; code: string; message: string }>;
  constructor(message: string) {
    super(message);
    this.name = 'AudienceTooLargeError';
    this.errors = [{ field: 'targets.segmentId', code: 'too_large', message }];
  }
}

/** The body `crm.greetings.create` takes: the message, its recipients and when it goes out. */
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
  let campaign = await client.campaigns.create(campaignBody(draft), options);
  if (activate) {
    for (const to of ['new', 'active']) {
      campaign = await client.campaigns.transition(campaign.id, { to, version: campaign.version }, options);
    }
    if (targets) await client.greetings.create(sendBody(draft, targets, new Date()), options);
  }
  return campaign;
}

/** Segments of contacts, typed for the audience step. */
export type { Segment };
