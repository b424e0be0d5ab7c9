import { Types, type Connection } from 'mongoose';
import { indexRecords, type SearchableKind } from '../platform/search/search-index.js';
import { claimEmailKeys, claimsOf, isEmailKeyedKind } from '../platform/records/email-keys.js';
import { listedKind, writeListRows } from '../platform/lists/list-rows.js';
import { contactDefinition } from '../modules/contacts/contacts.service.js';
import { stageChangeModel } from '../modules/opportunities/opportunity.model.js';
import { defaultPipeline, pipelineModel, type PipelineStage } from '../modules/opportunities/pipeline.model.js';
import { leadDefinition } from '../modules/leads/lead.definition.js';
import { customerDefinition } from '../modules/customers/customer.definition.js';
import { opportunityDefinition } from '../modules/opportunities/opportunities.service.js';
import { taskDefinition } from '../modules/tasks/tasks.service.js';
import { taskFiling } from '../modules/tasks/task-filing.js';
import { activityDefinition } from '../modules/activities/activities.service.js';
import { segmentModel } from '../modules/segments/segment.model.js';
import { company, emailOf, jobTitles, MAX_COMPANIES, MAX_PEOPLE, noise, person, pick } from './demo-people.js';

const day = 86_400_000;
/** Records inserted per `insertMany` (and indexed per `indexRecords` call). */
const BATCH = 2000;

/** Lost deals are routed by their reason (003); these are the reasons a sales team gives. */
export const lostReasons = ['Price too high', 'Chose a competitor', 'No budget this year', 'Event dates clash', 'No answer after the proposal', 'Scope did not fit'] as const;

/** The sponsorship pipeline every demo agency gets beside the default one; Won and Lost are its final stages. */
export const sponsorshipPipeline = {
  name: 'Sponsorship',
  description: 'Conference sponsorship packages',
  isDefault: false,
  stages: [
    { key: 'pitch', name: 'Pitch', probability: 15, kind: 'open' },
    { key: 'package', name: 'Package agreed', probability: 60, kind: 'open' },
    { key: 'contract', name: 'Contract sent', probability: 85, kind: 'open' },
    { key: 'won', name: 'Won', probability: 100, kind: 'won' },
    { key: 'lost', name: 'Lost', probability: 0, kind: 'lost' },
  ] as PipelineStage[],
};

const contactStatuses = [['new', 35], ['hot', 15], ['cold', 20], ['not_interested', 10], ['converted', 20]] as const;
const leadStatuses = [['new', 35], ['contacted', 25], ['qualified', 20], ['disqualified', 12], ['converted', 8]] as const;
const customerStatuses = [['active', 55], ['new', 20], ['draft', 10], ['inactive', 15]] as const;
const sources = ['Trade show', 'Website', 'Referral', 'Cold call', 'LinkedIn', 'Partner event'] as const;
const tags = ['speaker', 'sponsor', 'delegate', 'press', 'vip', 'exhibitor', 'partner'] as const;
const packages = ['gold sponsorship', 'booth package', 'delegate passes', 'speaker slot', 'networking lunch', 'branding package', 'workshop track', 'VIP dinner', 'media partnership', 'app banner', 'startup pavilion', 'closing party'] as const;
/** Where the deals of each pipeline sit: a funnel with about a third of them closed. */
const stageWeights: Record<string, number> = { prospecting: 25, qualification: 18, proposal: 14, negotiation: 9, pitch: 30, package: 18, contract: 10, won: 20, lost: 13 };

/** What the seed made, for the log and the tests. */
export interface SeededSales {
  contacts: number;
  customers: number;
  leads: number;
  opportunities: number;
  tasks: number;
  activities: number;
  pipelines: number;
  segments: number;
}

/** How many of each record `contacts` contacts bring, in the proportions of a working agency. */
export function proportions(contacts: number) {
  const companies = Math.min(MAX_COMPANIES, Math.max(12, Math.ceil(contacts / 8)));
  return {
    contacts,
    companies,
    customers: Math.min(companies, Math.max(6, Math.ceil(contacts / 10))),
    leads: Math.max(18, Math.round(contacts * 0.3)),
    opportunities: Math.max(26, Math.round(contacts * 0.25)),
    activities: Math.max(40, contacts),
  };
}

/**
 * Inserts through the model (cast, defaults, schema order: the document a service's create writes),
 * a batch at a time, then writes each batch's search entries.
 */
