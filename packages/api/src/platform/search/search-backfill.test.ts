import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, type TestAgency } from '../../testing/index.js';
import { contactModel } from '../../modules/contacts/contact.model.js';
import { contactDefinition } from '../../modules/contacts/contacts.service.js';
import { leadDefinition } from '../../modules/leads/lead.definition.js';
import { backfillSearchIndex, SEARCH_ENTRY_FORMAT } from './search-backfill.js';
import { searchEntryModel, searchKey, searchShardKey, shardOf } from './search-entry.model.js';
import { indexRecords, searchableValues } from './search-index.js';
import { indexTokens } from './search-tokens.js';

describe('search index backfill', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  const auth = () => ({ Authorization: `Bearer ${agency.adminToken}` });

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt);
    await rt.searchBackfill;
  });
  after(() => rt.close());

  it('should index records stored with searchTokens arrays (before the index existed), once, resuming a half-done run', async () => {
    const { connection } = rt.ctx;
    const tenantId = new Types.ObjectId(agency.tenantId);
    const contacts = contactModel(connection);
    const entries = searchEntryModel(connection);
    // Documents as the previous version wrote them: the token array inside, no entries.
    const old = ['Leonor', 'Duarte', 'Vasco'].map((firstName, i) => ({
      _id: new Types.ObjectId(),
      tenantId,
      firstName,
      lastName: 'Mendes',
      emails: [{ label: 'work', value: `${firstName.toLowerCase()}@mendes.example`, primary: true }],
      phones: [],
      addresses: [{ label: 'home', city: 'Lisbon', primary: true }],
      tags: [],
      custom: {},
      status: 'new',
      ownerId: null,
      version: i,
      searchTokens: [firstName.toLowerCase().slice(0, 2), firstName.toLowerCase(), 'me', 'mendes'],
    }));
    await contacts.collection.insertMany(old);
    // The first one was half done by an interrupted run: entries written, array still there.
    await indexRecords(connection, contactDefinition(connection), [old[0]!] as never);
    await connection.db!.collection('search_backfill').deleteMany({});

    const search = async (q: string) => (await rt.request().get('/v1/contacts').query({ q }).set(auth())).body.data.map((c: { id: string }) => c.id).sort();
    assert.deepEqual(await search('duarte'), [], 'not findable before the backfill');

    assert.equal(await backfillSearchIndex(connection), 3);
    const expected = old.map((o) => String(o._id)).sort();
    assert.deepEqual(await search('lisbon'), expected);
    assert.deepEqual(await search('mendes'), expected);
    assert.deepEqual(await search('duarte'), [String(old[1]!._id)]);
    assert.deepEqual(await search('vasco@mendes.example'), [String(old[2]!._id)]);
    for (const doc of old) {
      const stored = await contacts.collection.findOne({ _id: doc._id });
      assert.equal(stored && 'searchTokens' in stored, false, 'the array is dropped from the record');
      const tokens = indexTokens(searchableValues(contactDefinition(connection), doc as never));
      assert.equal(await entries.countDocuments({ tenantId, recordId: doc._id }), tokens.length, 'one entry per token, none twice');
    }

    const total = await entries.countDocuments({ tenantId });
    assert.equal(await backfillSearchIndex(connection), 0, 'a finished backfill is not run again');
    await connection.db!.collection('search_backfill').deleteMany({});
    assert.equal(await backfillSearchIndex(connection), 0, 'run again from the start, it finds nothing left to do');
    assert.equal(await entries.countDocuments({ tenantId }), total);
  });
  it('should drop the 2-letter prefixes of entries indexed in format 3 and find the same records before, during and after', async () => {
    const { connection } = rt.ctx;
    const tenantId = new Types.ObjectId(agency.tenantId);
    const entries = searchEntryModel(connection);
    const leads = leadDefinition(connection);
    const made: string[] = [];
    for (const [firstName, lastName, city] of [['Ana', 'Li', 'Lisbon'], ['Lisa', 'Moreira', 'Porto'], ['Anabela', 'Lima', 'Lisbon']] as const) {
      const res = await rt.request().post('/v1/leads').set(auth()).send({ kind: 'individual', firstName, lastName, addresses: [{ label: 'work', city }] });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      made.push(res.body.id as string);
    }
    const [ana, lisa, anabela] = made as [string, string, string];
    // Format 3 also stored every word's 2-letter prefix (not exact): put them back beside the current entries.
    const old = [];
    for (const id of made) {
      const doc = (await leads.model.findOne({ tenantId, _id: new Types.ObjectId(id) } as never).lean())!;
      const tokens = indexTokens(searchableValues(leads, doc as never));
      const have = new Set(tokens.map((t) => t.token));
      for (const t of tokens) {
        const prefix = t.token.slice(0, 2);
        if (!/^[a-z0-9]{3,}$/.test(t.token) || have.has(prefix)) continue;
        have.add(prefix);
        const key = searchKey(tenantId, 'lead', prefix);
        old.push({ tenantId, kind: 'lead', token: prefix, key, sk: searchShardKey(key, shardOf(doc._id as Types.ObjectId)), recordId: doc._id, exact: false, ownerId: (doc as { ownerId?: Types.ObjectId }).ownerId });
      }
    }
    const perRecord = async () => Promise.all(made.map((id) => entries.countDocuments({ tenantId, recordId: new Types.ObjectId(id) } as never)));
    const current = await perRecord();
    assert.deepEqual(current, [6, 10, 11], 'ana! li! lis… lisbon! | lis lisa! mor… moreira! por port porto! | ana… anabela! lim lima! lis… lisbon!');
    await entries.insertMany(old);
    assert.equal(old.length, 6, 'format 3 also had an (Li is a whole word) | li mo po | an li');
    await connection.db!.collection('search_backfill').updateOne({ _id: 'lead' } as never, { $set: { done: true, format: 3 } });

    const search = async (q: string) => (await rt.request().get('/v1/leads').query({ q }).set(auth())).body.data.map((c: { id: string }) => c.id).sort();
    const expected: Record<string, string[]> = {
      li: [ana],
      an: [],
      lis: [ana, anabela, lisa].sort(),
      ana: [ana, anabela].sort(),
      lisbon: [ana, anabela].sort(),
      'ana lis': [ana, anabela].sort(),
      'lim an': [],
      porto: [lisa],
    };
    for (const [q, want] of Object.entries(expected)) assert.deepEqual(await search(q), want, `"${q}" before the migration`);

    assert.equal(await backfillSearchIndex(connection), 3, 'every lead indexed again');
    const state = await connection.db!.collection('search_backfill').findOne({ _id: 'lead' } as never);
    assert.equal(state?.format, SEARCH_ENTRY_FORMAT);
    for (const [q, want] of Object.entries(expected)) assert.deepEqual(await search(q), want, `"${q}" after the migration`);
    assert.deepEqual(await perRecord(), current, 'one entry per current token, the old prefixes gone');
    assert.equal(await entries.countDocuments({ tenantId, kind: 'lead', exact: false, token: 'an' } as never), 0, 'the 2-letter prefixes are gone');
  });
});
