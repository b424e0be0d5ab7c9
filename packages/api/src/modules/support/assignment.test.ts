import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { signCustomerAccessToken } from '../../platform/auth/customer-guard.js';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { customerUserModel } from '../customer-portal/customer-user.model.js';
import { sessionModel } from '../identity/session.model.js';
import { roundRobinClaimModel } from './assignment.model.js';
import { ticketModel } from './ticket.model.js';

describe('ticket assignment rules and round-robin', () => {
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

  const team = async (name: string, memberIds: Types.ObjectId[], token = admin) => {
    const res = await rt.request().post('/v1/org/teams').set(auth(token)).send({ name, memberIds: memberIds.map(String) });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as string;
  };
  const saveRules = (rules: unknown[], token = admin, ifMatch?: number) => {
    const req = rt.request().put('/v1/ticket-assignment-rules').set(auth(token));
    if (ifMatch !== undefined) req.set('If-Match', `"${ifMatch}"`);
    return req.send({ rules });
  };
  const customerToken = async (accountName: string) => {
    const account = await rt.request().post('/v1/customers').set(auth(admin)).send({ name: accountName });
    const contact = await rt.request().post('/v1/contacts').set(auth(admin)).send({ firstName: 'Kim', lastName: accountName, customerId: account.body.id });
    assert.equal(contact.status, 201, JSON.stringify(contact.body));
    const email = `c${new Types.ObjectId().toHexString()}@example.test`;
    const user = await customerUserModel(rt.ctx.connection).create({ tenantId, contactId: new Types.ObjectId(contact.body.id), accountId: new Types.ObjectId(account.body.id), email, emailNormalized: email, name: 'Kim', role: 'customer', status: 'active' });
    const session = await sessionModel(rt.ctx.connection).create({ tenantId, audience: 'customer', userId: user._id, expiresAt: new Date(Date.now() + 3600_000) });
    return signCustomerAccessToken(rt.ctx.secrets.jwt, { sub: String(user._id), tid: agency.tenantId, sid: String(session._id) });
  };

  it('should keep the rules per agency, refuse a team, agent or product of another agency naming the field, and honour If-Match', async () => {
    const empty = await rt.request().get('/v1/ticket-assignment-rules').set(auth(admin));
    assert.equal(empty.status, 200, JSON.stringify(empty.body));
    assert.deepEqual(empty.body, { rules: [], version: 0, updatedAt: null });
    const agent = await makeUser(rt, agency, { role: 'SUPPORT' });
    const billing = await team('Billing desk', [agent.id]);
    const elsewhere = await makeAgency(rt);
    const foreignTeam = (await rt.request().post('/v1/org/teams').set(auth(elsewhere.adminToken)).send({ name: 'Theirs', memberIds: [] })).body.id as string;
    const bad = await saveRules([{ category: 'billing', teamId: foreignTeam }]);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].field, 'rules.0.teamId');
    const badUser = await saveRules([{ category: 'billing', teamId: billing, userId: String(new Types.ObjectId()) }]);
    assert.equal(badUser.body.errors[0].field, 'rules.0.userId');
    const badProduct = await saveRules([{ productId: String(new Types.ObjectId()), teamId: billing }]);
    assert.equal(badProduct.body.errors[0].field, 'rules.0.productId');
    const injection = await saveRules([{ teamId: { $ne: null } }]);
    assert.equal(injection.status, 400);
    assert.equal(injection.body.errors[0].field, 'rules.0.teamId');

    const saved = await saveRules([{ category: 'Billing', teamId: billing }], admin, 0);
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.deepEqual(saved.body.rules, [{ category: 'Billing', productId: null, teamId: billing, userId: null }]);
    assert.equal(saved.body.version, 1);
    assert.equal((await saveRules([], admin, 0)).status, 412);
    assert.deepEqual((await rt.request().get('/v1/ticket-assignment-rules').set(auth(elsewhere.adminToken))).body.rules, [], 'another agency does not see them');
    const support = await signIn(rt, agent.email);
    assert.equal((await rt.request().get('/v1/ticket-assignment-rules').set(auth(support))).status, 200, 'an agent reads them');
    assert.equal((await saveRules([], support)).status, 403, 'only those who administer the agency change them');
  });

  it('should hand tickets of a team to its active members in turn, exactly evenly under concurrent creates, skipping a disabled member', async () => {
    const members = await Promise.all([0, 1, 2, 3].map(() => makeUser(rt, agency, { role: 'SUPPORT' })));
    const gone = await makeUser(rt, agency, { role: 'SUPPORT' });
    const desk = await team('Round robin desk', [...members.map((m) => m.id), gone.id]);
    const off = await rt.request().patch(`/v1/users/${String(gone.id)}`).set(auth(admin)).send({ status: 'disabled' });
    assert.equal(off.status, 200, JSON.stringify(off.body));
    const made = await Promise.all(
      Array.from({ length: 20 }, (_, i) => rt.request().post('/v1/tickets').set(auth(admin)).send({ subject: `Queue ${i}`, teamId: desk, ownerId: null })),
    );
    for (const res of made) assert.equal(res.status, 201, JSON.stringify(res.body));
    const perAgent = new Map<string, number>();
    for (const res of made) perAgent.set(res.body.ownerId, (perAgent.get(res.body.ownerId) ?? 0) + 1);
    assert.deepEqual([...perAgent.keys()].sort(), members.map((m) => String(m.id)).sort(), 'every active member, and never the disabled one');
    assert.deepEqual([...perAgent.values()], [5, 5, 5, 5]);
    assert.ok(made.every((res) => res.body.teamId === desk));
    assert.equal(await roundRobinClaimModel(rt.ctx.connection).countDocuments({ tenantId }), 20, 'one claimed turn per ticket');

    const chosen = await rt.request().post('/v1/tickets').set(auth(admin)).send({ subject: 'Mine after all' });
    const me = await rt.request().get('/v1/me').set(auth(admin));
    assert.equal(chosen.body.ownerId, me.body.user.id, 'a ticket that names no assignee field stays with its creator');
  });

  it('should route by category and product to the rule\'s team and agent, and leave a ticket no rule matches alone', async () => {
    const lead = await makeUser(rt, agency, { role: 'SUPPORT' });
    const other = await makeUser(rt, agency, { role: 'SUPPORT' });
    const hardware = await team('Hardware', [lead.id, other.id]);
    const product = await rt.request().post('/v1/products').set(auth(admin)).send({ name: 'Printer X', code: `PX${Date.now()}` });
    assert.equal(product.status, 201, JSON.stringify(product.body));
    const saved = await saveRules([
      { category: 'hardware', productId: product.body.id, teamId: hardware, userId: String(lead.id) },
      { category: 'hardware', teamId: hardware },
    ]);
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    const both = await rt.request().post('/v1/tickets').set(auth(admin)).send({ subject: 'Paper jam', category: 'Hardware', productId: product.body.id, ownerId: null });
    assert.deepEqual({ teamId: both.body.teamId, ownerId: both.body.ownerId }, { teamId: hardware, ownerId: String(lead.id) });
    const categoryOnly = await rt.request().post('/v1/tickets').set(auth(admin)).send({ subject: 'Fan noise', category: 'hardware', ownerId: null });
    assert.equal(categoryOnly.body.teamId, hardware);
    assert.ok([String(lead.id), String(other.id)].includes(categoryOnly.body.ownerId));
    const unmatched = await rt.request().post('/v1/tickets').set(auth(admin)).send({ subject: 'Invoice question', category: 'billing', ownerId: null });
    assert.deepEqual({ teamId: unmatched.body.teamId, ownerId: unmatched.body.ownerId }, { teamId: null, ownerId: null });
  });

  it("should give a portal ticket the rule's team, so that team's agents see it and another team's agent does not", async () => {
    const agent = await makeUser(rt, agency, { role: 'SUPPORT' });
    const outsider = await makeUser(rt, agency, { role: 'SUPPORT' });
    const portalDesk = await team('Portal desk', [agent.id]);
    await team('Other desk', [outsider.id]);
    const saved = await saveRules([{ teamId: portalDesk }]);
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    const customer = await customerToken('Portal Account');
    const created = await rt.request().post('/v1/portal/tickets').set(auth(customer)).send({ subject: 'Where is my order?' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal('teamId' in created.body, false, 'the customer never learns the team or agent');
    const stored = await ticketModel(rt.ctx.connection).findOne({ tenantId, _id: new Types.ObjectId(created.body.id) }).lean();
    assert.equal(String(stored!.teamId), portalDesk);
    assert.equal(String(stored!.ownerId), String(agent.id), 'the only active member takes it');

    const theirs = await signIn(rt, agent.email);
    const seen = await rt.request().get('/v1/tickets').query({ teamId: portalDesk }).set(auth(theirs));
    assert.deepEqual(seen.body.data.map((t: { id: string }) => t.id), [created.body.id]);
    assert.equal((await rt.request().get(`/v1/tickets/${created.body.id}`).set(auth(theirs))).status, 200);
    const notTheirs = await signIn(rt, outsider.email);
    assert.equal((await rt.request().get(`/v1/tickets/${created.body.id}`).set(auth(notTheirs))).status, 404);
    const list = await rt.request().get('/v1/tickets').query({ limit: 200 }).set(auth(notTheirs));
    assert.ok(!list.body.data.some((t: { id: string }) => t.id === created.body.id));
  });
});