async function insertIndexed<Doc>(connection: Connection, kind: SearchableKind<Doc>, docs: object[]): Promise<void> {
  // Four writes at a time keep the database busy while each waits on its round trip (about 15 % faster here).
  const lanes = 4;
  for (let i = 0; i < docs.length; i += BATCH) {
    const batch = docs.slice(i, i + BATCH);
    const size = Math.ceil(batch.length / lanes);
    const parts = Array.from({ length: lanes }, (_, l) => batch.slice(l * size, (l + 1) * size)).filter((p) => p.length);
    const inserted = await Promise.all(parts.map(async (p) => (await kind.model.insertMany(p as never[])).map((d) => (d as unknown as { toObject(): object }).toObject())));
    await Promise.all(inserted.map((p) => indexRecords(connection, kind, p as never)));
    // Contacts and leads keep email keys (platform/records/email-keys.ts): what an import's dedupe finds them by.
    const name = kind.model.collection.collectionName;
    if (isEmailKeyedKind(connection, name)) await claimEmailKeys(connection, name, claimsOf(inserted.flat() as Array<Record<string, unknown>>), { takeOver: true });
    // Kinds listed from list rows get theirs in bulk too (platform/lists): whole blocks, in insertion order.
    const listed = listedKind(connection, kind.resource);
    if (listed) await writeListRows(connection, listed, inserted.flat() as never[]);
  }
}

const daysAgo = (now: number, seed: number, span: number) => new Date(now - Math.floor(noise(seed) ** 1.6 * span * day) - Math.floor(noise(seed + 1) * 8) * 3_600_000);

/**
 * The demo agency's sales data for `contacts` contacts (60 for the demo, 100,000 for a benchmark):
 * unique people at unique companies with complete addresses, customers with an account tree, two
 * pipelines (each ending in Won and Lost) with deals spread over stages, owners and dates, their
 * stage history, tasks, activities, leads and shared segments. Written with `insertMany` in batches
 * of 2,000, each batch's search entries with `indexRecords` (and list rows with `writeListRows`): the
 * documents the services would write.
 */
