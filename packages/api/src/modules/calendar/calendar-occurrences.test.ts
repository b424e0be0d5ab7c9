import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ICAL from 'ical.js';
import { simpleParser } from 'mailparser';
import { Types } from 'mongoose';
import { startSmtpCapture } from '../../platform/mail/testing.js';
import { createTestRuntime, makeAgency, waitForMail, type TestAgency } from '../../testing/index.js';
import { calendarEntryModel } from './calendar.model.js';

interface RangeOccurrence { id: string; title: string; startAt: string; endAt: string; recurrenceId: string | null }

describe('one occurrence of a recurring calendar entry: moved (RECURRENCE-ID) or cancelled (EXDATE)', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
  let agency: TestAgency;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const occurrencePath = (id: string, start: string) => `/v1/calendar/entries/${id}/occurrences/${encodeURIComponent(start)}`;
  // A weekly series of four, two weeks ahead (inside the feed's year), 09:00 UTC = 10:00 in Berlin in winter or 11:00 in summer.
  const first = new Date(Date.now() + 14 * 86_400_000);
  first.setUTCHours(9, 0, 0, 0);
  const week = (n: number, hours = 0) => new Date(first.getTime() + n * 7 * 86_400_000 + hours * 3_600_000).toISOString();

  before(async () => {
    smtp = await startSmtpCapture();
    rt = await createTestRuntime({ file: import.meta.filename, env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://crm.example.test' } });
    agency = await makeAgency(rt);
  });
  after(async () => {
    await rt.close();
    await smtp.stop();
  });

  it('should show a moved occurrence instead of the generated one, leave a cancelled one out everywhere, and mail attendees a CANCEL for it', async () => {
    const admin = agency.adminToken;
    const series = await rt.request().post('/v1/calendar/entries').set(auth(admin)).send({
      kind: 'meeting', title: 'Weekly review', startAt: week(0), endAt: week(0, 1), timeZone: 'Europe/Berlin', recurrence: 'FREQ=WEEKLY;COUNT=4', attendees: [{ email: 'olga@outside.test', name: 'Olga Outside' }],
    });
    assert.equal(series.status, 201, JSON.stringify(series.body));
    const id = series.body.id as string;
    await rt.request().post(`/v1/calendar/entries/${id}/invitations`).set(auth(admin)).expect(201);

    // Week 1 moves a day later to the afternoon and is retitled; its length stays an hour.
    const moved = await rt.request().patch(occurrencePath(id, week(1))).set(auth(admin)).send({ title: 'Weekly review (moved)', startAt: week(1, 29) });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.deepEqual(moved.body.overrides, [{ recurrenceId: week(1), title: 'Weekly review (moved)', description: null, location: null, startAt: week(1, 29), endAt: week(1, 30) }]);

    // Week 2 is cancelled; cancelling it again changes nothing and mails nobody again.
    await rt.request().delete(occurrencePath(id, week(2))).set(auth(admin)).expect(204);
    await rt.request().delete(occurrencePath(id, week(2))).set(auth(admin)).expect(204);
    const stored = await calendarEntryModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(agency.tenantId), _id: new Types.ObjectId(id) }).lean();
    assert.deepEqual(stored!.exceptions.map((d) => d.toISOString()), [week(2)]);

    const mail = await waitForMail(rt, 'olga@outside.test', (m) => m.subject.startsWith('Cancelled: Weekly review'));
    const cancel = (await simpleParser(mail.raw)).attachments.find((a) => a.filename === 'cancel.ics');
    assert.ok(cancel, 'a cancel.ics attachment');
    const cancelCalendar = new ICAL.Component(ICAL.parse(cancel.content.toString('utf8')));
    assert.equal(cancelCalendar.getFirstPropertyValue('method'), 'CANCEL');
    for (const zone of cancelCalendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
    const cancelled = new ICAL.Event(cancelCalendar.getFirstSubcomponent('vevent')!);
    assert.equal(cancelled.uid, `${id}@crm`);
    assert.equal(cancelled.component.getFirstPropertyValue('status'), 'CANCELLED');
    assert.equal(cancelled.component.getFirstProperty('recurrence-id')!.getParameter('tzid'), 'Europe/Berlin');
    assert.equal(cancelled.recurrenceId!.toJSDate().toISOString(), new Date(week(2)).toISOString());
    const cancelMails = smtp.messages.filter((m) => m.to.includes('olga@outside.test') && m.subject.startsWith('Cancelled'));
    assert.equal(cancelMails.length, 1, 'one CANCEL, not one per DELETE');

    // The range read.
    const range = await rt.request().get('/v1/calendar').query({ from: week(-1), to: week(5) }).set(auth(admin));
    assert.equal(range.status, 200, JSON.stringify(range.body));
    const shown = (range.body.data as RangeOccurrence[]).filter((o) => o.id === id).map((o) => [o.startAt, o.title, o.recurrenceId]);
    assert.deepEqual(shown, [
      [week(0), 'Weekly review', week(0)],
      [week(1, 29), 'Weekly review (moved)', week(1)],
      [week(3), 'Weekly review', week(3)],
    ]);

    // Free/busy of the owner.
    const busy = await rt.request().get('/v1/calendar/free-busy').query({ from: week(-1), to: week(5), userIds: series.body.ownerId }).set(auth(admin));
    assert.equal(busy.status, 200, JSON.stringify(busy.body));
    assert.deepEqual(busy.body.data[0].busy.filter((b: { id?: string }) => b.id === id).map((b: { startAt: string }) => b.startAt), [week(0), week(1, 29), week(3)]);

    // The feed, expanded by ical.js: the series with its EXDATE and the override related by RECURRENCE-ID.
    const feedUrl = (await rt.request().post('/v1/calendar/feed').set(auth(admin)).expect(201)).body.url as string;
    const feed = await rt.request().get(new URL(feedUrl).pathname);
    assert.equal(feed.status, 200);
    const calendar = new ICAL.Component(ICAL.parse(feed.text));
    for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
    const events = calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v)).filter((e) => e.uid === `${id}@crm`);
    assert.equal(events.length, 2, 'the series and one override');
    const master = events.find((e) => !e.isRecurrenceException())!;
    const exception = events.find((e) => e.isRecurrenceException())!;
    assert.deepEqual(master.component.getAllProperties('exdate').map((p) => (p.getFirstValue() as ICAL.Time).toJSDate().toISOString()), [new Date(week(2)).toISOString()]);
    assert.equal(master.component.getFirstProperty('exdate')!.getParameter('tzid'), 'Europe/Berlin');
    assert.equal(exception.recurrenceId!.toJSDate().toISOString(), new Date(week(1)).toISOString());
    master.relateException(exception);
    const iterator = master.iterator();
    const expanded: [string, string][] = [];
    for (let next = iterator.next(); next; next = iterator.next()) {
      const details = master.getOccurrenceDetails(next);
      expanded.push([details.startDate.toJSDate().toISOString(), details.item.summary]);
    }
    assert.deepEqual(expanded, [
      [new Date(week(0)).toISOString(), 'Weekly review'],
      [new Date(week(1, 29)).toISOString(), 'Weekly review (moved)'],
      [new Date(week(3)).toISOString(), 'Weekly review'],
    ]);

    // The moved occurrence is addressed by its rule start; changing the series' start drops overrides and cancellations.
    const again = await rt.request().patch(occurrencePath(id, week(1))).set(auth(admin)).send({ location: 'Room 4' });
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(again.body.overrides[0].startAt, week(1, 29), 'a second change keeps the first');
    assert.equal(again.body.overrides[0].location, 'Room 4');
    const reset = await rt.request().patch(`/v1/calendar/entries/${id}`).set(auth(admin)).send({ startAt: week(0, 1), endAt: week(0, 2) });
    assert.equal(reset.status, 200, JSON.stringify(reset.body));
    assert.deepEqual([reset.body.overrides, reset.body.exceptions], [[], []]);
  });

  it('should find an occurrence moved past the series’ last year by its week bucket', async () => {
    const admin = agency.adminToken;
    const series = (await rt.request().post('/v1/calendar/entries').set(auth(admin)).send({ kind: 'call', title: 'Year-end call', startAt: '2033-12-05T10:00:00Z', endAt: '2033-12-05T10:30:00Z', recurrence: 'FREQ=WEEKLY;COUNT=4' }).expect(201)).body;
    const moved = await rt.request().patch(occurrencePath(series.id, '2033-12-26T10:00:00Z')).set(auth(admin)).send({ startAt: '2034-01-03T10:00:00Z' });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    const january = await rt.request().get('/v1/calendar').query({ from: '2034-01-02T00:00:00Z', to: '2034-01-09T00:00:00Z' }).set(auth(admin));
    assert.deepEqual((january.body.data as RangeOccurrence[]).filter((o) => o.id === series.id).map((o) => [o.startAt, o.endAt, o.recurrenceId]), [['2034-01-03T10:00:00.000Z', '2034-01-03T10:30:00.000Z', '2033-12-26T10:00:00.000Z']]);
    const december = await rt.request().get('/v1/calendar').query({ from: '2033-12-22T00:00:00Z', to: '2034-01-01T00:00:00Z' }).set(auth(admin));
    assert.deepEqual((december.body.data as RangeOccurrence[]).filter((o) => o.id === series.id), [], 'not at its old place');
  });

  it('should remind of the next occurrence that still takes place: a cancelled one is skipped, a moved one reminds at its new start', async () => {
    const admin = agency.adminToken;
    const series = (await rt.request().post('/v1/calendar/entries').set(auth(admin)).send({ kind: 'meeting', title: 'Reminded series', startAt: week(0), endAt: week(0, 1), recurrence: 'FREQ=WEEKLY;COUNT=3', reminderMinutes: 30 }).expect(201)).body;
    const remindAt = async () => (await calendarEntryModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(agency.tenantId), _id: new Types.ObjectId(series.id) }).lean())!.remindAt?.toISOString();
    const before = (iso: string) => new Date(Date.parse(iso) - 30 * 60_000).toISOString();
    assert.equal(await remindAt(), before(week(0)));
    await rt.request().delete(occurrencePath(series.id, week(0))).set(auth(admin)).expect(204);
    assert.equal(await remindAt(), before(week(1)), 'the cancelled first occurrence no longer reminds');
    await rt.request().patch(occurrencePath(series.id, week(1))).set(auth(admin)).send({ startAt: week(1, 3) }).expect(200);
    assert.equal(await remindAt(), before(week(1, 3)), 'the moved one reminds at its new start');
  });

  it('should answer a problem naming occurrenceStart for a start that is not an occurrence, and 404 across agencies', async () => {
    const admin = agency.adminToken;
    const series = (await rt.request().post('/v1/calendar/entries').set(auth(admin)).send({ kind: 'meeting', title: 'Standing call', startAt: week(0), endAt: week(0, 1), recurrence: 'FREQ=WEEKLY;COUNT=3' }).expect(201)).body;
    const single = (await rt.request().post('/v1/calendar/entries').set(auth(admin)).send({ kind: 'meeting', title: 'Once', startAt: week(0), endAt: week(0, 1) }).expect(201)).body;
    for (const [path, what] of [
      [occurrencePath(series.id, week(1, 0.5)), 'between occurrences'],
      [occurrencePath(series.id, week(3)), 'after the last of COUNT=3'],
      [occurrencePath(single.id, week(0)), 'an entry that does not repeat'],
    ] as const) {
      for (const res of [await rt.request().patch(path).set(auth(admin)).send({ title: 'x' }), await rt.request().delete(path).set(auth(admin))]) {
        assert.equal(res.status, 400, `${what}: ${JSON.stringify(res.body)}`);
        assert.match(res.headers['content-type']!, /application\/problem\+json/);
        assert.equal(res.body.errors[0].field, 'occurrenceStart', what);
      }
    }
    const malformed = await rt.request().delete(`/v1/calendar/entries/${series.id}/occurrences/tomorrow`).set(auth(admin));
    assert.equal(malformed.status, 400);
    assert.deepEqual(malformed.body.errors.map((e: { field: string }) => e.field), ['params.occurrenceStart'], 'a malformed start fails the path’s schema');
    const early = await rt.request().patch(occurrencePath(series.id, week(1))).set(auth(admin)).send({ startAt: week(-1) });
    assert.equal(early.status, 400);
    assert.equal(early.body.errors[0].field, 'startAt');
    await rt.request().delete(occurrencePath(series.id, week(1))).set(auth(admin)).expect(204);
    assert.equal((await rt.request().patch(occurrencePath(series.id, week(1))).set(auth(admin)).send({ title: 'x' })).status, 404, 'a cancelled occurrence cannot be changed');

    const other = await makeAgency(rt);
    assert.equal((await rt.request().delete(occurrencePath(series.id, week(2))).set(auth(other.adminToken))).status, 404);
    assert.equal((await rt.request().patch(occurrencePath(series.id, week(2))).set(auth(other.adminToken)).send({ title: 'theirs' })).status, 404);
    const stored = await calendarEntryModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(agency.tenantId), _id: new Types.ObjectId(series.id) }).lean();
    assert.deepEqual([stored!.exceptions.map((d) => d.toISOString()), stored!.overrides], [[week(1)], []], 'the other agency changed nothing');
  });
});
