import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { CommandStartedEvent } from 'mongodb';
import { Types } from 'mongoose';
import { roleModel } from '../../modules/identity/role.model.js';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { readAccessVersion } from '../auth/principal-cache.js';
import { EventBus } from '../events.js';
import { attachRealtime } from './realtime.js';
import { client, listen, until } from './test-support.js';

type Rt = Awaited<ReturnType<typeof createTestRuntime>>;
type Client = Awaited<ReturnType<typeof client>>;
const auth = (t: string) => ({ Authorization: `Bearer ${t}` });

/** A signed-in user with `n` sockets subscribed to contacts and campaigns. */
async function userWithSockets(rt: Rt, url: string, agency: TestAgency, role: string | null, n: number) {
  const token = role ? await signIn(rt, (await makeUser(rt, agency, { role })).email) : agency.adminToken;
  const sockets: Client[] = [];
  for (let i = 0; i < n; i += 1) {
    const s = await client(url, token);
    assert.equal((await s.subscribe('contact')).ok, true);
    assert.equal((await s.subscribe('campaign')).ok, true);
    sockets.push(s);
  }
  return { token, role: role ?? 'ADMIN', tenantId: agency.tenantId, sockets };
}

describe('realtime fan-out by visibility group', () => {
  let rt: Rt;
  let http: Awaited<ReturnType<typeof listen>>;
  let a: TestAgency;
  let b: TestAgency;

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    // The stamp is polled rarely here, so that the command count below is not a matter of timing; changes
    // this process makes are still seen at once (the access epoch).
    http = await listen(rt, { credentials: { accessPollMs: 60_000 } });
    [a, b] = [await makeAgency(rt), await makeAgency(rt)];
  });
  after(async () => {
    await http.close();
    await rt.close();
  });

  it('should deliver a change to exactly the sockets whose user may read the record, with no cross-agency delivery', async () => {
    // A role like support's but without campaigns at all: it sees every contact and may read no campaign.
    const roles = roleModel(rt.ctx.connection);
    const support = await roles.findOne({ tenantId: new Types.ObjectId(a.tenantId), key: 'SUPPORT' }).lean();
    const { _id, ...copy } = support!;
    await roles.create({ ...copy, key: 'NO_CAMPAIGNS', name: 'No campaigns', permissions: copy.permissions.filter((p) => p.resource !== 'campaign') });
    const users = [
      await userWithSockets(rt, http.url, a, null, 3),
      await userWithSockets(rt, http.url, a, 'SALES_HEAD', 3),
      await userWithSockets(rt, http.url, a, 'SALES_PERSON', 3),
      await userWithSockets(rt, http.url, a, 'SALES_PERSON', 3),
      await userWithSockets(rt, http.url, a, 'NO_CAMPAIGNS', 3),
      await userWithSockets(rt, http.url, b, null, 3),
      await userWithSockets(rt, http.url, b, 'SALES_PERSON', 3),
    ];
    // Admin, sales head and the campaign-less role see every contact of the agency: one group per type.
    // Each seller: a group of their own per type.
    assert.equal(http.realtime.groupCount, 2 /* a: contacts and campaigns of admin and head (and contacts of the campaign-less role) */ + 2 * 2 /* sellers of a */ + 2 + 2 /* b */);

    const created: { id: string; tenantId: string; kind: 'contacts' | 'campaigns' }[] = [];
    for (const writer of users) {
      const body = { firstName: 'Seen', lastName: `By ${writer.role}` };
      const res = await rt.request().post('/v1/contacts').set(auth(writer.token)).send(body);
      assert.equal(res.status, 201, JSON.stringify(res.body));
      created.push({ id: res.body.id, tenantId: writer.tenantId, kind: 'contacts' });
    }
    const campaign = await rt.request().post('/v1/campaigns').set(auth(a.adminToken)).send({ title: 'Autumn', code: `F${new Types.ObjectId().toHexString().slice(-8)}`, type: 'email' });
    assert.equal(campaign.status, 201, JSON.stringify(campaign.body));
    created.push({ id: campaign.body.id, tenantId: a.tenantId, kind: 'campaigns' });
    // Each user's last write is their own: once it reached a socket, everything emitted before it did too.
    const sentinels = new Map<string, string>();
    for (const user of users) {
      const res = await rt.request().post('/v1/contacts').set(auth(user.token)).send({ firstName: 'Last', lastName: 'Write' });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      sentinels.set(user.token, res.body.id);
    }
    for (const user of users) for (const s of user.sockets) await s.next((e) => e.id === sentinels.get(user.token));

    let crossAgency = 0;
    let unauthorised = 0;
    let missing = 0;
    for (const user of users) {
      // The API itself says what the user may read: the same access module, asked through HTTP.
      const readable = new Set<string>();
      for (const record of created) {
        const res = await rt.request().get(`/v1/${record.kind}/${record.id}`).set(auth(user.token));
        if (res.status === 200) readable.add(record.id);
      }
      for (const s of user.sockets) {
        const got = new Set(s.events.map((e) => e.id).filter((id) => created.some((r) => r.id === id)));
        for (const id of got) {
          if (created.find((r) => r.id === id)!.tenantId !== user.tenantId) crossAgency += 1;
          else if (!readable.has(id)) unauthorised += 1;
        }
        for (const id of readable) if (!got.has(id)) missing += 1;
        assert.equal(s.events.filter((e) => e.id === created[0]!.id).length, user.tenantId === a.tenantId && readable.has(created[0]!.id) ? 1 : 0, 'one event per change and socket');
      }
    }
    assert.deepEqual({ crossAgency, unauthorised, missing }, { crossAgency: 0, unauthorised: 0, missing: 0 });
    // That role may not read campaigns: the campaign's event did not reach its sockets.
    assert.ok(users[4]!.sockets.every((s) => !s.events.some((e) => e.resource === 'campaign')));
    assert.ok(users[0]!.sockets.every((s) => s.events.some((e) => e.id === campaign.body.id)));
    for (const user of users) for (const s of user.sockets) s.socket.disconnect();
    await until(() => http.realtime.groupCount === 0, 5_000, 'the groups to empty');
  });

  it('should send the database no command per socket while delivering (10 and 50 sockets cost the same)', async () => {
    const db = rt.db.connection.getClient();
    const commandsOfOneWrite = async (socketsPerUser: number) => {
      const users = [
        await userWithSockets(rt, http.url, a, null, socketsPerUser),
        await userWithSockets(rt, http.url, a, 'SALES_HEAD', socketsPerUser),
        await userWithSockets(rt, http.url, a, 'SALES_PERSON', socketsPerUser),
        await userWithSockets(rt, http.url, a, 'SALES_PERSON', socketsPerUser),
        await userWithSockets(rt, http.url, b, null, socketsPerUser),
      ];
      await http.realtime.credentialsSettled(); // creating the users changed the agency's access: rechecks done first
      // Creating the users moved the agency's access stamp, so the writer's principal is rebuilt on its next
      // request: do that here, so both measured writes find it cached (the comparison is about sockets).
      await rt.request().get('/v1/me').set(auth(a.adminToken)).expect(200);
      const seen: string[] = [];
      const listener = (event: CommandStartedEvent) => {
        if (event.databaseName === rt.dbName) seen.push(`${event.commandName} ${String(event.command[event.commandName])}`);
      };
      db.on('commandStarted', listener);
      const res = await rt.request().post('/v1/contacts').set(auth(a.adminToken)).send({ firstName: 'Counted', lastName: 'Once' }).expect(201);
      for (const s of [...users[0]!.sockets, ...users[1]!.sockets]) await s.next((e) => e.id === res.body.id);
      db.off('commandStarted', listener);
      for (const user of users) for (const s of user.sockets) s.socket.disconnect();
      return seen;
    };
    // A first write of the agency warms what every later one reuses (list blocks, caches, the name-order label of `Once`).
    await rt.request().post('/v1/contacts').set(auth(a.adminToken)).send({ firstName: 'Counted', lastName: 'Once' }).expect(201);
    const ten = await commandsOfOneWrite(2);
    const fifty = await commandsOfOneWrite(10);
    // The access stamp is read by the request, and by the credential watch once per agency only if it polls meanwhile;
    // the agency's webhook subscriptions are read once when their per-agency cache has expired (on a slow run, between
    // the two writes). Neither depends on the number of sockets.
    const perAgency = (c: string) => c.endsWith(' access_versions') || c === 'find webhookSubscriptions';
    const withoutStamp = (list: string[]) => list.filter((c) => !perAgency(c)).sort();
    assert.deepEqual(withoutStamp(fifty), withoutStamp(ten));
    assert.ok(fifty.filter((c) => c.endsWith(' access_versions')).length <= 3, fifty.join('\n'));
    assert.ok(fifty.filter((c) => c === 'find webhookSubscriptions').length <= 1, fifty.join('\n'));
  });

  it('should disconnect the sockets of a user who is disabled, and of no one else', async () => {
    const seller = await makeUser(rt, a, { role: 'SALES_PERSON' });
    const sellerToken = await signIn(rt, seller.email);
    const sellerSockets = [await client(http.url, sellerToken), await client(http.url, sellerToken)];
    const admin = await client(http.url, a.adminToken);
    const dropped = sellerSockets.map((s) => new Promise<string>((resolve) => s.socket.on('disconnect', resolve)));
    const started = Date.now();
    await rt.request().patch(`/v1/users/${String(seller.id)}`).set(auth(a.adminToken)).send({ status: 'disabled' }).expect(200);
    assert.deepEqual(await Promise.all(dropped), ['io server disconnect', 'io server disconnect']);
    assert.ok(Date.now() - started < 5_000);
    assert.equal(admin.socket.connected, true);
    admin.socket.disconnect();
  });

  it('should let a socket see what its user’s new role sees once the role changes, without reconnecting', async () => {
    const seller = await makeUser(rt, a, { role: 'SALES_PERSON' });
    const s = await client(http.url, await signIn(rt, seller.email));
    await s.subscribe('contact');
    const before = (await rt.request().post('/v1/contacts').set(auth(a.adminToken)).send({ firstName: 'Not', lastName: 'Yet' }).expect(201)).body;
    const head = await roleModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(a.tenantId), key: 'SALES_HEAD' }).lean();
    const version = await readAccessVersion(rt.ctx.connection, new Types.ObjectId(a.tenantId));
    await rt.request().patch(`/v1/users/${String(seller.id)}`).set(auth(a.adminToken)).send({ roleId: String(head!._id) }).expect(200);
    assert.notEqual(await readAccessVersion(rt.ctx.connection, new Types.ObjectId(a.tenantId)), version);
    // The watch notices the agency's access change and re-authenticates the socket; then the admin's contacts reach it.
    let after: { id: string } | undefined;
    await until(async () => {
      after = (await rt.request().post('/v1/contacts').set(auth(a.adminToken)).send({ firstName: 'Now', lastName: 'Visible' }).expect(201)).body;
      await new Promise((resolve) => setTimeout(resolve, 100));
      return s.events.some((e) => e.id === after!.id);
    }, 10_000, 'the promoted seller to see the admin’s contact');
    assert.ok(!s.events.some((e) => e.id === before.id));
    s.socket.disconnect();
  });
});

