import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createHmac } from 'node:crypto';
import { createTestRuntime, makeAgency, makeUser, signIn, waitForMail, type TestAgency } from '../../testing/index.js';
import { sendDelivery, signatureHeader } from './webhook-sender.js';
import { isRefusedAddress, resolveTarget } from './webhook-target.js';
import { userModel } from '../identity/user.model.js';
import { repoRoot } from '../../platform/paths.js';
import { webhookDeliveryModel, webhookSubscriptionModel } from './webhook.model.js';

const receiverScript = join(repoRoot, 'examples', 'webhook-receiver', 'server.mjs');

/** The example receiver, started as its README says, with its JSON lines collected. */
async function startReceiver(secret: string) {
  const child: ChildProcess = spawn(process.execPath, [receiverScript], { env: { ...process.env, PORT: '0', CRM_WEBHOOK_SECRET: secret }, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: Record<string, unknown>[] = [];
  const rl = createInterface({ input: child.stdout! });
  rl.on('line', (line) => lines.push(JSON.parse(line) as Record<string, unknown>));
  const url = await poll(() => lines.find((l) => l.listening)?.listening as string | undefined, 'the receiver to listen');
  return { url, lines, stop: async () => { child.kill('SIGTERM'); await once(child, 'exit'); } };
}

/** A receiver of our own: answers with the statuses given in turn (the last one repeats), records every request. */
async function startScripted(statuses: number[]) {
  const requests: { headers: IncomingMessage['headers']; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(statuses[Math.min(requests.length - 1, statuses.length - 1)]!).end('answer '.repeat(2000));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, requests, stop: () => new Promise<void>((r) => server.close(() => r())) };
}

/** True when one `v1=` of the header is the HMAC of `<t>.<body>` under `secret` (the example receiver checks through the SDK). */
function signedWith(secret: string, header: string, body: string): boolean {
  const t = /t=(\d+)/.exec(header)![1];
  return header.split(',').includes(`v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`);
}

async function poll<T>(read: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('signed outbound webhooks', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let admin: string;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  before(async () => {
    // 127.0.0.1 is allowed by the CIDR allow list (as an operator would allow an on-premises ERP); every other private address stays refused.
    rt = await createTestRuntime({ file: import.meta.filename, env: { WEBHOOKS_ALLOWED_CIDRS: '127.0.0.1/32', WEBHOOKS_RETRY_DELAYS: '300ms,300ms,300ms', WEBHOOKS_DISABLE_AFTER_FAILED_EVENTS: '2', JOBS_PROCESS_EVERY_MS: '100' } });
    agency = await makeAgency(rt);
    admin = agency.adminToken;
    await rt.ctx.jobs.start();
  });
  after(async () => {
    await rt.close();
  });

  const deliveries = async (token: string, id: string) => (await rt.request().get(`/v1/webhooks/${id}/deliveries`).set(auth(token))).body.data as { id: string; eventId: string; state: string; resourceId: string | null; attempts: { status: number | null }[]; replayOf: string | null; eventType: string }[];

  it('should refuse private, loopback, link-local, CGNAT, metadata and non-http targets, naming the field, and store nothing', async () => {
    for (const url of ['http://10.0.0.5/hook', 'http://169.254.169.254/latest/meta-data', 'http://[::1]/hook', 'http://[::ffff:127.0.0.2]/hook', 'http://[::ffff:a9fe:a9fe]/hook', 'http://100.64.1.1/', 'http://224.0.0.1/', 'http://[fe80::1]/', 'http://[fd00:ec2::254]/', 'ftp://127.0.0.1/', 'http://user:pw@127.0.0.1/']) {
      const res = await rt.request().post('/v1/webhooks').set(auth(admin)).send({ url, kinds: ['contact'] });
      assert.equal(res.status, 400, `${url}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.errors[0].field, 'url', url);
    }
    assert.equal((await rt.request().get('/v1/webhooks').set(auth(admin))).body.data.length, 0);
    // Without the allow setting, 127.0.0.1 itself is refused, and so is a name that resolves to it (at delivery time too).
    const strict = { allowPrivate: false, allowedCidrs: [] };
    assert.equal(isRefusedAddress('127.0.0.1', strict), true);
    assert.equal(isRefusedAddress('::ffff:7f00:1', strict), true);
    assert.equal(isRefusedAddress('93.184.216.34', strict), false);
    assert.equal(isRefusedAddress('2606:4700::1', strict), false);
    assert.equal(isRefusedAddress('127.0.0.1', { allowPrivate: true, allowedCidrs: [] }), false);
    await assert.rejects(resolveTarget(new URL('http://localhost:9/'), strict), /private, loopback/);
    const target = await startScripted([200]);
    const sent = await sendDelivery({ url: target.url.replace('127.0.0.1', 'localhost'), headers: {}, body: '{}', timeoutMs: 2000, policy: strict });
    assert.match(sent.error ?? '', /private, loopback/);
    assert.equal(target.requests.length, 0, 'nothing reached the private address');
    await target.stop();
  });

  it('should deliver a signed event that the example receiver verifies, never return the secret, and replay with the same event id', async () => {
    const created = await rt.request().post('/v1/webhooks').set(auth(admin)).set('Idempotency-Key', 'create-receiver-1').send({ url: 'http://127.0.0.1:1/placeholder', kinds: ['contact'], actions: ['created'], description: 'ERP' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const secret = created.body.secret as string;
    assert.match(secret, /^whsec_[A-Za-z0-9_-]{43}$/);
    const receiver = await startReceiver(secret);
    try {
      const moved = await rt.request().patch(`/v1/webhooks/${created.body.id}`).set(auth(admin)).set('If-Match', `"${created.body.version}"`).send({ url: receiver.url });
      assert.equal(moved.status, 200, JSON.stringify(moved.body));
      // The secret is never answered again, and is stored sealed.
      for (const res of [moved, await rt.request().get(`/v1/webhooks/${created.body.id}`).set(auth(admin)), await rt.request().get('/v1/webhooks').set(auth(admin))]) {
        assert.equal(JSON.stringify(res.body).includes(secret), false);
        assert.equal(JSON.stringify(res.body).includes('sealed'), false);
      }
      const retried = await rt.request().post('/v1/webhooks').set(auth(admin)).set('Idempotency-Key', 'create-receiver-1').send({ url: 'http://127.0.0.1:1/placeholder', kinds: ['contact'], actions: ['created'], description: 'ERP' });
      assert.equal(retried.status, 409, 'a retried create is refused, not replayed with the secret');
      assert.equal(JSON.stringify(retried.body).includes(secret), false);
      const stored = await webhookSubscriptionModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(agency.tenantId), _id: new Types.ObjectId(created.body.id as string) }).lean();
      assert.equal(stored!.secrets.length, 1);
      assert.equal(JSON.stringify(stored).includes(secret), false, 'the database holds only the sealed secret');

      const contact = await rt.request().post('/v1/contacts').set(auth(admin)).send({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.test' });
      assert.equal(contact.status, 201, JSON.stringify(contact.body));
      const handled = await poll(() => receiver.lines.find((l) => l.resourceId === contact.body.id && l.handled), 'the receiver to handle the event');
      assert.equal(handled.type, 'contact.created');
      // The receiver has it before the sender has logged the answer: wait for the delivery's state.
      const delivery = await poll(async () => (await deliveries(admin, created.body.id)).find((d) => d.state === 'succeeded'), 'the delivery to be logged as succeeded');
      assert.equal((await deliveries(admin, created.body.id)).length, 1);
      assert.equal(delivery.eventId, handled.handled);
      const detail = (await rt.request().get(`/v1/webhooks/${created.body.id}/deliveries/${delivery.id}`).set(auth(admin))).body;
      assert.equal(detail.attempts[0].status, 200);
      assert.equal(detail.attempts[0].requestHeaders['Crm-Event-Id'], delivery.eventId);
      assert.equal(detail.attempts[0].requestHeaders['Crm-Delivery-Id'], delivery.id);
      assert.match(detail.attempts[0].requestHeaders['Crm-Signature'], /^t=\d+,v1=[0-9a-f]{64}$/);
      assert.equal(JSON.parse(detail.body).data.object.firstName, 'Ada');
      assert.equal(JSON.parse(detail.body).data.object.id, contact.body.id);
      assert.equal(signedWith(secret, detail.attempts[0].requestHeaders['Crm-Signature'], detail.body), true);
      // An update is not among the subscribed actions.
      await rt.request().patch(`/v1/contacts/${contact.body.id}`).set(auth(admin)).send({ jobTitle: 'Analyst' });

      // The receiver refuses a forged signature and an old (replayed) timestamp.
      const forged = await fetch(receiver.url, { method: 'POST', headers: { 'Crm-Signature': signatureHeader(['whsec_wrong'], Math.floor(Date.now() / 1000), detail.body), 'Crm-Event-Id': 'evt_x' }, body: detail.body });
      assert.equal(forged.status, 400);
      const stale = await fetch(receiver.url, { method: 'POST', headers: { 'Crm-Signature': signatureHeader([secret], Math.floor(Date.now() / 1000) - 3600, detail.body), 'Crm-Event-Id': delivery.eventId }, body: detail.body });
      assert.equal(stale.status, 400);
      assert.equal(((await stale.json()) as { error: string }).error, 'timestamp_out_of_tolerance');

      // Replay: a new delivery id, the same event id; the receiver sees a duplicate and handles it once.
      const replay = await rt.request().post(`/v1/webhooks/${created.body.id}/deliveries/${delivery.id}/replay`).set(auth(admin));
      assert.equal(replay.status, 201, JSON.stringify(replay.body));
      assert.notEqual(replay.body.id, delivery.id);
      assert.equal(replay.body.eventId, delivery.eventId);
      await poll(() => receiver.lines.find((l) => l.duplicate === delivery.eventId && l.deliveryId === replay.body.id), 'the replay to arrive');
      const range = await rt.request().post(`/v1/webhooks/${created.body.id}/replay`).set(auth(admin)).send({ from: new Date(Date.now() - 600_000).toISOString(), to: new Date(Date.now() + 1000).toISOString() });
      assert.equal(range.status, 202, JSON.stringify(range.body));
      assert.equal(range.body.replayed, 1, 'one event in the range, replayed once');
      await poll(async () => (await deliveries(admin, created.body.id)).filter((d) => d.state === 'succeeded').length === 3, 'the range replay to be delivered');
      assert.equal(receiver.lines.filter((l) => l.handled === delivery.eventId).length, 1, 'handled once for three deliveries');
      assert.equal((await deliveries(admin, created.body.id)).every((d) => d.eventType === 'contact.created'), true, 'no update was delivered');

      // Rotation: the next delivery is signed with both secrets, so the receiver with the old one still accepts it.
      const rotated = await rt.request().post(`/v1/webhooks/${created.body.id}/rotate-secret`).set(auth(admin)).send({});
      assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
      assert.notEqual(rotated.body.secret, secret);
      assert.ok(Date.parse(rotated.body.previousSecretExpiresAt) > Date.now() + 23 * 3_600_000);
      const ping = await rt.request().post(`/v1/webhooks/${created.body.id}/ping`).set(auth(admin));
      assert.equal(ping.status, 201);
      await poll(() => receiver.lines.find((l) => l.handled === ping.body.eventId), 'the ping signed with both secrets');
      // The receiver has it; the delivery's attempt is logged once its answer is back.
      const pinged = await poll(async () => {
        const read = (await rt.request().get(`/v1/webhooks/${created.body.id}/deliveries/${ping.body.id}`).set(auth(admin))).body as { attempts?: { requestHeaders: Record<string, string> }[]; body: string };
        return read.attempts?.[0] ? { attempt: read.attempts[0], body: read.body } : undefined;
      }, 'the ping attempt to be logged');
      const header = pinged.attempt.requestHeaders['Crm-Signature'] as string;
      assert.equal(header.split(',').filter((p) => p.startsWith('v1=')).length, 2);
      assert.equal(signedWith(rotated.body.secret, header, pinged.body), true);
      assert.equal(signedWith(secret, header, pinged.body), true);
      // Ending the overlap now: the old secret no longer signs, and the receiver that still holds it refuses.
      await rt.request().post(`/v1/webhooks/${created.body.id}/rotate-secret`).set(auth(admin)).send({ overlapHours: 0 });
      const late = await rt.request().post(`/v1/webhooks/${created.body.id}/ping`).set(auth(admin));
      await poll(() => receiver.lines.find((l) => l.rejected === late.body.id && l.reason === 'no_matching_signature'), 'the receiver to refuse the new signature');
      await rt.request().patch(`/v1/webhooks/${created.body.id}`).set(auth(admin)).send({ active: false });
    } finally {
      await receiver.stop();
    }
  });

  it('should retry after a 500 with backoff and succeed, keeping both answers in the log', async () => {
    const target = await startScripted([500, 200]);
    const created = await rt.request().post('/v1/webhooks').set(auth(admin)).send({ url: target.url, kinds: ['lead'] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const lead = await rt.request().post('/v1/leads').set(auth(admin)).send({ firstName: 'R', lastName: 'Etry', email: 'r@retry.test' });
    assert.equal(lead.status, 201, JSON.stringify(lead.body));
    const done = await poll(async () => (await deliveries(admin, created.body.id)).find((d) => d.state === 'succeeded'), 'the retry to succeed');
    assert.deepEqual(done.attempts.map((a) => a.status), [500, 200]);
    assert.equal(target.requests.length, 2);
    assert.equal(target.requests[0]!.headers['crm-event-id'], target.requests[1]!.headers['crm-event-id'], 'a retry is the same event');
    const detail = (await rt.request().get(`/v1/webhooks/${created.body.id}/deliveries/${done.id}`).set(auth(admin))).body;
    assert.equal(detail.attempts[0].responseBody.length, 4096, 'the first 4 KB of the answer');
    assert.ok(detail.attempts[0].durationMs >= 0);
    await target.stop();
  });

  it('should turn a subscription off after events fail on every attempt, and tell its owner in the app and by email', async () => {
    const target = await startScripted([503]);
    const created = await rt.request().post('/v1/webhooks').set(auth(admin)).send({ url: target.url, kinds: ['task'] });
    for (const title of ['First', 'Second']) {
      assert.equal((await rt.request().post('/v1/tasks').set(auth(admin)).send({ title, kind: 'todo', dueAt: new Date(Date.now() + 86_400_000).toISOString() })).status, 201);
    }
    const sub = await poll(async () => {
      const res = await rt.request().get(`/v1/webhooks/${created.body.id}`).set(auth(admin));
      return res.body.active === false ? res.body : undefined;
    }, 'the subscription to be disabled', 60_000);
    assert.match(sub.disabledReason, /2 events in a row/);
    assert.equal(target.requests.length, 8, 'four attempts for each of the two events');
    const inbox = await rt.request().get('/v1/notifications').set(auth(admin));
    // Turned off once (a version claim), however many failing events decided it: one notice, not one per event.
    assert.equal(inbox.body.data.filter((n: { category: string; resourceId: string }) => n.category === 'webhook.disabled' && n.resourceId === created.body.id).length, 1);
    await waitForMail(rt, agency.adminEmail, (m) => m.subject.includes('was turned off'));
    await target.stop();
  });

  it('should apply one of eight changes made at once from the same version and answer the others 412', async () => {
    const created = await rt.request().post('/v1/webhooks').set(auth(admin)).send({ url: 'http://127.0.0.1:1/placeholder', kinds: ['contact'], description: 'Before' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => `Change ${i + 1}`).map((description) => rt.request().patch(`/v1/webhooks/${created.body.id}`).set(auth(admin)).set('If-Match', `"${created.body.version}"`).send({ description })),
    );
    const statuses = answers.map((a) => a.status).sort();
    assert.deepEqual(statuses, [200, 412, 412, 412, 412, 412, 412, 412], JSON.stringify(answers.map((a) => a.body)));
    const winner = answers.find((a) => a.status === 200)!.body;
    const stored = (await rt.request().get(`/v1/webhooks/${created.body.id}`).set(auth(admin))).body;
    assert.equal(stored.version, created.body.version + 1);
    assert.equal(stored.description, winner.description, 'the stored change is the one answered 200');
  });

  it("should never deliver a record the owner's role may not see (a Sales Executive sees their own)", async () => {
    const roles = (await rt.request().get('/v1/roles').set(auth(admin))).body.data as { id: string; key: string; permissions: { resource: string; actions: string[] }[] }[];
    const se = roles.find((r) => r.key === 'SE')!;
    const granted = await rt.request().patch(`/v1/roles/${se.id}`).set(auth(admin)).send({ permissions: [...se.permissions, { resource: 'webhook', actions: ['create', 'read', 'update', 'delete'] }] });
    assert.equal(granted.status, 200, JSON.stringify(granted.body));
    const user = await makeUser(rt, agency, { role: 'SE' });
    const token = await signIn(rt, user.email);
    const target = await startScripted([200]);
    const created = await rt.request().post('/v1/webhooks').set(auth(token)).send({ url: target.url, kinds: ['contact'] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.ownerId, String(user.id));

    const hidden = await rt.request().post('/v1/contacts').set(auth(admin)).send({ firstName: 'Hidden', lastName: 'Admin-owned', email: 'hidden@example.test' });
    const theirs = await rt.request().post('/v1/contacts').set(auth(admin)).send({ firstName: 'Visible', lastName: 'SE-owned', email: 'visible@example.test', ownerId: String(user.id) });
    assert.equal(theirs.status, 201, JSON.stringify(theirs.body));
    await poll(() => target.requests.find((r) => JSON.parse(r.body).resourceId === theirs.body.id), 'the visible record to arrive');
    const log = await deliveries(token, created.body.id);
    assert.deepEqual(log.map((d) => d.resourceId), [theirs.body.id]);
    assert.equal(target.requests.some((r) => r.body.includes(hidden.body.id as string) || r.body.includes('Admin-owned')), false);
    // The admin's own subscriptions are not theirs to see.
    assert.equal((await rt.request().get('/v1/webhooks').set(auth(token))).body.data.length, 1);

    // Visibility is checked again when sending: once the record is handed to the admin, a replay is skipped, its body dropped.
    const adminUser = await userModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(agency.tenantId), emailNormalized: agency.adminEmail.toLowerCase() }).lean();
    const reassigned = await rt.request().patch(`/v1/contacts/${theirs.body.id}`).set(auth(admin)).send({ ownerId: String(adminUser!._id) });
    assert.equal(reassigned.status, 200, JSON.stringify(reassigned.body));
    const replay = await rt.request().post(`/v1/webhooks/${created.body.id}/deliveries/${log[0]!.id}/replay`).set(auth(token));
    assert.equal(replay.status, 201);
    const skipped = await poll(async () => {
      const d = await webhookDeliveryModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(agency.tenantId), _id: new Types.ObjectId(replay.body.id as string) }).lean();
      return d?.state === 'skipped' ? d : undefined;
    }, 'the replay to be skipped');
    assert.equal(skipped.body, '{}');
    assert.equal(target.requests.length, 1, 'nothing more was sent');
    await target.stop();
  });
});
