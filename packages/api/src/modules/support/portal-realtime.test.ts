import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { io as connect, type Socket } from 'socket.io-client';
import { signCustomerAccessToken } from '../../platform/auth/customer-guard.js';
import { listen } from '../../platform/realtime/test-support.js';
import { createTestRuntime, makeAgency, type TestAgency } from '../../testing/index.js';
import { customerUserModel } from '../customer-portal/customer-user.model.js';
import { sessionModel } from '../identity/session.model.js';

type Received = { name: string; payload: { ticketId: string; message?: { body: string; visibility: string }; status?: string; at?: string } };

describe('realtime for customers on the portal', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let api: Awaited<ReturnType<typeof listen>>;
  let agency: TestAgency;
  const sockets: Socket[] = [];
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt);
    api = await listen(rt);
  });
  after(async () => {
    for (const s of sockets) s.disconnect();
    await api?.close();
    await rt.close();
  });

  const account = async (name: string) => (await rt.request().post('/v1/customers').set(auth(agency.adminToken)).send({ name }).expect(201)).body.id as string;
  const contact = async (customerId: string) => (await rt.request().post('/v1/contacts').set(auth(agency.adminToken)).send({ firstName: 'Kim', lastName: `K${new Types.ObjectId().toHexString().slice(-6)}`, customerId }).expect(201)).body.id as string;
  const customerToken = async (contactId: string, accountId: string) => {
    const tenant = new Types.ObjectId(agency.tenantId);
    const email = `c${new Types.ObjectId().toHexString()}@example.test`;
    const user = await customerUserModel(rt.ctx.connection).create({ tenantId: tenant, contactId: new Types.ObjectId(contactId), accountId: new Types.ObjectId(accountId), email, emailNormalized: email, name: 'Kim', role: 'customer', status: 'active' });
    const session = await sessionModel(rt.ctx.connection).create({ tenantId: tenant, audience: 'customer', userId: user._id, expiresAt: new Date(Date.now() + 3600_000) });
    return signCustomerAccessToken(rt.ctx.secrets.jwt, { sub: String(user._id), tid: agency.tenantId, sid: String(session._id) });
  };
  /** A socket on a namespace that records `ticket.message` and `ticket.status`; rejects on connect_error. */
  const open = async (namespace: string, token: string) => {
    const socket = connect(`${api.url}${namespace}`, { path: '/v1/realtime', auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(socket);
    const received: Received[] = [];
    for (const name of ['ticket.message', 'ticket.status']) socket.on(name, (payload: Received['payload']) => received.push({ name, payload }));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return { socket, received };
  };
  const until = async (check: () => boolean, what: string) => {
    const deadline = Date.now() + 10_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  it('should refuse agent tokens and keys on the customers namespace, and customer tokens on the agents one', async () => {
    const acme = await account('Acme');
    const token = await customerToken(await contact(acme), acme);
    await assert.rejects(open('/portal', agency.adminToken), /unauthenticated/);
    await assert.rejects(open('/portal', 'sk_live_not_a_customer_token'), /unauthenticated/);
    await assert.rejects(open('/', token), /unauthenticated/);
  });

  it('should send a customer the public replies and status changes of their own tickets only, never an internal note or another customer\'s ticket', async () => {
    const acme = await account('Acme');
    const globex = await account('Globex');
    const kimToken = await customerToken(await contact(acme), acme);
    const leeToken = await customerToken(await contact(globex), globex);
    const kimTicket = (await rt.request().post('/v1/portal/tickets').set(auth(kimToken)).send({ subject: 'Login fails' }).expect(201)).body.id as string;
    const leeTicket = (await rt.request().post('/v1/portal/tickets').set(auth(leeToken)).send({ subject: 'Invoice wrong' }).expect(201)).body.id as string;
    const kim = await open('/portal', kimToken);
    const lee = await open('/portal', leeToken);

    const agent = auth(agency.adminToken);
    await rt.request().post(`/v1/tickets/${kimTicket}/messages`).set(agent).send({ body: 'Internal: reset the SSO mapping', visibility: 'internal' }).expect(201);
    await rt.request().post(`/v1/tickets/${leeTicket}/messages`).set(agent).send({ body: 'Corrected invoice attached soon', visibility: 'public' }).expect(201);
    await rt.request().post(`/v1/tickets/${kimTicket}/messages`).set(agent).send({ body: 'Please try again now', visibility: 'public' }).expect(201);
    await rt.request().post(`/v1/tickets/${kimTicket}/transitions`).set(agent).send({ to: 'open' }).expect(200);

    await until(() => kim.received.some((r) => r.name === 'ticket.status'), "Kim's status event");
    await until(() => lee.received.length >= 1, "Lee's reply");
    assert.deepEqual(kim.received, [
      { name: 'ticket.message', payload: { ticketId: kimTicket, message: kim.received[0]!.payload.message! } },
      { name: 'ticket.status', payload: { ticketId: kimTicket, status: 'open', from: 'new', at: kim.received[1]!.payload.at } },
    ]);
    assert.equal(kim.received[0]!.payload.message!.body, 'Please try again now');
    assert.equal(kim.received[0]!.payload.message!.visibility, 'public');
    assert.ok(!JSON.stringify(kim.received).includes('SSO'), 'the internal note never reaches the customer');
    assert.ok(!JSON.stringify(kim.received).includes(leeTicket), "another customer's ticket never reaches the customer");
    assert.deepEqual(lee.received.map((r) => [r.name, r.payload.ticketId, r.payload.message?.body]), [['ticket.message', leeTicket, 'Corrected invoice attached soon']]);
  });
});