describe('realtime slow consumers', () => {
  it('should drop a socket that stops reading once its buffer passes the bound, and keep delivering to the others', async () => {
    const rt = await createTestRuntime({ file: import.meta.filename });
    const events = new EventBus(() => {});
    const server = createServer(rt.app);
    const maxBufferedBytes = 256 * 1024;
    const realtime = attachRealtime(server, {
      authenticate: rt.authenticate,
      readAccessVersion: (tenantId) => readAccessVersion(rt.ctx.connection, tenantId),
      events,
      logger: rt.ctx.logger,
      corsOrigins: [],
      maxBufferedBytes,
      slowConsumerCheckMs: 50,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const agency = await makeAgency(rt);
      const healthy = await client(url, agency.adminToken);
      const stuck = await client(url, agency.adminToken);
      for (const s of [healthy, stuck]) await s.subscribe('contact');
      const sockets = realtime.io.of('/').sockets;
      assert.ok(sockets.has(stuck.socket.id!) && sockets.has(healthy.socket.id!));
      // The client process stops reading its TCP socket: the kernel buffers fill, then the server's.
      (stuck.socket.io.engine.transport as unknown as { ws: { _socket: { pause(): void } } }).ws._socket.pause();
      const big = 'x'.repeat(64 * 1024);
      const total = 400; // 25 MiB, far more than the loopback buffers hold
      for (let i = 0; i < total; i += 1) {
        await events.publish({ type: 'contact.updated', tenantId: new Types.ObjectId(agency.tenantId), resource: 'contact', resourceId: `c${i}`, actor: null, record: { notes: big, ownerId: null } });
        // The healthy client reads at its pace: at most a few events in flight for it.
        await until(() => healthy.events.length >= i - 2, 10_000, `the healthy socket to keep up (${i})`);
      }
      await until(() => !sockets.has(stuck.socket.id!), 10_000, 'the stuck socket to be dropped');
      await until(() => healthy.events.length === total, 20_000, 'the healthy socket to receive everything');
      assert.equal(healthy.socket.connected, true);
      assert.ok(sockets.has(healthy.socket.id!));
      healthy.socket.disconnect();
      stuck.socket.disconnect();
    } finally {
      await realtime.close();
      await new Promise((resolve) => server.close(resolve));
      await rt.close();
    }
  });
});
