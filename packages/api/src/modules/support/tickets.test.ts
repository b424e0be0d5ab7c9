import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { listRowModel } from '../../platform/lists/list-row.model.js';
import { addBusinessMinutes } from './sla.js';
import { checkTicketSla, SLA_CHECK_JOB } from './sla-escalation.js';
import { createNotificationsService } from '../notifications/notifications.service.js';
import { notificationModel } from '../notifications/notification.model.js';
import { ticketMessageModel, ticketModel } from './ticket.model.js';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32, 1)]);

describe('support tickets (agents)', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let admin: string;
  let tenantId: Types.ObjectId;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt);
    admin = agency.adminToken;
    tenantId = new Types.ObjectId(agency.tenantId);
  });
  after(() => rt.close());

  const createTicket = async (extra: Record<string, unknown> = {}, token = admin) => {
    const res = await rt.request().post('/v1/tickets').set(auth(token)).send({ subject: 'Printer on fire', priority: 'high', ...extra });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { id: string; number: number; version: number; status: string; ownerId: string | null; teamId: string | null; sla: { firstResponseDueAt: string | null; resolutionDueAt: string | null } };
  };

  it('should open a ticket with the next number, status new, and refuse bad input naming the field', async () => {
    const first = await createTicket({ channel: 'email', category: 'hardware' });
    const second = await createTicket();
    assert.equal(first.status, 'new');
    assert.equal(second.number, first.number + 1);
    const bad = await rt.request().post('/v1/tickets').set(auth(admin)).send({ subject: '', priority: 'whenever', channel: 'fax' });
    assert.equal(bad.status, 400);
    assert.equal(bad.headers['content-type']?.split(';')[0], 'application/problem+json');
    assert.deepEqual(bad.body.errors.map((e: { field: string }) => e.field).sort(), ['channel', 'priority', 'subject']);
    const injection = await rt.request().post('/v1/tickets').set(auth(admin)).send({ subject: 'x', accountId: { $ne: null } });
    assert.equal(injection.status, 400);
    assert.equal(injection.body.errors[0].field, 'accountId');
    const unknownAccount = await rt.request().post('/v1/tickets').set(auth(admin)).send({ subject: 'x', accountId: String(new Types.ObjectId()) });
    assert.equal(unknownAccount.status, 400);
    assert.equal(unknownAccount.body.errors[0].field, 'accountId');
    assert.equal(await ticketModel(rt.ctx.connection).countDocuments({ tenantId }), 2);
  });

  it('should hand out every number once when tickets are opened concurrently, and the unique index refuses a copy', async () => {
    const made = await Promise.all(Array.from({ length: 12 }, (_, i) => createTicket({ subject: `Burst ${i}` })));
    const numbers = made.map((t) => t.number);
    assert.equal(new Set(numbers).size, numbers.length);
    const Tickets = ticketModel(rt.ctx.connection);
    await assert.rejects(Tickets.create({ tenantId, number: numbers[0], subject: 'copy', status: 'new' }), (error: { code?: number }) => error.code === 11000);
  });

  it('should link the account and contact, and refuse a contact of another account', async () => {
    const account = await rt.request().post('/v1/customers').set(auth(admin)).send({ name: 'Helios GmbH' });
    assert.equal(account.status, 201, JSON.stringify(account.body));
    const other = await rt.request().post('/v1/customers').set(auth(admin)).send({ name: 'Other AG' });
    const contact = await rt.request().post('/v1/contacts').set(auth(admin)).send({ firstName: 'Ada', lastName: 'Kühn', customerId: other.body.id });
    assert.equal(contact.status, 201, JSON.stringify(contact.body));
    const mismatch = await rt.request().post('/v1/tickets').set(auth(admin)).send({ subject: 'x', accountId: account.body.id, contactId: contact.body.id });
    assert.equal(mismatch.status, 400);
    assert.equal(mismatch.body.errors[0].field, 'contactId');
    const ticket = await createTicket({ accountId: other.body.id, contactId: contact.body.id });
    const listed = await rt.request().get('/v1/tickets').query({ accountId: other.body.id }).set(auth(admin));
    assert.deepEqual(listed.body.data.map((t: { id: string }) => t.id), [ticket.id]);
  });

  it('should move along the ticket workflow, keep history, refuse illegal moves and honour If-Match', async () => {
    const ticket = await createTicket();
    const open = await rt.request().post(`/v1/tickets/${ticket.id}/transitions`).set(auth(admin)).send({ to: 'open' });
    assert.equal(open.status, 200, JSON.stringify(open.body));
    const closed = await rt.request().post(`/v1/tickets/${ticket.id}/transitions`).set(auth(admin)).send({ to: 'closed' });
    assert.equal(closed.body.status, 'closed');
    const reopen = await rt.request().post(`/v1/tickets/${ticket.id}/transitions`).set(auth(admin)).send({ to: 'open' });
    assert.equal(reopen.status, 409);
    assert.equal(reopen.body.code, 'invalid_transition');
    const history = await rt.request().get(`/v1/tickets/${ticket.id}/transitions`).set(auth(admin));
    assert.deepEqual(history.body.data.map((h: { to: string }) => h.to), ['new', 'open', 'closed']);
    const stale = await rt.request().patch(`/v1/tickets/${ticket.id}`).set(auth(admin)).set('If-Match', `"${ticket.version}"`).send({ priority: 'urgent' });
    assert.equal(stale.status, 412);
    const fresh = await rt.request().patch(`/v1/tickets/${ticket.id}`).set(auth(admin)).set('If-Match', `"${closed.body.version}"`).send({ priority: 'urgent' });
    assert.equal(fresh.status, 200, JSON.stringify(fresh.body));
    assert.equal(fresh.body.priority, 'urgent');
  });

  it('should list by last update from list rows, filtered by status, priority, assignee and team', async () => {
    const a = await createTicket({ subject: 'List A', priority: 'low' });
    const b = await createTicket({ subject: 'List B', priority: 'low' });
    await rt.request().patch(`/v1/tickets/${a.id}`).set(auth(admin)).send({ category: 'billing' }).expect(200);
    const low = await rt.request().get('/v1/tickets').query({ priority: 'low' }).set(auth(admin));
    assert.equal(low.status, 200, JSON.stringify(low.body));
    assert.deepEqual(low.body.data.map((t: { id: string }) => t.id), [a.id, b.id]);
    assert.equal(await listRowModel(rt.ctx.connection).countDocuments({ tenantId, kind: 'ticket', _id: new Types.ObjectId(a.id) }), 1);
    const agent = await makeUser(rt, agency, { role: 'SUPPORT' });
    const assigned = await rt.request().post(`/v1/tickets/${b.id}/assign`).set(auth(admin)).send({ ownerId: String(agent.id) });
    assert.equal(assigned.status, 200, JSON.stringify(assigned.body));
    const mine = await rt.request().get('/v1/tickets').query({ ownerId: String(agent.id), status: 'new' }).set(auth(admin));
    assert.deepEqual(mine.body.data.map((t: { id: string }) => t.id), [b.id]);
    const badFilter = await rt.request().get('/v1/tickets').query({ priority: 'someday' }).set(auth(admin));
    assert.equal(badFilter.status, 400);
    assert.equal(badFilter.body.errors[0].field, 'query.priority');
    const searched = await rt.request().get('/v1/tickets').query({ q: 'list' }).set(auth(admin));
    assert.deepEqual(searched.body.data.map((t: { id: string }) => t.id).sort(), [a.id, b.id].sort());
  });

  it("should let a support agent see their team's and their own tickets only, and answer 404 for the others and for another agency", async () => {
    const agent = await makeUser(rt, agency, { role: 'SUPPORT' });
    const colleague = await makeUser(rt, agency, { role: 'SUPPORT' });
    const team = await rt.request().post('/v1/org/teams').set(auth(admin)).send({ name: 'Level 1', memberIds: [String(agent.id), String(colleague.id)] });
    assert.equal(team.status, 201, JSON.stringify(team.body));
    const teamTicket = await createTicket({ subject: 'Team ticket', teamId: team.body.id, ownerId: null });
    const colleagues = await createTicket({ subject: 'Colleague ticket', ownerId: String(colleague.id) });
    const hidden = await createTicket({ subject: 'Someone else', ownerId: null });
    const token = await signIn(rt, agent.email);
    const listed = await rt.request().get('/v1/tickets').query({ limit: 200 }).set(auth(token));
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
    const ids = listed.body.data.map((t: { id: string }) => t.id);
    assert.ok(ids.includes(teamTicket.id) && ids.includes(colleagues.id));
    assert.ok(!ids.includes(hidden.id));
    assert.equal((await rt.request().get(`/v1/tickets/${hidden.id}`).set(auth(token))).status, 404);
    assert.equal((await rt.request().post(`/v1/tickets/${hidden.id}/messages`).set(auth(token)).send({ body: 'peek' })).status, 404);
    const own = await createTicket({ subject: 'Mine' }, token);
    assert.equal(own.ownerId, String(agent.id));
    const sales = await makeUser(rt, agency, { role: 'SALES_PERSON' });
    assert.equal((await rt.request().get('/v1/tickets').set(auth(await signIn(rt, sales.email)))).status, 403);
    const elsewhere = await makeAgency(rt);
    assert.equal((await rt.request().get(`/v1/tickets/${own.id}`).set(auth(elsewhere.adminToken))).status, 404);
    const theirs = await rt.request().get('/v1/tickets').set(auth(elsewhere.adminToken));
    assert.deepEqual(theirs.body.data, []);
  });

  it('should thread public replies and internal notes, page them, and count the first response', async () => {
    const ticket = await createTicket();
    const reply = await rt.request().post(`/v1/tickets/${ticket.id}/messages`).set(auth(admin)).send({ body: 'We are on it', visibility: 'public' });
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    const note = await rt.request().post(`/v1/tickets/${ticket.id}/messages`).set(auth(admin)).send({ body: 'Customer is VIP', visibility: 'internal' });
    assert.equal(note.body.visibility, 'internal');
    for (let i = 0; i < 3; i += 1) await rt.request().post(`/v1/tickets/${ticket.id}/messages`).set(auth(admin)).send({ body: `follow-up ${i}`, visibility: 'internal' }).expect(201);
    const page1 = await rt.request().get(`/v1/tickets/${ticket.id}/messages`).query({ limit: 2 }).set(auth(admin));
    assert.deepEqual(page1.body.data.map((m: { body: string }) => m.body), ['We are on it', 'Customer is VIP']);
    assert.equal(page1.body.hasMore, true);
    const page2 = await rt.request().get(`/v1/tickets/${ticket.id}/messages`).query({ limit: 10, cursor: page1.body.nextCursor }).set(auth(admin));
    assert.deepEqual(page2.body.data.map((m: { body: string }) => m.body), ['follow-up 0', 'follow-up 1', 'follow-up 2']);
    assert.equal(page2.body.hasMore, false);
    const after = await rt.request().get(`/v1/tickets/${ticket.id}`).set(auth(admin));
    assert.equal(after.body.messageCount, 5);
    assert.equal(after.body.firstResponseAt, reply.body.createdAt);
    const empty = await rt.request().post(`/v1/tickets/${ticket.id}/messages`).set(auth(admin)).send({ body: '   ', visibility: 'shout' });
    assert.equal(empty.status, 400);
    assert.deepEqual(empty.body.errors.map((e: { field: string }) => e.field).sort(), ['body', 'visibility']);
    assert.equal(await ticketMessageModel(rt.ctx.connection).countDocuments({ tenantId, ticketId: new Types.ObjectId(ticket.id) }), 5);
  });

  it('should store attachments within the size limit and allowed types, and attach them to one message only', async () => {
    const ticket = await createTicket();
    const html = await rt.request().post(`/v1/tickets/${ticket.id}/attachments`).query({ name: 'x.html' }).set(auth(admin)).set('Content-Type', 'text/plain').send(Buffer.from('<script>alert(1)</script>'));
    assert.equal(html.status, 415);
    const big = await rt.request().post(`/v1/tickets/${ticket.id}/attachments`).query({ name: 'big.png' }).set(auth(admin)).set('Content-Type', 'image/png').send(Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]));
    assert.equal(big.status, 413);
    const up = await rt.request().post(`/v1/tickets/${ticket.id}/attachments`).query({ name: 'screen.png' }).set(auth(admin)).set('Content-Type', 'application/octet-stream').send(PNG);
    assert.equal(up.status, 201, JSON.stringify(up.body));
    assert.equal(up.body.contentType, 'image/png');
    const posted = await rt.request().post(`/v1/tickets/${ticket.id}/messages`).set(auth(admin)).send({ body: 'See screenshot', attachmentIds: [up.body.id] });
    assert.equal(posted.status, 201, JSON.stringify(posted.body));
    assert.deepEqual(posted.body.attachments.map((a: { id: string }) => a.id), [up.body.id]);
    const again = await rt.request().post(`/v1/tickets/${ticket.id}/messages`).set(auth(admin)).send({ body: 'Again', attachmentIds: [up.body.id] });
    assert.equal(again.status, 400);
    assert.equal(again.body.errors[0].field, 'attachmentIds');
    const file = await rt.request().get(`/v1/tickets/${ticket.id}/attachments/${up.body.id}`).set(auth(admin)).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    assert.equal(file.status, 200);
    assert.equal(file.headers['x-content-type-options'], 'nosniff');
    assert.ok(String(file.headers['content-disposition']).startsWith('attachment'));
    assert.deepEqual(file.body, PNG);
  });
  it('should compute SLA due times in the agency business hours, flag a late first reply and a late resolution, and refuse bad settings', async () => {
    const defaults = await rt.request().get('/v1/support-settings').set(auth(admin));
    assert.equal(defaults.status, 200, JSON.stringify(defaults.body));
    assert.equal(defaults.body.targets.urgent.firstResponseMinutes, 60);
    const bad = await rt.request().put('/v1/support-settings').set(auth(admin)).send({ ...defaults.body, version: undefined, businessHours: { timeZone: 'Mars/Olympus', days: [1, 1], start: '18:00', end: '09:00' } });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.errors.map((e: { field: string }) => e.field).sort(), ['businessHours.days', 'businessHours.end', 'businessHours.timeZone']);
    const hours = { timeZone: 'Europe/Berlin', days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' };
    const saved = await rt.request().put('/v1/support-settings').set(auth(admin)).set('If-Match', '0').send({ targets: { ...defaults.body.targets, urgent: { firstResponseMinutes: 30, resolutionMinutes: 120 } }, businessHours: hours, holidays: ['2026-12-25'] });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.equal(saved.body.version, 1);
    assert.equal((await rt.request().put('/v1/support-settings').set(auth(admin)).set('If-Match', '0').send({ targets: saved.body.targets, businessHours: hours, holidays: [] })).status, 412);

    const asked = new Date();
    const ticket = await createTicket({ priority: 'urgent' });
    const stored = await ticketModel(rt.ctx.connection).findOne({ tenantId, _id: new Types.ObjectId(ticket.id) }).lean();
    // The clock starts when the ticket is opened: at or after the request, at or before its stored createdAt (the
    // two differ by milliseconds, which show inside business hours; outside them every due time is a day's opening).
    for (const [due, minutes] of [[stored!.firstResponseDueAt!, 30], [stored!.resolutionDueAt!, 120]] as const) {
      const earliest = addBusinessMinutes(asked, minutes, hours, ['2026-12-25']).getTime();
      const latest = addBusinessMinutes(stored!.createdAt!, minutes, hours, ['2026-12-25']).getTime();
      assert.ok(due.getTime() >= earliest && due.getTime() <= latest, `due ${due.toISOString()} for ${minutes} business minutes within [${new Date(earliest).toISOString()}, ${new Date(latest).toISOString()}]`);
    }

    // The same ticket, as if its due times had passed: the first reply and the resolution are flagged late.
    await ticketModel(rt.ctx.connection).updateOne({ tenantId, _id: stored!._id }, { $set: { firstResponseDueAt: new Date(Date.now() - 60_000), resolutionDueAt: new Date(Date.now() - 60_000) } });
    await rt.request().post(`/v1/tickets/${ticket.id}/messages`).set(auth(admin)).send({ body: 'Internal first', visibility: 'internal' }).expect(201);
    assert.equal((await rt.request().get(`/v1/tickets/${ticket.id}`).set(auth(admin))).body.sla.firstResponseBreached, false);
    await rt.request().post(`/v1/tickets/${ticket.id}/messages`).set(auth(admin)).send({ body: 'Sorry for the wait' }).expect(201);
    const resolved = await rt.request().post(`/v1/tickets/${ticket.id}/transitions`).set(auth(admin)).send({ to: 'resolved' });
    assert.equal(resolved.status, 200, JSON.stringify(resolved.body));
    assert.deepEqual({ first: resolved.body.sla.firstResponseBreached, resolution: resolved.body.sla.resolutionBreached }, { first: true, resolution: true });

    const onTime = await createTicket({ priority: 'low' });
    await rt.request().post(`/v1/tickets/${onTime.id}/messages`).set(auth(admin)).send({ body: 'Right away' }).expect(201);
    const fast = await rt.request().post(`/v1/tickets/${onTime.id}/transitions`).set(auth(admin)).send({ to: 'resolved' });
    assert.deepEqual(fast.body.sla.firstResponseBreached || fast.body.sla.resolutionBreached, false);
  });
  it('should schedule an SLA check per target when a ticket opens, and on a missed target flag it and notify the agent and the team head once', async () => {
    const agent = await makeUser(rt, agency, { role: 'SUPPORT' });
    const head = await makeUser(rt, agency, { role: 'SUPPORT' });
    const team = await rt.request().post('/v1/org/teams').set(auth(admin)).send({ name: 'Escalations', memberIds: [String(agent.id)], leadId: String(head.id) });
    assert.equal(team.status, 201, JSON.stringify(team.body));
    const ticket = await createTicket({ priority: 'urgent', ownerId: String(agent.id), teamId: team.body.id });
    const jobs = await rt.ctx.connection.db!.collection('agendaJobs').find({ name: SLA_CHECK_JOB, 'data.ticketId': ticket.id }).toArray();
    assert.deepEqual(jobs.map((j) => j.data.target).sort(), ['firstResponse', 'resolution']);

    const deps = { connection: rt.ctx.connection, events: rt.ctx.events, notifications: createNotificationsService({ connection: rt.ctx.connection, events: rt.ctx.events }) };
    const check = { tenantId: agency.tenantId, ticketId: ticket.id, target: 'firstResponse' as const };
    assert.equal(await checkTicketSla(deps, check, new Date()), 'not-due');
    const later = new Date(Date.now() + 400 * 86_400_000);
    assert.equal(await checkTicketSla(deps, check, later), 'breached');
    assert.equal(await checkTicketSla(deps, check, later), 'breached');
    const notes = await notificationModel(rt.ctx.connection).find({ tenantId, resourceId: ticket.id, category: 'ticket.sla' }).lean();
    assert.deepEqual(notes.map((n) => String(n.userId)).sort(), [String(agent.id), String(head.id)].sort());
    assert.equal((await rt.request().get(`/v1/tickets/${ticket.id}`).set(auth(admin))).body.sla.firstResponseBreached, true);

    const answered = await createTicket({ priority: 'urgent' });
    await rt.request().post(`/v1/tickets/${answered.id}/messages`).set(auth(admin)).send({ body: 'On it' }).expect(201);
    assert.equal(await checkTicketSla(deps, { tenantId: agency.tenantId, ticketId: answered.id, target: 'firstResponse' }, later), 'met');
  });
  it('should recompute the SLA due times in business hours when the priority changes, and schedule the checks at the new times', async () => {
    const settings = (await rt.request().get('/v1/support-settings').set(auth(admin))).body;
    const ticket = await createTicket({ priority: 'low' });
    const urgent = await rt.request().patch(`/v1/tickets/${ticket.id}`).set(auth(admin)).send({ priority: 'urgent' });
    assert.equal(urgent.status, 200, JSON.stringify(urgent.body));
    const stored = await ticketModel(rt.ctx.connection).findOne({ tenantId, _id: new Types.ObjectId(ticket.id) }).lean();
    const t = settings.targets.urgent;
    assert.equal(urgent.body.sla.firstResponseDueAt, addBusinessMinutes(stored!.createdAt!, t.firstResponseMinutes, settings.businessHours, settings.holidays).toISOString());
    assert.equal(urgent.body.sla.resolutionDueAt, addBusinessMinutes(stored!.createdAt!, t.resolutionMinutes, settings.businessHours, settings.holidays).toISOString());
    assert.ok(new Date(urgent.body.sla.resolutionDueAt) < new Date(ticket.sla.resolutionDueAt!), 'urgent is due sooner than low');
    const jobs = await rt.ctx.connection.db!.collection('agendaJobs').find({ name: SLA_CHECK_JOB, 'data.ticketId': ticket.id }).toArray();
    const runAt = (target: string) => jobs.filter((j) => j.data.target === target).map((j) => j.nextRunAt.toISOString());
    assert.ok(runAt('firstResponse').includes(urgent.body.sla.firstResponseDueAt), 'a check at the new first-response time');
    assert.ok(runAt('resolution').includes(urgent.body.sla.resolutionDueAt), 'a check at the new resolution time');

    // A late reply judged against the new, later due time is no longer late.
    await ticketModel(rt.ctx.connection).updateOne({ tenantId, _id: stored!._id }, { $set: { firstResponseAt: new Date(), firstResponseBreached: true } });
    const relaxed = await rt.request().patch(`/v1/tickets/${ticket.id}`).set(auth(admin)).send({ priority: 'low' });
    assert.equal(relaxed.body.sla.firstResponseBreached, new Date() > new Date(relaxed.body.sla.firstResponseDueAt));
    const unchanged = await rt.request().patch(`/v1/tickets/${ticket.id}`).set(auth(admin)).send({ subject: 'Same priority' });
    assert.equal(unchanged.body.sla.resolutionDueAt, relaxed.body.sla.resolutionDueAt);
  });
  it('should open one follow-up case for negative feedback on a customer, none for positive, and none twice for a replayed event', async () => {
    const account = await rt.request().post('/v1/customers').set(auth(admin)).send({ name: 'Unhappy Ltd' });
    assert.equal(account.status, 201, JSON.stringify(account.body));
    const happy = await rt.request().post(`/v1/customers/${account.body.id}/feedback`).set(auth(admin)).send({ rating: 'positive' });
    assert.equal(happy.status, 201, JSON.stringify(happy.body));
    const followUps = () => ticketModel(rt.ctx.connection).find({ tenantId, accountId: new Types.ObjectId(account.body.id) }).lean();
    assert.equal((await followUps()).length, 0);
    const unhappy = await rt.request().post(`/v1/customers/${account.body.id}/feedback`).set(auth(admin)).send({ rating: 'negative', comment: 'Slow answers' });
    assert.equal(unhappy.status, 201, JSON.stringify(unhappy.body));
    const opened = await followUps();
    assert.equal(opened.length, 1);
    assert.deepEqual({ priority: opened[0]!.priority, category: opened[0]!.category, status: opened[0]!.status }, { priority: 'high', category: 'feedback', status: 'new' });
    await rt.ctx.events.publish({ type: 'customer.feedback_received', tenantId, resource: 'customer', resourceId: account.body.id, actor: null, data: { feedbackId: unhappy.body.id, rating: 'negative', source: 'staff' } });
    assert.equal((await followUps()).length, 1);
  });
});
