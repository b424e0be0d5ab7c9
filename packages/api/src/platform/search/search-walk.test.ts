import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CommandStartedEvent, CommandSucceededEvent } from 'mongodb';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { findFiltersDuring } from '../../testing/commands.js';
import { servesIdsInOneRead } from '../records/records-by-id.js';
import { moveListStamps } from '../lists/list-page-cache.js';
import { contactModel } from '../../modules/contacts/contact.model.js';
import { SEARCH_SHARDS, shardOf } from './search-entry.model.js';
import { indexRecords } from './search-index.js';
import { searchableKinds } from './search-registry.js';
import { WHOLE_READ_MAX } from './search-walk.js';

/**
 * A one-token search over a token hundreds of records share: read a shard at a time (search-walk.ts),
 * checked for what it answers (every match once, whole words first, visibility) and for what it costs
 * (database commands and entries decoded per page, from the driver's command monitor).
 */
describe('search: a common token read a shard at a time', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let sellerToken: string;
  let sellerId: Types.ObjectId;
  const whole: string[] = [];
  const prefix: string[] = [];
  const sellers: string[] = [];
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const TOTAL = 640;

  /** Commands sent to this test's database, and documents answered per collection, while `run` runs. */
  async function monitored(run: () => Promise<unknown>) {
    const commands: string[] = [];
    const returned = new Map<string, number>();
    const started = new Map<number, string>();
    const client = rt.db.connection.getClient();
    const onStart = (event: CommandStartedEvent) => {
      if (event.databaseName !== rt.dbName) return;
      const name = `${event.commandName} ${String(event.command[event.commandName])}`;
      commands.push(name);
      started.set(event.requestId, String(event.command[event.commandName]));
    };
    const onSuccess = (event: CommandSucceededEvent) => {
      const collection = started.get(event.requestId);
      const batch = (event.reply as { cursor?: { firstBatch?: unknown[]; nextBatch?: unknown[] } }).cursor;
      if (collection && batch) returned.set(collection, (returned.get(collection) ?? 0) + (batch.firstBatch ?? batch.nextBatch ?? []).length);
    };
    client.on('commandStarted', onStart);
    client.on('commandSucceeded', onSuccess);
    try {
      await run();
    } finally {
      client.off('commandStarted', onStart);
      client.off('commandSucceeded', onSuccess);
    }
    return { commands, returned };
  }

  async function page(token: string, q: string, cursor?: string, limit = 50) {
    const res = await rt.request().get('/v1/contacts').query({ q, limit, ...(cursor ? { cursor } : {}) }).set(auth(token));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as { data: Array<{ id: string; firstName: string }>; hasMore: boolean; nextCursor: string | null };
  }

  /** How many records a saved segment with `q` counts (the record service's count, through the search). */
  async function count(q: string): Promise<number> {
    const segment = await rt.request().post('/v1/segments').set(auth(agency.adminToken)).send({ name: `q ${q}`, resource: 'contact', filters: { q }, sharing: 'agency' });
    assert.equal(segment.status, 201, JSON.stringify(segment.body));
    const res = await rt.request().get(`/v1/segments/${segment.body.id}/count`).set(auth(agency.adminToken));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.count as number;
  }

  async function all(token: string, q: string, limit = 50) {
    const seen: Array<{ id: string; firstName: string }> = [];
    let cursor: string | undefined;
    for (let guard = 0; guard < 100; guard += 1) {
      const body = await page(token, q, cursor, limit);
      seen.push(...body.data);
      if (!body.hasMore) return seen;
      cursor = body.nextCursor!;
    }
    throw new Error('paging did not end');
  }

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt);
    const seller = await makeUser(rt, agency, { role: 'SALES_PERSON' });
    sellerId = seller.id;
    sellerToken = await signIn(rt, seller.email);
    const connection = rt.ctx.connection;
    const tenantId = new Types.ObjectId(agency.tenantId);
    const kind = searchableKinds(connection).find((k) => k.resource === 'contact')!;
    // Bulk, as a seed or import does: one `marti` token for all, whole word for a third of them.
    const docs = Array.from({ length: TOTAL }, (_, i) => ({
      tenantId,
      firstName: i % 3 === 0 ? 'Marti' : 'Martina',
      lastName: `Walker${i}`,
      addresses: [{ label: 'work', city: 'Lisbon', country: 'Portugal', primary: true }],
      status: 'new',
      ...(i % 5 === 0 ? { ownerId: sellerId } : {}),
      version: 0,
    }));
    const inserted = (await contactModel(connection).insertMany(docs, { ordered: false, lean: true })) as unknown as Array<{ _id: Types.ObjectId; firstName: string; ownerId?: Types.ObjectId }>;
    await indexRecords(connection, kind, inserted as never);
    for (const doc of inserted) {
      (doc.firstName === 'Marti' ? whole : prefix).push(String(doc._id));
      if (doc.ownerId) sellers.push(String(doc._id));
    }
  });
  after(() => rt.close());

  it('should page through every match once, whole words first, in the walk order', async () => {
    const seen = await all(agency.adminToken, 'marti');
    const ids = seen.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length, 'no record twice');
    assert.deepEqual([...ids].sort(), [...whole, ...prefix].sort(), 'every match, nothing else');
    const firstPrefix = seen.findIndex((r) => r.firstName === 'Martina');
    assert.equal(firstPrefix, whole.length, 'every whole-word match comes before the first prefix match');
    // Inside a class: shard by shard, newest (highest id) first inside a shard.
    const order = (id: string) => [shardOf(new Types.ObjectId(id)), -parseInt(id.slice(0, 8), 16), id];
    for (const klass of [ids.slice(0, whole.length), ids.slice(whole.length)]) {
      for (let i = 1; i < klass.length; i += 1) {
        const [a, b] = [klass[i - 1]!, klass[i]!];
        assert.ok(shardOf(new Types.ObjectId(a)) < shardOf(new Types.ObjectId(b)) || (shardOf(new Types.ObjectId(a)) === shardOf(new Types.ObjectId(b)) && a > b), `${order(a)} before ${order(b)}`);
      }
    }
    // Odd page sizes cross shard and class boundaries: the same order.
    assert.deepEqual((await all(agency.adminToken, 'marti', 37)).map((r) => r.id), ids);
  });

  it('should read a bounded number of entries and commands per page, far fewer than the matches', async () => {
    assert.ok(TOTAL / SEARCH_SHARDS * SEARCH_SHARDS > WHOLE_READ_MAX, 'the token is common enough to be walked');
    let first: Awaited<ReturnType<typeof page>> | undefined;
    const { commands, returned } = await monitored(async () => {
      first = await page(agency.adminToken, 'lisbon');
    });
    assert.equal(first!.data.length, 50);
    const lookups = commands.filter((c) => c === 'find search_entries').length;
    const reads = commands.filter((c) => c === 'find contacts').length;
    // Shard 0 (10 entries here), then the shards the rate seen says the page needs, at once.
    assert.ok(lookups <= 1 + 8, `lookups of entries: ${lookups} (${commands.join(', ')})`);
    assert.ok(reads <= 51, `record reads: ${reads}`);
    assert.ok(commands.length <= 1 + 9 + 51, `commands in all: ${commands.length} (${commands.join(', ')})`);
    const entries = returned.get('search_entries') ?? 0;
    assert.ok(entries < TOTAL / 4, `entries decoded for one page: ${entries} of ${TOTAL}`);
    assert.ok(entries >= 51, 'at least as many as the page needs');
    // A later page starts from the cursor's shard: no more than the first one costs.
    const later = await monitored(() => page(agency.adminToken, 'lisbon', first!.nextCursor!));
    assert.ok(later.commands.filter((c) => c === 'find search_entries').length <= 1 + 8, later.commands.join(', '));
    assert.ok((later.returned.get('search_entries') ?? 0) < TOTAL / 4);
  });

  it("should read a page's records one by `_id` alone on FerretDB (or in one `$in` where an index serves it), never more than the page", async () => {
    const oneRead = await servesIdsInOneRead(rt.ctx.connection);
    // Cold: records kept by the tests before (under the contacts' list stamp) are not answered once it moves.
    await moveListStamps(rt.ctx.connection, new Types.ObjectId(agency.tenantId), ['contact']);
    let body: Awaited<ReturnType<typeof page>> | undefined;
    let recordsReturned = 0;
    const filters = await findFiltersDuring(rt, contactModel(rt.ctx.connection).collection.collectionName, async () => {
      const { returned } = await monitored(async () => {
        body = await page(agency.adminToken, 'lisbon');
      });
      recordsReturned = returned.get('contacts') ?? 0;
    });
    assert.equal(body!.data.length, 50);
    // The page of 50 and the one record that tells whether there is more: no record decoded beyond them.
    assert.ok(recordsReturned >= 50 && recordsReturned <= 51, `records returned: ${recordsReturned}`);
    if (oneRead) {
      assert.ok(filters.length <= 1, `record reads: ${JSON.stringify(filters)}`);
      return;
    }
    // FerretDB 1.24 pushes neither `$in` nor `$or` down: one find of the page's ids would decode every contact of the
    // agency (1.6-3.2 s at 20,000, bench/RESULTS.md 2026-12-06 22:00). A lone `_id` is served by its index; with
    // `tenantId` beside it PostgreSQL would AND the agency's posting list into each read.
    assert.ok(filters.length <= 51, `record reads: ${filters.length}`);
    for (const filter of filters) {
      assert.deepEqual(Object.keys(filter), ['_id'], `a read by _id alone, not ${JSON.stringify(filter)}`);
      assert.ok(filter._id instanceof Types.ObjectId, `one id per read, not ${JSON.stringify(filter)}`);
    }
    // Warm: the same page again reads no record (each is kept under the list stamp until a contact is written).
    let again: Awaited<ReturnType<typeof page>> | undefined;
    const warm = await findFiltersDuring(rt, contactModel(rt.ctx.connection).collection.collectionName, async () => {
      again = await page(agency.adminToken, 'lisbon');
    });
    assert.deepEqual(again!.data, body!.data);
    assert.equal(warm.length, 0, `record reads when warm: ${JSON.stringify(warm)}`);
  });

  it('should find for a Sales Person only their own records, every one of them', async () => {
    const mine = await all(sellerToken, 'marti');
    assert.deepEqual(mine.map((r) => r.id).sort(), [...sellers].sort());
    assert.deepEqual((await all(sellerToken, 'lisbon', 20)).map((r) => r.id).sort(), [...sellers].sort());
  });

  it("should count every match, and never find another agency's records", async () => {
    assert.equal(await count('marti'), TOTAL);
    const other = await makeAgency(rt);
    assert.deepEqual((await page(other.adminToken, 'marti')).data, []);
    assert.deepEqual((await page(other.adminToken, 'lisbon')).data, []);
  });

  it('should read a rare token whole, newest first, and answer the same through two words', async () => {
    const rare = await rt.request().post('/v1/contacts').set(auth(agency.adminToken)).send({ firstName: 'Marti', lastName: 'Quixote', addresses: [{ label: 'work', city: 'Lisbon' }] });
    assert.equal(rare.status, 201, JSON.stringify(rare.body));
    const { commands } = await monitored(async () => assert.deepEqual((await page(agency.adminToken, 'quixote')).data.map((r) => r.id), [rare.body.id]));
    assert.ok(commands.filter((c) => c === 'find search_entries').length <= 2, commands.join(', '));
    assert.deepEqual((await page(agency.adminToken, 'marti quixote')).data.map((r) => r.id), [rare.body.id]);
    // An address typed whole is read whole at once: one lookup.
    const mailed = await rt.request().post('/v1/contacts').set(auth(agency.adminToken)).send({ firstName: 'Marti', lastName: 'Mailer', emails: [{ label: 'work', value: 'marti.mailer@porto.example', primary: true }] });
    assert.equal(mailed.status, 201, JSON.stringify(mailed.body));
    const byMail = await monitored(async () => assert.deepEqual((await page(agency.adminToken, 'Marti.Mailer@porto.example')).data.map((r) => r.id), [mailed.body.id]));
    assert.equal(byMail.commands.filter((c) => c === 'find search_entries').length, 1, byMail.commands.join(', '));
    assert.equal(await count('marti lisbon'), TOTAL + 1, 'the 640, and Quixote in Lisbon (the mailer has no city)');
  });

  it('should walk a common token that has no entry in shard 0, not read it whole', async () => {
    // Ids made in a pattern can leave a token out of shard 0: 330 records in Tromsø, none in shard 0.
    const connection = rt.ctx.connection;
    const tenantId = new Types.ObjectId(agency.tenantId);
    const kind = searchableKinds(connection).find((k) => k.resource === 'contact')!;
    const ids: Types.ObjectId[] = [];
    while (ids.length < 330) {
      const id = new Types.ObjectId();
      if (shardOf(id) !== 0) ids.push(id);
    }
    const docs = ids.map((_id, i) => ({ _id, tenantId, firstName: 'Ola', lastName: `Nordmann${i}`, addresses: [{ label: 'home', city: 'Tromsø', country: 'Norway', primary: true }], status: 'new', version: 0 }));
    const inserted = await contactModel(connection).insertMany(docs, { ordered: false, lean: true });
    await indexRecords(connection, kind, inserted as never);
    let first: Awaited<ReturnType<typeof page>> | undefined;
    const { returned } = await monitored(async () => {
      first = await page(agency.adminToken, 'tromso');
    });
    assert.equal(first!.data.length, 50);
    // Everything answered but the page's records (a getMore is keyed by its cursor id, not the collection).
    const entries = [...returned].filter(([collection]) => collection !== 'contacts').reduce((n, [, count]) => n + count, 0);
    assert.ok(entries < 330, `entries decoded: ${entries} of 330 (a whole read would decode them all)`);
    const found = await all(agency.adminToken, 'tromso');
    assert.deepEqual(found.map((r) => r.id).sort(), ids.map(String).sort(), 'every one of them, once');
  });

  it('should refuse a cursor that is not one of this search', async () => {
    const bad = Buffer.from(JSON.stringify({ v: 1, id: new Types.ObjectId().toHexString(), m: 'zz' })).toString('base64url');
    const res = await rt.request().get('/v1/contacts').query({ q: 'marti', cursor: bad }).set(auth(agency.adminToken));
    assert.equal(res.status, 400);
    assert.equal(res.body.errors[0].field, 'query.cursor');
  });
});
