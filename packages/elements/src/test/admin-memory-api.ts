// An in-memory double of the admin routes (workflows, pipelines, custom fields, templates, products)
// for the admin elements' stories. The client is the real SDK's (`createCrmClient`) over a `fetch`
// that answers from memory, so stories go through the SDK calls the elements make against the real
// API. The data-flow tests of these elements run against the real API (src/test/live-api.ts).
import { createCrmClient, type CrmClient, type CustomField, type MessageTemplate, type Pipeline, type Product, type TicketAssignmentRules, type Workflow } from '@crm/client-sdk';

const hex = (n: number) => n.toString(16).padStart(24, '0');
const now = '2026-12-01T09:00:00.000Z';

const state = (key: string, label: string, final = false) => ({ key, label, final });
const moves = (pairs: string) => pairs.split(' ').map((p) => ({ from: p.split('>')[0]!, to: p.split('>')[1]!, roles: [] as string[] }));

/** The seeded workflows, as a new agency has them. */
export function demoWorkflows(): Workflow[] {
  return [
    { key: 'contact', name: 'Contact', initial: 'new', states: [state('new', 'New'), state('hot', 'Hot'), state('converted', 'Converted', true), state('cold', 'Cold'), state('not_interested', 'Not interested')], transitions: moves('new>hot new>cold new>not_interested hot>converted hot>cold cold>hot'), version: 0, updatedAt: null },
    { key: 'customer', name: 'Customer onboarding', initial: 'draft', states: [state('draft', 'Draft'), state('new', 'New'), state('active', 'Active', true), state('inactive', 'In-active'), state('blocked', 'Blocked')], transitions: moves('draft>new new>active active>inactive active>blocked inactive>active'), version: 0, updatedAt: null },
    { key: 'lead', name: 'Lead', initial: 'new', states: [state('new', 'New'), state('contacted', 'Contacted'), state('qualified', 'Qualified'), state('converted', 'Converted', true), state('disqualified', 'Disqualified', true)], transitions: moves('new>contacted contacted>qualified qualified>converted new>disqualified contacted>disqualified'), version: 2, updatedAt: now },
    { key: 'callingTask', name: 'Calling task', initial: 'new', states: [state('new', 'New'), state('scheduled', 'Scheduled'), state('rescheduled', 'Re-scheduled'), state('done', 'Done', true), state('aborted', 'Aborted', true)], transitions: moves('new>scheduled scheduled>rescheduled scheduled>done rescheduled>done new>aborted'), version: 0, updatedAt: null },
    { key: 'campaign', name: 'Campaign', initial: 'draft', states: [state('draft', 'Draft'), state('new', 'New'), state('active', 'Active', true), state('inactive', 'In-active'), state('discarded', 'Discarded', true)], transitions: moves('draft>new new>active active>inactive inactive>active'), version: 0, updatedAt: null },
  ];
}

/** A sales pipeline with Won and Lost. */
export function demoPipelines(): Pipeline[] {
  return [{
    id: hex(0x900001), name: 'Sponsorship', description: null, isDefault: true, version: 1, createdAt: now, updatedAt: now,
    stages: [
      { key: 'lead', name: 'Lead', probability: 10, kind: 'open' },
      { key: 'proposal', name: 'Proposal', probability: 50, kind: 'open' },
      { key: 'won', name: 'Won', probability: 100, kind: 'won' },
      { key: 'lost', name: 'Lost', probability: 0, kind: 'lost' },
    ],
  }];
}

/** Custom fields of contacts and leads. */
export function demoCustomFields(): CustomField[] {
  return [
    { id: hex(0xa00001), resource: 'contact', key: 'region', label: 'Region', type: 'select', options: ['North', 'South', 'East', 'West'], required: false, defaultValue: null, version: 0 },
    { id: hex(0xa00002), resource: 'contact', key: 'dietary', label: 'Dietary needs', type: 'text', options: [], required: false, defaultValue: null, version: 0 },
    { id: hex(0xa00003), resource: 'lead', key: 'speakerSlot', label: 'Speaker slot', type: 'date', options: [], required: true, defaultValue: null, version: 1 },
  ];
}