export async function seedDemoSales(
  connection: Connection,
  input: { tenantId: Types.ObjectId; owners: Types.ObjectId[]; support: Types.ObjectId | null; products: { id: Types.ObjectId; departmentId: Types.ObjectId | null }[]; contacts?: number; log?: (line: string) => void },
): Promise<SeededSales> {
  const { tenantId, owners } = input;
  const productIds = input.products.map((p) => p.id);
  // A record tied to a product belongs to the product's department, as the services set it.
  const departmentOf = (productId: Types.ObjectId | null) => input.products.find((p) => productId && p.id.equals(productId))?.departmentId ?? null;
  const n = input.contacts ?? 60;
  const size = proportions(n);
  if (n + size.leads > MAX_PEOPLE) throw new Error(`at most ${MAX_PEOPLE - Math.round(MAX_PEOPLE * 0.3)} contacts: beyond that, names would repeat`);
  const log = input.log ?? (() => {});
  const now = Date.now();
  const ownerOf = (seed: number) => owners[Math.floor(noise(seed) ** 1.3 * owners.length)]!;
  const productOf = (seed: number) => (productIds.length ? productIds[Math.floor(noise(seed) * productIds.length)]! : null);

  // Customers: the first companies, the first of them with two branches and a product line (003).
  const companies = Array.from({ length: size.companies }, (_, i) => company(i));
  const customerIds = companies.slice(0, size.customers).map(() => new Types.ObjectId());
  const customers: object[] = companies.slice(0, size.customers).map((c, i) => ({
    _id: customerIds[i],
    tenantId,
    name: c.name,
    industry: c.industry,
    website: `https://www.${c.domain}`,
    address: c.address,
    status: i < 6 ? (['active', 'new', 'active', 'draft', 'active', 'inactive'] as const)[i] : pick(customerStatuses, noise(i * 31 + 5)),
    ownerId: ownerOf(i * 17 + 3),
    version: 0,
    createdAt: daysAgo(now, i * 13 + 7, 720),
    updatedAt: daysAgo(now, i * 13 + 9, 60),
  }));
  const hq = customerIds[0]!;
  const branchRows = [
    { _id: new Types.ObjectId(), name: 'Banco Atlântico Porto', address: { line1: 'Avenida dos Aliados 107', city: 'Porto', postalCode: '4000-067', country: 'Portugal' }, parentId: hq, ancestorIds: [hq], depth: 1 },
    { _id: new Types.ObjectId(), name: 'Banco Atlântico Madeira', address: { line1: 'Avenida Arriaga 42', city: 'Funchal', postalCode: '9000-064', country: 'Portugal' }, parentId: hq, ancestorIds: [hq], depth: 1 },
  ];
  const line = { _id: new Types.ObjectId(), name: 'Banco Atlântico Porto - Cards', address: branchRows[0]!.address, parentId: branchRows[0]!._id, ancestorIds: [hq, branchRows[0]!._id], depth: 2 };
  customers.push(
    ...[...branchRows, line].map((b, i) => ({ ...b, tenantId, industry: 'Finance', status: 'active', ownerId: owners[i % owners.length], finance: { currency: 'EUR', creditLimit: 20_000 + i * 15_000 }, version: 0, createdAt: new Date(now - 300 * day), updatedAt: new Date(now - 20 * day) })),
  );
  await insertIndexed(connection, customerDefinition(connection), customers);
  log(`customers: ${customers.length}`);

  // Contacts, each at a company of their own country where there is one.
  const byRegion = new Map<number, number[]>();
  companies.forEach((c, i) => byRegion.set(c.region, [...(byRegion.get(c.region) ?? []), i]));
  const contacts: { _id: Types.ObjectId; firstName: string; lastName: string; company: number; ownerId: Types.ObjectId; productId: Types.ObjectId | null; status: string; leadSource: string }[] = [];
  const contactDef = contactDefinition(connection);
  for (let start = 0; start < n; start += BATCH) {
    const docs = [];
    for (let i = start; i < Math.min(n, start + BATCH); i += 1) {
      const p = person(i);
      const local = byRegion.get(p.region);
      const at = local ? local[Math.floor(noise(i * 7 + 1) * local.length)]! : i % companies.length;
      const c = companies[at]!;
      const email = emailOf(p, c.domain);
      const status = i < 8 ? (['new', 'new', 'hot', 'cold', 'new', 'not_interested', 'hot', 'converted'] as const)[i]! : pick(contactStatuses, noise(i * 3 + 2));
      const created = daysAgo(now, i * 11 + 4, 540);
      const tagCount = Math.floor(noise(i * 5 + 3) * 2.2);
      const doc = {
        _id: new Types.ObjectId(),
        tenantId,
        firstName: p.firstName,
        middleName: p.middleName,
        lastName: p.lastName,
        jobTitle: jobTitles[Math.floor(noise(i * 13 + 6) * jobTitles.length)]!,
        emails: [{ label: 'work', value: email, primary: true }],
        phones: [{ label: 'work', value: p.phone, primary: true }],
        addresses: [{ label: 'work', ...p.address, primary: true }],
        company: { name: c.name, industry: c.industry, website: `https://www.${c.domain}`, type: noise(i * 19) < 0.3 ? 'Scale-up' : 'Corporate', address: c.address },
        companyName: c.name,
        primaryEmail: email,
        status,
        ownerId: i < 3 ? owners[i % owners.length]! : ownerOf(i * 29 + 1),
        productId: productOf(i * 23 + 8),
        departmentId: null as Types.ObjectId | null,
        tags: [...new Set(Array.from({ length: tagCount }, (_, t) => tags[Math.floor(noise(i * 41 + t) * tags.length)]!))],
        leadSource: sources[Math.floor(noise(i * 43 + 2) * sources.length)]!,
        // Most people said yes or no to marketing email when they were met; the rest were never asked.
        consent: noise(i * 59 + 7) < 0.6 ? { marketing: noise(i * 61 + 3) < 0.7, source: noise(i * 67) < 0.5 ? 'Signup form' : 'Trade show', at: created } : null,
        custom: {},
        version: 0,
        createdAt: created,
        updatedAt: new Date(Math.min(now, created.getTime() + Math.floor(noise(i * 47) * 60) * day)),
      };
      doc.departmentId = departmentOf(doc.productId);
      docs.push(doc);
      contacts.push({ _id: doc._id, firstName: p.firstName, lastName: p.lastName, company: at, ownerId: doc.ownerId, productId: doc.productId, status, leadSource: doc.leadSource });
    }
    await insertIndexed(connection, contactDef, docs);
    if (n > BATCH) log(`contacts: ${Math.min(n, start + BATCH)} of ${n}`);
  }

  const pipelines = [
    { _id: new Types.ObjectId(), tenantId, ...defaultPipeline },
    { _id: new Types.ObjectId(), tenantId, ...sponsorshipPipeline },
  ];
  await pipelineModel(connection).insertMany(pipelines);

  // Deals: distinct names (company × package, then the next edition), spread over stages with history.
  const opportunities: { _id: Types.ObjectId; name: string; ownerId: Types.ObjectId; productId: Types.ObjectId | null; stageKind: string }[] = [];
  const oppDef = opportunityDefinition(connection);
  const year = new Date(now).getUTCFullYear();
  // A deal is with a company some contact works at, for one of them; its name is that company and a package.
  const staff = new Map<number, typeof contacts>();
  for (const c of contacts) staff.set(c.company, [...(staff.get(c.company) ?? []), c]);
  const dealCompanies = [...staff.keys()].sort((a, b) => a - b);
  for (let start = 0; start < size.opportunities; start += BATCH) {
    const docs = [];
    const history: object[] = [];
    for (let k = start; k < Math.min(size.opportunities, start + BATCH); k += 1) {
      const pipeline = pipelines[noise(k * 3 + 11) < 0.65 ? 0 : 1]!;
      const stage = k < pipeline.stages.length * 2 ? pipeline.stages[k % pipeline.stages.length]! : pick(pipeline.stages.map((s) => [s, stageWeights[s.key] ?? 10] as const), noise(k * 7 + 13));
      const at = dealCompanies[k % dealCompanies.length]!;
      const people = staff.get(at)!;
      const contact = people[Math.floor(noise(k * 5 + 17) * people.length)]!;
      const round = Math.floor(k / (dealCompanies.length * packages.length));
      const name = `${companies[at]!.name} - ${packages[Math.floor(k / dealCompanies.length) % packages.length]}${round ? ` ${year + round}` : ''}`;
      const amount = 2500 + Math.floor(noise(k * 11 + 19) ** 2 * 60) * 1000;
      const created = daysAgo(now, k * 17 + 23, 300);
      const closed = stage.kind !== 'open';
      const changedAt = new Date(Math.min(now - day, created.getTime() + Math.floor(noise(k * 19 + 29) * 40 + 3) * day));
      const doc = {
        _id: new Types.ObjectId(),
        tenantId,
        name,
        customerId: at < customerIds.length ? customerIds[at]! : null,
        contactIds: [contact._id],
        amount,
        currency: 'EUR',
        expectedGrossProfit: Math.round(amount * 0.35),
        probability: stage.probability,
        weightedAmount: (amount * stage.probability) / 100,
        expectedCloseDate: new Date(Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate() + Math.floor((noise(k * 23 + 31) - 0.35) * 120))),
        pipelineId: pipeline._id,
        stage: stage.key,
        stageKind: stage.kind,
        rank: k * 1024,
        nextStep: closed ? null : ['Send proposal', 'Call back', 'Book a demo', 'Negotiate terms', 'Send the contract', 'Meet at the venue'][k % 6],
        nextStepDate: closed ? null : new Date(now + (1 + (k % 9)) * day),
        leadSource: contact.leadSource,
        outcome: stage.kind === 'won' ? (noise(k * 29) < 0.2 ? 'partially_won' : 'won') : stage.kind === 'lost' ? 'lost' : null,
        lostReason: stage.kind === 'lost' ? lostReasons[Math.floor(noise(k * 31 + 37) * lostReasons.length)]! : null,
        closedAt: closed ? changedAt : null,
        stageChangedAt: changedAt,
        ownerId: contact.ownerId,
        productId: contact.productId,
        departmentId: departmentOf(contact.productId),
        sourceLeadId: new Types.ObjectId(),
        custom: {},
        version: 0,
        createdAt: created,
        updatedAt: changedAt,
      };
      docs.push(doc);
      opportunities.push({ _id: doc._id, name, ownerId: doc.ownerId, productId: doc.productId, stageKind: stage.kind });
      // Stage history: through the open stages up to where it is (a lost deal may fall out early).
      const stages = pipeline.stages;
      const openPath = stages.filter((s) => s.kind === 'open');
      const reached = stage.kind === 'open' ? stages.indexOf(stage) + 1 : stage.kind === 'won' ? openPath.length : 1 + Math.floor(noise(k * 37) * openPath.length);
      const path = [...openPath.slice(0, reached), ...(closed ? [stage] : [])];
      const span = changedAt.getTime() - created.getTime();
      path.forEach((s, j) => {
        history.push({ tenantId, opportunityId: doc._id, pipelineId: pipeline._id, fromStage: j ? path[j - 1]!.key : null, toStage: s.key, probability: s.probability, amount, outcome: s.kind === 'open' ? null : doc.outcome, lostReason: s.kind === 'lost' ? doc.lostReason : null, byUserId: doc.ownerId, at: new Date(created.getTime() + Math.floor((span * j) / Math.max(1, path.length - 1))) });
      });
    }
    await insertIndexed(connection, oppDef, docs);
    for (let i = 0; i < history.length; i += BATCH) await stageChangeModel(connection).insertMany(history.slice(i, i + BATCH), { lean: true });
  }
  log(`opportunities: ${opportunities.length}`);

  // Tasks: a call for new contacts, follow-ups and meetings on open deals, some done, some overdue.
  const tasks: object[] = [];
  // Filed under their calendar weeks as the tasks service files them (task-filing.ts).
  const pushTask = (t: { dueAt: Date } & Record<string, unknown>) => tasks.push({ ...t, ...taskFiling(t) });
  contacts.forEach((c, i) => {
    if (c.status !== 'new' || noise(i * 53 + 3) > 0.45) return;
    const r = noise(i * 59 + 1);
    pushTask({ tenantId, kind: 'call', title: `Call ${c.firstName} ${c.lastName} about the next edition`, subject: { type: 'contact', id: c._id }, subjectType: 'contact', subjectId: c._id, assigneeId: input.support ?? c.ownerId, ownerId: c.ownerId, productId: c.productId, departmentId: departmentOf(c.productId), status: pick([['new', 45], ['scheduled', 25], ['done', 25], ['aborted', 5]] as const, r), dueAt: new Date(now + Math.floor((noise(i * 61) - 0.4) * 30) * day + 9 * 3_600_000), autoKey: `contact:${String(c._id)}:convert`, version: 0 });
  });
  opportunities.forEach((o, i) => {
    if (o.stageKind !== 'open' || noise(i * 67 + 5) > 0.6) return;
    const meeting = noise(i * 71) < 0.35;
    const due = now + Math.floor((noise(i * 73) - 0.25) * 21) * day + 10 * 3_600_000;
    pushTask({ tenantId, kind: meeting ? 'meeting' : 'followUp', title: meeting ? `Meeting: ${o.name}` : `Follow up on ${o.name}`, description: meeting ? null : 'Check the proposal was received and answer questions', subject: { type: 'opportunity', id: o._id }, subjectType: 'opportunity', subjectId: o._id, assigneeId: o.ownerId, ownerId: o.ownerId, productId: o.productId, departmentId: departmentOf(o.productId), status: due < now && noise(i * 79) < 0.5 ? 'done' : 'new', dueAt: new Date(due), proposedSlots: meeting ? [{ start: new Date(due + day), end: new Date(due + day + 1_800_000) }, { start: new Date(due + 2 * day), end: new Date(due + 2 * day + 1_800_000) }] : [], autoKey: `manual:${new Types.ObjectId().toHexString()}`, version: 0 });
  });
  await insertIndexed(connection, taskDefinition(connection), tasks);
  log(`tasks: ${tasks.length}`);

  // Activities: what happened with the contacts in the last 90 days.
  const activityDef = activityDefinition(connection);
  for (let start = 0; start < size.activities; start += BATCH) {
    const docs = [];
    for (let i = start; i < Math.min(size.activities, start + BATCH); i += 1) {
      const c = contacts[i < contacts.length ? i : Math.floor(noise(i * 83) * contacts.length)]!;
      const type = (['call', 'email', 'meeting', 'note'] as const)[Math.floor(noise(i * 89 + 1) * 4)]!;
      const companyName = companies[c.company]!.name;
      const title = { call: `Call with ${c.firstName}: interested in the next edition`, email: `Sent the sponsorship prospectus to ${c.firstName} ${c.lastName}`, meeting: `Coffee meeting with ${c.firstName} ${c.lastName}`, note: `${companyName} is reviewing its events budget` }[type];
      docs.push({ tenantId, type, title, subject: { type: 'contact', id: c._id }, subjectType: 'contact', subjectId: c._id, occurredAt: daysAgo(now, i * 97 + 3, 90), direction: type === 'call' || type === 'email' ? 'outbound' : null, durationMinutes: type === 'call' ? 5 + Math.floor(noise(i * 101) * 25) : type === 'meeting' ? 45 : null, ownerId: c.ownerId, productId: c.productId, departmentId: departmentOf(c.productId), version: 0 });
    }
    await insertIndexed(connection, activityDef, docs);
  }
  log(`activities: ${size.activities}`);

  // Leads (000, 002): people (never one of the contacts' names) and organisations, at every stage.
  const leadDocs: object[] = [];
  const orgLeads = ['Atlas Events Group', 'Iberia Retail Council', 'Nordic Fintech Hub', 'Euro Payments Forum', 'Lisbon Startup Society', 'Digital Banking Circle'];
  for (let j = 0; j < size.leads; j += 1) {
    const organisation = j >= size.leads - orgLeads.length;
    const p = person(n + j);
    const c = companies[Math.floor(noise(j * 103 + 7) * companies.length)]!;
    const name = organisation ? orgLeads[size.leads - 1 - j]! : null;
    const email = organisation ? `events@${name!.toLowerCase().replace(/[^a-z]/g, '')}.example` : emailOf(p, c.domain);
    const status = pick(leadStatuses, noise(j * 107 + 1));
    leadDocs.push({
      _id: new Types.ObjectId(),
      tenantId,
      kind: organisation ? 'company' : 'individual',
      firstName: organisation ? null : p.firstName,
      middleName: organisation ? null : p.middleName,
      lastName: organisation ? null : p.lastName,
      jobTitle: organisation ? null : jobTitles[Math.floor(noise(j * 109) * jobTitles.length)]!,
      companyName: name ?? c.name,
      industry: c.industry,
      emails: [{ label: 'work', value: email, primary: true }],
      phones: [{ label: 'work', value: p.phone, primary: true }],
      addresses: [{ label: 'work', ...(organisation ? c.address : p.address), primary: true }],
      source: sources[Math.floor(noise(j * 113) * sources.length)]!,
      contactList: noise(j * 127) < 0.6 ? `FinTech Summit ${year} attendees` : null,
      services: [['Speaking slot'], ['Delegate pass', 'Workshop'], ['Booth', 'Branding'], ['Delegate pass']][j % 4],
      customerId: c.name === 'Banco Atlântico' ? hq : null,
      quality: (['good', 'unknown', 'good', 'bad'] as const)[j % 4],
      participation: (['speaker', 'delegate', 'sponsor'] as const)[j % 3],
      tags: noise(j * 131) < 0.25 ? ['priority'] : [],
      notes: noise(j * 137) < 0.2 ? 'Met at the last edition; asked for the sponsorship deck' : null,
      status,
      statusChangedAt: daysAgo(now, j * 139, 30),
      primaryEmail: email,
      ownerId: ownerOf(j * 149 + 3),
      productId: productOf(j * 151 + 5),
      departmentId: departmentOf(productOf(j * 151 + 5)),
      custom: {},
      version: 0,
      createdAt: daysAgo(now, j * 157 + 11, 120),
      updatedAt: daysAgo(now, j * 163 + 13, 20),
    });
  }
  await insertIndexed(connection, leadDefinition(connection), leadDocs);
  log(`leads: ${leadDocs.length}`);

  // Saved segments the whole agency shares (004: by industry, location, tags), usable as campaign audiences.
  const author = owners[owners.length - 1]!;
  await segmentModel(connection).insertMany([
    { tenantId, name: 'Hot contacts in Portugal', description: 'Hot prospects to call this week', resource: 'contact', filters: [{ param: 'status', value: 'hot' }, { param: 'country', value: 'Portugal' }], sharing: 'agency', teamId: null, ownerId: author, version: 0 },
    { tenantId, name: 'Speakers', description: 'Everyone tagged as a speaker', resource: 'contact', filters: [{ param: 'tag', value: 'speaker' }], sharing: 'agency', teamId: null, ownerId: author, version: 0 },
    { tenantId, name: 'Finance accounts', description: 'Banks and finance customers', resource: 'customer', filters: [{ param: 'industry', value: 'Finance' }], sharing: 'agency', teamId: null, ownerId: author, version: 0 },
  ]);
  return { contacts: n, customers: customers.length, leads: leadDocs.length, opportunities: opportunities.length, tasks: tasks.length, activities: size.activities, pipelines: pipelines.length, segments: 3 };
}
