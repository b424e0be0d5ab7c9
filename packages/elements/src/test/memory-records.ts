// Leads, customers and campaigns of the in-memory API (src/test/memory-api.ts), for the stories and the
// rendering tests of the record lists. Records carry the SDK's generated types; only the fields the
// elements read are filled in beyond what the type needs to be recognisable.
import type { Campaign, CampaignStats, Customer, Lead, ListEnvelope, MessageTemplate, Workflow } from '@crm/client-sdk';
import type { Contact } from '../shared/api/types.js';
import { route, type Handler } from './memory-route.js';

const hex = (n: number) => n.toString(16).padStart(24, '0');
const firstNames = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Margaret', 'Linus'];
const lastNames = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson', 'Hamilton', 'Torvalds'];
const companies = ['Analytical Engines', 'Cobol & Co', 'Bletchley Works', 'Semaphore AG', 'Abstraction Ltd', 'Lisbon Ventures'];
const day = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000).toISOString();

/** A lead for demos and tests. */
export function makeLead(n: number, overrides: Partial<Lead> = {}): Lead {
  const firstName = firstNames[n % firstNames.length]!;
  const lastName = `${lastNames[Math.floor(n / firstNames.length) % lastNames.length]}${n >= 100 ? ` ${n}` : ''}`;
  return {
    id: hex(0xa00000 + n),
    kind: 'individual',
    firstName,
    middleName: null,
    lastName,
    fullName: `${firstName} ${lastName}`,
    companyName: companies[n % companies.length]!,
    emails: [{ label: 'work', value: `${firstName.toLowerCase()}.${n}@example.com`, primary: true }],
    phones: [],
    addresses: [],
    jobTitle: null,
    industry: null,
    employees: null,
    companySize: null,
    website: null,
    source: null,
    contactList: null,
    participation: null,
    services: [],
    notes: null,
    tags: [],
    custom: {},
    campaignId: null,
    customerId: null,
    conversion: null,
    quality: (['good', 'unknown', 'bad'] as const)[n % 3]!,
    status: ['new', 'contacted', 'qualified', 'converted', 'disqualified'][n % 5]!,
    statusChangedAt: null,
    ownerId: hex(1 + (n % 2)),
    teamId: null,
    departmentId: null,
    productId: null,
    createdAt: day(n % 300),
    updatedAt: day(n % 300),
    version: 0,
    ...overrides,
  };
}

/** A customer account for demos and tests. */
export function makeCustomer(n: number, overrides: Partial<Customer> = {}): Customer {
  return {
    id: hex(0xb00000 + n),
    name: `${companies[n % companies.length]}${n >= companies.length ? ` ${n}` : ''}`,
    legalName: null,
    companyType: null,
    logoUrl: null,
    website: null,
    industry: ['Software', 'Logistics', 'Events'][n % 3]!,
    category: ['A', 'B', 'C'][n % 3]!,
    rating: null,
    address: { city: ['Lisbon', 'Berlin', 'Vienna'][n % 3]!, country: ['PT', 'DE', 'AT'][n % 3]! },
    emails: [],
    phones: [],
    portals: [],
    contacts: [],
    billingUnits: [],
    parentId: null,
    ancestorIds: [],
    depth: 0,
    sourceLeadId: null,
    notes: null,
    tags: [],
    custom: {},
    team: { accountManagerId: null, backupPmIds: [], mainPmId: null, operationsUserIds: [], relationshipManagerId: null },
    finance: {
      allowNegativeProfit: false, allowSharingPos: false, autoSendInvoice: false, blacklisted: false, creditLimit: null, currency: 'EUR', invoicingOption: 'manual',
      invoicingPoint: null, paymentBehavior: null, paymentStats: null, paymentTerms: null, paymentTermsDays: 30, priceAdjuster: null, priceBookId: null,
    },
    preferences: { channel: 'email', notifications: [], satisfactionEmails: true, services: [], language: null },
    status: ['draft', 'new', 'active', 'inactive'][n % 4]!,
    statusChangedAt: null,
    ownerId: hex(1 + (n % 2)),
    teamId: null,
    departmentId: null,
    productId: null,
    createdAt: day(n % 300),
    updatedAt: day(n % 300),
    version: 0,
    ...overrides,
  };
}