/** Two message templates. */
export function demoTemplates(): MessageTemplate[] {
  return [
    { id: hex(0xb00001), name: 'Welcome', description: null, category: 'greeting', subject: 'Welcome, {{recipient.firstName}}!', text: 'Hello {{recipient.firstName}},\n\nwelcome to {{agency.name}}.', html: '<p>Hello {{recipient.firstName}},</p><p>welcome to {{agency.name}}.</p>', version: 0, createdAt: now, updatedAt: now },
    { id: hex(0xb00002), name: 'Speaker reminder', description: 'Sent a week before', category: 'reminder', subject: 'Your talk is next week', text: 'Dear {{recipient.firstName}} {{recipient.lastName}}, see you soon.', html: '<p>Dear {{recipient.firstName}} {{recipient.lastName}}, see you soon.</p>', version: 3, createdAt: now, updatedAt: now },
  ];
}

/** Three products: active, locked, disabled. */
export function demoProducts(): Product[] {
  const product = (n: number, name: string, code: string, start: string, end: string, extra: Partial<Product> = {}): Product => ({
    id: hex(0xc00000 + n), name, code, description: null, cycleStart: `${start}T00:00:00.000Z`, cycleEnd: `${end}T00:00:00.000Z`, status: 'active', locked: false, lockedAt: null,
    departmentId: null, teamIds: [], userIds: [], version: 0, createdAt: now, updatedAt: now, ...extra,
  });
  return [
    product(1, 'Fintech Summit Lisbon', 'FSL27', '2027-01-10', '2027-04-10'),
    product(2, 'Retail Forum Porto', 'RFP26', '2026-09-01', '2026-12-01', { locked: true, lockedAt: now }),
    product(3, 'Energy Week Oslo', 'EWO26', '2026-03-01', '2026-06-01', { status: 'disabled' }),
  ];
}

/** Options of the in-memory admin API. */
export interface AdminMemoryOptions {
  workflows?: Workflow[];
  pipelines?: Pipeline[];
  customFields?: CustomField[];
  templates?: MessageTemplate[];
  products?: Product[];
  assignmentRules?: TicketAssignmentRules['rules'];
}

type Handler = (match: RegExpMatchArray, body: Record<string, unknown>, headers: Headers, query: URLSearchParams) => unknown;

class Problem extends Error {
  constructor(readonly status: number, readonly code: string, readonly detail: string, readonly extra: Record<string, unknown> = {}) {
    super(detail);
  }
}

