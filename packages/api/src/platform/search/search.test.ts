import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { contactModel } from '../../modules/contacts/contact.model.js';
import { searchEntryModel } from './search-entry.model.js';

describe('search', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let admin: string;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  const create = async (path: string, body: Record<string, unknown>, token = admin) => {
    const res = await rt.request().post(`/v1/${path}`).set(auth(token)).send(body);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { id: string; version: number };
  };
  const find = async (path: string, q: string, token = admin, extra: Record<string, string | number> = {}) => {
    const res = await rt.request().get(`/v1/${path}`).query({ q, ...extra }).set(auth(token));
    assert.equal(res.status, 200, `${path}?q=${q}: ${JSON.stringify(res.body)}`);
    return res.body.data as Array<{ id: string }>;
  };
  const ids = (rows: Array<{ id: string }>) => rows.map((r) => r.id);

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt);
    admin = agency.adminToken;
  });
  after(() => rt.close());

  it('should find a contact by every field users type: names, email, phone in any formatting, company, city, tag, custom text', async () => {
    const field = await rt.request().post('/v1/custom-fields').set(auth(admin)).send({ resource: 'contact', key: 'badge', label: 'Badge name', type: 'text' });
    assert.equal(field.status, 201, JSON.stringify(field.body));
    const contact = await create('contacts', {
      firstName: 'Beatriz',
      middleName: 'Helena',
      lastName: 'Gonçalves',
      emails: [{ label: 'work', value: 'Bea.Goncalves@Fadoworks.example', primary: true }],
      phones: [{ label: 'mobile', value: '+351 912 345 678' }],
      company: { name: 'Fadoworks Lda' },
      addresses: [{ label: 'work', city: 'Lisboa', country: 'Portugal' }],
      tags: ['keynote'],
      custom: { badge: 'Queen of Tiles' },
    });
    const other = await create('contacts', { firstName: 'Rui', lastName: 'Costa', addresses: [{ label: 'work', city: 'Porto' }] });
    const typed = [
      'beatriz', 'BEA', 'helena', 'goncalves', 'gonç', 'Beatriz Gonçalves', 'gonçalves beatriz',
      'bea.goncalves@fadoworks.example', 'BEA.GONCALVES@FADOWORKS.EXAMPLE', 'fadoworks',
      '+351 912 345 678', '351912345678', '912 345 678', '912345678', '(351) 912-345-678',
      'Fadoworks Lda', 'lisboa', 'lisb', 'keynote', 'queen of tiles', 'tiles',
    ];
    for (const q of typed) {
      const found = ids(await find('contacts', q));
      assert.ok(found.includes(contact.id), `"${q}" finds the contact`);
      assert.ok(!found.includes(other.id), `"${q}" does not find another`);
    }
    for (const q of ['beatriz porto', 'zzz', 'keynotes', 'goncalvesx', '999 888 777']) {
      assert.ok(!ids(await find('contacts', q)).includes(contact.id), `"${q}" finds nothing: every word must match`);
    }
  });

  it('should find the contacts living in Lisbon with q=lisbon (issue 14)', async () => {
    const local = await makeAgency(rt);
    const lisbon = [];
    for (const [firstName, city] of [['Ana', 'Lisbon'], ['Rita', 'Lisbon'], ['João', 'Porto'], ['Marta', 'Lisbon']] as const) {
      const row = await create('contacts', { firstName, lastName: 'Silva', addresses: [{ label: 'home', city, country: 'Portugal' }] }, local.adminToken);
      if (city === 'Lisbon') lisbon.push(row.id);
    }
    assert.deepEqual(ids(await find('contacts', 'lisbon', local.adminToken)).sort(), lisbon.sort());
  });

  it('should search customers, leads and opportunities by their own fields, each list only its own kind', async () => {
    const customer = await create('customers', { name: 'Azulejo Imports', emails: [{ label: 'work', value: 'hello@azulejo.example', primary: true }], phones: [{ label: 'work', value: '+351 21 000 1234' }], address: { city: 'Coimbra', country: 'Portugal' }, tags: ['wholesale'] });
    const lead = await create('leads', { kind: 'individual', firstName: 'Tomás', lastName: 'Rocha', companyName: 'Azulejo Imports', emails: [{ label: 'work', value: 'tomas@rocha.example', primary: true }], addresses: [{ label: 'work', city: 'Coimbra' }], tags: ['tradeshow'] });
    const deal = await create('opportunities', { name: 'Azulejo sponsorship 2027', tags: ['gold'] });
    for (const q of ['azulejo', 'coimbra', 'wholesale', 'hello@azulejo.example', '21 000 1234']) assert.deepEqual(ids(await find('customers', q)), [customer.id], `customers "${q}"`);
    for (const q of ['azulejo', 'tomas', 'rocha', 'coimbra', 'tradeshow', 'tomas@rocha.example']) assert.deepEqual(ids(await find('leads', q)), [lead.id], `leads "${q}"`);
    for (const q of ['azulejo', 'sponsorship', '2027', 'gold', 'azulejo spon']) assert.deepEqual(ids(await find('opportunities', q)), [deal.id], `opportunities "${q}"`);
    assert.deepEqual(ids(await find('contacts', 'azulejo')), [], 'no contact is called that');
  });

  it('should write one entry per token, prefixes from 3 letters, and find a typed word of 2 letters only as a whole word', async () => {
    const local = await makeAgency(rt);
    const li = await create('contacts', { firstName: 'Ana', lastName: 'Li', addresses: [{ label: 'home', city: 'Lisbon' }] }, local.adminToken);
    const lisa = await create('contacts', { firstName: 'Lisa', lastName: 'Moreira' }, local.adminToken);
    const entries = searchEntryModel(rt.ctx.connection);
    const tokensOf = async (id: string) =>
      (await entries.find({ tenantId: new Types.ObjectId(local.tenantId), recordId: new Types.ObjectId(id) } as never).lean()).map((e) => `${e.token}${e.exact ? '!' : ''}`).sort();
    assert.deepEqual(await tokensOf(li.id), ['ana!', 'li!', 'lis', 'lisb', 'lisbo', 'lisbon!'], 'no 2-letter prefixes (an, mo, ...), a 2-letter word whole');
    assert.equal((await tokensOf(lisa.id)).length, 7, 'lis, lisa!, mor, more, morei, moreir, moreira!');
    assert.deepEqual(ids(await find('contacts', 'li', local.adminToken)), [li.id], '"li" finds the whole word Li, not Lisa or Lisbon');
    assert.deepEqual(ids(await find('contacts', 'an', local.adminToken)), [], '"an" starts Ana but is no whole word of any record');
    assert.deepEqual(ids(await find('contacts', 'lis', local.adminToken)).sort(), [li.id, lisa.id].sort());
    assert.deepEqual(ids(await find('contacts', 'ana li', local.adminToken)), [li.id]);
    const oneLetter = await rt.request().get('/v1/contacts').query({ q: 'a' }).set(auth(local.adminToken));
    assert.equal(oneLetter.status, 400, 'one letter is nothing searchable');
    assert.equal(oneLetter.body.errors[0].field, 'query.q');
  });

  it('should rank records where a typed word is a whole word above those where it only starts a word, then newest first', async () => {
    const local = await makeAgency(rt);
    const t = local.adminToken;
    const anabela = await create('contacts', { firstName: 'Anabela', lastName: 'Reis' }, t);
    const ana = await create('contacts', { firstName: 'Ana', lastName: 'Reis' }, t);
    const anastasia = await create('contacts', { firstName: 'Anastasia', lastName: 'Reis' }, t);
    const ana2 = await create('contacts', { firstName: 'Maria', lastName: 'Ana' }, t);
    assert.deepEqual(ids(await find('contacts', 'ana', t)), [ana2.id, ana.id, anastasia.id, anabela.id], 'whole word "ana" first (newest first), then prefixes (newest first)');
    assert.deepEqual(ids(await find('contacts', 'ana reis', t)), [ana.id, anastasia.id, anabela.id], 'two whole words above one');
    // Pages through a search with cursors: every match once, in the same order.
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let guard = 0; guard < 5; guard += 1) {
      const res = await rt.request().get('/v1/contacts').query({ q: 'ana', limit: 1, ...(cursor ? { cursor } : {}) }).set(auth(t));
      assert.equal(res.status, 200);
      seen.push(...ids(res.body.data));
      if (!res.body.hasMore) break;
      cursor = res.body.nextCursor;
    }
    assert.deepEqual(seen, [ana2.id, ana.id, anastasia.id, anabela.id]);
  });

  it("should not let a Sales Person find another seller's record, and follow a change of owner", async () => {
    const sellerA = await makeUser(rt, agency, { role: 'SALES_PERSON' });
    const sellerB = await makeUser(rt, agency, { role: 'SALES_PERSON' });
    const tokenA = await signIn(rt, sellerA.email);
    const tokenB = await signIn(rt, sellerB.email);
    const mine = await create('contacts', { firstName: 'Xenia', lastName: 'Quartz' }, tokenA);
    const theirs = await create('contacts', { firstName: 'Xenia', lastName: 'Quartzite' }, tokenB);
    assert.deepEqual(ids(await find('contacts', 'xenia', tokenA)), [mine.id]);
    assert.deepEqual(ids(await find('contacts', 'xenia', tokenB)), [theirs.id]);
    assert.deepEqual(ids(await find('contacts', 'xenia')).sort(), [mine.id, theirs.id].sort(), 'the admin sees both');
    const moved = await rt.request().patch(`/v1/contacts/${theirs.id}`).set(auth(admin)).send({ ownerId: String(sellerA.id) });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.deepEqual(ids(await find('contacts', 'xenia', tokenA)).sort(), [mine.id, theirs.id].sort(), 'A now owns both');
    assert.deepEqual(ids(await find('contacts', 'xenia', tokenB)), [], 'B no longer sees it');
  });

  it("should never find another agency's records", async () => {
    const other = await makeAgency(rt);
    const theirs = await create('contacts', { firstName: 'Yolanda', lastName: 'Zephyr', addresses: [{ label: 'work', city: 'Valletta' }] }, other.adminToken);
    assert.deepEqual(ids(await find('contacts', 'yolanda')), []);
    assert.deepEqual(ids(await find('contacts', 'valletta')), []);
    assert.deepEqual(ids(await find('contacts', 'yolanda', other.adminToken)), [theirs.id]);
  });

  it('should keep the index right through update, transition and delete', async () => {
    const entries = searchEntryModel(rt.ctx.connection);
    const tenantId = new Types.ObjectId(agency.tenantId);
    const row = await create('contacts', { firstName: 'Wilhelmina', lastName: 'Oakes', addresses: [{ label: 'work', city: 'Bergen' }] });
    const recordId = new Types.ObjectId(row.id);
    const before = await entries.countDocuments({ tenantId, recordId });
    assert.ok(before > 0);
    const renamed = await rt.request().patch(`/v1/contacts/${row.id}`).set(auth(admin)).send({ firstName: 'Philippa', addresses: [{ label: 'work', city: 'Tromsø' }] });
    assert.equal(renamed.status, 200);
    assert.deepEqual(ids(await find('contacts', 'wilhelmina')), [], 'the old name is gone');
    assert.deepEqual(ids(await find('contacts', 'bergen')), [], 'the old city is gone');
    assert.deepEqual(ids(await find('contacts', 'philippa oakes')), [row.id]);
    assert.deepEqual(ids(await find('contacts', 'tromso')), [row.id]);
    assert.equal(await entries.countDocuments({ tenantId, recordId, token: 'wilhelmina' }), 0, 'no stale entry is left');
    const hot = await rt.request().post(`/v1/contacts/${row.id}/transitions`).set(auth(admin)).send({ to: 'hot' });
    assert.equal(hot.status, 200);
    assert.deepEqual(ids(await find('contacts', 'philippa')), [row.id], 'a status move keeps the entries');
    const removed = await rt.request().delete(`/v1/contacts/${row.id}`).set(auth(admin));
    assert.equal(removed.status, 204);
    assert.deepEqual(ids(await find('contacts', 'philippa')), []);
    assert.equal(await entries.countDocuments({ tenantId, recordId }), 0, 'a deleted record leaves no entries');
  });

  it('should combine q with list filters, and apply it to exports and saved segments', async () => {
    const local = await makeAgency(rt);
    const t = local.adminToken;
    const hot = await create('contacts', { firstName: 'Quirino', lastName: 'Faro', addresses: [{ label: 'work', city: 'Faro' }], tags: ['sponsor'] }, t);
    await rt.request().post(`/v1/contacts/${hot.id}/transitions`).set(auth(t)).send({ to: 'hot' }).expect(200);
    const cold = await create('contacts', { firstName: 'Quirina', lastName: 'Faro', addresses: [{ label: 'work', city: 'Faro' }], tags: ['press'] }, t);
    await create('contacts', { firstName: 'Quim', lastName: 'Braga', addresses: [{ label: 'work', city: 'Braga' }] }, t);
    assert.deepEqual(ids(await find('contacts', 'faro', t, { status: 'hot' })), [hot.id]);
    assert.deepEqual(ids(await find('contacts', 'faro', t, { tag: 'press' })), [cold.id]);
    assert.deepEqual(ids(await find('contacts', 'faro', t, { city: 'Faro', status: 'new' })), [cold.id], 'a filter on a path inside an array');
    const csv = await rt.request().get('/v1/contacts/export').query({ q: 'faro' }).set(auth(t));
    assert.equal(csv.status, 200);
    assert.match(csv.text, /Quirino/);
    assert.match(csv.text, /Quirina/);
    assert.doesNotMatch(csv.text, /Quim/);
    const segment = await rt.request().post('/v1/segments').set(auth(t)).send({ name: 'Faro', resource: 'contact', filters: { q: 'faro' }, sharing: 'agency' });
    assert.equal(segment.status, 201, JSON.stringify(segment.body));
    assert.equal((await rt.request().get(`/v1/segments/${segment.body.id}/count`).set(auth(t))).body.count, 2);
    assert.deepEqual(ids((await rt.request().get(`/v1/segments/${segment.body.id}/members`).set(auth(t))).body.data).sort(), [hot.id, cold.id].sort());
  });

  it('should keep search text out of the records themselves', async () => {
    const row = await create('contacts', { firstName: 'Ottilie', lastName: 'Brand' });
    const stored = await contactModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(agency.tenantId), _id: new Types.ObjectId(row.id) }).lean();
    assert.ok(stored);
    assert.equal('searchTokens' in stored, false);
  });

  it('should treat operators and odd text in q as text, and refuse q given as an object or twice', async () => {
    await create('contacts', { firstName: 'Injecta', lastName: 'Test' });
    for (const q of ['{"$ne":null}', '$where', '.*', '^a', '{"$gt":""}']) {
      const res = await rt.request().get('/v1/contacts').query({ q }).set(auth(admin));
      assert.ok(res.status === 200 || res.status === 400, `${q}: ${res.status}`);
      if (res.status === 200) assert.deepEqual(res.body.data, [], `"${q}" matches nothing`);
      else assert.equal(res.body.errors[0].field, 'query.q');
    }
    for (const raw of ['q[$ne]=x', 'q[$gt]=', 'q=injecta&q=test']) {
      const res = await rt.request().get(`/v1/contacts?${raw}`).set(auth(admin));
      assert.equal(res.status, 400, `${raw}: ${JSON.stringify(res.body)}`);
      assert.equal(res.headers['content-type']?.split(';')[0], 'application/problem+json');
    }
    assert.equal((await find('contacts', 'injecta')).length, 1);
  });
});