/** A campaign for demos and tests. */
export function makeCampaign(n: number, overrides: Partial<Campaign> = {}): Campaign {
  return {
    id: hex(0xc00000 + n),
    title: ['Spring webinar', 'Trade fair Lisbon', 'Referral drive', 'Year-end greetings', 'Partner promotion'][n % 5]! + (n >= 5 ? ` ${n}` : ''),
    code: `CMP-${1000 + n}`,
    description: null,
    type: (['event', 'event', 'referral', 'greetings', 'promotion'] as const)[n % 5]!,
    visibility: 'internal',
    startAt: n % 4 === 3 ? null : day(30 * (n % 10)),
    endAt: n % 4 === 3 ? null : day(30 * (n % 10) + 45),
    cost: n % 5 === 2 ? 0 : 1000 * ((n % 4) + 1),
    expectedRevenue: 5000,
    currency: 'EUR',
    expectedRoi: n % 5 === 2 ? null : (5000 - 1000 * ((n % 4) + 1)) / (1000 * ((n % 4) + 1)),
    audience: null,
    message: null,
    form: null,
    counts: { enrolments: 4 * n, leads: 3 * (n % 7), likes: 2 * n, signups: 12 * (n % 9) + 1, testSends: 0, views: 100 + n },
    custom: {},
    status: ['draft', 'new', 'active', 'inactive', 'discarded'][n % 5]!,
    statusChangedAt: null,
    ownerId: hex(1 + (n % 2)),
    teamId: null,
    departmentId: null,
    productId: null,
    createdAt: day(n % 300),
    updatedAt: day(n % 300),
    version: 0,
    ...overrides,
  };
}

/** The stats the in-memory API answers for a campaign. */
export function statsOf(campaign: Campaign, n: number): CampaignStats {
  const revenueWon = [0, 2500, 8000, 1200][n % 4]!;
  const roi = campaign.cost ? Math.round(((revenueWon - campaign.cost) / campaign.cost) * 10_000) / 10_000 : null;
  return {
    campaignId: campaign.id,
    cost: campaign.cost,
    events: { events: 0, cost: 0, revenue: 0 },
    currency: campaign.currency,
    expectedRevenue: campaign.expectedRevenue,
    expectedRoi: campaign.cost ? (campaign.expectedRevenue - campaign.cost) / campaign.cost : null,
    revenueSource: 'opportunities',
    roi,
    daily: [],
    totals: { conversions: n % 3, enrolments: 4 * n, leads: 3 * (n % 7), likes: 2 * n, pendingSignups: n % 2, revenueWon, signups: 12 * (n % 9) + 1, views: 100 + n },
  };
}

const seeded: Record<string, Array<[string, string]>> = {
  lead: [['new', 'New'], ['contacted', 'Contacted'], ['qualified', 'Qualified'], ['converted', 'Converted'], ['disqualified', 'Disqualified']],
  customer: [['draft', 'Draft'], ['new', 'New'], ['active', 'Active'], ['inactive', 'In-active'], ['blocked', 'Blocked']],
  campaign: [['draft', 'Draft'], ['new', 'New'], ['active', 'Active'], ['inactive', 'In-active'], ['discarded', 'Discarded']],
};

/** A seeded workflow by key, as `crm.workflows.get` answers. */
export function workflowOf(key: string): Workflow | undefined {
  const states = seeded[key];
  if (!states) return undefined;
  return { key, name: key, initial: states[0]![0], version: 0, updatedAt: null, states: states.map(([k, label]) => ({ key: k, label, final: false })), transitions: [] };
}

