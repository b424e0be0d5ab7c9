import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { EventBus } from '../../platform/events.js';
import { recordCountDeltaModel } from '../../platform/counts/record-count.model.js';
import { createNotificationsService } from '../notifications/notifications.service.js';
import { checkTicketSla } from '../support/sla-escalation.js';
import { contributionsOf } from './metrics.js';
import { dashboardModel, rollupModel } from './reporting.model.js';
import { roleDashboards, widgetsAddedAfterFirstRelease } from './dashboard-defaults.js';
import { defaultDashboardId } from './dashboards.service.js';
import { waitUntilApplied } from './rollup-applier.js';
import { createRollups } from './rollups.service.js';

const noTeams = () => [];
/** The value one record adds to a bucket (`metric|period|start|dimension|key`), 0 when it adds nothing. */
const adds = (contributions: Map<string, { value: number }>, bucket: string) => contributions.get(bucket)?.value ?? 0;

describe('reporting: leads imported, contacted and converted, lost reasons, SLA breaches and campaign figures', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let admin: string;
  let tenantId: Types.ObjectId;
  const auth = (token = admin) => ({ Authorization: `Bearer ${token}` });

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename, env: { IMPORT_BATCH_SIZE: '50', JOBS_PROCESS_EVERY_MS: '100', JOBS_LOCK_LIFETIME_MS: '30000' } });
    agency = await makeAgency(rt);
    admin = agency.adminToken;
    tenantId = new Types.ObjectId(agency.tenantId);
  });
  after(() => rt.close());

  /** The sum of a metric's year buckets for one dimension key (whatever year the records fell in). */
  const total = async (metric: string, dimension = 'all', key = 'all') => {
    const rows = await rollupModel(rt.ctx.connection).find({ tenantId }).lean();
    return Math.round(rows.filter((r) => r.metric === metric && r.period === 'year' && r.dimension === dimension && r.key === key).reduce((s, r) => s + r.value, 0) * 100) / 100;
  };
  /** Every non-zero bucket of the agency. */
  const snapshot = async () => {
    const out: Record<string, number> = {};
    for (const r of await rollupModel(rt.ctx.connection).find({ tenantId }).lean()) if (Math.round(r.value * 100) !== 0) out[r._id] = Math.round(r.value * 100) / 100;
    return out;
  };
  /** Applies the queue from this instance; the runtime's own drain job may hold the agency's lease at that moment (drainOnce then answers false). */
  const drain = async (rollups: ReturnType<typeof createRollups>) => {
    for (let tries = 0; !(await rollups.applier.drainOnce(tenantId)); tries += 1) {
      assert.ok(tries < 500, 'the lease came free');
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const rebuildEquals = async () => {
    await waitUntilApplied(rt.ctx.connection, tenantId);
    const incremental = await snapshot();
    await createRollups({ connection: rt.ctx.connection, events: new EventBus(() => {}) }).rebuild(tenantId);
    assert.deepEqual(await snapshot(), incremental, 'a rebuild from the records equals the incremental roll-ups');
  };

  it('should derive each new metric from one record (pure)', () => {
    const at = '2026-03-10T10:00:00.000Z';
    const lead = contributionsOf('lead', { id: 'l', importId: 'i1', status: 'converted', createdAt: at, statusChangedAt: '2026-04-02T10:00:00.000Z' }, noTeams);
    assert.equal(adds(lead, 'leads.imported|month|2026-03-01|all|all'), 1);
    assert.equal(adds(lead, 'leads.converted|month|2026-04-01|all|all'), 1);
    assert.equal(adds(contributionsOf('lead', { id: 'l', createdAt: at, status: 'new' }, noTeams), 'leads.imported|month|2026-03-01|all|all'), 0, 'a lead typed in is not imported');

    const touch = (type: string, extra: Record<string, unknown> = {}) => contributionsOf('activity', { id: 'a', type, occurredAt: at, subject: { type: 'lead', id: 'l' }, direction: 'outbound', tags: [], ...extra }, noTeams);
    assert.equal(adds(touch('email'), 'leads.contacted|week|2026-03-09|channel|email'), 1);
    assert.equal(adds(touch('call'), 'leads.contacted|week|2026-03-09|channel|phone'), 1);
    assert.equal(adds(touch('note', { tags: ['LinkedIn'] }), 'leads.contacted|week|2026-03-09|channel|linkedin'), 1);
    assert.equal(adds(touch('meeting'), 'leads.contacted|week|2026-03-09|channel|other'), 1);
    assert.equal(adds(touch('note'), 'leads.contacted|week|2026-03-09|all|all'), 0, 'a plain note contacts nobody');
    assert.equal(adds(touch('email', { direction: 'inbound' }), 'leads.contacted|week|2026-03-09|all|all'), 0, 'an email the lead sent is not us contacting them');
    assert.equal(adds(touch('email', { subject: { type: 'contact', id: 'c' } }), 'leads.contacted|week|2026-03-09|all|all'), 0, 'a contact is no lead');

    const lost = contributionsOf('opportunity', { id: 'o', stageKind: 'lost', outcome: 'lost', lostReason: 'price', closedAt: at, createdAt: at }, noTeams);
    assert.equal(adds(lost, 'deals.lost|month|2026-03-01|lostReason|price'), 1);
    assert.equal(adds(lost, 'deals.lost|month|2026-03-01|all|all'), 1);

    const ticket = contributionsOf('ticket', { id: 't', createdAt: at, status: 'resolved', statusChangedAt: at, sla: { firstResponseDueAt: at, resolutionDueAt: '2026-03-12T10:00:00.000Z', firstResponseBreached: true, resolutionBreached: true } }, noTeams);
    assert.equal(adds(ticket, 'tickets.sla_breached|week|2026-03-09|all|all'), 2, 'both targets missed, each once');
    assert.equal(adds(ticket, 'tickets.sla_breached|day|2026-03-12|all|all'), 1, 'in the period each fell due');

    const rated = (rating: number) => contributionsOf('ticket', { id: 't', createdAt: at, status: 'closed', statusChangedAt: at, satisfaction: { rating, comment: null, ratedAt: '2026-04-02T10:00:00.000Z' } }, noTeams);
    assert.equal(adds(rated(5), 'tickets.rated|month|2026-04-01|all|all'), 1, 'counted when the rating was given');
    assert.equal(adds(rated(5), 'tickets.satisfied|month|2026-04-01|all|all'), 1, '5 is satisfied');
    assert.equal(adds(rated(4), 'tickets.rating_points|month|2026-04-01|all|all'), 4);
    assert.equal(adds(rated(3), 'tickets.satisfied|month|2026-04-01|all|all'), 0, '3 is rated but not satisfied');
    assert.equal(adds(rated(3), 'tickets.rated|month|2026-04-01|all|all'), 1);
    assert.equal(adds(ticket, 'tickets.rated|month|2026-03-01|all|all'), 0, 'an unrated ticket adds no rating');

    const campaign = contributionsOf('campaign', { id: 'c1', startAt: at, cost: 300, revenue: 1200, signups: 4, email: { ours: { sent: 10, opened: 6, bounced: 1 }, mailwizz: { sent: 20, opened: 5 } } }, noTeams);
    assert.equal(adds(campaign, 'campaigns.sent|month|2026-03-01|channel|ours'), 10);
    assert.equal(adds(campaign, 'campaigns.sent|month|2026-03-01|channel|mailwizz'), 20);
    assert.equal(adds(campaign, 'campaigns.sent|month|2026-03-01|all|all'), 30);
    assert.equal(adds(campaign, 'campaigns.opened|month|2026-03-01|campaign|c1'), 11);
    assert.equal(adds(campaign, 'campaigns.cost|month|2026-03-01|campaign|c1'), 300);
    assert.equal(adds(campaign, 'campaigns.revenue|month|2026-03-01|campaign|c1'), 1200);
    assert.equal(adds(campaign, 'campaigns.signups|month|2026-03-01|all|all'), 4);
  });

  it('should count a lead’s conversion and our touches of it by channel through the API, once however often the event comes', async () => {
    const typed = await rt.request().post('/v1/leads').set(auth()).send({ firstName: 'Tia', lastName: 'Typed', companyName: 'Typed GmbH' });
    assert.equal(typed.status, 201, JSON.stringify(typed.body));
    const touches: [string, Record<string, unknown>][] = [
      ['email', { direction: 'outbound' }],
      ['email', { direction: 'inbound' }],
      ['call', {}],
      ['note', { tags: ['linkedin'] }],
      ['note', {}],
    ];
    for (const [type, extra] of touches) {
      const res = await rt.request().post('/v1/activities').set(auth()).send({ type, title: `${type} touch`, subject: { type: 'lead', id: typed.body.id }, ...extra });
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }
    const converted = await rt.request().post(`/v1/leads/${typed.body.id}/convert`).set(auth()).send({});
    assert.equal(converted.status, 200, JSON.stringify(converted.body));
    // The conversion's event delivered again: still one conversion.
    await waitUntilApplied(rt.ctx.connection, tenantId);
    const lead = await rt.request().get(`/v1/leads/${typed.body.id}`).set(auth());
    await rt.ctx.events.publish({ type: 'lead.transitioned', tenantId, resource: 'lead', resourceId: typed.body.id, actor: null, record: lead.body });
    await waitUntilApplied(rt.ctx.connection, tenantId);

    assert.equal(await total('leads.imported'), 0, 'a lead typed in is not imported');
    assert.equal(await total('leads.converted'), 1);
    assert.deepEqual(
      { email: await total('leads.contacted', 'channel', 'email'), phone: await total('leads.contacted', 'channel', 'phone'), linkedin: await total('leads.contacted', 'channel', 'linkedin'), all: await total('leads.contacted') },
      { email: 1, phone: 1, linkedin: 1, all: 3 },
    );
    await rebuildEquals();
  });

  it('should count deals lost by reason and each missed SLA target once, however often the event comes', async () => {
    for (const [name, reason] of [['Too dear', 'price'], ['Too late', 'timing'], ['Also dear', 'price']] as const) {
      const deal = await rt.request().post('/v1/opportunities').set(auth()).send({ name, amount: 1000 });
      assert.equal(deal.status, 201, JSON.stringify(deal.body));
      const moved = await rt.request().post(`/v1/opportunities/${deal.body.id}/move`).set(auth()).send({ stage: 'lost', version: deal.body.version, lostReason: reason });
      assert.equal(moved.status, 200, JSON.stringify(moved.body));
      await rt.ctx.events.publish({ type: 'opportunity.moved', tenantId, resource: 'opportunity', resourceId: deal.body.id, actor: null, record: moved.body });
    }
    await waitUntilApplied(rt.ctx.connection, tenantId);
    assert.deepEqual({ price: await total('deals.lost', 'lostReason', 'price'), timing: await total('deals.lost', 'lostReason', 'timing'), all: await total('deals.lost') }, { price: 2, timing: 1, all: 3 });

    const ticket = await rt.request().post('/v1/tickets').set(auth()).send({ subject: 'Printer on fire', priority: 'urgent' });
    assert.equal(ticket.status, 201, JSON.stringify(ticket.body));
    const deps = { connection: rt.ctx.connection, events: rt.ctx.events, notifications: createNotificationsService({ connection: rt.ctx.connection, events: rt.ctx.events }) };
    const later = new Date(Date.now() + 400 * 86_400_000);
    for (const target of ['firstResponse', 'firstResponse', 'resolution'] as const) assert.equal(await checkTicketSla(deps, { tenantId: agency.tenantId, ticketId: ticket.body.id, target }, later), 'breached');
    await waitUntilApplied(rt.ctx.connection, tenantId);
    assert.equal(await total('tickets.sla_breached'), 2, 'first response and resolution, each once');
    await rebuildEquals();
  });

  it('should roll up our own sends’ counters as absolute figures per campaign, counting a fact counted again or a campaign queued again once', async () => {
    const campaign = await rt.request().post('/v1/campaigns').set(auth()).send({ title: 'Autumn mail', code: `M${new Types.ObjectId().toHexString().slice(-8)}`, type: 'email', cost: 400, startAt: '2026-10-05T09:00:00.000Z' });
    assert.equal(campaign.status, 201, JSON.stringify(campaign.body));
    const id = campaign.body.id as string;
    const deal = await rt.request().post('/v1/opportunities').set(auth()).send({ name: 'From the mail', amount: 1500, campaignId: id });
    assert.equal(deal.status, 201, JSON.stringify(deal.body));
    assert.equal((await rt.request().post(`/v1/opportunities/${deal.body.id}/move`).set(auth()).send({ stage: 'won', version: deal.body.version })).status, 200);
    // The email tracker's facts, as it writes them: one insert per fact, its id derived from the delivery (a repeat is refused).
    const Deltas = recordCountDeltaModel(rt.ctx.connection);
    const fact = async (delivery: string, figure: string) => {
      const key = `campaign-email:${agency.tenantId}:${id}:${figure}`;
      await Deltas.collection.insertOne({ _id: `${delivery}:${figure}|${key}` as never, tenantId, kind: 'campaign-email', key, d: 1, fold: null }).catch((e: { code?: number }) => assert.equal(e.code, 11000));
    };
    for (const d of ['d1', 'd2', 'd3']) await fact(d, 'sent');
    await fact('d1', 'opened');
    await fact('d1', 'opened');
    await fact('d2', 'bounced');
    const rollups = createRollups({ connection: rt.ctx.connection, events: new EventBus(() => {}) });
    assert.ok((await rollups.queueCountedCampaigns()) >= 1);
    assert.ok((await rollups.queueCountedCampaigns()) >= 1, 'queued again: the same totals, nothing added');
    await drain(rollups);
    await waitUntilApplied(rt.ctx.connection, tenantId);
    assert.deepEqual(
      { sent: await total('campaigns.sent', 'campaign', id), opened: await total('campaigns.opened', 'channel', 'ours'), bounced: await total('campaigns.bounced', 'campaign', id), cost: await total('campaigns.cost', 'campaign', id), revenue: await total('campaigns.revenue', 'campaign', id) },
      { sent: 3, opened: 1, bounced: 1, cost: 400, revenue: 1500 },
    );
    await fact('d3', 'opened');
    await rollups.queueCountedCampaigns();
    await drain(rollups);
    await waitUntilApplied(rt.ctx.connection, tenantId);
    assert.equal(await total('campaigns.opened', 'campaign', id), 2, 'the difference from the totals applied before');
    const patched = await rt.request().patch(`/v1/campaigns/${id}`).set(auth()).set('If-Match', String(campaign.body.version)).send({ cost: 600 });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    await waitUntilApplied(rt.ctx.connection, tenantId);
    assert.equal(await total('campaigns.cost', 'campaign', id), 600);
    await rebuildEquals();
  });

  it('should give an agency seeded before these metrics the new widgets of its role defaults once, keeping what its admin removed, and answer every seeded widget to its role', async () => {
    const researcher = await makeUser(rt, agency, { role: 'SRE' });
    const token = await signIn(rt, researcher.email);
    // The research default as the first release stored it, and its admin then removed the month gauge.
    const firstRelease = roleDashboards.SRE!.widgets.filter((w) => !widgetsAddedAfterFirstRelease.has(w.id) && w.id !== 'leads-month');
    const _id = defaultDashboardId(tenantId, 'SRE');
    await dashboardModel(rt.ctx.connection).collection.insertOne({ _id, tenantId, name: 'My research', role: 'SRE', ownerId: null, widgets: firstRelease, version: 3, createdAt: new Date(), updatedAt: new Date() } as never);
    const [a, b] = await Promise.all([rt.request().get('/v1/dashboards').set(auth(token)), rt.request().get('/v1/dashboards').set(auth(token))]);
    assert.equal(a.status, 200, JSON.stringify(a.body));
    assert.equal(b.status, 200, JSON.stringify(b.body));
    const listed = await rt.request().get('/v1/dashboards').set(auth(token));
    const ids = (listed.body.data[0].widgets as { id: string }[]).map((w) => w.id);
    assert.deepEqual(ids.filter((id) => id.startsWith('imported-')), ['imported-week', 'imported-month', 'imported-quarter', 'imported-weeks']);
    assert.ok(!ids.includes('leads-month'), 'what the admin removed stays removed');
    assert.equal(new Set(ids).size, ids.length, 'each widget once, though two requests upgraded at once');
    const stored = await dashboardModel(rt.ctx.connection).findOne({ tenantId, _id }).lean();
    assert.equal(stored!.version, 4, 'upgraded once');
    const widgets = listed.body.data[0].widgets as { y: number; h: number; id: string }[];
    const oldBottom = Math.max(...widgets.filter((w) => !w.id.startsWith('imported-')).map((w) => w.y + w.h));
    assert.ok(widgets.filter((w) => w.id.startsWith('imported-')).every((w) => w.y >= oldBottom), 'added below what was there');

    // Every widget of the new marketing, research, support and sales-head defaults is answered to its role.
    for (const role of ['SRE', 'HM', 'MM', 'SUPPORT', 'SALES_HEAD']) {
      const person = role === 'SRE' ? researcher : await makeUser(rt, agency, { role });
      const bearer = role === 'SRE' ? token : await signIn(rt, person.email);
      for (const w of roleDashboards[role]!.widgets.filter((x) => widgetsAddedAfterFirstRelease.has(x.id))) {
        const res = await rt.request().get('/v1/metrics').query({ metric: w.metric, period: w.period, dimension: w.dimension }).set(auth(bearer));
        assert.equal(res.status, 200, `${role} ${w.id}: ${JSON.stringify(res.body)}`);
      }
    }
  });
  it('should count leads imported by an import once (the import schedules the rebuild), and equal a rebuild', async () => {
    // The import runs as a job, and the rebuild it schedules too.
    await rt.ctx.jobs.start();
    const csv = ['First name,Last name,Email', 'Ina,Import,ina@import.example', 'Ole,Import,ole@import.example', 'Pia,Import,pia@import.example'].join('\n') + '\n';
    const created = await rt.request().post('/v1/imports/leads').query({ name: 'leads.csv' }).set(auth()).set('Content-Type', 'text/csv').send(Buffer.from(csv));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id as string;
    assert.equal((await rt.request().put(`/v1/imports/${id}/mapping`).set(auth()).send({ columns: created.body.suggestedMapping, dedupeKey: 'email', mode: 'skip' })).status, 200);
    assert.equal((await rt.request().post(`/v1/imports/${id}/run`).set(auth())).status, 202);
    // The import ends, the rebuild job it schedules runs: three leads imported.
    for (const deadline = Date.now() + 60_000; (await total('leads.imported')) !== 3; await new Promise((r) => setTimeout(r, 200))) {
      if (Date.now() > deadline) throw new Error(`leads.imported is ${await total('leads.imported')}, not 3`);
    }
    // An imported lead edited later (an event through the applier) stays imported.
    const listed = await rt.request().get('/v1/leads').query({ limit: 100 }).set(auth());
    const ina = (listed.body.data as { id: string; firstName: string }[]).find((l) => l.firstName === 'Ina')!;
    assert.equal((await rt.request().patch(`/v1/leads/${ina.id}`).set(auth()).send({ jobTitle: 'Buyer' })).status, 200);
    await waitUntilApplied(rt.ctx.connection, tenantId);
    assert.equal(await total('leads.imported'), 3);
    await rebuildEquals();
  });

});