/** The in-memory admin API and a real SDK client over it. */
export function createAdminMemoryApi(options: AdminMemoryOptions = {}): { client: CrmClient } {
  const workflows = options.workflows ?? demoWorkflows();
  const pipelines = options.pipelines ?? demoPipelines();
  const fields = options.customFields ?? demoCustomFields();
  const templates = options.templates ?? demoTemplates();
  const products = options.products ?? demoProducts();
  const contacts = [
    { id: hex(0xd00001), firstName: 'Ada', lastName: 'Lovelace', fullName: 'Ada Lovelace', emails: [{ label: 'work', value: 'ada@example.com', primary: true }] },
    { id: hex(0xd00002), firstName: 'Grace', lastName: 'Hopper', fullName: 'Grace Hopper', emails: [] },
  ];
  // Ticket assignment rules: the first sends billing tickets to Team Lisbon's members in turn.
  const assignment = { rules: options.assignmentRules ?? [{ category: 'billing', productId: null, teamId: hex(0xe00011), userId: null }], version: options.assignmentRules ? 0 : 1, updatedAt: options.assignmentRules ? null : now };
  let seq = 0;
  const orgNode = (n: number, kind: 'department' | 'team', name: string) => ({ id: hex(n), kind, name, key: null, parentId: null, departmentId: null, memberIds: [], leadId: null, productIds: [], createdAt: now, version: 0 });
  const list = <T>(data: T[]) => ({ object: 'list', data, hasMore: false, nextCursor: null });
  const find = <T extends { id: string }>(items: T[], id: string): T => items.find((i) => i.id === id) ?? (() => { throw new Problem(404, 'not_found', 'No such record'); })();
  const checkVersion = (record: { version: number }, headers: Headers) => {
    const ifMatch = headers.get('if-match');
    if (ifMatch !== null && Number(ifMatch) !== record.version) throw new Problem(409, 'version_conflict', 'Changed by someone else', { current: record });
  };
  const render = (source: string, contact: (typeof contacts)[number]) =>
    source.replace(/\{\{\s*recipient\.(\w+)\s*\}\}/g, (_, key: string) => String((contact as Record<string, unknown>)[key] ?? '')).replace(/\{\{\s*agency\.name\s*\}\}/g, 'Demo Agency');

  const routes: Array<[string, RegExp, Handler]> = [
    ['GET', /^\/v1\/workflows$/, () => ({ object: 'list', data: workflows })],
    ['GET', /^\/v1\/workflows\/(\w+)$/, (m) => workflows.find((w) => w.key === m[1]) ?? (() => { throw new Problem(404, 'not_found', 'No such workflow'); })()],
    ['PUT', /^\/v1\/workflows\/(\w+)$/, (m, body, headers) => {
      const workflow = workflows.find((w) => w.key === m[1])!;
      checkVersion(workflow, headers);
      Object.assign(workflow, body, { version: workflow.version + 1, updatedAt: new Date().toISOString() });
      return workflow;
    }],
    ['GET', /^\/v1\/pipelines$/, () => ({ object: 'list', data: pipelines })],
    ['PATCH', /^\/v1\/pipelines\/(\w+)$/, (m, body, headers) => {
      const pipeline = find(pipelines, m[1]!);
      checkVersion(pipeline, headers);
      return Object.assign(pipeline, body, { version: pipeline.version + 1 });
    }],
    ['GET', /^\/v1\/custom-fields$/, (_, __, ___, q) => list(fields.filter((f) => !q.get('resource') || f.resource === q.get('resource')))],
    ['POST', /^\/v1\/custom-fields$/, (_, body) => {
      if (fields.some((f) => f.resource === body.resource && f.key === body.key)) throw new Problem(409, 'conflict', `${String(body.resource)} already has a custom field '${String(body.key)}'`, { errors: [{ field: 'key', code: 'duplicate', message: 'is already defined for this record type' }] });
      const field = { id: hex(0xa10000 + ++seq), options: [], required: false, defaultValue: null, version: 0, ...body } as unknown as CustomField;
      fields.push(field);
      return field;
    }],
    ['PATCH', /^\/v1\/custom-fields\/(\w+)$/, (m, body, headers) => {
      const field = find(fields, m[1]!);
      checkVersion(field, headers);
      return Object.assign(field, body, { version: field.version + 1 });
    }],
    ['DELETE', /^\/v1\/custom-fields\/(\w+)$/, (m) => {
      fields.splice(fields.indexOf(find(fields, m[1]!)), 1);
      return undefined;
    }],
    ['GET', /^\/v1\/templates$/, () => list(templates)],
    ['GET', /^\/v1\/templates\/(\w+)$/, (m) => find(templates, m[1]!)],
    ['POST', /^\/v1\/templates$/, (_, body) => {
      const template = { id: hex(0xb10000 + ++seq), description: null, version: 0, createdAt: now, updatedAt: now, ...body } as MessageTemplate;
      templates.unshift(template);
      return template;
    }],
    ['PATCH', /^\/v1\/templates\/(\w+)$/, (m, body, headers) => {
      const template = find(templates, m[1]!);
      checkVersion(template, headers);
      return Object.assign(template, body, { version: template.version + 1 });
    }],
    ['POST', /^\/v1\/templates\/(\w+)\/preview$/, (m, body) => {
      const template = find(templates, m[1]!);
      const contact = find(contacts, String(body.contactId));
      return { subject: render(template.subject, contact), text: render(template.text, contact), html: render(template.html, contact), locale: 'en', timeZone: 'Europe/Berlin' };
    }],
    ['GET', /^\/v1\/contacts$/, (_, __, ___, q) => list(contacts.filter((c) => c.fullName.toLowerCase().includes((q.get('q') ?? '').toLowerCase())))],
    ['GET', /^\/v1\/products$/, () => list(products)],
    ['GET', /^\/v1\/ticket-assignment-rules$/, () => assignment],
    ['PUT', /^\/v1\/ticket-assignment-rules$/, (_, body, headers) => {
      const ifMatch = headers.get('if-match');
      if (ifMatch !== null && Number(ifMatch.replace(/"/g, '')) !== assignment.version) throw new Problem(412, 'precondition_failed', 'Changed by someone else', { current: assignment });
      const rules = (body.rules as Array<Record<string, unknown>>).map((r) => ({ category: (r.category as string | null) ?? null, productId: (r.productId as string | null) ?? null, teamId: String(r.teamId), userId: (r.userId as string | null) ?? null }));
      return Object.assign(assignment, { rules, version: assignment.version + 1, updatedAt: new Date().toISOString() });
    }],
    ['GET', /^\/v1\/org\/departments$/, () => list([orgNode(0xe00001, 'department', 'Production'), orgNode(0xe00002, 'department', 'Phone Sales')])],
    ['GET', /^\/v1\/org\/teams$/, () => list([orgNode(0xe00011, 'team', 'Team Lisbon'), orgNode(0xe00012, 'team', 'Team Porto')])],
    ['GET', /^\/v1\/users$/, () => list([{ id: hex(1), name: 'Ada Admin', email: 'ada@example.com' }, { id: hex(2), name: 'Sam Sales', email: 'sam@example.com' }])],
    ['POST', /^\/v1\/products$/, (_, body) => {
      const product = { ...demoProducts()[0]!, code: null, cycleStart: null, cycleEnd: null, ...body, id: hex(0xc10000 + ++seq) } as Product;
      products.unshift(product);
      return product;
    }],
    ['PATCH', /^\/v1\/products\/(\w+)$/, (m, body, headers) => {
      const product = find(products, m[1]!);
      checkVersion(product, headers);
      return Object.assign(product, body, { version: product.version + 1 });
    }],
    ['POST', /^\/v1\/products\/(\w+)\/(lock|unlock)$/, (m) => {
      const product = find(products, m[1]!);
      return Object.assign(product, { locked: m[2] === 'lock', lockedAt: m[2] === 'lock' ? new Date().toISOString() : null, version: product.version + 1 });
    }],
  ];

  const fetch = async (url: string, init: { method?: string; body?: unknown; headers?: unknown }): Promise<Response> => {
    const parsed = new URL(url);
    const method = init.method ?? 'GET';
    const headers = new Headers(init.headers as HeadersInit);
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : {};
    try {
      for (const [verb, pattern, handler] of routes) {
        const match = verb === method ? parsed.pathname.match(pattern) : null;
        if (!match) continue;
        const answer = structuredClone(handler(match, body, headers, parsed.searchParams));
        return answer === undefined ? new Response(null, { status: 204 }) : new Response(JSON.stringify(answer), { status: 200, headers: { 'content-type': 'application/json' } });
      }
      throw new Problem(404, 'not_found', `No route for ${method} ${parsed.pathname}`);
    } catch (error) {
      if (!(error instanceof Problem)) throw error;
      const problem = { type: `urn:crm:problem:${error.code}`, title: error.code, status: error.status, code: error.code, detail: error.detail, ...error.extra };
      return new Response(JSON.stringify(problem), { status: error.status, headers: { 'content-type': 'application/problem+json' } });
    }
  };

  return { client: createCrmClient({ baseUrl: 'http://memory.invalid', auth: { type: 'secretKey', key: 'sk_memory', dangerouslyAllowBrowser: true }, fetch: fetch as never, retries: 0 }) };
}
