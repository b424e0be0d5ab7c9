import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { signCustomerAccessToken } from '../../platform/auth/customer-guard.js';
import { createTestRuntime, makeAgency, type TestAgency } from '../../testing/index.js';
import { customerUserModel } from '../customer-portal/customer-user.model.js';
import { sessionModel } from '../identity/session.model.js';
import { waitUntilApplied } from '../reporting/rollup-applier.js';
import { ticketModel } from './ticket.model.js';

describe('support tickets on the customer portal', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let admin: string;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt);
    admin = agency.adminToken;
  });
  after(() => rt.close());

  const account = async (name: string, parentId?: string, token = admin) => {
    const res = await rt.request().post('/v1/customers').set(auth(token)).send({ name, ...(parentId ? { parentId } : {}) });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as string;
  };
  const contact = async (customerId: string, token = admin) => {
    const res = await rt.request().post('/v1/contacts').set(auth(token)).send({ firstName: 'Kim', lastName: `K${Math.random().toString(36).slice(2, 8)}`, customerId });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as string;
  };
  /** A customer identity with a live session, signed in the way the portal's own sign-in does. */
  const customerToken = async (tenantId: string, contactId: string, accountId: string, role: 'customer' | 'customer_case_manager' = 'customer') => {
    const tenant = new Types.ObjectId(tenantId);
    const email = `c${new Types.ObjectId().toHexString()}@example.test`;
    const user = await customerUserModel(rt.ctx.connection).create({ tenantId: tenant, contactId: new Types.ObjectId(contactId), accountId: new Types.ObjectId(accountId), email, emailNormalized: email, name: 'Kim', role, status: 'active' });
    const session = await sessionModel(rt.ctx.connection).create({ tenantId: tenant, audience: 'customer', userId: user._id, expiresAt: new Date(Date.now() + 3600_000) });
    return signCustomerAccessToken(rt.ctx.secrets.jwt, { sub: String(user._id), tid: tenantId, sid: String(session._id) });
  };

  it('should let a customer open a ticket on the portal, follow the public thread only, reply, close and be refused an illegal reopen', async () => {
    const acme = await account('Acme');
    const kim = await contact(acme);
    const token = await customerToken(agency.tenantId, kim, acme);
    const created = await rt.request().post('/v1/portal/tickets').set(auth(token)).send({ subject: 'Cannot download invoice', description: 'It says 404' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.channel, 'portal');
    assert.equal(created.body.status, 'new');
    assert.equal(created.body.mine, true);
    assert.equal('ownerId' in created.body, false);
    const agentView = await rt.request().get(`/v1/tickets/${created.body.id}`).set(auth(admin));
    assert.equal(agentView.body.contactId, kim);
    assert.equal(agentView.body.accountId, acme);

    await rt.request().post(`/v1/tickets/${created.body.id}/messages`).set(auth(admin)).send({ body: 'Secret: refund approved internally', visibility: 'internal' }).expect(201);
    await rt.request().post(`/v1/tickets/${created.body.id}/transitions`).set(auth(admin)).send({ to: 'pending_customer' }).expect(200);
    await rt.request().post(`/v1/tickets/${created.body.id}/messages`).set(auth(admin)).send({ body: 'Which invoice number?', visibility: 'public' }).expect(201);
    const thread = await rt.request().get(`/v1/portal/tickets/${created.body.id}/messages`).set(auth(token));
    assert.equal(thread.status, 200, JSON.stringify(thread.body));
    assert.deepEqual(thread.body.data.map((m: { body: string }) => m.body), ['Which invoice number?']);
    const seen = await rt.request().get(`/v1/portal/tickets/${created.body.id}`).set(auth(token));
    assert.equal(seen.body.messageCount, 1);

    const reply = await rt.request().post(`/v1/portal/tickets/${created.body.id}/messages`).set(auth(token)).send({ body: 'INV-2041', visibility: 'internal' });
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    assert.equal(reply.body.visibility, 'public');
    assert.equal(reply.body.authorKind, 'customer');
    assert.equal((await rt.request().get(`/v1/tickets/${created.body.id}`).set(auth(admin))).body.status, 'open');

    const closed = await rt.request().post(`/v1/portal/tickets/${created.body.id}/close`).set(auth(token));
    assert.equal(closed.status, 200, JSON.stringify(closed.body));
    assert.equal(closed.body.status, 'closed');
    const reopen = await rt.request().post(`/v1/portal/tickets/${created.body.id}/reopen`).set(auth(token));
    assert.equal(reopen.status, 409);
    assert.equal(reopen.body.code, 'invalid_transition');
    const bad = await rt.request().post('/v1/portal/tickets').set(auth(token)).send({ subject: '', priority: 'asap' });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.errors.map((e: { field: string }) => e.field).sort(), ['priority', 'subject']);
  });

  it('should record the rating a customer gives when closing a ticket, show it to agents and count it in the satisfaction roll-ups', async () => {
    const acme = await account('Rated Inc');
    const kim = await contact(acme);
    const token = await customerToken(agency.tenantId, kim, acme);
    const metric = async (name: string) => {
      const res = await rt.request().get(`/v1/metrics?metric=${name}&period=month&dimension=all`).set(auth(admin));
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return (res.body.series[0]?.points ?? []).reduce((sum: number, p: { value: number }) => sum + p.value, 0) as number;
    };
    const before = { rated: await metric('tickets.rated'), satisfied: await metric('tickets.satisfied'), points: await metric('tickets.rating_points') };
    const open = async (subject: string) => (await rt.request().post('/v1/portal/tickets').set(auth(token)).send({ subject }).expect(201)).body.id as string;
    const [happy, unhappy, silent] = [await open('Fast help'), await open('Slow help'), await open('No rating')];

    const badRating = await rt.request().post(`/v1/portal/tickets/${happy}/close`).set(auth(token)).send({ rating: 6 });
    assert.equal(badRating.status, 400);
    assert.deepEqual(badRating.body.errors.map((e: { field: string }) => e.field), ['rating']);
    assert.equal((await ticketModel(rt.ctx.connection).findOne({ _id: happy, tenantId: agency.tenantId }).lean())?.status, 'new', 'a refused rating closes nothing');

    const closed = await rt.request().post(`/v1/portal/tickets/${happy}/close`).set(auth(token)).send({ rating: 5, comment: 'Solved in an hour' });
    assert.equal(closed.status, 200, JSON.stringify(closed.body));
    assert.equal(closed.body.satisfaction.rating, 5);
    assert.equal(closed.body.satisfaction.comment, 'Solved in an hour');
    await rt.request().post(`/v1/portal/tickets/${unhappy}/close`).set(auth(token)).send({ rating: 2 }).expect(200);
    const unrated = await rt.request().post(`/v1/portal/tickets/${silent}/close`).set(auth(token));
    assert.equal(unrated.body.satisfaction, null);

    const agentView = await rt.request().get(`/v1/tickets/${happy}`).set(auth(admin));
    assert.equal(agentView.body.satisfaction.rating, 5);
    const stored = await ticketModel(rt.ctx.connection).findOne({ _id: unhappy, tenantId: agency.tenantId }).lean();
    assert.equal(stored?.satisfactionRating, 2);
    assert.ok(stored?.ratedAt instanceof Date);

    await waitUntilApplied(rt.ctx.connection, new Types.ObjectId(agency.tenantId), 30_000);
    assert.equal(await metric('tickets.rated'), before.rated + 2, 'two tickets rated, the silent one not');
    assert.equal(await metric('tickets.satisfied'), before.satisfied + 1, 'only the 5 counts as satisfied');
    assert.equal(await metric('tickets.rating_points'), before.points + 7);
  });

  it("should show a customer only their own tickets, a case manager their account's and its children's, and nothing of another agency", async () => {
    const parent = await account('Parent Group');
    const child = await account('Child GmbH', parent);
    const sibling = await account('Unrelated Ltd');
    const above = await account('Holding', undefined);
    const [ownerContact, colleagueContact, childContact, siblingContact] = await Promise.all([contact(parent), contact(parent), contact(child), contact(sibling)]);
    const mineToken = await customerToken(agency.tenantId, ownerContact, parent);
    const managerToken = await customerToken(agency.tenantId, colleagueContact, parent, 'customer_case_manager');
    const open = async (contactId: string, accountId: string, subject: string) => {
      const res = await rt.request().post('/v1/tickets').set(auth(admin)).send({ subject, contactId, accountId });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.id as string;
    };
    const own = await open(ownerContact, parent, 'own');
    const colleagues = await open(colleagueContact, parent, 'colleague');
    const childs = await open(childContact, child, 'child');
    const siblings = await open(siblingContact, sibling, 'sibling');
    void above;

    const mine = await rt.request().get('/v1/portal/tickets').set(auth(mineToken));
    assert.deepEqual(mine.body.data.map((t: { id: string }) => t.id), [own]);
    const managed = await rt.request().get('/v1/portal/tickets').query({ limit: 2 }).set(auth(managerToken));
    const next = await rt.request().get('/v1/portal/tickets').query({ limit: 2, cursor: managed.body.nextCursor }).set(auth(managerToken));
    assert.deepEqual([...managed.body.data, ...next.body.data].map((t: { id: string }) => t.id).sort(), [own, colleagues, childs].sort());
    assert.equal(next.body.hasMore, false);

    assert.equal((await rt.request().get(`/v1/portal/tickets/${colleagues}`).set(auth(mineToken))).status, 404);
    assert.equal((await rt.request().get(`/v1/portal/tickets/${siblings}`).set(auth(managerToken))).status, 404);
    assert.equal((await rt.request().get(`/v1/portal/tickets/${siblings}/messages`).set(auth(managerToken))).status, 404);
    assert.equal((await rt.request().post(`/v1/portal/tickets/${siblings}/messages`).set(auth(managerToken)).send({ body: 'hi' })).status, 404);

    // Tokens of one audience are refused by the other's routes.
    assert.equal((await rt.request().get('/v1/tickets').set(auth(mineToken))).status, 401);
    assert.equal((await rt.request().get('/v1/portal/tickets').set(auth(admin))).status, 401);

    const other = await makeAgency(rt);
    const theirAccount = await account('Other tenant account', undefined, other.adminToken);
    const theirContact = await contact(theirAccount, other.adminToken);
    const theirToken = await customerToken(other.tenantId, theirContact, theirAccount, 'customer_case_manager');
    assert.equal((await rt.request().get(`/v1/portal/tickets/${own}`).set(auth(theirToken))).status, 404);
    assert.deepEqual((await rt.request().get('/v1/portal/tickets').set(auth(theirToken))).body.data, []);
    assert.equal(await ticketModel(rt.ctx.connection).countDocuments({ tenantId: new Types.ObjectId(other.tenantId) }), 0);
  });
});
