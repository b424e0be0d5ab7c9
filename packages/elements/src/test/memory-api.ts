// An in-memory double of the CRM API for stories, the benchmark, and the tests of pure rendering
// states (loading, error, 10,000 items). The client is made of the real SDK's resources
// (`crm.contacts`, `crm.segments`...) over an SDK `Transport` whose `fetch` answers from memory, so
// the elements go through exactly the SDK calls they make against the real API.
// Every data-flow test runs against the real API (src/test/live-api.ts).
import {
  Campaigns,
  Contacts,
  Customers,
  CustomFields,
  Greetings,
  Leads,
  Opportunities,
  Pipelines,
  Products,
  Segments,
  Tasks,
  Templates,
  Timeline,
  Transport,
  Users,
  Workflows,
  type FetchLike,
} from '@crm/client-sdk';
import type { CrmRecordListClient } from '../shared/api/record-lists.js';
import type { CrmRealtimeLike, CrmRealtimeEvent } from '../shared/api/transport.js';
import type { Contact, CustomFieldDefinition, Opportunity, PipelineStage, Task, TimelineEntry } from '../shared/api/types.js';
import { recordRoutes } from './memory-records.js';

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

type Handler = (match: RegExpMatchArray, query: Record<string, string>, body: Record<string, unknown>, headers: Record<string, string>) => unknown;

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
    jobTitle: n % 3 === 0 ? 'Head of Engineering' : 'Buyer',
    emails: [{ label: 'work', value: `${firstName.toLowerCase()}.${n}@example.com`, primary: true }],
    phones: [{ label: 'work', value: `+49 30 ${1000 + n}`, primary: true }],
    addresses: [],
    company: { name: companies[n % companies.length]! },
    tags: n % 4 === 0 ? ['vip'] : [],
    status: ['new', 'hot', 'cold'][n % 3]!,
    custom: {},
    version: 0,
    createdAt: new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString(),
    ...overrides,
  };
}

/** An opportunity card for demos and tests. */
export function makeOpportunity(n: number, stage: string, overrides: Partial<Opportunity> = {}): Opportunity {
  return {
    id: hex(0x200000 + n),
    name: `${companies[n % companies.length]} - Deal ${n + 1}`,
    amount: 1000 * ((n % 20) + 1),
    currency: 'EUR',
    probability: 30,
    expectedCloseDate: new Date(Date.UTC(2026, 11, 1 + (n % 28))).toISOString().slice(0, 10),
    pipelineId: 'p1',
    stage,
    rank: n,
    ownerId: hex(1),
    version: 0,
    ...overrides,
  };
}

/** Options of the in-memory API. */
export interface MemoryApiOptions {
  contacts?: number;
  /** Cards per stage of the demo pipeline. */
  cardsPerStage?: number;
  stages?: PipelineStage[];
  tasks?: Task[];
  /** Saved segments; two demo ones when omitted. */
  segments?: Array<{ id: string; name: string; resource: string }>;
  /** How many members a segment has, by id (42 for the first demo segment and 7 for others when omitted). */
  segmentCounts?: Record<string, number>;
  /** Message templates; one demo one when omitted. */
  templates?: Array<{ id: string; name: string; subject?: string; text?: string }>;
  /** The tenant's custom attributes of contacts; none when omitted. */
  customFields?: CustomFieldDefinition[];
  /** Every contact's timeline; without it the API has no timeline route (the viewer falls back to the status history). */
  timeline?: TimelineEntry[];
  /** Milliseconds every call waits, to show loading states. */
  latencyMs?: number;
  /** Leads, customers and campaigns in the record lists (25 each when omitted). */
  leads?: number;
  customers?: number;
  campaigns?: number;
}

