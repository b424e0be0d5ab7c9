import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { commandRepliesDuring, findFiltersDuring } from '../../testing/commands.js';
import { createTestRuntime, makeAgency, type TestAgency } from '../../testing/index.js';
import { eventRegistrationModel, salesEventModel } from './sales-event.model.js';

// Registrations are paged block by block (registration-order.ts); the pages must be what the list answered
// when it read the whole event and sorted it by `_id`.
describe('an event’s registrations, page by page', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let other: TestAgency;
  const get = (token: string, path: string) => rt.request().get(`/v1${path}`).set({ Authorization: `Bearer ${token}` });
  const roleOf = (i: number) => (i % 9 === 0 ? 'sponsor' : i % 4 === 0 ? 'speaker' : 'delegate');

  /** An event and `count` registrations stored as before blocks existed (no filing, the event not marked), inserted out of order. */
  async function legacyEvent(count: number) {
    const tenantId = new Types.ObjectId(agency.tenantId);
    const eventId = new Types.ObjectId();
    const now = new Date();
    await salesEventModel(rt.ctx.connection).collection.insertOne({
      _id: eventId, tenantId, name: 'Legacy summit', description: '', level: 2, status: 'open', startsAt: now, endsAt: now, timezone: 'UTC', venue: { name: 'Hall', address: null, city: null, country: null },
      capacity: count + 10, currency: 'EUR', campaignId: null, productId: null, sessions: [], costs: [], costTotal: 0, revenueTotal: 0, registeredCount: count, checkedInCount: 0, createdBy: null, version: 1, createdAt: now, updatedAt: now,
    } as never);
    const ids = Array.from({ length: count }, () => new Types.ObjectId());
    const docs = ids.map((_id, i) => ({
      _id, tenantId, eventId, role: roleOf(i), email: `p${i}@example.test`, emailKey: `${String(eventId)}:p${i}@example.test`, firstName: 'Pat', lastName: `Person ${i}`, companyName: null,
      leadId: null, contactId: null, seat: i + 1, fee: 0, sponsorPackage: null, status: 'registered', checkedInAt: null, cancelledAt: null, createdAt: now, updatedAt: now,
    }));
    // Stored out of `_id` order: the old list sorted them, the new one must file them in that order.
    await eventRegistrationModel(rt.ctx.connection).collection.insertMany([...docs.filter((_, i) => i % 2), ...docs.filter((_, i) => i % 2 === 0)] as never[]);
    return { eventId: String(eventId), ids: ids.map(String) };
  }

  /** Every page of a list, following `nextCursor`, with what each page read. */
  async function allPages(path: string, limit: number) {
    const pages: { ids: string[]; commands: number; registrationReads: number; returned: number }[] = [];
    let cursor: string | null = null;
    do {
      let body: { data: { id: string }[]; nextCursor: string | null; hasMore: boolean } = { data: [], nextCursor: null, hasMore: false };
      const replies = await commandRepliesDuring(rt, async () => {
        const res = await get(agency.adminToken, `${path}${path.includes('?') ? '&' : '?'}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        body = res.body as typeof body;
      });
      const reads = replies.filter((r) => r.collection === 'sales_event_registrations');
      pages.push({ ids: body.data.map((r) => r.id), commands: replies.length, registrationReads: reads.length, returned: reads.reduce((n, r) => n + r.docs, 0) });
      assert.equal(body.hasMore, body.nextCursor !== null);
      cursor = body.nextCursor;
      assert.ok(pages.length <= 100, 'the pages end');
    } while (cursor);
    return pages;
  }

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    [agency, other] = await Promise.all([makeAgency(rt), makeAgency(rt)]);
  });
  after(async () => {
    await rt.close();
  });

  it('should answer the pages the full sort by id answered, for every role filter, reading a bounded number of rows per page', async () => {
    const { eventId, ids } = await legacyEvent(700);
    const sorted = [...ids].sort();
    // The first list files the event's registrations (once); the pages after it read blocks.
    const pages = await allPages(`/sales-events/${eventId}/registrations`, 50);
    assert.deepEqual(pages.flatMap((p) => p.ids), sorted, 'oldest first, each once');
    assert.equal(pages.length, 14);
    for (const page of pages.slice(1)) {
      assert.ok(page.commands <= 5, `a page takes at most 5 commands, took ${page.commands}`);
      assert.ok(page.registrationReads <= 2, `two block reads a page, took ${page.registrationReads}`);
      assert.ok(page.returned <= 2 * 64, `a page decodes at most two blocks, not the event's 700 (returned ${page.returned})`);
    }

    for (const role of ['delegate', 'speaker', 'sponsor']) {
      const wanted = ids.filter((_, i) => roleOf(i) === role).sort();
      const filtered = await allPages(`/sales-events/${eventId}/registrations?role=${role}`, 20);
      assert.deepEqual(filtered.flatMap((p) => p.ids), wanted, `${role}: oldest first, each once`);
      for (const page of filtered) assert.ok(page.registrationReads <= 8, `${role}: at most 4 rounds of 2 reads, took ${page.registrationReads}`);
    }

    // Every read names a block bucket by equality (what FerretDB pushes down), never the event alone.
    const filters = await findFiltersDuring(rt, 'sales_event_registrations', () => get(agency.adminToken, `/sales-events/${eventId}/registrations?limit=50`));
    assert.ok(filters.length > 0 && filters.every((f) => typeof f.ob0 === 'string' || typeof f.ob1 === 'string' || typeof f.ob2 === 'string'), JSON.stringify(filters));
  });

  it('should page registrations made through the API after the old ones, and resume from an old-style cursor (a bare id)', async () => {
    const { eventId, ids } = await legacyEvent(60);
    const fresh = [];
    for (let i = 0; i < 3; i += 1) {
      const res = await rt.request().post(`/v1/sales-events/${eventId}/registrations`).set({ Authorization: `Bearer ${agency.adminToken}` }).send({ role: 'delegate', email: `new${i}@example.test`, firstName: 'New', lastName: `N${i}` });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      fresh.push(res.body.id as string);
    }
    const expected = [...[...ids].sort(), ...fresh];
    assert.deepEqual((await allPages(`/sales-events/${eventId}/registrations`, 25)).flatMap((p) => p.ids), expected);
    // A cursor the list gave before blocks (the last id of a page) still resumes after that registration.
    const resumed = await get(agency.adminToken, `/sales-events/${eventId}/registrations?limit=100&cursor=${expected[9]}`);
    assert.equal(resumed.status, 200, JSON.stringify(resumed.body));
    assert.deepEqual(resumed.body.data.map((r: { id: string }) => r.id), expected.slice(10));
    assert.equal(resumed.body.hasMore, false);

    // A new event is filed from its first registration.
    const created = await rt.request().post('/v1/sales-events').set({ Authorization: `Bearer ${agency.adminToken}` }).send({ name: 'New summit', level: 2, startsAt: '2027-03-01T08:00:00Z', endsAt: '2027-03-01T18:00:00Z', venue: { name: 'Hall' }, capacity: 5 });
    assert.equal(created.status, 201);
    const reg = await rt.request().post(`/v1/sales-events/${created.body.id}/registrations`).set({ Authorization: `Bearer ${agency.adminToken}` }).send({ role: 'speaker', email: 'speaker@example.test', firstName: 'Sam', lastName: 'Speaker' });
    const stored = await eventRegistrationModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(agency.tenantId), _id: new Types.ObjectId(reg.body.id) }).lean();
    assert.equal(stored?.ob, 0);
    assert.equal(stored?.ob0, `${created.body.id}:0:0`);
  });

  it('should file an old event once when its first lists come at once, each answering the oldest first', async () => {
    const { eventId, ids } = await legacyEvent(300);
    const sorted = [...ids].sort();
    const first = await Promise.all(Array.from({ length: 6 }, () => get(agency.adminToken, `/sales-events/${eventId}/registrations?limit=40`)));
    for (const res of first) {
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body.data.map((r: { id: string }) => r.id), sorted.slice(0, 40));
    }
    // Whichever way a first page was read (filed or the old sort), its cursor goes on with the blocks.
    for (const res of first) {
      const next = await get(agency.adminToken, `/sales-events/${eventId}/registrations?limit=40&cursor=${encodeURIComponent(res.body.nextCursor)}`);
      assert.deepEqual(next.body.data.map((r: { id: string }) => r.id), sorted.slice(40, 80));
    }
    assert.deepEqual((await allPages(`/sales-events/${eventId}/registrations`, 50)).flatMap((p) => p.ids), sorted);
    const blocks = await eventRegistrationModel(rt.ctx.connection).find({ tenantId: new Types.ObjectId(agency.tenantId), eventId: new Types.ObjectId(eventId) }).select({ ob: 1 }).lean();
    assert.equal(new Set(blocks.map((r) => r.ob)).size, 5, 'filed once: 300 registrations in 5 blocks');
  });

  it('should refuse a cursor it did not issue and keep another agency out', async () => {
    const { eventId, ids } = await legacyEvent(5);
    const bad = await get(agency.adminToken, `/sales-events/${eventId}/registrations?cursor=nonsense`);
    assert.equal(bad.status, 400, JSON.stringify(bad.body));
    assert.equal(bad.body.errors?.[0]?.field, 'query.cursor');
    const unknown = await get(agency.adminToken, `/sales-events/${eventId}/registrations?cursor=${new Types.ObjectId().toHexString()}`);
    assert.equal(unknown.status, 400);
    assert.equal((await get(other.adminToken, `/sales-events/${eventId}/registrations?cursor=${ids[0]}`)).status, 404);
  });
});
