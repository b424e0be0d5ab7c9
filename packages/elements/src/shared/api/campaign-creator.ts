// What <crm-campaign-creator> asks of the API, through the SDK's resources: segments and their live
// count (`crm.segments.list`, `count`, `members`), contact and customer search (`crm.contacts.list`,
// `crm.customers.list`), templates (`crm.templates.list`), the message rendered for a real recipient
// and a test of it to the signed-in user (`crm.campaigns.previewMessage`, `crm.campaigns.sendTest`),
// the campaign itself with its message and audience (`crm.campaigns.create` or `update`, then
// `crm.campaigns.transition` draft → new → active, which the API refuses with `errors[]` on `audience`
// and `message` when it would send nothing) and, on activation, the scheduled send of the message to
// the audience (`crm.greetings.create`, a segment as itself; a written message is first stored as a
// template with `crm.templates.create`, since a send takes a template).
import type { CampaignCreateParams, GreetingCreateParams } from '@crm/client-sdk';
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

/**
 * How many contacts a segment holds now, as the caller may see them. `capped`: the API stopped counting
 * (a filter its counters do not cover, at 10,000), so there are at least `count`.
 */
export async function countSegment(client: CrmDataClient, segmentId: string, options?: CrmCallOptions): Promise<{ count: number; capped: boolean }> {
  const { count, capped } = await client.segments.count(segmentId, options);
  return { count, capped: Boolean(capped) };
}

/** Walks a segment's members until more than `max` are seen: whether the segment is larger than `max`. */
async function segmentExceeds(client: CrmDataClient, segmentId: string, max: number, options?: CrmCallOptions): Promise<number | null> {
  let seen = 0;
  let page: { data: unknown[]; hasNextPage(): boolean; nextPage(): Promise<unknown> } | null = await client.segments.members<Contact>(segmentId, { limit: 200, fields: 'id' }, options);
  while (page) {
    seen += page.data.length;
    if (seen > max) return seen;
    if (!page.hasNextPage()) return null;
    page = (await page.nextPage()) as typeof page;
  }
  return null;
}

