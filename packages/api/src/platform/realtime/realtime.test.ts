import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { Types } from 'mongoose';
import { roleModel } from '../../modules/identity/role.model.js';
import { client, listen, until } from './test-support.js';

type Rt = Awaited<ReturnType<typeof createTestRuntime>>;

describe('realtime', () => {
  let rt: Rt;
  let http: Awaited<ReturnType<typeof listen>>;
  let agency: TestAgency;
  const auth = (t: string) => ({ Authorization: `Bearer ${t}` });

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    http = await listen(rt);
    agency = await makeAgency(rt);
  });
  after(async () => {
    await http.close();
    await rt.close();
  });

  it('should refuse a connection without a valid token', async () => {
    await assert.rejects(client(http.url, 'not-a-real-token-at-all'));
    await assert.rejects(client(http.url, 'pk_live_publishable_key_value'));
  });

  it('should push a change only to users of the tenant who may see the record', async () => {
    const seller = await makeUser(rt, agency, { role: 'SALES_PERSON' });
    const sellerToken = await signIn(rt, seller.email);
    const other = await makeAgency(rt);
    const adminSocket = await client(http.url, agency.adminToken);
    const sellerSocket = await client(http.url, sellerToken);
    const otherSocket = await client(http.url, other.adminToken);
    for (const s of [adminSocket, sellerSocket, otherSocket]) assert.equal((await s.subscribe('contact')).ok, true);

    const adminsContact = (await rt.request().post('/v1/contacts').set(auth(agency.adminToken)).send({ firstName: 'Only', lastName: 'Admins' })).body;
    const sellersContact = (await rt.request().post('/v1/contacts').set(auth(sellerToken)).send({ firstName: 'Sellers', lastName: 'Own' })).body;
    const otherContact = (await rt.request().post('/v1/contacts').set(auth(other.adminToken)).send({ firstName: 'Other', lastName: 'Tenant' })).body;

    await adminSocket.next((e) => e.id === sellersContact.id);
    const sellerGot = await sellerSocket.next((e) => e.id === sellersContact.id);
    assert.equal(sellerGot.type, 'created');
    assert.equal(sellerGot.record?.firstName, 'Sellers');
    await otherSocket.next((e) => e.id === otherContact.id);
    // The seller's own event arrived after the admin's contact was created: the admin's never reached them.
    assert.ok(!sellerSocket.events.some((e) => e.id === adminsContact.id));
    assert.ok(!otherSocket.events.some((e) => e.id === adminsContact.id || e.id === sellersContact.id));
    assert.ok(adminSocket.events.some((e) => e.id === adminsContact.id));
    for (const s of [adminSocket, sellerSocket, otherSocket]) s.socket.disconnect();
  });

  it('should push a task to its assignee even when the role’s scope would not reach it', async () => {
    const seller = await makeUser(rt, agency, { role: 'SALES_PERSON' });
    const sellerSocket = await client(http.url, await signIn(rt, seller.email));
    assert.equal((await sellerSocket.subscribe('task')).ok, true);
    const notTheirs = (await rt.request().post('/v1/tasks').set(auth(agency.adminToken)).send({ kind: 'todo', title: 'Admin only' })).body;
    const assigned = (await rt.request().post('/v1/tasks').set(auth(agency.adminToken)).send({ kind: 'followUp', title: 'For the seller', assigneeId: String(seller.id) })).body;
    assert.ok(assigned.id && notTheirs.id);
    const got = await sellerSocket.next((e) => e.id === assigned.id);
    assert.equal(got.type, 'created');
    assert.ok(!sellerSocket.events.some((e) => e.id === notTheirs.id), 'an admin’s own task never reaches them');
    // The same rule answers the API: the assignee reads it, and lists it.
    const token = await signIn(rt, seller.email);
    assert.equal((await rt.request().get(`/v1/tasks/${assigned.id}`).set(auth(token))).status, 200);
    assert.equal((await rt.request().get(`/v1/tasks/${notTheirs.id}`).set(auth(token))).status, 404);
    sellerSocket.socket.disconnect();
  });

  it('should apply the subscription filter and carry transitions with their changes', async () => {
    const watcher = await client(http.url, agency.adminToken);
    const sub = await watcher.subscribe('contact', { status: 'hot' });
    assert.equal(sub.ok, true);
    const contact = (await rt.request().post('/v1/contacts').set(auth(agency.adminToken)).send({ firstName: 'Heating', lastName: 'Up' })).body;
    await rt.request().post(`/v1/contacts/${contact.id}/transitions`).set(auth(agency.adminToken)).send({ to: 'hot' }).expect(200);
    const event = await watcher.next((e) => e.id === contact.id);
    assert.equal(event.type, 'transitioned');
    assert.deepEqual(event.changes?.status, { from: 'new', to: 'hot' });
    assert.equal(event.subscriptionId, sub.id);
    assert.ok(!watcher.events.some((e) => e.type === 'created' && e.id === contact.id), 'the created event (status new) did not match the filter');
    watcher.socket.disconnect();
  });

  it('should answer a bad subscription with a problem', async () => {
    const s = await client(http.url, agency.adminToken);
    const bad = await s.subscribe('passwords');
    assert.equal(bad.ok, false);
    assert.equal(bad.error?.code, 'validation_failed');
    const badFilter = await s.subscribe('contact', { $where: 'x' });
    assert.equal(badFilter.ok, false);
    s.socket.disconnect();
  });

  it('should disconnect a socket whose session was revoked', async () => {
    const user = await makeUser(rt, agency, { role: 'SALES_HEAD' });
    const token = await signIn(rt, user.email);
    const s = await client(http.url, token);
    await s.subscribe('contact');
    const dropped = new Promise<string>((resolve) => s.socket.on('disconnect', (reason) => resolve(reason)));
    await rt.request().post('/v1/auth/logout').set(auth(token)).expect(204);
    assert.equal(await dropped, 'io server disconnect');
    await assert.rejects(client(http.url, token), 'a revoked session cannot reconnect');
  });
});

