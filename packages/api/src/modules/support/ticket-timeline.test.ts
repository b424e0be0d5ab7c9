import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { notificationModel } from '../notifications/notification.model.js';
import { createNotificationsService } from '../notifications/notifications.service.js';
import { runDailySummaries } from '../notifications/scheduled.js';
import { ticketTimelineModel } from './ticket-timeline.js';

describe('ticket events on contact and account timelines, and in the daily summary', () => {
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

  type Item = { kind: string; title: string; byUserId: string | null; data: { event?: string; ticketId?: string } };
  const ticketItems = async (path: string, token = admin) => {
    const res = await rt.request().get(path).set(auth(token));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return (res.body.data as Item[]).filter((i) => i.kind === 'ticket');
  };

  it('should show a ticket opened, answered and resolved on its contact and its account, newest first, once each', async () => {
    const account = await rt.request().post('/v1/customers').set(auth(admin)).send({ name: 'Timeline AG' });
    const contact = await rt.request().post('/v1/contacts').set(auth(admin)).send({ firstName: 'Tia', lastName: 'Line', customerId: account.body.id });
    assert.equal(contact.status, 201, JSON.stringify(contact.body));
    const ticket = await rt.request().post('/v1/tickets').set(auth(admin)).send({ subject: 'Login fails', accountId: account.body.id, contactId: contact.body.id });
    assert.equal(ticket.status, 201, JSON.stringify(ticket.body));
    await rt.request().post(`/v1/tickets/${ticket.body.id}/messages`).set(auth(admin)).send({ body: 'Internal only', visibility: 'internal' }).expect(201);
    await rt.request().post(`/v1/tickets/${ticket.body.id}/messages`).set(auth(admin)).send({ body: 'Reset your password' }).expect(201);
    await rt.request().post(`/v1/tickets/${ticket.body.id}/transitions`).set(auth(admin)).send({ to: 'resolved' }).expect(200);

    const n = ticket.body.number;
    const expected = [`Ticket #${n} resolved: Login fails`, `Ticket #${n} answered: Login fails`, `Ticket #${n} opened: Login fails`];
    const onContact = await ticketItems(`/v1/contacts/${contact.body.id}/timeline`);
    assert.deepEqual(onContact.map((i) => i.title), expected, 'an internal note is not an answer');
    assert.deepEqual(onContact.map((i) => i.data.event), ['resolved', 'replied', 'created']);
    assert.ok(onContact.every((i) => i.data.ticketId === ticket.body.id && i.byUserId));
    assert.deepEqual((await ticketItems(`/v1/customers/${account.body.id}/timeline`)).map((i) => i.title), expected);

    // A replayed event writes nothing more.
    const current = (await rt.request().get(`/v1/tickets/${ticket.body.id}`).set(auth(admin))).body;
    await rt.ctx.events.publish({ type: 'ticket.created', tenantId, resource: 'ticket', resourceId: ticket.body.id, actor: null, record: current });
    assert.equal(await ticketTimelineModel(rt.ctx.connection).countDocuments({ tenantId, ticketId: new Types.ObjectId(ticket.body.id) }), 6);
  });

  it('should show no ticket entries to someone who may see the contact but not tickets, nor to another agency', async () => {
    const seller = await makeUser(rt, agency, { role: 'SALES_PERSON' });
    const contact = await rt.request().post('/v1/contacts').set(auth(admin)).send({ firstName: 'Sal', lastName: 'Es', ownerId: String(seller.id) });
    assert.equal(contact.status, 201, JSON.stringify(contact.body));
    await rt.request().post('/v1/tickets').set(auth(admin)).send({ subject: 'Hidden from sales', contactId: contact.body.id }).expect(201);
    assert.equal((await ticketItems(`/v1/contacts/${contact.body.id}/timeline`)).length, 1);
    const token = await signIn(rt, seller.email);
    const theirs = await rt.request().get(`/v1/contacts/${contact.body.id}/timeline`).set(auth(token));
    assert.equal(theirs.status, 200, JSON.stringify(theirs.body));
    assert.equal(theirs.body.data.filter((i: Item) => i.kind === 'ticket').length, 0);
    const elsewhere = await makeAgency(rt);
    assert.equal((await rt.request().get(`/v1/contacts/${contact.body.id}/timeline`).set(auth(elsewhere.adminToken))).status, 404);
  });

  it("should tell an agent once when a ticket becomes theirs, and count the day's tickets in their daily summary", async () => {
    const agent = await makeUser(rt, agency, { role: 'SUPPORT' });
    const team = await rt.request().post('/v1/org/teams').set(auth(admin)).send({ name: 'Summary desk', memberIds: [String(agent.id)] });
    assert.equal(team.status, 201, JSON.stringify(team.body));
    const first = await rt.request().post('/v1/tickets').set(auth(admin)).send({ subject: 'Routed to the desk', teamId: team.body.id, ownerId: null });
    assert.equal(first.body.ownerId, String(agent.id), JSON.stringify(first.body));
    const second = await rt.request().post('/v1/tickets').set(auth(admin)).send({ subject: 'Handed over', ownerId: null });
    await rt.request().post(`/v1/tickets/${second.body.id}/assign`).set(auth(admin)).send({ ownerId: String(agent.id) }).expect(200);
    const own = await rt.request().post('/v1/tickets').set(auth(await signIn(rt, agent.email))).send({ subject: 'Taken myself' });
    assert.equal(own.body.ownerId, String(agent.id));
    const notices = await notificationModel(rt.ctx.connection).find({ tenantId, userId: agent.id, category: 'ticket.assigned' }).lean();
    assert.deepEqual(notices.map((n) => n.resourceId).sort(), [first.body.id, second.body.id].sort(), 'no notice for a ticket the agent took');

    const endOfDay = new Date();
    endOfDay.setUTCHours(23, 59, 0, 0);
    const deps = { connection: rt.ctx.connection, notifications: createNotificationsService({ connection: rt.ctx.connection, events: rt.ctx.events }) };
    assert.ok((await runDailySummaries(deps, endOfDay)) >= 1);
    const summary = await notificationModel(rt.ctx.connection).findOne({ tenantId, userId: agent.id, category: 'summary.daily' }).lean();
    assert.equal(summary?.title, `Your tickets today (${endOfDay.toISOString().slice(0, 10)})`);
    assert.match(summary!.body, /^2 ticket\(s\) assigned to you$/m);
  });
});