/** The first member of a segment, to preview the message with. */
export async function firstSegmentMember(client: CrmDataClient, segmentId: string, options?: CrmCallOptions): Promise<Contact | undefined> {
  // A list's walk is bounded, so a page may come back short (even empty) with more after it: follow it a few pages.
  let page: { data: Contact[]; hasNextPage(): boolean; nextPage(): Promise<unknown> } | null = await client.segments.members<Contact>(segmentId, { limit: 1 }, options);
  for (let pages = 1; page; pages += 1) {
    if (page.data[0] || !page.hasNextPage() || pages >= 10) return page.data[0];
    page = (await page.nextPage()) as typeof page;
  }
  return undefined;
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

/** The message of a draft as the API takes it: a template, a written subject and body, or none yet. */
export function messageBody(draft: CampaignDraft): { templateId: string } | { subject: string; body: string } | null {
  if (draft.messageKind === 'template') return draft.templateId ? { templateId: draft.templateId } : null;
  return draft.subject.trim() || draft.body.trim() ? { subject: draft.subject, body: draft.body } : null;
}

/** The audience of a draft as the API keeps it on the campaign, or none yet. */
export function audienceBody(draft: CampaignDraft): Record<string, unknown> | null {
  const a = draft.audience;
  if (a.kind === 'segment') return a.segmentId ? { segmentId: a.segmentId } : null;
  return a.contactIds.length + a.customerIds.length ? { contactIds: a.contactIds, customerIds: a.customerIds } : null;
}

/** The body `crm.campaigns.create` (and `update`) takes, from the creator's draft. */
export function campaignBody(draft: CampaignDraft): Record<string, unknown> {
  return {
    title: draft.title,
    code: draft.code,
    description: draft.description || null,
    type: draft.type,
    visibility: draft.visibility,
    startAt: draft.startDate || null,
    endAt: draft.endDate || null,
    message: messageBody(draft),
    audience: audienceBody(draft),
  };
}

/** Someone to render the message for: exactly one contact or customer (the API also takes a lead). */
export type PreviewRecipient = { type: 'contact' | 'customer'; id: string };

const recipientIds = (recipient: PreviewRecipient | undefined) =>
  !recipient ? {} : recipient.type === 'contact' ? { contactId: recipient.id } : { customerId: recipient.id };

/**
 * The message being written, rendered by the API for one real recipient (nothing is saved or sent);
 * the plain-text part is what the element shows. A template without a written message goes through
 * the same route, so the preview is always the API's own rendering.
 */
export async function previewMessage(client: CrmDataClient, draft: CampaignDraft, recipient: PreviewRecipient, options?: CrmCallOptions): Promise<MessagePreview> {
  const message = messageBody(draft);
  if (!message) throw new Error('No message to preview yet.');
  const rendered = await client.campaigns.previewMessage({ ...recipientIds(recipient), message }, options);
  return { subject: rendered.subject, body: rendered.text };
}

/**
 * Sends the message being written to the signed-in user's own address (never to the recipient),
 * rendered for `recipient` (or for the user when none); the campaign must be saved first. The SDK
 * sends an idempotency key, so a retried request never sends twice.
 */
export async function sendTestMessage(client: CrmDataClient, campaignId: string, draft: CampaignDraft, recipient: PreviewRecipient | undefined, options?: CrmCallOptions): Promise<{ to: string; subject: string }> {
  const message = messageBody(draft);
  const answer = await client.campaigns.sendTest(campaignId, { ...recipientIds(recipient), ...(message ? { message } : {}) }, options);
  return { to: answer.to, subject: answer.subject };
}

/** Saves the draft as the campaign: creates it the first time, then updates it (If-Match its version). */
export async function storeCampaign(client: CrmDataClient, draft: CampaignDraft, saved: Campaign | undefined, options?: CrmCallOptions): Promise<Campaign> {
  // The body comes from the creator's form; the API validates it and names each failing field.
  const body = campaignBody(draft) as CampaignCreateParams;
  if (!saved) return client.campaigns.create(body, options);
  return client.campaigns.update(saved.id, body, { ...options, ifMatch: saved.version });
}

/**
 * Who a send goes to: listed contacts and customers, or a saved segment, which the API takes as its
 * members (those the sender may see) when the send is scheduled, so no list of ids travels.
 */
export type SendTargets = Required<Pick<GreetingTargets, 'contactIds' | 'customerIds'>> | Required<Pick<GreetingTargets, 'segmentId'>>;

/** The recipients `crm.greetings.create` takes (`CreateGreeting.targets`). */
type GreetingTargets = GreetingCreateParams['targets'];

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
  const { count, capped } = await countSegment(client, segmentId, options);
  // A capped count says "at least": only a walk of the members tells whether one send can take them.
  const members = count > MAX_SEGMENT_SEND ? count : capped ? await segmentExceeds(client, segmentId, MAX_SEGMENT_SEND, options) : null;
  if (members !== null) {
    throw new AudienceTooLargeError(`has ${capped ? 'more than ' : ''}${members.toLocaleString('en')} members, more than the ${MAX_SEGMENT_SEND.toLocaleString('en')} one send takes; narrow it down`);
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
export function sendBody(draft: CampaignDraft, templateId: string, targets: SendTargets, now: Date): Record<string, unknown> {
  // A local date-time is read in the agency's time zone by the API; "now" goes as an instant.
  return { name: draft.title, templateId, targets, sendAt: draft.sendAt || now.toISOString(), fromUser: draft.fromUser };
}

/** The template a send goes out with: the chosen one, or the written message stored as a campaign template. */
async function sendTemplate(client: CrmDataClient, draft: CampaignDraft, options?: CrmCallOptions): Promise<string> {
  if (draft.messageKind === 'template') return draft.templateId;
  const template = await client.templates.create(
    { name: `${draft.title} (${draft.code})`, category: 'campaign', subject: draft.subject, text: draft.body, html: writtenHtml(draft.body) },
    options,
  );
  return template.id;
}

/** The HTML part of a written body as the API builds it for a campaign: escaped text, blank lines as paragraphs. */
export function writtenHtml(body: string): string {
  const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return body
    .split(/(\{\{\{?[\s\S]*?\}?\}\})/)
    .map((part, i) => (i % 2 ? part.replace(/^\{\{\{([\s\S]*)\}\}\}$/, '{{$1}}') : escape(part)))
    .join('')
    .split(/\r?\n\s*\r?\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p>${p.replace(/\r?\n/g, '<br>')}</p>`)
    .join('\n');
}

/**
 * Saves the campaign (create, or update when `saved`) with its message and audience as a draft, or
 * also activates it: draft → new → active from wherever it stands, then schedules its message to the
 * audience. A segment audience is checked before anything is saved. The API refuses activation of a
 * campaign with no audience or no message (`errors[]` on `audience`, `message`): that problem is
 * thrown as it came, and `onSaved` has already been told of the stored draft, so a retry updates it.
 */
export async function saveCampaign(
  client: CrmDataClient,
  draft: CampaignDraft,
  activate: boolean,
  saved: Campaign | undefined,
  onSaved: (campaign: Campaign) => void,
  options?: CrmCallOptions,
): Promise<Campaign> {
  const targets = activate && audienceBody(draft) ? await resolveTargets(client, draft, options) : undefined;
  let campaign = await storeCampaign(client, draft, saved, options);
  onSaved(campaign);
  if (!activate) return campaign;
  const path = ['draft', 'new', 'active'];
  for (const to of path.slice(path.indexOf(campaign.status) + 1)) {
    campaign = await client.campaigns.transition(campaign.id, { to, version: campaign.version }, options);
    onSaved(campaign);
  }
  if (targets) await client.greetings.create(sendBody(draft, await sendTemplate(client, draft, options), targets, new Date()) as GreetingCreateParams, options);
  return campaign;
}

/** Segments of contacts, typed for the audience step. */
export type { Segment };