/** Filters and sorts records as the list routes do for the query fields the lists send. */
export function queryRecords<T extends { status: string; ownerId: string | null }>(records: T[], query: Record<string, string>, text: (record: T) => string): T[] {
  const q = (query.q ?? '').toLowerCase();
  let list = records.filter(
    (r) =>
      (!query.status || r.status === query.status) &&
      (!query.ownerId || r.ownerId === query.ownerId) &&
      (!query.quality || (r as unknown as { quality?: string }).quality === query.quality) &&
      (!query.type || (r as unknown as { type?: string }).type === query.type) &&
      (!q || text(r).toLowerCase().includes(q)),
  );
  const key = (query.sort ?? '').replace(/^-/, '');
  if (key) list = [...list].sort((a, b) => String((a as Record<string, unknown>)[key] ?? '').localeCompare(String((b as Record<string, unknown>)[key] ?? '')) * (query.sort!.startsWith('-') ? -1 : 1));
  return list;
}

type RecordRoute = [string, RegExp, Handler];

/**
 * The routes of the record lists: pages of leads, customers and campaigns, a campaign's stats and the
 * seeded lead, customer and campaign workflows (other workflows stay unknown to the double).
 */
export function recordRoutes(
  counts: { leads?: number; customers?: number; campaigns?: number },
  page: <T>(items: T[], query: Record<string, string>) => ListEnvelope<T> & { object: 'list' },
  missing: (detail: string) => Error,
  refuse: (detail: string, errors: Array<{ field: string; code: string; message: string }>) => Error,
  findContact: (id: string) => Contact | undefined,
): RecordRoute[] {
  const leads = Array.from({ length: counts.leads ?? 25 }, (_, n) => makeLead(n));
  const customers = Array.from({ length: counts.customers ?? 25 }, (_, n) => makeCustomer(n));
  const campaigns = Array.from({ length: counts.campaigns ?? 25 }, (_, n) => makeCampaign(n));
  return [
    route('GET', /^\/v1\/leads$/, 'listLeads', (_, q) => page(queryRecords(leads, q, (l) => `${l.fullName} ${l.companyName ?? ''}`), q)),
    route('GET', /^\/v1\/customers$/, 'listCustomers', (_, q) => page(queryRecords(customers, q, (c) => c.name), q)),
    route('GET', /^\/v1\/campaigns$/, 'listCampaigns', (_, q) => page(queryRecords(campaigns, q, (c) => `${c.title} ${c.code}`), q)),
    route('GET', /^\/v1\/campaigns\/(\w+)\/stats$/, 'getCampaignStats', (m) => {
      const index = campaigns.findIndex((c) => c.id === m[1]);
      if (index < 0) throw missing('No such campaign');
      return statsOf(campaigns[index]!, index);
    }),
    route('GET', /^\/v1\/workflows\/(\w+)$/, 'getWorkflow', (m) => workflowOf(m[1]!) ?? (() => { throw missing('No such workflow'); })()),
    ...campaignMessageRoutes(missing, refuse, findContact),
  ];
}

/**
 * The creator's campaign routes, as the API answers them: a campaign stored with its message and
 * audience, updated, moved along its workflow (activation refused, naming `audience` and `message`,
 * when it would send nothing), a message rendered for a contact, a test "sent", a template stored.
 */
