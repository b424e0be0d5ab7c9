import { Types, type Connection } from 'mongoose';
import { indexRecords } from '../platform/search/search-index.js';
import { contactModel } from '../modules/contacts/contact.model.js';
import { contactDefinition } from '../modules/contacts/contacts.service.js';
import { customerModel } from '../modules/customers/customer.model.js';
import { activityModel } from '../modules/activities/activity.model.js';
import { opportunityModel, stageChangeModel } from '../modules/opportunities/opportunity.model.js';
import { defaultPipeline, pipelineModel } from '../modules/opportunities/pipeline.model.js';
import { taskModel } from '../modules/tasks/task.model.js';
import { leadModel } from '../modules/leads/lead.model.js';
import { leadDefinition } from '../modules/leads/lead.definition.js';
import { customerDefinition } from '../modules/customers/customer.definition.js';
import { opportunityDefinition } from '../modules/opportunities/opportunities.service.js';
import { taskDefinition } from '../modules/tasks/tasks.service.js';
import { activityDefinition } from '../modules/activities/activities.service.js';
import { segmentModel } from '../modules/segments/segment.model.js';

const people = [
  ['Sofia', 'Almeida', 'Head of Partnerships'], ['Tiago', 'Ferreira', 'CFO'], ['Marta', 'Sousa', 'Marketing Director'], ['João', 'Pereira', 'CEO'], ['Inês', 'Carvalho', 'Event Manager'],
  ['Lukas', 'Becker', 'Head of Sales'], ['Hannah', 'Schulz', 'Procurement Lead'], ['Jonas', 'Wagner', 'CTO'], ['Lea', 'Hoffmann', 'Brand Manager'], ['Felix', 'Koch', 'COO'],
  ['Camille', 'Durand', 'Directrice Marketing'], ['Louis', 'Lefèvre', 'Business Developer'], ['Chloé', 'Moreau', 'Communications Lead'], ['Hugo', 'Laurent', 'Founder'], ['Emma', 'Girard', 'Sponsorship Manager'],
  ['Lucía', 'García', 'Directora Comercial'], ['Pablo', 'Martínez', 'Head of Retail'], ['Carmen', 'López', 'Innovation Lead'], ['Javier', 'Sánchez', 'VP Payments'], ['Elena', 'Romero', 'Events Coordinator'],
  ['Oliver', 'Smith', 'Chief Digital Officer'], ['Amelia', 'Jones', 'Partnerships Manager'], ['Harry', 'Taylor', 'Head of Growth'], ['Isla', 'Brown', 'PR Manager'], ['George', 'Wilson', 'Managing Director'],
  ['Giulia', 'Rossi', 'Responsabile Marketing'], ['Marco', 'Bianchi', 'Head of Fintech'], ['Chiara', 'Romano', 'Product Director'], ['Ana', 'Kowalska', 'Regional Manager'], ['Piotr', 'Nowak', 'Sales Director'],
] as const;
const companies = [
  ['Banco Atlântico', 'Finance', 'Lisbon', 'Portugal'], ['PagaJá', 'Fintech', 'Porto', 'Portugal'], ['Nordlicht Bank', 'Finance', 'Hamburg', 'Germany'], ['Kassenwerk GmbH', 'Retail tech', 'Berlin', 'Germany'],
  ['Maison Lumière', 'Retail', 'Paris', 'France'], ['Crédit Horizon', 'Finance', 'Lyon', 'France'], ['TiendaNube Iberia', 'E-commerce', 'Madrid', 'Spain'], ['Pago Claro', 'Fintech', 'Barcelona', 'Spain'],
  ['Thames Capital', 'Finance', 'London', 'United Kingdom'], ['High Street Labs', 'Retail tech', 'Manchester', 'United Kingdom'], ['Banca Aurora', 'Finance', 'Milan', 'Italy'], ['Vistula Payments', 'Fintech', 'Warsaw', 'Poland'],
] as const;
const contactStatuses = ['new', 'new', 'hot', 'cold', 'new', 'not_interested', 'hot', 'converted'];
const day = 86_400_000;

