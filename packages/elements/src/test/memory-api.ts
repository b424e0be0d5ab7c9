// An in-memory double of the CRM API for stories, the benchmark, and the tests of pure rendering
// states (loading, error, 10,000 items). The client is made of the real SDK's resources
// (`crm.contacts`, `crm.segments`...) over an SDK `Transport` whose `fetch` answers from memory, so
// the elements go through exactly the SDK calls they make against the real API.
// Every data-flow test runs against the real API (src/test/live-api.ts).
import {
  Campaigns,
  Contacts,
  Customers,
  Imports,
  Exports,
  CustomFields,
  Dashboards,
  Reports,
  Greetings,
  Leads,
  Metrics,
  Notifications,
  Opportunities,
  Org,
  Pipelines,
  Products,
  Segments,
  Targets,
  Tasks,
  Tickets,
  CustomerUsers,
  Templates,
  Timeline,
  Transport,
  Users,
  Workflows,
  type CampaignEngagement,
  type Export,
  type Notification,
  type CrmClient,
  type FetchLike,
  type Greeting,
  type ListEnvelope,
  type Pipeline,
  type Realtime,
  type Segment,
  type User,
} from '@crm/client-sdk';
import type { CrmRecordListClient } from '../shared/api/record-lists.js';
import type { CrmRealtimeLike, CrmRealtimeEvent } from '../shared/api/transport.js';
import type { Contact, CustomFieldDefinition, Opportunity, PipelineStage, Task, Template, TimelineEntry } from '../shared/api/types.js';
import { exportRoutes, type MemoryExportsOptions } from './memory-exports.js';
import { notificationRoutes, type MemoryNotificationsOptions } from './memory-notifications.js';
import { recordRoutes } from './memory-records.js';
import { route, type Handler } from './memory-route.js';
import { customerUserRoutes, demoTickets, ticketRoutes } from './memory-tickets.js';

export type { OperationAnswer } from './memory-route.js';

/** A problem the in-memory API answers with (status, code, detail, errors, current, allowed), as the real API does. */
export class MemoryApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly extra: { errors?: Array<{ field: string; code: string; message: string }>; current?: unknown; allowed?: string[] } = {},
  ) {
    super(`${status} ${code}: ${detail}`);
  }
  get errors() {
    return this.extra.errors ?? [];
  }
  get current() {
    return this.extra.current;
  }
  get allowed() {
    return this.extra.allowed;
  }
}

/** Reads image bytes as a `data:` URL, as the stand-in of the API's picture URL. */
function imageUrl(bytes: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('unreadable'));
    reader.readAsDataURL(bytes);
  });
}

const hex = (n: number) => n.toString(16).padStart(24, '0');

/** Stages of the demo pipeline. */
export const demoStages: PipelineStage[] = [
  { key: 'lead', name: 'Lead', probability: 10, kind: 'open' },
  { key: 'qualified', name: 'Qualified', probability: 30, kind: 'open' },
  { key: 'proposal', name: 'Proposal', probability: 60, kind: 'open' },
  { key: 'negotiation', name: 'Negotiation', probability: 80, kind: 'open' },
];

/** The final stages every pipeline ends in; the board's answer has columns for open stages only, as the API's. */
export const finalStages: PipelineStage[] = [
  { key: 'won', name: 'Won', probability: 100, kind: 'won' },
  { key: 'lost', name: 'Lost', probability: 0, kind: 'lost' },
];

const firstNames = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Margaret', 'Linus'];
const lastNames = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson', 'Hamilton', 'Torvalds'];
const companies = ['Analytical Engines', 'Cobol & Co', 'Bletchley Works', 'Semaphore AG', 'Abstraction Ltd'];

/** A contact for demos and tests. */
export function makeContact(n: number, overrides: Partial<Contact> = {}): Contact {
  const firstName = firstNames[n % firstNames.length]!;
  const lastName = `${lastNames[Math.floor(n / firstNames.length) % lastNames.length]}${n >= 100 ? ` ${n}` : ''}`;
  return {
    id: hex(0x100000 + n),
    firstName,
    lastName,
    fullName: `${firstName} ${lastName}`,
    middleName: null,
    jobTitle: n % 3 === 0 ? 'Head of Engineering' : 'Buyer',
    pictureUrl: null,
    emails: [{ label: 'work', value: `${firstName.toLowerCase()}.${n}@example.com`, primary: true }],
    phones: [{ label: 'work', value: `+49 30 ${1000 + n}`, primary: true }],
    addresses: [],
    company: { name: companies[n % companies.length]! },
    customerId: null,
    leadSource: null,
    tags: n % 4 === 0 ? ['vip'] : [],
    notes: null,
    consent: null,
    language: null,
    status: ['new', 'hot', 'cold'][n % 3]!,
    statusChangedAt: null,
    subscriptions: [],
    ownerId: null,
    teamId: null,
    departmentId: null,
    productId: null,
    custom: {},
    version: 0,
    createdAt: new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString(),
    updatedAt: new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString(),
    ...overrides,
  };
}