function campaignMessageRoutes(
  missing: (detail: string) => Error,
  refuse: (detail: string, errors: Array<{ field: string; code: string; message: string }>) => Error,
  findContact: (id: string) => Contact | undefined,
): RecordRoute[] {
  const stored = new Map<string, Campaign>();
  let seq = 0;
  const campaign = (id: string) => stored.get(id) ?? (() => { throw missing('No such campaign'); })();
  const render = (message: { templateId?: string; subject?: string; body?: string }, contactId: unknown) => {
    const contact = findContact(String(contactId ?? '')) ?? findContact('');
    const values: Record<string, string> = {
      'recipient.firstName': contact?.firstName ?? 'Ada',
      'recipient.lastName': contact?.lastName ?? 'Lovelace',
      'recipient.fullName': contact ? `${contact.firstName} ${contact.lastName}` : 'Ada Lovelace',
      'recipient.email': contact?.emails[0]?.value ?? '',
      'recipient.companyName': contact?.company?.name ?? '',
      'agency.name': 'Demo Agency',
      'sender.name': 'Ada Admin',
    };
    const fill = (text: string) => text.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_, key: string) => values[key] ?? '');
    const subject = fill(message.subject ?? 'Welcome, {{recipient.firstName}}!');
    const text = fill(message.body ?? 'Hello {{recipient.firstName}} {{recipient.lastName}},\n\nwelcome to our programme.');
    return {
      subject, text, html: '', locale: 'en', timeZone: 'UTC',
      recipient: { type: 'contact' as const, id: contact?.id ?? '', name: values['recipient.fullName']!, email: values['recipient.email'] || null },
    };
  };
  /** A campaign body as the API stores it: message and audience normalised, every other field as sent. */
  const stores = (body: Record<string, unknown>): Partial<Campaign> => {
    const { message, audience, ...fields } = body as Partial<Campaign> & { message?: Record<string, string | null> | null; audience?: Record<string, unknown> | null };
    const stored: Partial<Campaign> = { ...fields };
    if (message !== undefined) stored.message = message ? { templateId: message.templateId ?? null, subject: message.subject ?? null, body: message.body ?? null } : null;
    if (audience !== undefined) {
      stored.audience = audience
        ? { contactIds: (audience.contactIds as string[]) ?? [], customerIds: (audience.customerIds as string[]) ?? [], leadIds: (audience.leadIds as string[]) ?? [], segmentId: (audience.segmentId as string) ?? null }
        : null;
    }
    return stored;
  };
  return [
    route('POST', /^\/v1\/campaigns$/, 'createCampaign', (_, __, body) => {
      const id = hex(0xd00000 + ++seq);
      const record = makeCampaign(seq, {
        audience: null, message: null, ...stores(body), id, status: 'draft', version: 0,
        counts: { views: 0, likes: 0, enrolments: 0, signups: 0, leads: 0, testSends: 0 },
      });
      stored.set(id, record);
      return record;
    }),
    route('PATCH', /^\/v1\/campaigns\/(\w+)$/, 'updateCampaign', (m, __, body) => {
      const record = campaign(m[1]!);
      Object.assign(record, stores(body), { version: record.version + 1 });
      return record;
    }),
    route('POST', /^\/v1\/campaigns\/(\w+)\/transitions$/, 'transitionCampaign', (m, __, body) => {
      const record = campaign(m[1]!);
      if (body.to === 'active') {
        const errors = [
          ...(record.audience ? [] : [{ field: 'audience', code: 'required', message: 'is empty: choose a segment or at least one contact, lead or customer' }]),
          ...(record.message ? [] : [{ field: 'message', code: 'required', message: 'is missing: pick a template or write a subject and body' }]),
        ];
        if (errors.length) throw refuse('The campaign cannot be activated: it would send nothing', errors);
      }
      Object.assign(record, { status: String(body.to), version: record.version + 1 });
      return record;
    }),
    route('POST', /^\/v1\/campaigns\/preview$/, 'previewCampaignMessage', (_, __, body) => render(body.message as Record<string, string>, body.contactId)),
    route('POST', /^\/v1\/campaigns\/(\w+)\/test-send$/, 'sendCampaignTest', (m, __, body) => {
      const record = campaign(m[1]!);
      const message = (body.message ?? record.message ?? {}) as Record<string, string | undefined>;
      const rendered = render(message, body.contactId);
      return { object: 'campaign_test_send' as const, campaignId: record.id, to: 'ada@example.com', subject: `[Test] ${rendered.subject}`, sentAt: new Date().toISOString() };
    }),
    route('POST', /^\/v1\/templates$/, 'createTemplate', (_, __, body) => {
      const at = new Date().toISOString();
      const sent = body as { name: string; category: MessageTemplate['category']; subject: string; text: string; html?: string; description?: string | null };
      return { id: hex(0xe00000 + ++seq), description: null, html: `<p>${sent.text}</p>`, version: 0, createdAt: at, updatedAt: at, ...sent };
    }),
  ];
}
