import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, type TestAgency } from '../../testing/index.js';
import { leadModel } from '../leads/lead.model.js';
import { eventRegistrationModel, eventSeatModel, salesEventModel } from './sales-event.model.js';

describe('sales events', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let other: TestAgency;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const post = (token: string, path: string, body: object) => rt.request().post(`/v1${path}`).set(auth(token)).send(body);
  const get = (token: string, path: string) => rt.request().get(`/v1${path}`).set(auth(token));

  const conference = (overrides: Record<string, unknown> = {}) => ({
    name: 'Pharma Summit Q1', level: 3, startsAt: '2027-03-01T08:00:00+01:00', endsAt: '2027-03-02T18:00:00+01:00', timezone: 'Europe/Berlin',
    venue: { name: 'Estrel', city: 'Berlin', country: 'DE' }, capacity: 50, currency: 'EUR', ...overrides,
  });
  const person = (n: number | string, role = 'delegate', extra: Record<string, unknown> = {}) => ({ role, email: `person${n}@example.test`, firstName: 'Pat', lastName: `Person ${n}`, companyName: 'Acme', ...extra });

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    [agency, other] = await Promise.all([makeAgency(rt), makeAgency(rt)]);
  });
  after(async () => {
    await rt.close();
  });

  it('should register a new delegate as a lead, check them in once, and keep the counts', async () => {
    const created = await post(agency.adminToken, '/sales-events', conference({
      sessions: [{ title: 'Keynote', startsAt: '2027-03-01T09:00:00+01:00', endsAt: '2027-03-01T10:00:00+01:00', room: 'A' }],
    }));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.sessions.length, 1);
    assert.equal(created.body.seatsLeft, 50);

    const reg = await post(agency.adminToken, `/sales-events/${created.body.id}/registrations`, person(1, 'delegate', { fee: 900 }));
    assert.equal(reg.status, 201, JSON.stringify(reg.body));
    assert.equal(reg.body.seat, 1);
    assert.ok(reg.body.leadId, 'a new registrant becomes a lead');
    const lead = await leadModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(agency.tenantId), _id: new Types.ObjectId(reg.body.leadId) }).lean();
    assert.equal(lead?.participation, 'delegate');
    assert.equal(lead?.emails[0]?.value, 'person1@example.test');

    // A speaker who is already a lead is linked, not duplicated.
    const speaker = await post(agency.adminToken, `/sales-events/${created.body.id}/registrations`, person(2, 'speaker', { leadId: reg.body.leadId }));
    assert.equal(speaker.status, 201);
    assert.equal(speaker.body.leadId, reg.body.leadId);

    const checkIns = await Promise.all([1, 2, 3].map(() => post(agency.adminToken, `/sales-events/${created.body.id}/registrations/${reg.body.id}/check-in`, {})));
    assert.deepEqual(checkIns.map((r) => r.status), [200, 200, 200]);
    assert.equal(checkIns.filter((r) => r.body.checkedIn).length, 1, 'exactly one call checks in');
    assert.ok(checkIns.every((r) => r.body.registration.checkedInAt));

    const event = await get(agency.adminToken, `/sales-events/${created.body.id}`);
    assert.equal(event.body.registeredCount, 2);
    assert.equal(event.body.checkedInCount, 1);
    assert.equal(event.body.seatsLeft, 48);
    assert.equal(event.body.revenueTotal, 900);
    const list = await get(agency.adminToken, `/sales-events/${created.body.id}/registrations?role=speaker`);
    assert.deepEqual(list.body.data.map((r: { email: string }) => r.email), ['person2@example.test']);

    const again = await post(agency.adminToken, `/sales-events/${created.body.id}/registrations`, person(1));
    assert.equal(again.status, 409);
    assert.equal(again.body.errors[0].field, 'email');
  });

  it('should give the last seat to exactly one of many concurrent registrations, and free it on cancel', async () => {
    const created = await post(agency.adminToken, '/sales-events', conference({ capacity: 2, level: 2 }));
    await post(agency.adminToken, `/sales-events/${created.body.id}/registrations`, person('first', 'delegate', { leadId: null }));
    const n = 8;
    const racing = await Promise.all(Array.from({ length: n }, (_, i) => post(agency.adminToken, `/sales-events/${created.body.id}/registrations`, person(`race${i}`))));
    const won = racing.filter((r) => r.status === 201);
    assert.equal(won.length, 1, racing.map((r) => r.status).join(','));
    assert.ok(racing.filter((r) => r.status !== 201).every((r) => r.status === 409 && r.body.errors[0].field === 'capacity' && String(r.headers['content-type']).startsWith('application/problem+json')));
    const tenantId = new Types.ObjectId(agency.tenantId);
    const eventId = new Types.ObjectId(created.body.id as string);
    assert.equal(await eventRegistrationModel(rt.ctx.connection).countDocuments({ tenantId, eventId, status: 'registered' }), 2);
    assert.equal(await eventSeatModel(rt.ctx.connection).countDocuments({ tenantId, eventId }), 2);
    assert.equal((await salesEventModel(rt.ctx.connection).findOne({ tenantId, _id: eventId }).lean())?.registeredCount, 2);

    const cancelled = await post(agency.adminToken, `/sales-events/${created.body.id}/registrations/${won[0]!.body.id}/cancel`, {});
    assert.equal(cancelled.body.status, 'cancelled');
    const next = await post(agency.adminToken, `/sales-events/${created.body.id}/registrations`, person('late'));
    assert.equal(next.status, 201);
    assert.equal(next.body.seat, won[0]!.body.seat, 'the freed seat is taken again');
  });

  it("should add the event's costs, fees and sponsor packages to the campaign ROI", async () => {
    const campaign = await post(agency.adminToken, '/campaigns', { title: 'Summit', code: `SUM-${Date.now()}`, type: 'event', cost: 1000 });
    assert.equal(campaign.status, 201, JSON.stringify(campaign.body));
    const before = await get(agency.adminToken, `/campaigns/${campaign.body.id}/stats`);
    assert.equal(before.body.roi, -1);
    const created = await post(agency.adminToken, '/sales-events', conference({ campaignId: campaign.body.id, costs: [{ label: 'Venue', amount: 3000 }, { label: 'Catering', amount: 1000 }] }));
    assert.equal(created.body.costTotal, 4000);
    await post(agency.adminToken, `/sales-events/${created.body.id}/registrations`, person('d1', 'delegate', { fee: 1500 }));
    await post(agency.adminToken, `/sales-events/${created.body.id}/registrations`, person('s1', 'sponsor', { sponsorPackage: { name: 'Gold', amount: 8000 } }));
    const stats = await get(agency.adminToken, `/campaigns/${campaign.body.id}/stats`);
    assert.equal(stats.status, 200);
    assert.deepEqual(stats.body.events, { events: 1, cost: 4000, revenue: 9500 });
    assert.equal(stats.body.cost, 5000);
    assert.equal(stats.body.roi, 0.9, '(9500 − 5000) / 5000');
    const event = await get(agency.adminToken, `/sales-events/${created.body.id}`);
    assert.equal(event.body.roi, 1.375);
  });

  it('should keep each agency to its own events and answer problems that name the field', async () => {
    const mine = await post(agency.adminToken, '/sales-events', conference());
    const theirs = await get(other.adminToken, `/sales-events/${mine.body.id}`);
    assert.equal(theirs.status, 404);
    assert.equal(String(theirs.headers['content-type']).split(';')[0], 'application/problem+json');
    assert.equal((await post(other.adminToken, `/sales-events/${mine.body.id}/registrations`, person('x'))).status, 404);
    assert.ok(!(await get(other.adminToken, '/sales-events')).body.data.some((e: { id: string }) => e.id === mine.body.id));

    const backwards = await post(agency.adminToken, '/sales-events', conference({ endsAt: '2027-02-01T00:00:00Z' }));
    assert.equal(backwards.status, 400);
    assert.equal(backwards.body.errors[0].field, 'endsAt');
    const costsAtLevel1 = await post(agency.adminToken, '/sales-events', conference({ level: 1, costs: [{ label: 'Venue', amount: 1 }] }));
    assert.equal(costsAtLevel1.body.errors[0].field, 'costs');
    const badZone = await post(agency.adminToken, '/sales-events', conference({ timezone: 'Mars/Olympus' }));
    assert.equal(badZone.body.errors[0].field, 'timezone');
    const foreignLead = await post(agency.adminToken, `/sales-events/${mine.body.id}/registrations`, person('y', 'delegate', { leadId: new Types.ObjectId().toHexString() }));
    assert.equal(foreignLead.status, 400);
    assert.equal(foreignLead.body.errors[0].field, 'leadId');
    const levels = await get(agency.adminToken, '/sales-events/levels');
    assert.deepEqual(levels.body.data.map((l: { level: number }) => l.level), [1, 2, 3]);
  });
});
