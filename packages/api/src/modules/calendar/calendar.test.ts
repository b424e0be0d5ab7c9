import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ICAL from 'ical.js';
import { simpleParser } from 'mailparser';
import { Types } from 'mongoose';
import { startSmtpCapture } from '../../platform/mail/testing.js';
import { createTestRuntime, makeAgency, makeUser, signIn, waitForMail, type TestAgency } from '../../testing/index.js';
import { auditEntryModel } from '../audit/audit.model.js';
import { notificationModel } from '../notifications/notification.model.js';
import { createCalendarService } from './calendar.service.js';
import { calendarEntryModel } from './calendar.model.js';
import { commandsDuring } from '../../testing/commands.js';

describe('shared calendars, invitations, feeds, slot booking and follow-ups', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
  let agency: TestAgency;
  let admin: string;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const inDays = (days: number, hourUtc = 8) => {
    const d = new Date(Date.now() + days * 86_400_000);
    d.setUTCHours(hourUtc, 0, 0, 0);
    return d.toISOString();
  };

  before(async () => {
    smtp = await startSmtpCapture();
    rt = await createTestRuntime({ file: import.meta.filename, env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://crm.example.test' } });
    agency = await makeAgency(rt);
    admin = agency.adminToken;
  });
  after(async () => {
    await rt.close();
    await smtp.stop();
  });

  it('should mail an invitation whose .ics a standard parser reads in the entry’s time zone, and record the reply', async () => {
    const created = await rt.request().post('/v1/calendar/entries').set(auth(admin)).send({ kind: 'meeting', title: 'Quarterly review', startAt: '2030-07-01T08:00:00Z', endAt: '2030-07-01T09:00:00Z', timeZone: 'Europe/Berlin', location: 'Berlin office', attendees: [{ email: 'guest@outside.test', name: 'Gina Guest' }] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const sent = await rt.request().post(`/v1/calendar/entries/${created.body.id}/invitations`).set(auth(admin));
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    assert.deepEqual(sent.body.sent, ['guest@outside.test']);
    const mail = await waitForMail(rt, 'guest@outside.test', (m) => m.subject.includes('Quarterly review'));
    const parsed = await simpleParser(mail.raw);
    const attachment = parsed.attachments.find((a) => a.filename === 'invite.ics');
    assert.ok(attachment, `an invite.ics attachment (got ${parsed.attachments.map((a) => a.filename).join(', ')})`);
    const ics = attachment.content.toString('utf8');
    const calendar = new ICAL.Component(ICAL.parse(ics));
    assert.equal(calendar.getFirstPropertyValue('method'), 'REQUEST');
    for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
    const event = new ICAL.Event(calendar.getFirstSubcomponent('vevent')!);
    assert.equal(event.summary, 'Quarterly review');
    assert.equal(event.component.getFirstProperty('dtstart')!.getParameter('tzid'), 'Europe/Berlin');
    assert.equal(event.startDate.zone?.tzid, 'Europe/Berlin', 'the zone resolves to the VTIMEZONE sent along');
    assert.equal(event.startDate.hour, 10, '08:00 UTC is 10:00 in Berlin in July');
    assert.equal(event.startDate.toJSDate().toISOString(), '2030-07-01T08:00:00.000Z');
    assert.equal(event.attendees[0]!.getFirstValue(), 'MAILTO:guest@outside.test');

    const token = /calendar-invitations\/([A-Za-z0-9_-]+)/.exec(parsed.text ?? '')![1]!;
    const replied = await rt.request().post(`/v1/calendar-invitations/${token}`).send({ reply: 'accepted' });
    assert.equal(replied.status, 200, JSON.stringify(replied.body));
    const entry = await rt.request().get(`/v1/calendar/entries/${created.body.id}`).set(auth(admin));
    assert.equal(entry.body.attendees[0].reply, 'accepted');
    assert.equal((await rt.request().post('/v1/calendar-invitations/not-a-real-token-at-all-xx').send({ reply: 'declined' })).status, 404);
  });

  it('should serve the private feed as text/calendar and stop when rotated or revoked', async () => {
    await rt.request().post('/v1/calendar/entries').set(auth(admin)).send({ kind: 'conference', title: 'Translation Summit', startAt: inDays(10), endAt: inDays(12), timeZone: 'Europe/Vienna', recurrence: null }).expect(201);
    const first = await rt.request().post('/v1/calendar/feed').set(auth(admin));
    assert.equal(first.status, 201);
    const path = new URL(first.body.url).pathname;
    const feed = await rt.request().get(path);
    assert.equal(feed.status, 200);
    assert.match(feed.headers['content-type']!, /^text\/calendar/);
    const events = new ICAL.Component(ICAL.parse(feed.text)).getAllSubcomponents('vevent').map((v) => v.getFirstPropertyValue('summary'));
    assert.ok(events.includes('Translation Summit'), `the feed holds the entry (${events.join(', ')})`);
    const second = await rt.request().post('/v1/calendar/feed').set(auth(admin));
    assert.equal((await rt.request().get(path)).status, 404, 'rotating revokes the old URL');
    const secondPath = new URL(second.body.url).pathname;
    assert.equal((await rt.request().get(secondPath)).status, 200);
    await rt.request().delete('/v1/calendar/feed').set(auth(admin)).expect(204);
    assert.equal((await rt.request().get(secondPath)).status, 404, 'revoked');
    assert.deepEqual((await rt.request().get('/v1/calendar/feed').set(auth(admin))).body.active, false);
  });

  it('should mail the offered slots to the contact and book a slot exactly once under concurrency', async () => {
    const contact = (await rt.request().post('/v1/contacts').set(auth(admin)).send({ firstName: 'Clara', lastName: 'Kunde', emails: [{ label: 'work', value: 'clara@customer.test', primary: true }] }).expect(201)).body;
    const slots = [{ start: inDays(3, 9), end: inDays(3, 10) }, { start: inDays(4, 9), end: inDays(4, 10) }];
    const meeting = (await rt.request().post('/v1/tasks').set(auth(admin)).send({ kind: 'meeting', title: 'Kick-off with Clara', subject: { type: 'contact', id: contact.id }, proposedSlots: slots }).expect(201)).body;
    const invitation = await rt.request().post(`/v1/tasks/${meeting.id}/invitation`).set(auth(admin));
    assert.equal(invitation.status, 201);
    const mail = await waitForMail(rt, 'clara@customer.test', (m) => m.subject.includes('Kick-off with Clara'));
    assert.ok(mail.text.includes(`https://crm.example.test${invitation.body.path}`), mail.text);
    // The booking link is a bearer token: the event (audit log, webhooks, sockets) records the offer without it.
    const offered = await auditEntryModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(agency.tenantId), type: 'task.slots_offered', resourceId: meeting.id }).lean();
    assert.ok(offered, 'the offer is in the audit log');
    assert.ok(!JSON.stringify(offered).includes(invitation.body.path.split('/').pop()!), 'without the token');
    const page = await rt.request().get(invitation.body.path).set('Accept', 'text/html');
    assert.match(page.headers['content-type']!, /html/);
    assert.ok(page.text.includes(`value="${slots[0]!.start.replace('.000Z', '.000Z')}"`) || page.text.includes('name="start"'), 'a booking form');

    const [a, b] = await Promise.all([
      rt.request().post(invitation.body.path).send({ start: slots[0]!.start }),
      rt.request().post(invitation.body.path).send({ start: slots[0]!.start }),
    ]);
    assert.deepEqual([a.status, b.status].sort(), [200, 409], `${JSON.stringify(a.body)} ${JSON.stringify(b.body)}`);
    const refused = a.status === 409 ? a : b;
    assert.match(refused.headers['content-type']!, /application\/problem\+json/);
    assert.equal(refused.body.code, 'conflict');
    const task = await rt.request().get(`/v1/tasks/${meeting.id}`).set(auth(admin));
    assert.equal(task.body.chosenSlot.start, slots[0]!.start);
    const calendar = await rt.request().get('/v1/calendar').query({ from: inDays(2), to: inDays(5) }).set(auth(admin));
    assert.ok(calendar.body.data.some((o: { id: string; startAt: string }) => o.id === meeting.id && o.startAt === slots[0]!.start), 'the booked meeting is in the calendar');
  });

  it('should show free/busy of others without details the caller may not see', async () => {
    const alice = await makeUser(rt, agency, { role: 'SALES_PERSON' });
    const bob = await makeUser(rt, agency, { role: 'SALES_PERSON' });
    const aliceToken = await signIn(rt, alice.email);
    const bobToken = await signIn(rt, bob.email);
    const secret = await rt.request().post('/v1/calendar/entries').set(auth(aliceToken)).send({ kind: 'call', title: 'Secret negotiation', startAt: inDays(5, 13), endAt: inDays(5, 14) });
    assert.equal(secret.status, 201, JSON.stringify(secret.body));
    const query = { from: inDays(4), to: inDays(6), userIds: String(alice.id) };
    const asBob = await rt.request().get('/v1/calendar/free-busy').query(query).set(auth(bobToken));
    assert.equal(asBob.status, 200, JSON.stringify(asBob.body));
    assert.deepEqual(asBob.body.data, [{ userId: String(alice.id), busy: [{ startAt: inDays(5, 13), endAt: inDays(5, 14) }] }]);
    assert.ok(!JSON.stringify(asBob.body).includes('Secret'));
    assert.equal((await rt.request().get(`/v1/calendar/entries/${secret.body.id}`).set(auth(bobToken))).status, 404);
    const bobsCalendar = await rt.request().get('/v1/calendar').query({ from: inDays(4), to: inDays(6) }).set(auth(bobToken));
    assert.ok(!bobsCalendar.body.data.some((o: { id: string }) => o.id === secret.body.id));
    const asAdmin = await rt.request().get('/v1/calendar/free-busy').query(query).set(auth(admin));
    assert.equal(asAdmin.body.data[0].busy[0].title, 'Secret negotiation');
  });

  it('should keep calendars of other agencies apart', async () => {
    const other = await makeAgency(rt);
    const mine = (await rt.request().post('/v1/calendar/entries').set(auth(admin)).send({ kind: 'meeting', title: 'Ours only', startAt: inDays(7), endAt: inDays(7, 9) }).expect(201)).body;
    assert.equal((await rt.request().get(`/v1/calendar/entries/${mine.id}`).set(auth(other.adminToken))).status, 404);
    assert.equal((await rt.request().patch(`/v1/calendar/entries/${mine.id}`).set(auth(other.adminToken)).send({ title: 'x' })).status, 404);
    const theirs = await rt.request().get('/v1/calendar').query({ from: inDays(6), to: inDays(8) }).set(auth(other.adminToken));
    assert.deepEqual(theirs.body.data, []);
    const ownerId = mine.ownerId;
    const freeBusy = await rt.request().get('/v1/calendar/free-busy').query({ from: inDays(6), to: inDays(8), userIds: ownerId }).set(auth(other.adminToken));
    assert.deepEqual(freeBusy.body.data, [{ userId: ownerId, busy: [] }]);
  });

  it('should delegate follow-ups only down the hierarchy and show them in the assignee’s calendar and task list', async () => {
    const head = await makeUser(rt, agency, { role: 'SALES_HEAD' });
    const seller = await makeUser(rt, agency, { role: 'SALES_PERSON' });
    const peer = await makeUser(rt, agency, { role: 'SALES_PERSON' });
    const headToken = await signIn(rt, head.email);
    const sellerToken = await signIn(rt, seller.email);
    const contact = (await rt.request().post('/v1/contacts').set(auth(headToken)).send({ firstName: 'Otto', lastName: 'Lead' }).expect(201)).body;
    const due = inDays(2, 15);
    const delegated = await rt.request().post('/v1/tasks').set(auth(headToken)).send({ kind: 'followUp', title: 'Call Otto back', description: 'about the offer', dueAt: due, assigneeId: String(seller.id), subject: { type: 'contact', id: contact.id } });
    assert.equal(delegated.status, 201, JSON.stringify(delegated.body));
    const sideways = await rt.request().post('/v1/tasks').set(auth(sellerToken)).send({ kind: 'followUp', title: 'Yours now', dueAt: due, assigneeId: String(peer.id) });
    assert.equal(sideways.status, 400);
    assert.equal(sideways.body.errors[0].field, 'assigneeId');
    const calendar = await rt.request().get('/v1/calendar').query({ from: inDays(1), to: inDays(3), userId: String(seller.id) }).set(auth(sellerToken));
    assert.ok(calendar.body.data.some((o: { id: string; kind: string; startAt: string }) => o.id === delegated.body.id && o.kind === 'followUp' && o.startAt === due), JSON.stringify(calendar.body));
    const list = await rt.request().get('/v1/tasks').query({ assigneeId: String(seller.id) }).set(auth(sellerToken));
    assert.ok(list.body.data.some((t: { id: string }) => t.id === delegated.body.id));
  });

  it('should expand a weekly series and send each due reminder once', async () => {
    const start = new Date(Date.now() + 10 * 60_000);
    start.setUTCSeconds(0, 0);
    const series = await rt.request().post('/v1/calendar/entries').set(auth(admin)).send({ kind: 'meeting', title: 'Weekly stand-up', startAt: start.toISOString(), endAt: new Date(start.getTime() + 15 * 60_000).toISOString(), recurrence: 'FREQ=WEEKLY;COUNT=4', reminderMinutes: 15 });
    assert.equal(series.status, 201, JSON.stringify(series.body));
    const range = await rt.request().get('/v1/calendar').query({ from: new Date(start.getTime() - 60_000).toISOString(), to: new Date(start.getTime() + 60 * 86_400_000).toISOString() }).set(auth(admin));
    assert.equal(range.body.data.filter((o: { id: string }) => o.id === series.body.id).length, 4);
    const service = createCalendarService({ connection: rt.ctx.connection, mailer: { send: async () => {} } as never, notifications: { notify: async (input) => (await import('../notifications/notifications.service.js')).createNotificationsService({ connection: rt.ctx.connection, events: rt.ctx.events }).notify(input) }, logger: rt.ctx.logger, publicBase: 'https://crm.example.test' });
    assert.ok((await service.sendDueReminders(new Date())) >= 1);
    assert.equal(await service.sendDueReminders(new Date()), 0, 'not twice');
    const tenantId = new Types.ObjectId(agency.tenantId);
    const reminders = await notificationModel(rt.ctx.connection).find({ tenantId, category: 'calendar.reminder', resourceId: series.body.id }).lean();
    assert.equal(reminders.length, 1);
    const stored = await calendarEntryModel(rt.ctx.connection).findOne({ tenantId, _id: new Types.ObjectId(series.body.id) }).lean();
    assert.equal(stored!.remindAt!.toISOString(), new Date(start.getTime() + 7 * 86_400_000 - 15 * 60_000).toISOString(), 'the next occurrence’s reminder is pending');
  });

  it('should read a week by its range buckets only: single entries of that week, a series and a long conference, nothing else', async () => {
    const make = async (body: Record<string, unknown>) => {
      const res = await rt.request().post('/v1/calendar/entries').set(auth(admin)).send({ kind: 'meeting', timeZone: 'Europe/Berlin', ...body });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.id as string;
    };
    const inWeek = await make({ title: 'Bucket: in the week', startAt: '2031-03-04T09:00:00Z', endAt: '2031-03-04T10:00:00Z' });
    await make({ title: 'Bucket: week before', startAt: '2031-02-25T09:00:00Z', endAt: '2031-02-25T10:00:00Z' });
    await make({ title: 'Bucket: week after', startAt: '2031-03-11T09:00:00Z', endAt: '2031-03-11T10:00:00Z' });
    const crossing = await make({ title: 'Bucket: Sunday night into Monday', startAt: '2031-03-02T22:00:00Z', endAt: '2031-03-03T02:00:00Z' });
    const series = await make({ title: 'Bucket: weekly series', startAt: '2030-01-07T08:00:00Z', endAt: '2030-01-07T08:30:00Z', recurrence: 'FREQ=WEEKLY;BYDAY=WE' });
    const conference = await make({ kind: 'conference', title: 'Bucket: three-year conference', allDay: true, startAt: '2029-06-01T00:00:00Z', endAt: '2032-06-01T00:00:00Z' });
    let res: { status: number; body: { data: { id: string; title: string; startAt: string }[] } } = { status: 0, body: { data: [] } };
    const commands = await commandsDuring(rt, async () => {
      res = await rt.request().get('/v1/calendar').query({ from: '2031-03-03T00:00:00Z', to: '2031-03-10T00:00:00Z' }).set(auth(admin));
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const titles = res.body.data.filter((o) => o.title.startsWith('Bucket')).map((o) => o.id);
    assert.deepEqual(titles.sort(), [conference, crossing, inWeek, series].sort(), 'the week, what runs into it, the series and the conference');
    assert.equal(res.body.data.filter((o) => o.id === series).length, 1, 'one Wednesday of the series');
    const reads = commands.filter(([name, collection]) => name === 'find' && collection === 'calendar_entries');
    assert.equal(reads.length, 2, 'one read per bucket: the week and the year 2031, nothing else');
    // Moving an entry files it again.
    const moved = await rt.request().patch(`/v1/calendar/entries/${inWeek}`).set(auth(admin)).send({ startAt: '2031-03-18T09:00:00Z', endAt: '2031-03-18T10:00:00Z' });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    const later = await rt.request().get('/v1/calendar').query({ from: '2031-03-17T00:00:00Z', to: '2031-03-24T00:00:00Z' }).set(auth(admin));
    assert.ok(later.body.data.some((o: { id: string }) => o.id === inWeek));
    const stored = await calendarEntryModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(agency.tenantId), _id: new Types.ObjectId(inWeek) }).lean();
    assert.equal(stored!.buckets.length, 1);
  });
});