/** An opportunity card for demos and tests. */
export function makeOpportunity(n: number, stage: string, overrides: Partial<Opportunity> = {}): Opportunity {
  const amount = 1000 * ((n % 20) + 1);
  const at = new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString();
  return {
    id: hex(0x200000 + n),
    name: `${companies[n % companies.length]} - Deal ${n + 1}`,
    description: null,
    amount,
    currency: 'EUR',
    probability: 30,
    weightedAmount: amount * 0.3,
    expectedGrossProfit: null,
    expectedCloseDate: new Date(Date.UTC(2026, 11, 1 + (n % 28))).toISOString().slice(0, 10),
    pipelineId: 'p1',
    stage,
    stageKind: 'open',
    stageChangedAt: null,
    outcome: null,
    lostReason: null,
    closedAt: null,
    nextStep: null,
    nextStepDate: null,
    rank: n,
    ownerId: hex(1),
    teamId: null,
    departmentId: null,
    productId: null,
    customerId: null,
    campaignId: null,
    leadId: null,
    leadSource: null,
    contactIds: [],
    tags: [],
    custom: {},
    version: 0,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

/** A task for demos and tests. */
export function makeTask(n: number, overrides: Partial<Task> = {}): Task {
  return {
    id: hex(0x300000 + n),
    kind: 'call',
    title: `Task ${n + 1}`,
    description: null,
    subject: null,
    location: null,
    dueAt: null,
    status: 'new',
    statusChangedAt: null,
    automatic: false,
    chosenSlot: null,
    proposedSlots: [],
    assigneeId: hex(1),
    ownerId: hex(1),
    teamId: null,
    departmentId: null,
    productId: null,
    tags: [],
    custom: {},
    version: 0,
    createdAt: '2026-01-01T09:00:00.000Z',
    updatedAt: '2026-01-01T09:00:00.000Z',
    ...overrides,
  };
}

/** A custom attribute of contacts for demos and tests. */
export function makeCustomField(n: number, field: Pick<CustomFieldDefinition, 'key' | 'label' | 'type'> & Partial<CustomFieldDefinition>): CustomFieldDefinition {
  return { id: hex(0x900000 + n), resource: 'contact', options: [], required: false, version: 0, ...field };
}

/** A user who can own records. */
/** A greeting (a send) whose progress has `progress`'s counts; the rest of the counts zero. */
export function makeGreeting(n: number, progress: Partial<Greeting['progress']> = {}): Greeting {
  const counts = { sent: 0, failed: 0, skipped: 0, uncertain: 0, pending: 0, ...progress };
  return {
    id: hex(0x800100 + n), name: `Season greetings ${n}`, category: 'greeting', templateId: hex(0x500001), fromUser: false, sendAt: '2026-12-20T09:00:00.000Z',
    timeZone: 'Europe/Berlin', createdBy: hex(1), createdAt: '2026-12-19T09:00:00.000Z', startedAt: '2026-12-20T09:00:00.000Z', completedAt: null, campaignId: null, tracking: false,
    targets: { contactIds: [], customerIds: [], segmentId: hex(0x400001) },
    progress: { sendId: hex(0x800200 + n), state: 'running', total: counts.sent + counts.failed + counts.skipped + counts.uncertain + counts.pending, ...counts },
  };
}

function makeUser(n: number, name: string, email: string): User {
  return {
    id: hex(n), name, email, phone: null, pictureUrl: null, locale: 'en', timeZone: 'Europe/Berlin', status: 'active', roleId: hex(0xf00001),
    departmentId: null, tenantId: hex(0xf00000), notificationSettings: {}, version: 0, createdAt: '2026-01-01T09:00:00.000Z',
  };
}

/** A saved segment of contacts. */
function makeSegment(seed: Pick<Segment, 'id' | 'name'> & Partial<Segment>): Segment {
  return { resource: 'contact', description: null, filters: {}, purchase: null, ownerId: hex(1), sharing: 'agency', teamId: null, version: 0, createdAt: '2026-01-01T09:00:00.000Z', updatedAt: '2026-01-01T09:00:00.000Z', ...seed };
}

/** A message template. */
function makeTemplate(seed: Pick<Template, 'id' | 'name'> & Partial<Template>): Template {
  const text = seed.text ?? '';
  return { category: 'campaign', description: null, subject: '', text, html: `<p>${text}</p>`, version: 0, createdAt: '2026-01-01T09:00:00.000Z', updatedAt: '2026-01-01T09:00:00.000Z', ...seed };
}

/** Options of the in-memory API. */
export interface MemoryApiOptions {
  contacts?: number;
  /** Cards per stage of the demo pipeline. */
  cardsPerStage?: number;
  stages?: PipelineStage[];
  tasks?: Task[];
  /** Saved segments (the rest of each record filled in); two demo ones when omitted. */
  segments?: Array<Pick<Segment, 'id' | 'name'> & Partial<Segment>>;
  /** Sends (greetings) already made, each with its progress counts; none when omitted. */
  greetings?: Greeting[];
  /** How many members a segment has, by id (42 for the first demo segment and 7 for others when omitted). */
  segmentCounts?: Record<string, number>;
  /** Segments whose count the API answers as capped ("at least"), as it does for filters its counters do not cover. */
  cappedSegments?: string[];
  /** Message templates; one demo one when omitted. */
  templates?: Array<Pick<Template, 'id' | 'name'> & Partial<Template>>;
  /** The tenant's custom attributes of contacts; none when omitted. */
  customFields?: CustomFieldDefinition[];
  /** Every contact's timeline; without it the API has no timeline route (the viewer falls back to the status history). */
  timeline?: TimelineEntry[];
  /** The campaigns that reached each contact (by contact id), as `crm.contacts.campaignEngagement` answers; none when omitted. */
  campaignEngagement?: Record<string, CampaignEngagement[]>;
  /** Milliseconds every call waits, to show loading states. */
  latencyMs?: number;
  /** Leads, customers and campaigns in the record lists (25 each when omitted). */
  leads?: number;
  customers?: number;
  campaigns?: number;
  /** Background exports (`crm.exports`): those already made, and how new ones run (see memory-exports.ts); also turns on `realtime.on`. */
  exports?: MemoryExportsOptions;
  /** The user's notification inbox (`crm.notifications`, see memory-notifications.ts); also turns on `realtime.on`. */
  notifications?: MemoryNotificationsOptions;
}

/** A client of SDK resources over `fetch` (the realtime part given separately). */
export function sdkClient(fetch: FetchLike, realtime?: CrmRealtimeLike & Partial<Pick<Realtime, 'on'>>): CrmRecordListClient & Pick<CrmClient, 'org' | 'dashboards' | 'metrics' | 'targets' | 'reports' | 'exports' | 'notifications'> {
  // No retries: a double's failure is meant to show at once.
  const transport = new Transport({ baseUrl: '', fetch, retries: 0, timeoutMs: 600_000 });
  return {
    contacts: new Contacts(transport),
    customers: new Customers(transport),
    imports: new Imports(transport),
    exports: new Exports(transport),
    // <crm-notification-inbox>'s (its tests and stories answer them from test/memory-notifications.ts).
    notifications: new Notifications(transport),
    leads: new Leads(transport),
    opportunities: new Opportunities(transport),
    pipelines: new Pipelines(transport),
    segments: new Segments(transport),
    templates: new Templates(transport),
    campaigns: new Campaigns(transport),
    greetings: new Greetings(transport),
    customFields: new CustomFields(transport),
    workflows: new Workflows(transport),
    users: new Users(transport),
    products: new Products(transport),
    // The admin elements read departments and teams too (a product's visibility).
    org: new Org(transport),
    tasks: new Tasks(transport),
    tickets: new Tickets(transport),
    customerUsers: new CustomerUsers(transport),
    timeline: new Timeline(transport),
    // <crm-dashboard>'s resources (its stories answer them from test/memory-dashboards.ts).
    dashboards: new Dashboards(transport),
    metrics: new Metrics(transport),
    targets: new Targets(transport),
    // <crm-report>'s (its stories answer them from test/memory-reports.ts).
    reports: new Reports(transport),
    ...(realtime ? { realtime } : {}),
  };
}

const json = (status: number, body: unknown, type = 'application/json') =>
  new Response(body === undefined ? null : JSON.stringify(body), { status, headers: body === undefined ? {} : { 'content-type': type } });

/** The in-memory API: its data, its client, and hooks for tests. */
export function createMemoryApi(options: MemoryApiOptions = {}) {
  const contacts: Contact[] = Array.from({ length: options.contacts ?? 30 }, (_, n) => makeContact(n));
  const stages = options.stages ?? demoStages;
  const cards: Opportunity[] = stages.flatMap((stage, s) =>
    Array.from({ length: options.cardsPerStage ?? 6 }, (_, i) => makeOpportunity(s * (options.cardsPerStage ?? 6) + i, stage.key)),
  );
  const now = Date.now();
  const tasks: Task[] = options.tasks ?? [
    makeTask(1, { kind: 'call', title: 'Call Ada about the renewal', dueAt: new Date(now - 86_400_000).toISOString() }),
    makeTask(2, { kind: 'call', title: 'Call Grace back', dueAt: new Date(now + 3_600_000).toISOString(), status: 'scheduled' }),
    makeTask(3, { kind: 'meeting', title: 'Demo for Bletchley Works', dueAt: new Date(now + 3 * 86_400_000).toISOString(), assigneeId: hex(2) }),
    makeTask(4, { kind: 'todo', title: 'Send the proposal' }),
  ];
  const users: User[] = [makeUser(1, 'Ada Admin', 'ada@example.com'), makeUser(2, 'Sam Sales', 'sam@example.com')];
  const segments = (options.segments ?? [{ id: hex(0x400001), name: 'VIPs' }, { id: hex(0x400002), name: 'Berlin' }]).map(makeSegment);
  const templates = (
    options.templates ?? [
      { id: hex(0x500001), name: 'Welcome', subject: 'Welcome, {{recipient.firstName}}!', text: 'Hello {{recipient.firstName}} {{recipient.lastName}},\n\nwelcome to <b>our</b> programme.' },
    ]
  ).map(makeTemplate);
  const greetings: Greeting[] = structuredClone(options.greetings ?? []);
  const greetingOf = (id: string | undefined) => greetings.find((g) => g.id === id) ?? (() => { throw new MemoryApiError(404, 'not_found', 'No such greeting'); })();
  const subscribers = new Set<{ filter: Record<string, unknown>; handler: (event: CrmRealtimeEvent<Opportunity>) => void }>();
  /** Listeners of user messages (`realtime.on`), by message name. */
  const messageListeners = new Map<string, Set<(payload: unknown) => void>>();
  const pushMessage = (name: string, payload: unknown) => {
    for (const listener of messageListeners.get(name) ?? []) listener(structuredClone(payload));
  };
  const exports: Export[] = structuredClone(options.exports?.seed ?? []);
  const notifications: Notification[] = structuredClone(options.notifications?.seed ?? []);
  const inbox = notificationRoutes(notifications, pushMessage, (status, code, detail) => new MemoryApiError(status, code, detail));
  const exportJobs = exportRoutes(options.exports ?? {}, exports, (job) => pushMessage('export.progress', job), (status, code, detail) => new MemoryApiError(status, code, detail));
  const failures: Array<{ method: string; path: RegExp; error: MemoryApiError }> = [];
  const holds: Array<{ method: string; path: RegExp }> = [];
  const calls: Array<{ method: string; path: string; query?: object; body?: unknown; headers?: Record<string, string> }> = [];

  const notFound = () => new MemoryApiError(404, 'not_found', 'No such record');
  const demo = demoTickets();
  const contactById = (id: string) => contacts.find((c) => c.id === id) ?? (() => { throw notFound(); })();
  /** The API's bound on a page (`limit` 1..200): nothing can ask for everything at once. */
  const pageLimit = (query: Record<string, string>) => {
    const limit = Number(query.limit ?? 50);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
      throw new MemoryApiError(400, 'validation_failed', 'limit must be 1..200', { errors: [{ field: 'limit', code: 'too_big', message: 'must be at most 200' }] });
    }
    return limit;
  };
  const page = <T>(items: T[], query: Record<string, string>): ListEnvelope<T> & { object: 'list' } => {
    const limit = pageLimit(query);
    const start = Number(query.cursor ?? 0);
    const data = items.slice(start, start + limit);
    const next = start + limit < items.length ? String(start + limit) : null;
    return { object: 'list', data, hasMore: next !== null, nextCursor: next };
  };
  const pipeline: Pipeline = { id: 'p1', name: 'Sales', description: null, isDefault: true, stages: [...stages, ...finalStages], version: 0, createdAt: '2026-01-01T09:00:00.000Z', updatedAt: '2026-01-01T09:00:00.000Z' };
  /** Contacts matching a list query in its order, kept until the next write, so paging a big list sorts it once (as an index would). */
  let writes = 0;
  let ordered: { key: string; list: Contact[]; at: Map<string, number> } | undefined;
  const collator = new Intl.Collator('en');
  const orderedContacts = (q: Record<string, string>) => {
    const key = JSON.stringify([writes, contacts.length, q.q ?? '', q.status ?? '', q.sort ?? '']);
    if (ordered?.key === key) return ordered;
    const text = (q.q ?? '').toLowerCase();
    let list = contacts.filter((c) => (!q.status || c.status === q.status) && (!text || `${c.fullName} ${c.company?.name}`.toLowerCase().includes(text)));
    const field = (q.sort ?? '').replace(/^-/, '') as keyof Contact;
    const sign = q.sort?.startsWith('-') ? -1 : 1;
    if (field) list = [...list].sort((a, b) => collator.compare(String(a[field] ?? ''), String(b[field] ?? '')) * sign || collator.compare(a.id, b.id));
    ordered = { key, list, at: new Map(list.map((c, i) => [c.id, i])) };
    return ordered;
  };
  /** A keyset page: the cursor names the last row of the previous page (never an offset), as the API's cursors do. */
  const keysetPage = ({ list, at }: { list: Contact[]; at: Map<string, number> }, q: Record<string, string>) => {
    const limit = pageLimit(q);
    const after = q.cursor ? at.get(atob(q.cursor)) : -1;
    if (after === undefined) throw new MemoryApiError(400, 'invalid_cursor', 'The cursor does not belong to this list; load it from the start.');
    const data = list.slice(after + 1, after + 1 + limit);
    const more = after + 1 + limit < list.length;
    return { object: 'list' as const, data, hasMore: more, nextCursor: more ? btoa(data[data.length - 1]!.id) : null };
  };
  const column = (stage: string) => cards.filter((c) => c.stage === stage).sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0));
  const matches = (card: Opportunity, q: Record<string, string>) =>
    (!q.ownerId || card.ownerId === q.ownerId) &&
    (!q.closeAfter || (card.expectedCloseDate ?? '') >= q.closeAfter) &&
    (!q.closeBefore || (card.expectedCloseDate ?? '') < q.closeBefore);

  const routes: Array<[string, RegExp, Handler]> = [
    route('GET', /^\/v1\/contacts$/, 'listContacts', (_, q) => keysetPage(orderedContacts(q), q)),
    route('POST', /^\/v1\/contacts$/, 'createContact', (_, __, body) => {
      const contact = { ...makeContact(contacts.length), ...body, id: hex(0x600000 + contacts.length), status: 'new', version: 0 } as Contact;
      contacts.push(contact);
      return contact;
    }),
    route('GET', /^\/v1\/contacts\/(\w+)$/, 'getContact', (m) => contactById(m[1]!)),
    route('PATCH', /^\/v1\/contacts\/(\w+)$/, 'updateContact', (m, __, body) => {
      const contact = contactById(m[1]!);
      Object.assign(contact, body, { version: contact.version + 1 });
      return contact;
    }),
    route('GET', /^\/v1\/contacts\/(\w+)\/transitions$/, 'listContactTransitions', (m) => ({ object: 'list' as const, data: [{ from: null, to: contactById(m[1]!).status, byUserId: null, note: null, at: '2026-01-01T09:00:00.000Z' }] })),
    route('POST', /^\/v1\/contacts\/(\w+)\/transitions$/, 'transitionContact', (m, __, body) => {
      const contact = contactById(m[1]!);
      Object.assign(contact, { status: body.to, version: contact.version + 1 });
      return contact;
    }),
    route('PUT', /^\/v1\/contacts\/(\w+)\/picture$/, 'uploadContactPicture', async (m, __, body) => {
      const contact = contactById(m[1]!);
      const bytes = body as unknown as Blob;
      // Recognised by content, as the API does: PNG, JPEG, GIF or WebP signatures.
      const head = bytes instanceof Blob ? [...new Uint8Array(await bytes.slice(0, 12).arrayBuffer())] : [];
      const text = String.fromCharCode(...head);
      const image = text.startsWith('\x89PNG') || (head[0] === 0xff && head[1] === 0xd8) || text.startsWith('GIF8') || (text.startsWith('RIFF') && text.slice(8, 12) === 'WEBP');
      if (!image) throw new MemoryApiError(415, 'unsupported_media_type', 'The picture must be a PNG, JPEG, GIF or WebP image.');
      if (bytes.size > 1024 * 1024) throw new MemoryApiError(413, 'payload_too_large', 'The picture is larger than 1 MB.');
      Object.assign(contact, { pictureUrl: await imageUrl(bytes), version: contact.version + 1 });
      return contact;
    }),
    route('DELETE', /^\/v1\/contacts\/(\w+)\/picture$/, 'deleteContactPicture', (m) => {
      const contact = contactById(m[1]!);
      Object.assign(contact, { pictureUrl: null, version: contact.version + 1 });
      return contact;
    }),
    route('GET', /^\/v1\/contacts\/(\w+)\/timeline$/, 'getContactTimeline', (m) => {
      contactById(m[1]!);
      if (!options.timeline) throw new MemoryApiError(404, 'not_found', 'No such route');
      return { object: 'list' as const, data: options.timeline, hasMore: false, nextBefore: null };
    }),
    route('GET', /^\/v1\/contacts\/(\w+)\/campaign-engagement$/, 'listContactCampaignEngagement', (m) => {
      contactById(m[1]!);
      return { object: 'list' as const, data: options.campaignEngagement?.[m[1]!] ?? [], hasMore: false, nextCursor: null };
    }),
    route('GET', /^\/v1\/custom-fields$/, 'listCustomFields', () => ({ object: 'list' as const, data: options.customFields ?? [], hasMore: false, nextCursor: null })),
    route('GET', /^\/v1\/users$/, 'listUsers', () => ({ ...page(users, {}), object: 'list' as const })),
    route('GET', /^\/v1\/segments$/, 'listSegments', (_, q) => page(segments.filter((x) => !q.resource || x.resource === q.resource), q)),
    route('GET', /^\/v1\/segments\/(\w+)$/, 'getSegment', (m) => segments.find((x) => x.id === m[1]) ?? (() => { throw notFound(); })()),
    route('GET', /^\/v1\/segments\/(\w+)\/count$/, 'countSegmentMembers', (m) => ({ id: m[1]!, resource: 'contact' as const, count: options.segmentCounts?.[m[1]!] ?? (m[1] === segments[0]!.id ? 42 : 7), capped: options.cappedSegments?.includes(m[1]!) ?? false })),
    route('GET', /^\/v1\/segments\/(\w+)\/members$/, 'listSegmentMembers', (_, q) => page(contacts, q)),
    route('GET', /^\/v1\/templates$/, 'listTemplates', (_, q) => page(templates, q)),
    route('GET', /^\/v1\/pipelines\/(\w+)$/, 'getPipeline', () => pipeline),
    route('GET', /^\/v1\/pipelines\/(\w+)\/board$/, 'getPipelineBoard', (_, q) => ({
      pipeline,
      columns: stages.map((stage) => {
        const all = column(stage.key).filter((c) => matches(c, q));
        const amount = all.reduce((sum, c) => sum + c.amount, 0);
        return {
          stage,
          count: all.length,
          totals: all.length ? [{ currency: 'EUR', count: all.length, amount, weightedAmount: amount * 0.3 }] : [],
          opportunities: all.slice(0, Number(q.perStage ?? 100)),
          hasMore: all.length > Number(q.perStage ?? 100),
          nextCursor: all.length > Number(q.perStage ?? 100) && Number(q.perStage ?? 100) > 0 ? String(q.perStage ?? 100) : null,
        };
      }),
    })),
    route('GET', /^\/v1\/pipelines\/(\w+)\/board\/(\w+)$/, 'listPipelineBoardColumn', (m, q) => page(column(m[2]!).filter((c) => matches(c, q)), q)),
    route('GET', /^\/v1\/opportunities$/, 'listOpportunities', (_, q) => page(column(q.stage ?? '').filter((c) => matches(c, q)), q)),
    route('GET', /^\/v1\/opportunities\/(\w+)$/, 'getOpportunity', (m) => ({ ...(cards.find((c) => c.id === m[1]) ?? (() => { throw notFound(); })()) })),
    route('PATCH', /^\/v1\/opportunities\/(\w+)$/, 'updateOpportunity', (m, __, body, headers) => {
      const card = cards.find((c) => c.id === m[1]) ?? (() => { throw notFound(); })();
      // A stale If-Match answers 412 precondition_failed with the record as it is now, as the API does (a stale version in a body stays 409).
      if (headers['if-match'] !== undefined && Number(headers['if-match']) !== card.version) throw new MemoryApiError(412, 'precondition_failed', 'The record changed', { current: { ...card } });
      Object.assign(card, body, { version: card.version + 1 });
      return { ...card };
    }),
    route('POST', /^\/v1\/opportunities\/(\w+)\/move$/, 'moveOpportunity', (m, __, body) => {
      const card = cards.find((c) => c.id === m[1]) ?? (() => { throw notFound(); })();
      if (body.version !== card.version) throw new MemoryApiError(409, 'version_conflict', 'The record changed', { current: { ...card } });
      const final = finalStages.find((f) => f.key === body.stage);
      if (final?.kind === 'lost' && !body.lostReason) {
        throw new MemoryApiError(400, 'validation_failed', 'lostReason is required', { errors: [{ field: 'lostReason', code: 'invalid', message: 'is required when an opportunity is lost' }] });
      }
      Object.assign(card, { stage: body.stage, version: card.version + 1, ...(final ? { outcome: final.kind, lostReason: body.lostReason ?? null } : {}) });
      return { ...card };
    }),
    route('GET', /^\/v1\/tasks$/, 'listTasks', (_, q) => page(tasks.filter((t) => !q.assigneeId || t.assigneeId === q.assigneeId), q)),
    route('POST', /^\/v1\/tasks$/, 'createTask', (_, __, body) => {
      const task = { id: hex(0x310000 + tasks.length), status: 'new', version: 0, dueAt: null, assigneeId: hex(1), subject: null, ...body } as Task;
      tasks.push(task);
      return { ...task };
    }),
    route('PATCH', /^\/v1\/tasks\/(\w+)$/, 'updateTask', (m, __, body, headers) => {
      const task = tasks.find((t) => t.id === m[1]) ?? (() => { throw notFound(); })();
      if (headers['if-match'] !== undefined && Number(headers['if-match']) !== task.version) throw new MemoryApiError(412, 'precondition_failed', 'The task changed', { current: { ...task } });
      Object.assign(task, body, { version: task.version + 1 });
      return { ...task };
    }),
    route('POST', /^\/v1\/tasks\/(\w+)\/transitions$/, 'transitionTask', (m, __, body) => {
      const task = tasks.find((t) => t.id === m[1]) ?? (() => { throw notFound(); })();
      if (body.version !== undefined && Number(body.version) !== task.version) throw new MemoryApiError(409, 'version_conflict', 'The task changed', { current: { ...task } });
      Object.assign(task, { status: body.to, ...(body.dueAt ? { dueAt: body.dueAt } : {}), version: task.version + 1 });
      return { ...task };
    }),
    ...ticketRoutes(demo.tickets, demo.messages, notFound),
    ...exportJobs.routes,
    ...inbox.routes,
    ...customerUserRoutes((id) => {
      const contact = contacts.find((c) => c.id === id);
      const email = contact?.emails.find((e) => e.primary)?.value ?? contact?.emails[0]?.value;
      return contact && email ? { email, name: contact.fullName } : undefined;
    }, notFound),
    ...recordRoutes(
      options,
      page,
      (detail) => new MemoryApiError(404, 'not_found', detail),
      (detail, errors) => new MemoryApiError(400, 'validation_failed', detail, { errors }),
      (id) => contacts.find((c) => c.id === id) ?? contacts[0],
    ),
    route('POST', /^\/v1\/greetings$/, 'createGreeting', (_, __, body) => {
      const targets = body.targets as { contactIds?: string[]; customerIds?: string[]; segmentId?: string };
      const total = (targets.contactIds?.length ?? 0) + (targets.customerIds?.length ?? 0);
      // `uncertain` (sends whose outcome is unknown) is new in the contract; a variable, not a literal, so this
      // also type-checks against an SDK generated before it.
      const progress = { sendId: hex(0x800002), state: 'scheduled' as const, total, pending: total, sent: 0, failed: 0, skipped: 0, uncertain: 0 };
      const greeting: Greeting = {
        id: hex(0x800001), name: String(body.name), category: 'greeting', templateId: String(body.templateId), fromUser: body.fromUser === true, sendAt: String(body.sendAt),
        timeZone: 'Europe/Berlin', createdBy: hex(1), createdAt: new Date().toISOString(), startedAt: null, completedAt: null, campaignId: typeof body.campaignId === 'string' ? body.campaignId : null, tracking: body.tracking === true,
        targets: { contactIds: targets.contactIds ?? [], customerIds: targets.customerIds ?? [], segmentId: targets.segmentId ?? null },
        progress,
      };
      greetings.push(greeting);
      return structuredClone(greeting);
    }),
    route('GET', /^\/v1\/greetings\/(\w+)$/, 'getGreeting', (m) => greetingOf(m[1])),
    route('GET', /^\/v1\/greetings\/(\w+)\/uncertain$/, 'listUncertainGreetingDeliveries', (m, q) => {
      const greeting = greetingOf(m[1]);
      const uncertain = Array.from({ length: greeting.progress.uncertain }, (_, n) => ({
        recipientType: 'contact' as const, recipientId: contacts[n % Math.max(contacts.length, 1)]?.id ?? hex(0x100000 + n), email: `recipient${n + 1}@example.com`,
        attempts: 1, messageId: `<${greeting.progress.sendId}.${n}@crm.example>`, lastAttemptAt: greeting.startedAt, reason: 'worker stopped mid-send',
      }));
      return page(uncertain, q);
    }),
    // As the API: each uncertain message is queued once, however often this is called (a repeat answers `requeued: 0`).
    route('POST', /^\/v1\/greetings\/(\w+)\/resend-uncertain$/, 'resendUncertainGreetingDeliveries', (m) => {
      const greeting = greetingOf(m[1]);
      const requeued = greeting.progress.uncertain;
      Object.assign(greeting, { completedAt: requeued ? null : greeting.completedAt });
      Object.assign(greeting.progress, { uncertain: 0, pending: greeting.progress.pending + requeued, state: requeued ? 'running' : greeting.progress.state });
      return { requeued, greeting: structuredClone(greeting) };
    }),
  ];

  async function call(method: string, path: string, query?: Record<string, string>, body?: unknown, headers?: Record<string, string>): Promise<unknown> {
    calls.push({ method, path, query, body, headers });
    if (method !== 'GET') writes++;
    if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
    const failure = failures.findIndex((f) => f.method === method && f.path.test(path));
    if (failure >= 0) throw failures.splice(failure, 1)[0]!.error;
    const hold = holds.findIndex((h) => h.method === method && h.path.test(path));
    if (hold >= 0) {
      holds.splice(hold, 1);
      await new Promise(() => undefined);
    }
    for (const [verb, pattern, handler] of routes) {
      const match = verb === method ? path.match(pattern) : null;
      if (!match) continue;
      const answer = await handler(match, query ?? {}, (body ?? {}) as Record<string, unknown>, headers ?? {});
      // A file (an export's) goes out as it is; JSON is copied, so callers never hold the double's own objects.
      return answer instanceof Blob ? answer : structuredClone(answer);
    }
    throw new MemoryApiError(404, 'not_found', `No route for ${method} ${path}`);
  }

  /** The SDK's `fetch`: a request in, the in-memory API's answer (or problem) out. */
  const memoryFetch: FetchLike = async (url, init) => {
    const parsed = new URL(url, 'http://memory.invalid');
    const query = Object.fromEntries(parsed.searchParams);
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    const raw = init.body;
    const body = typeof raw === 'string' && /json/.test(headers['content-type'] ?? '') ? (JSON.parse(raw) as unknown) : raw;
    try {
      const answer = await call(init.method ?? 'GET', parsed.pathname, Object.keys(query).length ? query : undefined, body, headers);
      if (answer instanceof Blob) return new Response(answer, { status: 200, headers: { 'content-type': answer.type } });
      return json(200, answer);
    } catch (error) {
      if (!(error instanceof MemoryApiError)) throw error;
      if (error.status === 0) throw new TypeError(error.detail);
      const { errors, current, allowed } = error.extra;
      return json(error.status, { type: `urn:crm:problem:${error.code}`, title: error.code, status: error.status, code: error.code, detail: error.detail, errors, current, allowed }, 'application/problem+json');
    }
  };

  const client = sdkClient(memoryFetch, {
    subscribe: (params, handler) => {
      const entry = { filter: params.filter ?? {}, handler: handler as (event: CrmRealtimeEvent<Opportunity>) => void };
      subscribers.add(entry);
      return () => subscribers.delete(entry);
    },
    // User messages: the SDK's `on` (told at once that the socket is connected), only when the double serves
    // exports (`export.progress`) or the inbox (`notification`, `notification.read`), the user messages it
    // sends; other elements' tests see the realtime they always saw, without `on`.
    ...(options.exports || options.notifications ? { on: ((name: string, listener: (payload: never) => void, listenOptions: { onConnected?: () => void } = {}) => {
      const listeners = messageListeners.get(name) ?? new Set();
      messageListeners.set(name, listeners);
      const entry = listener as (payload: unknown) => void;
      listeners.add(entry);
      queueMicrotask(() => listenOptions.onConnected?.());
      return () => listeners.delete(entry);
    }) as Realtime['on'] } : {}),
  });

  return {
    client,
    contacts,
    cards,
    tasks,
    calls,
    greetings,
    exports,
    /** Moves an export one step on (queued → running → completed or failed) and pushes `export.progress`, as the API's job does. */
    advanceExport: (id: string): Export => structuredClone(exportJobs.advance(id)),
    notifications,
    /** Puts a new notification at the top of the inbox and pushes it as `notification`, as the API's services do. */
    notify: inbox.notify,
    /** Sends a user message (`export.progress`...) to the realtime listeners, as the API's socket does. */
    pushMessage,
    /** How many listen for the user message `name`. */
    listeners: (name: string): number => messageListeners.get(name)?.size ?? 0,
    /** Makes the next `method` call to a path matching `path` fail with `error`. */
    failNext(method: string, path: RegExp, error: MemoryApiError): void {
      failures.push({ method, path, error });
    },
    /** Makes the next `method` call to a path matching `path` never answer (to show a state while it runs). */
    holdNext(method: string, path: RegExp): void {
      holds.push({ method, path });
    },
    /** Changes a card as another user would, and tells the subscribers. */
    remoteMove(id: string, stage: string): Opportunity {
      const card = cards.find((c) => c.id === id)!;
      Object.assign(card, { stage, version: card.version + 1 });
      for (const { handler } of subscribers) handler({ subscriptionId: 'memory', type: 'updated', resource: 'opportunity', id, record: { ...card } });
      return card;
    },
    get subscriptions() {
      return subscribers.size;
    },
  };
}