describe('realtime across two API processes through Redis', () => {
  it('should deliver an event created on one process to a socket connected to the other', async () => {
    const env = { REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', JWT_SECRET: 'shared-secret-of-both-processes-0123456789' };
    const a = await createTestRuntime({ file: import.meta.filename, env });
    const b = await createTestRuntime({ file: import.meta.filename, env, dbName: a.dbName });
    const httpA = await listen(a);
    const httpB = await listen(b);
    try {
      const agency = await makeAgency(a);
      const onB = await client(httpB.url, agency.adminToken);
      await onB.subscribe('contact');
      const created = (await a.request().post('/v1/contacts').set({ Authorization: `Bearer ${agency.adminToken}` }).send({ firstName: 'Cross', lastName: 'Process' })).body;
      const event = await onB.next((e) => e.id === created.id);
      assert.equal(event.record?.lastName, 'Process');
      assert.equal(onB.events.filter((e) => e.id === created.id).length, 1, 'delivered once, not once per process');
      onB.socket.disconnect();

      // An access change made through A reaches B's sockets (B reads the agency's stamp), and so does a sign-out.
      const seller = await makeUser(a, agency, { role: 'SALES_PERSON' });
      const sellerToken = await signIn(a, seller.email);
      const sellerOnB = await client(httpB.url, sellerToken);
      await sellerOnB.subscribe('contact');
      const head = await roleModel(a.ctx.connection).findOne({ tenantId: new Types.ObjectId(agency.tenantId), key: 'SALES_HEAD' }).lean();
      await a.request().patch(`/v1/users/${String(seller.id)}`).set({ Authorization: `Bearer ${agency.adminToken}` }).send({ roleId: String(head!._id) }).expect(200);
      await until(async () => {
        const res = await a.request().post('/v1/contacts').set({ Authorization: `Bearer ${agency.adminToken}` }).send({ firstName: 'Seen', lastName: 'After promotion' }).expect(201);
        await new Promise((resolve) => setTimeout(resolve, 200));
        return sellerOnB.events.some((e) => e.id === res.body.id);
      }, 15_000, 'the promoted seller on B to see the admin’s contacts');
      const dropped = new Promise<string>((resolve) => sellerOnB.socket.on('disconnect', resolve));
      await a.request().post('/v1/auth/logout').set({ Authorization: `Bearer ${sellerToken}` }).expect(204);
      assert.equal(await dropped, 'io server disconnect');
    } finally {
      await httpA.close();
      await httpB.close();
      await a.close();
      await b.close().catch(() => {});
    }
  });
});
