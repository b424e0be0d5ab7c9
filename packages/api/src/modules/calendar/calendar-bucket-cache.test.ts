import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import supertest from 'supertest';
import { commandsDuring } from '../../testing/commands.js';
import { createTestRuntime, makeAgency, makeUser, signIn, waitForMail, type TestAgency } from '../../testing/index.js';
import { CALENDAR_BUCKET_STAMPS } from './calendar-bucket-cache.js';

type TestRuntime = Awaited<ReturnType<typeof createTestRuntime>>;
type Occurrence = { id: string; title: string; startAt: string; recurrenceId: string | null };

describe('calendar week reads kept under bucket stamps, fresh in every process', () => {
  // Two API instances (as two processes would be) on one database; each keeps its own buckets.
  let a: TestRuntime;
  let b: TestRuntime;
  let agency: TestAgency;
  let alice: { id: { toString(): string }; email: string };
  let bob: { id: { toString(): string }; email: string };
  let aliceToken: string;
  let bobToken: string;
  const week = { from: '2032-05-03T00:00:00Z', to: '2032-05-10T00:00:00Z' };
  const nextWeek = { from: '2032-05-10T00:00:00Z', to: '2032-05-17T00:00:00Z' };

  before(async () => {
    const env = { JWT_SECRET: 'calendar-bucket-cache-test-secret-0123456789', PUBLIC_URL: 'https://crm.example.test' };
    a = await createTestRuntime({ file: import.meta.filename, env });
    b = await createTestRuntime({ dbName: a.dbName, env });
    agency = await makeAgency(a);
    alice = await makeUser(a, agency, { role: 'SALES_PERSON' });
    bob = await makeUser(a, agency, { role: 'SALES_PERSON' });
    aliceToken = await signIn(a, alice.email);
    bobToken = await signIn(a, bob.email);
  });

  after(async () => {
    await b?.close();
    await a?.close();
  });

  const read = async (rt: TestRuntime, range: { from: string; to: string }, token = agency.adminToken): Promise<Occurrence[]> => {
    const res = await supertest(rt.app).get('/v1/calendar').query(range).set('Authorization', `Bearer ${token}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.data as Occurrence[];
  };
  const ids = (data: Occurrence[]) => data.map((o) => o.id);
  const create = async (body: Record<string, unknown>, token = agency.adminToken): Promise<string> => {
    const res = await supertest(a.app).post('/v1/calendar/entries').set('Authorization', `Bearer ${token}`).send({ kind: 'meeting', timeZone: 'UTC', ...body });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as string;
  };
  const calendarCommands = (commands: [string, string][]) => commands.filter(([, collection]) => collection === 'calendar_entries' || collection === CALENDAR_BUCKET_STAMPS);

  it('should answer a second week read from memory, sending only the stamp reads', async () => {
    const entry = await create({ title: 'Cache: planning', startAt: '2032-05-04T09:00:00Z', endAt: '2032-05-04T10:00:00Z' });
    const cold = await commandsDuring(b, async () => assert.ok(ids(await read(b, week)).includes(entry)));
    assert.ok(cold.some(([name, c]) => name === 'find' && c === 'calendar_entries'), `cold: the buckets are read (${JSON.stringify(cold)})`);
    let warmData: Occurrence[] = [];
    const warm = await commandsDuring(b, async () => (warmData = await read(b, week)));
    assert.ok(ids(warmData).includes(entry));
    // The week's bucket and the year's (series): one stamp each, no entry read.
    assert.deepEqual(calendarCommands(warm), [['find', CALENDAR_BUCKET_STAMPS], ['find', CALENDAR_BUCKET_STAMPS]], `warm: only the stamps (${JSON.stringify(warm)})`);
  });

  it('should show an entry created, moved or deleted through one instance at the next read of either', async () => {
    await read(a, week);
    await read(b, week);
    await read(b, nextWeek);
    const created = await create({ title: 'Cache: created', startAt: '2032-05-05T09:00:00Z', endAt: '2032-05-05T10:00:00Z' });
    assert.ok(ids(await read(a, week)).includes(created), 'the same process');
    assert.ok(ids(await read(b, week)).includes(created), 'the other process');

    const moved = await supertest(a.app).patch(`/v1/calendar/entries/${created}`).set('Authorization', `Bearer ${agency.adminToken}`).send({ startAt: '2032-05-12T09:00:00Z', endAt: '2032-05-12T10:00:00Z' });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.ok(!ids(await read(b, week)).includes(created), 'gone from the week it left');
    assert.ok(ids(await read(b, nextWeek)).includes(created), 'in the week it moved to');
    assert.ok(!ids(await read(a, week)).includes(created));

    const deleted = await supertest(a.app).delete(`/v1/calendar/entries/${created}`).set('Authorization', `Bearer ${agency.adminToken}`);
    assert.equal(deleted.status, 204, JSON.stringify(deleted.body));
    assert.ok(!ids(await read(b, nextWeek)).includes(created));
    assert.ok(!ids(await read(a, nextWeek)).includes(created));
  });

  it('should show a moved occurrence of a series (a year bucket) at the next read of the other instance', async () => {
    const series = await create({ title: 'Cache: weekly', startAt: '2032-01-06T08:00:00Z', endAt: '2032-01-06T08:30:00Z', recurrence: 'FREQ=WEEKLY;BYDAY=TU' });
    const before = (await read(b, week)).find((o) => o.id === series);
    assert.equal(before?.startAt, '2032-05-04T08:00:00.000Z');
    const moved = await supertest(a.app).patch(`/v1/calendar/entries/${series}/occurrences/${encodeURIComponent('2032-05-04T08:00:00.000Z')}`).set('Authorization', `Bearer ${agency.adminToken}`).send({ startAt: '2032-05-06T15:00:00Z' });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    const after = (await read(b, week)).filter((o) => o.id === series);
    assert.deepEqual(after.map((o) => o.startAt), ['2032-05-06T15:00:00.000Z']);
  });

  it('should show an attendee’s reply made through one instance in the free/busy of the other', async () => {
    const entry = await create({ title: 'Cache: invited', startAt: '2032-05-06T09:00:00Z', endAt: '2032-05-06T10:00:00Z', attendees: [{ email: bob.email }] });
    const freeBusy = async () => {
      const res = await supertest(b.app).get('/v1/calendar/free-busy').query({ ...week, userIds: String(bob.id) }).set('Authorization', `Bearer ${agency.adminToken}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return (res.body.data[0].busy as { id?: string }[]).map((x) => x.id);
    };
    assert.ok((await freeBusy()).includes(entry), 'busy while invited');
    const sent = await supertest(a.app).post(`/v1/calendar/entries/${entry}/invitations`).set('Authorization', `Bearer ${agency.adminToken}`);
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    const mail = await waitForMail(a, bob.email, (m) => m.subject.includes('Cache: invited'));
    const text = (await simpleParser(mail.raw)).text ?? '';
    const link = /calendar-invitations\/([A-Za-z0-9_-]+)/.exec(text);
    assert.ok(link, `a reply link in ${JSON.stringify(text)}`);
    const token = link[1]!;
    const replied = await supertest(a.app).post(`/v1/calendar-invitations/${token}`).send({ reply: 'declined' });
    assert.equal(replied.status, 200, JSON.stringify(replied.body));
    assert.ok(!(await freeBusy()).includes(entry), 'free once declined');
  });

  it('should not give a user from memory what they may not see', async () => {
    const adminOnly = await create({ title: 'Cache: admin only', startAt: '2032-05-07T09:00:00Z', endAt: '2032-05-07T10:00:00Z' });
    const alicesOwn = await create({ title: 'Cache: alice', startAt: '2032-05-07T11:00:00Z', endAt: '2032-05-07T12:00:00Z' }, aliceToken);
    const aliceAttends = await create({ title: 'Cache: alice attends', startAt: '2032-05-07T13:00:00Z', endAt: '2032-05-07T14:00:00Z', attendees: [{ email: 'x@outside.test' }, { email: alice.email }] });
    // The admin warms the week in b: it holds every entry of the bucket.
    const all = ids(await read(b, week));
    assert.ok([adminOnly, alicesOwn, aliceAttends].every((id) => all.includes(id)));
    let aliceSees: string[] = [];
    const commands = await commandsDuring(b, async () => (aliceSees = ids(await read(b, week, aliceToken))));
    assert.ok(!commands.some(([name, c]) => name === 'find' && c === 'calendar_entries'), `alice is answered from memory (${JSON.stringify(commands)})`);
    assert.ok(aliceSees.includes(alicesOwn), 'her own entry');
    assert.ok(aliceSees.includes(aliceAttends), 'an entry she attends (one of two attendees)');
    assert.ok(!aliceSees.includes(adminOnly), 'not the admin’s entry');
    const bobSees = ids(await read(b, week, bobToken));
    assert.ok(!bobSees.includes(alicesOwn) && !bobSees.includes(adminOnly) && !bobSees.includes(aliceAttends), 'bob sees none of them');
  });
});
