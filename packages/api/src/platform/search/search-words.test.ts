import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CommandStartedEvent, CommandSucceededEvent } from 'mongodb';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { contactModel } from '../../modules/contacts/contact.model.js';
import { readRecordsById } from '../records/records-by-id.js';
import { shardOf } from './search-entry.model.js';
import { indexRecords } from './search-index.js';
import { searchableKinds } from './search-registry.js';
import { WHOLE_WORD_MAX } from './search-words.js';

/**
 * A search of several words, found by intersecting the words' lookups smallest first (search-words.ts):
 * checked for what it answers (every record matching all words once, whole words first inside a shard,
 * visibility, counts) and for what it costs (entry lookups and entries decoded, from the command monitor);
 * and the page's records read in one `_id: {$in}` read where the engine serves it (records-by-id.ts).
 */
describe('search: several words intersected by their lookups', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let sellerToken: string;
  const TOTAL = 720;
  /** Record ids by seed number. */
  const ids: string[] = [];
  const owned = new Set<string>();
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  async function monitored(run: () => Promise<unknown>) {
    const commands: string[] = [];
    const returned = new Map<string, number>();
    const started = new Map<number, string>();
    const client = rt.db.connection.getClient();
    const onStart = (event: CommandStartedEvent) => {
      if (event.databaseName !== rt.dbName) return;
      commands.push(`${event.commandName} ${String(event.command[event.commandName])}`);
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

  async function count(q: string): Promise<number> {
    const segment = await rt.request().post('/v1/segments').set(auth(agency.adminToken)).send({ name: `q ${q}`, resource: 'contact', filters: { q }, sharing: 'agency' });
    assert.equal(segment.status, 201, JSON.stringify(segment.body));
    const res = await rt.request().get(`/v1/segments/${segment.body.id}/count`).set(auth(agency.adminToken));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.count as number;
  }

  const expected = (match: (i: number) => boolean) => ids.filter((_, i) => match(i));

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt);
    const seller = await makeUser(rt, agency, { role: 'SALES_PERSON' });
    sellerToken = await signIn(rt, seller.email);
    const connection = rt.ctx.connection;
    const tenantId = new Types.ObjectId(agency.tenantId);
    const kind = searchableKinds(connection).find((k) => k.resource === 'contact')!;
    // `marti` on all (a whole word on a third), Lisbon on half, Porto on the other half: both words common.
    const docs = Array.from({ length: TOTAL }, (_, i) => ({
      tenantId,
      firstName: i % 3 === 0 ? 'Marti' : 'Martina',
      lastName: `Walker${i}`,
      addresses: [{ label: 'work', city: i % 2 === 0 ? 'Lisbon' : 'Porto', country: 'Portugal', primary: true }],
      status: 'new',
      ...(i % 5 === 0 ? { ownerId: seller.id } : {}),
      version: 0,
    }));
    const inserted = (await contactModel(connection).insertMany(docs, { ordered: false, lean: true })) as unknown as Array<{ _id: Types.ObjectId; ownerId?: Types.ObjectId }>;
    await indexRecords(connection, kind, inserted as never);
    for (const doc of inserted) {
      ids.push(String(doc._id));
      if (doc.ownerId) owned.add(String(doc._id));
    }
  });
  after(() => rt.close());

  it('should page through every record matching all words once, more whole words first inside a shard', async () => {
    assert.ok(TOTAL / 2 > WHOLE_WORD_MAX / 2 && TOTAL > WHOLE_WORD_MAX, 'both words are common enough to be walked');
    const seen = await all(agency.adminToken, 'marti lisbon');
    const got = seen.map((r) => r.id);
    assert.equal(new Set(got).size, got.length, 'no record twice');
    assert.deepEqual([...got].sort(), expected((i) => i % 2 === 0).sort(), 'every record in Lisbon, nothing else');
    // Shard by shard; inside a shard, `Marti` (two whole words) before `Martina` (one), then newest first.
    const rank = (r: { id: string; firstName: string }) => [shardOf(new Types.ObjectId(r.id)), r.firstName === 'Marti' ? 0 : 1] as const;
    for (let i = 1; i < seen.length; i += 1) {
      const [a, b] = [rank(seen[i - 1]!), rank(seen[i]!)];
      assert.ok(a[0] < b[0] || (a[0] === b[0] && (a[1] < b[1] || (a[1] === b[1] && seen[i - 1]!.id > seen[i]!.id))), `${seen[i - 1]!.id} before ${seen[i]!.id}`);
    }
    assert.deepEqual((await all(agency.adminToken, 'marti lisbon', 37)).map((r) => r.id), got, 'odd page sizes: the same order');
    assert.equal(await count('marti lisbon'), TOTAL / 2);
  });

  it('should decode a part of each common word per page, not the words whole', async () => {
    let first: Awaited<ReturnType<typeof page>> | undefined;
    const { commands, returned } = await monitored(async () => {
      first = await page(agency.adminToken, 'lisbon marti');
    });
    assert.equal(first!.data.length, 50);
    const lookups = commands.filter((c) => c === 'find search_entries').length;
    const entries = returned.get('search_entries') ?? 0;
    // Shard 0 of both words, then the shards the page needs (8 at most per round), both words each.
    assert.ok(lookups <= 2 + 2 * 8 * 2, `entry lookups: ${lookups} (${commands.join(', ')})`);
    assert.ok(entries < TOTAL + TOTAL / 2, `entries decoded: ${entries} of ${TOTAL + TOTAL / 2}`);
    const later = await monitored(() => page(agency.adminToken, 'lisbon marti', first!.nextCursor!));
    assert.ok((later.returned.get('search_entries') ?? 0) < TOTAL + TOTAL / 2, later.commands.join(', '));
  });

  it('should read a rare word whole and look the common word up only in the shards where the rare one has records', async () => {
    // `walker12` is the prefix of Walker12 and Walker120..129: 11 records; `lisbon` is on half of all.
    const { commands } = await monitored(async () => {
      const found = await all(agency.adminToken, 'walker12 lisbon');
      assert.deepEqual(found.map((r) => r.id).sort(), expected((i) => i % 2 === 0 && (i === 12 || (i >= 120 && i <= 129))).sort());
      // `lisbon` is common, so the order is by shard; inside Walker12's shard, the whole word comes first.
      const itsShard = found.filter((r) => shardOf(new Types.ObjectId(r.id)) === shardOf(new Types.ObjectId(ids[12]!)));
      assert.equal(itsShard[0]!.id, ids[12], 'the whole word Walker12 first in its shard');
    });
    const rareShards = new Set([12, ...Array.from({ length: 10 }, (_, k) => 120 + k)].map((i) => shardOf(new Types.ObjectId(ids[i]!))));
    const lookups = commands.filter((c) => c === 'find search_entries').length;
    assert.ok(lookups <= 2 + 1 + rareShards.size, `entry lookups: ${lookups} for ${rareShards.size} shards (${commands.join(', ')})`);
    // Every word rare: one ranking over all, as whole reads.
    assert.deepEqual((await all(agency.adminToken, 'walker12 walker120')).map((r) => r.id), [ids[120]]);
  });

  it('should find for a Sales Person only their own records, and nothing of another agency', async () => {
    const mine = await all(sellerToken, 'marti lisbon', 20);
    assert.deepEqual(mine.map((r) => r.id).sort(), expected((i) => i % 2 === 0 && owned.has(ids[i]!)).sort());
    const other = await makeAgency(rt);
    assert.deepEqual((await page(other.adminToken, 'marti lisbon')).data, []);
  });

  it('should refuse a cursor of another search', async () => {
    const one = await page(agency.adminToken, 'marti');
    const res = await rt.request().get('/v1/contacts').query({ q: 'marti lisbon', cursor: one.nextCursor }).set(auth(agency.adminToken));
    assert.equal(res.status, 400);
    assert.equal(res.body.errors[0].field, 'query.cursor');
  });

  it("should read a page's records in one $in read, in the asked order, never another agency's", async () => {
    const connection = rt.ctx.connection;
    const Contacts = contactModel(connection);
    const tenantId = new Types.ObjectId(agency.tenantId);
    const other = await makeAgency(rt);
    const stranger = await rt.request().post('/v1/contacts').set(auth(other.adminToken)).send({ firstName: 'Not', lastName: 'Yours' });
    assert.equal(stranger.status, 201);
    const asked = [ids[7]!, stranger.body.id as string, ids[3]!, new Types.ObjectId().toHexString(), ids[500]!].map((id) => new Types.ObjectId(id));
    const one = await monitored(async () => {
      const docs = await readRecordsById(Contacts as never, tenantId, asked, { oneRead: true });
      assert.deepEqual(docs.map((d) => (d ? String((d as unknown as { _id: Types.ObjectId })._id) : null)), [ids[7], null, ids[3], null, ids[500]]);
    });
    assert.deepEqual(one.commands, ['find contacts']);
    const each = await monitored(async () => {
      const docs = await readRecordsById(Contacts as never, tenantId, asked, { oneRead: false });
      assert.deepEqual(docs.map((d) => (d ? String((d as unknown as { _id: Types.ObjectId })._id) : null)), [ids[7], null, ids[3], null, ids[500]]);
    });
    assert.equal(each.commands.length, asked.length, 'one read by _id per record');
  });
});