/**
 * The demo agency's sales data: ~60 contacts across owners and products, a few customers, two pipelines
 * with ~25 opportunities across stages (with stage history), tasks and activities. Bulk inserts, so it
 * stays well under a second on the embedded database.
 */
export async function seedDemoSales(connection: Connection, input: { tenantId: Types.ObjectId; owners: Types.ObjectId[]; support: Types.ObjectId | null; productIds: Types.ObjectId[] }) {
  const { tenantId, owners, productIds } = input;
  const now = Date.now();
  const def = contactDefinition(connection);
  const contacts = Array.from({ length: 60 }, (_, i) => {
    const [firstName, lastName, jobTitle] = people[i % people.length]!;
    const [companyName, industry, city, country] = companies[(i * 5) % companies.length]!;
    const domain = companyName.toLowerCase().normalize('NFKD').replace(/[^a-z]/g, '') + '.example';
    const email = `${firstName}.${lastName}${i >= people.length ? i : ''}`.toLowerCase().normalize('NFKD').replace(/[^a-z0-9.]/g, '') + `@${domain}`;
    const doc = {
      _id: new Types.ObjectId(),
      tenantId,
      firstName,
      lastName,
      jobTitle,
      emails: [{ label: 'work', value: email, primary: true }],
      phones: [{ label: 'work', value: `+${30 + (i % 20)} ${200 + i} ${String(100000 + i * 7919).slice(-6)}`, primary: true }],
      addresses: [{ label: 'work', city, country, primary: true }],
      company: { name: companyName, industry, type: i % 3 ? 'Corporate' : 'Scale-up', address: { city, country } },
      companyName,
      primaryEmail: email,
      status: contactStatuses[i % contactStatuses.length]!,
      ownerId: owners[i % owners.length]!,
      productId: productIds.length ? productIds[i % productIds.length]! : null,
      tags: [['speaker', 'sponsor', 'delegate', 'press', 'vip'][i % 5]!],
      leadSource: ['Trade show', 'Website', 'Referral', 'Cold call'][i % 4]!,
      custom: {},
      version: 0,
      createdAt: new Date(now - (60 - i) * day),
      updatedAt: new Date(now - (60 - i) * day),
    };
    return doc;
  });
  await indexRecords(connection, def, (await contactModel(connection).insertMany(contacts, { lean: true })) as never);

  const customerIds = companies.slice(0, 6).map(() => new Types.ObjectId());
  await indexRecords(connection, customerDefinition(connection), (await customerModel(connection).insertMany(
    companies.slice(0, 6).map(([name, industry, city, country], i) => ({
      _id: customerIds[i],
      tenantId,
      name,
      industry,
      address: { city, country },
      status: ['active', 'new', 'active', 'draft', 'active', 'inactive'][i],
      ownerId: owners[i % owners.length],
      version: 0,
    })),
    { lean: true },
  )) as never);
  // 003: an account with branches, and a product line under one branch (move, subtree and roll-up have data).
  const [hq] = customerIds;
  const branches = [
    { _id: new Types.ObjectId(), name: 'Banco Atlântico Porto', city: 'Porto', parentId: hq!, ancestorIds: [hq!], depth: 1 },
    { _id: new Types.ObjectId(), name: 'Banco Atlântico Madeira', city: 'Funchal', parentId: hq!, ancestorIds: [hq!], depth: 1 },
  ];
  const line = { _id: new Types.ObjectId(), name: 'Banco Atlântico Porto - Cards', city: 'Porto', parentId: branches[0]!._id, ancestorIds: [hq!, branches[0]!._id], depth: 2 };
  await indexRecords(connection, customerDefinition(connection), (await customerModel(connection).insertMany(
    [...branches, line].map((b, i) => ({ ...b, tenantId, industry: 'Finance', address: { city: b.city, country: 'Portugal' }, status: 'active', ownerId: owners[i % owners.length], finance: { currency: 'EUR', creditLimit: 20_000 + i * 15_000 },  version: 0 })),
    { lean: true },
  )) as never);

  const pipelines = [
    { _id: new Types.ObjectId(), tenantId, ...defaultPipeline },
    {
      _id: new Types.ObjectId(),
      tenantId,
      name: 'Sponsorship',
      description: 'Conference sponsorship packages',
      isDefault: false,
      stages: [
        { key: 'pitch', name: 'Pitch', probability: 15, kind: 'open' },
        { key: 'package', name: 'Package agreed', probability: 60, kind: 'open' },
        { key: 'contract', name: 'Contract sent', probability: 85, kind: 'open' },
        { key: 'signed', name: 'Signed', probability: 100, kind: 'won' },
        { key: 'declined', name: 'Declined', probability: 0, kind: 'lost' },
      ],
    },
  ];
  await pipelineModel(connection).insertMany(pipelines);
  const things = ['booth package', 'gold sponsorship', 'delegate passes', 'speaker slot', 'networking lunch', 'branding package'];
  const opportunities = Array.from({ length: 26 }, (_, i) => {
    const pipeline = pipelines[i % 3 === 2 ? 1 : 0]!;
    const stage = pipeline.stages[i % pipeline.stages.length]!;
    const contact = contacts[i * 2]!;
    const amount = 2500 + ((i * 3779) % 40) * 1000;
    return {
      _id: new Types.ObjectId(),
      tenantId,
      name: `${contact.companyName} - ${things[i % things.length]}`,
      customerId: customerIds[i % customerIds.length],
      contactIds: [contact._id],
      amount,
      currency: 'EUR',
      expectedGrossProfit: Math.round(amount * 0.35),
      probability: stage.probability,
      weightedAmount: (amount * stage.probability) / 100,
      expectedCloseDate: new Date(now + ((i % 9) - 2) * 7 * day),
      pipelineId: pipeline._id,
      stage: stage.key,
      stageKind: stage.kind,
      rank: i * 1024,
      nextStep: stage.kind === 'open' ? ['Send proposal', 'Call back', 'Book a demo', 'Negotiate terms'][i % 4] : null,
      nextStepDate: stage.kind === 'open' ? new Date(now + ((i % 5) + 1) * day) : null,
      leadSource: contact.leadSource,
      outcome: stage.kind === 'won' ? (i % 4 === 0 ? 'partially_won' : 'won') : stage.kind === 'lost' ? 'lost' : null,
      lostReason: stage.kind === 'lost' ? ['price', 'timing', 'competitor'][i % 3] : null,
      closedAt: stage.kind === 'open' ? null : new Date(now - i * day),
      stageChangedAt: new Date(now - i * day),
      ownerId: contact.ownerId,
      productId: contact.productId,
      sourceLeadId: new Types.ObjectId(),
      custom: {},
      version: 0,
    };
  });
  await indexRecords(connection, opportunityDefinition(connection), (await opportunityModel(connection).insertMany(opportunities, { lean: true })) as never);
  await stageChangeModel(connection).insertMany(
    opportunities.flatMap((o) => {
      const stages = pipelines.find((p) => p._id.equals(o.pipelineId))!.stages;
      const upTo = stages.findIndex((s) => s.key === o.stage);
      return stages.slice(0, upTo + 1).map((s, k) => ({ tenantId, opportunityId: o._id, pipelineId: o.pipelineId, fromStage: k ? stages[k - 1]!.key : null, toStage: s.key, probability: s.probability, amount: o.amount, outcome: s.kind === 'open' ? null : o.outcome, lostReason: s.kind === 'lost' ? o.lostReason : null, byUserId: o.ownerId, at: new Date(now - (upTo - k + 1) * 3 * day) }));
    }),
  );

  const newContacts = contacts.filter((c) => c.status === 'new').slice(0, 12);
  await indexRecords(connection, taskDefinition(connection), (await taskModel(connection).insertMany([
    ...newContacts.map((c, i) => ({ tenantId, kind: 'call', title: `Convert ${c.firstName} ${c.lastName} to a customer`, subject: { type: 'contact', id: c._id }, subjectType: 'contact', subjectId: c._id, assigneeId: input.support, ownerId: c.ownerId, productId: c.productId, status: ['new', 'scheduled', 'new', 'done'][i % 4], dueAt: new Date(now + (i - 3) * day), autoKey: `contact:${String(c._id)}:convert`,  version: 0 })),
    ...opportunities.slice(0, 8).map((o, i) => ({ tenantId, kind: i % 2 ? 'followUp' : 'meeting', title: i % 2 ? `Follow up on ${o.name}` : `Meeting: ${o.name}`, description: i % 2 ? 'Check the proposal was received and answer questions' : null, subject: { type: 'opportunity', id: o._id }, subjectType: 'opportunity', subjectId: o._id, assigneeId: owners[(i + 1) % owners.length], ownerId: o.ownerId, status: 'new', dueAt: new Date(now + (i + 1) * day), proposedSlots: i % 2 ? [] : [{ start: new Date(now + (i + 2) * day), end: new Date(now + (i + 2) * day + 1_800_000) }, { start: new Date(now + (i + 3) * day), end: new Date(now + (i + 3) * day + 1_800_000) }], autoKey: `manual:${new Types.ObjectId().toHexString()}`,  version: 0 })),
  ])) as never);
  await indexRecords(connection, activityDefinition(connection), (await activityModel(connection).insertMany(
    contacts.slice(0, 40).map((c, i) => {
      const type = (['call', 'email', 'meeting', 'note'] as const)[i % 4]!;
      const title = { call: `Call with ${c.firstName}: interested in the next edition`, email: `Sent the sponsorship prospectus to ${c.firstName}`, meeting: `Coffee meeting with ${c.firstName} ${c.lastName}`, note: `${c.companyName} is reviewing its events budget` }[type];
      return { tenantId, type, title, subject: { type: 'contact', id: c._id }, subjectType: 'contact', subjectId: c._id, occurredAt: new Date(now - (i % 20) * day), direction: type === 'call' || type === 'email' ? 'outbound' : null, durationMinutes: type === 'call' ? 5 + (i % 25) : type === 'meeting' ? 45 : null, ownerId: c.ownerId, productId: c.productId,  version: 0 };
    }),
  )) as never);
  // Leads (000, 002): people and companies from shows, the website, referrals and calls, at every stage of
  // the lead workflow, with their part in a product (speaker, delegate, sponsor) and the services wanted.
  const leadDef = leadDefinition(connection);
  const leadPeople = [
    ['Rita', 'Monteiro', 'Fintech Evangelist', 'Moeda Viva', 'speaker'], ['Tomás', 'Rocha', 'Head of Payments', 'Banco Atlântico', 'delegate'], ['Anja', 'Keller', 'Marketing Lead', 'Zahlfix', 'sponsor'],
    ['Mathieu', 'Blanc', 'CEO', 'Paiement Net', 'speaker'], ['Sara', 'Vidal', 'Events Buyer', 'Grupo Vértice', 'delegate'], ['Liam', 'Walsh', 'Partnerships', 'Harbour Pay', 'sponsor'],
    ['Beatriz', 'Nunes', 'Retail Director', 'Loja Certa', 'delegate'], ['Karl', 'Brandt', 'Innovation Manager', 'Kassenwerk GmbH', 'speaker'], ['Noemi', 'Ricci', 'CMO', 'Pagamenti Facili', 'sponsor'],
    ['Ewa', 'Zielińska', 'Country Manager', 'Vistula Payments', 'delegate'], ['Duarte', 'Lima', 'Founder', 'Cofre Digital', 'speaker'], ['Olivia', 'Hughes', 'Sponsorship Buyer', 'Thames Capital', 'sponsor'],
  ] as const;
  const leadStatuses = ['new', 'new', 'contacted', 'qualified', 'contacted', 'disqualified'];
  const leads = [
    ...leadPeople.map(([firstName, lastName, jobTitle, companyName, participation], i) => ({
      kind: 'individual',
      firstName,
      lastName,
      jobTitle,
      companyName,
      email: `${firstName}.${lastName}`.toLowerCase().normalize('NFKD').replace(/[^a-z.]/g, '') + `@${companyName.toLowerCase().normalize('NFKD').replace(/[^a-z]/g, '')}.example`,
      participation,
      i,
    })),
    ...['Atlas Events Group', 'Iberia Retail Council', 'Nordic Fintech Hub', 'Euro Payments Forum', 'Lisbon Startup Society', 'Digital Banking Circle'].map((companyName, k) => ({
      kind: 'company',
      firstName: null,
      lastName: null,
      jobTitle: null,
      companyName,
      email: `events@${companyName.toLowerCase().replace(/[^a-z]/g, '')}.example`,
      participation: k % 2 ? 'sponsor' : 'delegate',
      i: leadPeople.length + k,
    })),
  ].map((l) => {
    const doc = {
      _id: new Types.ObjectId(),
      tenantId,
      kind: l.kind,
      firstName: l.firstName,
      lastName: l.lastName,
      jobTitle: l.jobTitle,
      companyName: l.companyName,
      industry: ['Fintech', 'Finance', 'Retail', 'Events'][l.i % 4],
      emails: [{ label: 'work', value: l.email, primary: true }],
      phones: [{ label: 'work', value: `+351 21 ${String(3_000_000 + l.i * 7331).slice(-7)}`, primary: true }],
      addresses: [{ label: 'work', city: ['Lisbon', 'Porto', 'Madrid', 'Berlin', 'Paris', 'London'][l.i % 6], country: ['Portugal', 'Portugal', 'Spain', 'Germany', 'France', 'United Kingdom'][l.i % 6], primary: true }],
      source: ['Trade show', 'Website', 'Referral', 'Cold call', 'LinkedIn'][l.i % 5],
      contactList: l.i % 3 ? 'Fintech Summit 2026 attendees' : null,
      services: [['Speaking slot'], ['Delegate pass', 'Workshop'], ['Booth', 'Branding'], ['Delegate pass']][l.i % 4],
      customerId: l.companyName === 'Banco Atlântico' ? hq : null,
      quality: (['good', 'unknown', 'good', 'bad'] as const)[l.i % 4],
      participation: l.participation,
      tags: l.i % 4 === 0 ? ['priority'] : [],
      notes: l.i % 5 === 0 ? 'Met at the last edition; asked for the sponsorship deck' : null,
      status: leadStatuses[l.i % leadStatuses.length]!,
      statusChangedAt: new Date(now - (l.i % 10) * day),
      primaryEmail: l.email,
      ownerId: owners[l.i % owners.length]!,
      productId: productIds.length ? productIds[l.i % productIds.length]! : null,
      custom: {},
      version: 0,
      createdAt: new Date(now - (30 - l.i) * day),
      updatedAt: new Date(now - (l.i % 10) * day),
    };
    return doc;
  });
  await indexRecords(connection, leadDefinition(connection), (await leadModel(connection).insertMany(leads, { lean: true })) as never);

  // Saved segments the whole agency shares (004: by industry, location, tags), usable as campaign audiences.
  const author = owners[owners.length - 1]!;
  await segmentModel(connection).insertMany([
    { tenantId, name: 'Hot contacts in Portugal', description: 'Hot prospects to call this week', resource: 'contact', filters: [{ param: 'status', value: 'hot' }, { param: 'country', value: 'Portugal' }], sharing: 'agency', teamId: null, ownerId: author, version: 0 },
    { tenantId, name: 'Speakers', description: 'Everyone tagged as a speaker', resource: 'contact', filters: [{ param: 'tag', value: 'speaker' }], sharing: 'agency', teamId: null, ownerId: author, version: 0 },
    { tenantId, name: 'Finance accounts', description: 'Banks and finance customers', resource: 'customer', filters: [{ param: 'industry', value: 'Finance' }], sharing: 'agency', teamId: null, ownerId: author, version: 0 },
  ]);
  return { contacts: contacts.length, customers: customerIds.length + branches.length + 1, leads: leads.length, segments: 3, pipelines: pipelines.length, opportunities: opportunities.length };
}
