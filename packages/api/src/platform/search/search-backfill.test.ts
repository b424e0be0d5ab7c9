import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, type TestAgency } from '../../testing/index.js';
import { contactModel } from '../../modules/contacts/contact.model.js';
import { contactDefinition } from '../../modules/contacts/contacts.service.js';
import { backfillSearchIndex } from './search-backfill.js';
import { searchEntryModel } from './search-entry.model.js';
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
});