/** A client of SDK resources over `fetch` (the realtime part given separately). */
export function sdkClient(fetch: FetchLike, realtime?: CrmRealtimeLike): CrmRecordListClient {
  // No retries: a double's failure is meant to show at once.
  const transport = new Transport({ baseUrl: '', fetch, retries: 0, timeoutMs: 600_000 });
  return {
    contacts: new Contacts(transport),
    customers: new Customers(transport),
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
    tasks: new Tasks(transport),
    timeline: new Timeline(transport),
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
    { id: hex(0x300001), kind: 'call', title: 'Call Ada about the renewal', dueAt: new Date(now - 86_400_000).toISOString(), status: 'new', version: 0, assigneeId: hex(1) },
    { id: hex(0x300002), kind: 'call', title: 'Call Grace back', dueAt: new Date(now + 3_600_000).toISOString(), status: 'scheduled', version: 0, assigneeId: hex(1) },
    { id: hex(0x300003), kind: 'meeting', title: 'Demo for Bletchley Works', dueAt: new Date(now + 3 * 86_400_000).toISOString(), status: 'new', version: 0, assigneeId: hex(2) },
    { id: hex(0x300004), kind: 'todo', title: 'Send the proposal', dueAt: null, status: 'new', version: 0, assigneeId: hex(1) },
  ];
  const users = [
    { id: hex(1), name: 'Ada Admin', email: 'ada@example.com' },
    { id: hex(2), name: 'Sam Sales', email: 'sam@example.com' },
  ];
  const segments = options.segments ?? [
    { id: hex(0x400001), name: 'VIPs', resource: 'contact' },
    { id: hex(0x400002), name: 'Berlin', resource: 'contact' },
  ];
  const templates = options.templates ?? [
    { id: hex(0x500001), name: 'Welcome', subject: 'Welcome, {{recipient.firstName}}!', text: 'Hello {{recipient.firstName}} {{recipient.lastName}},\n\nwelcome to <b>our</b> programme.' },
  ];
  const subscribers = new Set<{ filter: Record<string, unknown>; handler: (event: CrmRealtimeEvent<Opportunity>) => void }>();
  const failures: Array<{ method: string; path: RegExp; error: MemoryApiError }> = [];
  const holds: Array<{ method: string; path: RegExp }> = [];
  const calls: Array<{ method: string; path: string; query?: object; body?: unknown; headers?: Record<string, string> }> = [];
  let campaignSeq = 0;

  const notFound = () => new MemoryApiError(404, 'not_found', 'No such record');
  const contactById = (id: string) => contacts.find((c) => c.id === id) ?? (() => { throw notFound(); })();
  const page = <T>(items: T[], query: Record<string, string>) => {
    const limit = Number(query.limit ?? 50);
    const start = Number(query.cursor ?? 0);
    const data = items.slice(start, start + limit);
    const next = start + limit < items.length ? String(start + limit) : null;
    return { object: 'list', data, hasMore: next !== null, nextCursor: next };
  };
  const column = (stage: string) => cards.filter((c) => c.stage === stage).sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0));
  const matches = (card: Opportunity, q: Record<string, string>) =>
    (!q.ownerId || card.ownerId === q.ownerId) &&
    (!q.closeAfter || (card.expectedCloseDate ?? '') >= q.closeAfter) &&
    (!q.closeBefore || (card.expectedCloseDate ?? '') < q.closeBefore);

  const routes: Array<[string, RegExp, Handler]> = [
    ['GET', /^\/v1\/contacts$/, (_, q) => {
      const text = (q.q ?? '').toLowerCase();
      let list = contacts.filter((c) => (!q.status || c.status === q.status) && (!text || `${c.fullName} ${c.company?.name}`.toLowerCase().includes(text)));
      const key = (q.sort ?? '').replace(/^-/, '') as keyof Contact;
      if (key) list = [...list].sort((a, b) => String(a[key] ?? '').localeCompare(String(b[key] ?? '')) * (q.sort!.startsWith('-') ? -1 : 1));
      return page(list, q);
    }],
    ['POST', /^\/v1\/contacts$/, (_, __, body) => {
      const contact = { ...makeContact(contacts.length), ...body, id: hex(0x600000 + contacts.length), status: 'new', version: 0 } as Contact;
      contacts.push(contact);
      return contact;
    }],
    ['GET', /^\/v1\/contacts\/(\w+)$/, (m) => contactById(m[1]!)],
    ['PATCH', /^\/v1\/contacts\/(\w+)$/, (m, __, body) => {
      const contact = contactById(m[1]!);
      Object.assign(contact, body, { version: contact.version + 1 });
      return contact;
    }],
    ['GET', /^\/v1\/contacts\/(\w+)\/transitions$/, (m) => ({ object: 'list', data: [{ from: null, to: contactById(m[1]!).status, byUserId: null, note: null, at: '2026-01-01T09:00:00.000Z' }] })],
    ['POST', /^\/v1\/contacts\/(\w+)\/transitions$/, (m, __, body) => {
      const contact = contactById(m[1]!);
      Object.assign(contact, { status: body.to, version: contact.version + 1 });
      return contact;
    }],
    ['PUT', /^\/v1\/contacts\/(\w+)\/picture$/, async (m, __, body) => {
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
    }],
    ['DELETE', /^\/v1\/contacts\/(\w+)\/picture$/, (m) => {
      const contact = contactById(m[1]!);
      Object.assign(contact, { pictureUrl: null, version: contact.version + 1 });
      return contact;
    }],
    ['GET', /^\/v1\/contacts\/(\w+)\/timeline$/, (m) => {
      contactById(m[1]!);
      if (!options.timeline) throw new MemoryApiError(404, 'not_found', 'No such route');
      return { object: 'list', data: options.timeline, hasMore: false, nextBefore: null };
    }],
    ['GET', /^\/v1\/custom-fields$/, () => ({ object: 'list', data: options.customFields ?? [], hasMore: false, nextCursor: null })],
    ['GET', /^\/v1\/users$/, () => ({ object: 'list', data: users })],
    ['GET', /^\/v1\/segments$/, () => ({ object: 'list', data: segments })],
    ['GET', /^\/v1\/segments\/(\w+)$/, (m) => segments.find((x) => x.id === m[1]) ?? (() => { throw notFound(); })()],
    ['GET', /^\/v1\/segments\/(\w+)\/count$/, (m) => ({ count: options.segmentCounts?.[m[1]!] ?? (m[1] === segments[0]!.id ? 42 : 7) })],
    ['GET', /^\/v1\/segments\/(\w+)\/members$/, (_, q) => page(contacts, q)],
    ['GET', /^\/v1\/templates$/, () => ({ object: 'list', data: templates })],
    ['GET', /^\/v1\/pipelines\/(\w+)$/, () => ({ id: 'p1', name: 'Sales', description: null, isDefault: true, stages: [...stages, ...finalStages], version: 0 })],
    ['GET', /^\/v1\/pipelines\/(\w+)\/board$/, (_, q) => ({
      pipeline: { id: 'p1', name: 'Sales', stages: [...stages, ...finalStages] },
      columns: stages.map((stage) => {
        const all = column(stage.key).filter((c) => matches(c, q));
        const amount = all.reduce((sum, c) => sum + c.amount, 0);
        return {
          stage,
          count: all.length,
          totals: all.length ? [{ currency: 'EUR', count: all.length, amount, weightedAmount: amount * 0.3 }] : [],
          opportunities: all.slice(0, Number(q.perStage ?? 100)),
          hasMore: all.length > Number(q.perStage ?? 100),
        };
      }),
    })],
    ['GET', /^\/v1\/opportunities$/, (_, q) => page(column(q.stage ?? '').filter((c) => matches(c, q)), q)],
    ['GET', /^\/v1\/opportunities\/(\w+)$/, (m) => ({ ...(cards.find((c) => c.id === m[1]) ?? (() => { throw notFound(); })()) })],
    ['PATCH', /^\/v1\/opportunities\/(\w+)$/, (m, __, body, headers) => {
      const card = cards.find((c) => c.id === m[1]) ?? (() => { throw notFound(); })();
      if (headers['if-match'] !== undefined && Number(headers['if-match']) !== card.version) throw new MemoryApiError(409, 'version_conflict', 'The record changed', { current: { ...card } });
      Object.assign(card, body, { version: card.version + 1 });
      return { ...card };
    }],
    ['POST', /^\/v1\/opportunities\/(\w+)\/move$/, (m, __, body) => {
      const card = cards.find((c) => c.id === m[1]) ?? (() => { throw notFound(); })();
      if (body.version !== card.version) throw new MemoryApiError(409, 'version_conflict', 'The record changed', { current: { ...card } });
      const final = finalStages.find((f) => f.key === body.stage);
      if (final?.kind === 'lost' && !body.lostReason) {
        throw new MemoryApiError(400, 'validation_failed', 'lostReason is required', { errors: [{ field: 'lostReason', code: 'invalid', message: 'is required when an opportunity is lost' }] });
      }
      Object.assign(card, { stage: body.stage, version: card.version + 1, ...(final ? { outcome: final.kind, lostReason: body.lostReason ?? null } : {}) });
      return { ...card };
    }],
    ['GET', /^\/v1\/tasks$/, (_, q) => page(tasks.filter((t) => !q.assigneeId || t.assigneeId === q.assigneeId), q)],
    ['POST', /^\/v1\/tasks$/, (_, __, body) => {
      const task = { id: hex(0x310000 + tasks.length), status: 'new', version: 0, dueAt: null, assigneeId: hex(1), subject: null, ...body } as Task;
      tasks.push(task);
      return { ...task };
    }],
    ['PATCH', /^\/v1\/tasks\/(\w+)$/, (m, __, body, headers) => {
      const task = tasks.find((t) => t.id === m[1]) ?? (() => { throw notFound(); })();
      if (headers['if-match'] !== undefined && Number(headers['if-match']) !== task.version) throw new MemoryApiError(409, 'version_conflict', 'The task changed', { current: { ...task } });
      Object.assign(task, body, { version: task.version + 1 });
      return { ...task };
    }],
    ['POST', /^\/v1\/tasks\/(\w+)\/transitions$/, (m, __, body) => {
      const task = tasks.find((t) => t.id === m[1]) ?? (() => { throw notFound(); })();
      if (body.version !== undefined && Number(body.version) !== task.version) throw new MemoryApiError(409, 'version_conflict', 'The task changed', { current: { ...task } });
      Object.assign(task, { status: body.to, ...(body.dueAt ? { dueAt: body.dueAt } : {}), version: task.version + 1 });
      return { ...task };
    }],
    ...recordRoutes(
      options,
      page,
      (detail) => new MemoryApiError(404, 'not_found', detail),
      (detail, errors) => new MemoryApiError(400, 'validation_failed', detail, { errors }),
      (id) => contacts.find((c) => c.id === id) ?? contacts[0],
    ),
    ['POST', /^\/v1\/greetings$/, (_, __, body) => ({ id: hex(0x800001), ...body, state: 'scheduled' })],
    ['POST', /^\/v1\/campaigns$/, (_, __, body) => ({ id: hex(0x700000 + ++campaignSeq), ...body, status: 'draft', version: 0 })],
    ['POST', /^\/v1\/campaigns\/(\w+)\/transitions$/, (m, __, body) => ({ id: m[1], title: 'Campaign', status: body.to, version: Number(body.version) + 1 })],
  ];

  async function call(method: string, path: string, query?: Record<string, string>, body?: unknown, headers?: Record<string, string>): Promise<unknown> {
    calls.push({ method, path, query, body, headers });
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
      if (match) return structuredClone(await handler(match, query ?? {}, (body ?? {}) as Record<string, unknown>, headers ?? {}));
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
  });

  return {
    client,
    contacts,
    cards,
    tasks,
    calls,
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
      for (const { handler } of subscribers) handler({ type: 'updated', resource: 'opportunity', id, record: { ...card } });
      return card;
    },
    get subscriptions() {
      return subscribers.size;
    },
  };
}
