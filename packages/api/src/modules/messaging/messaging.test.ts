import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { startSmtpSink, type SmtpSink } from '../../platform/mail/smtp-sink.js';
import { mailSettingsModel } from '../mail-settings/mail-settings.model.js';
import { createDeliveryLedger } from './delivery.ledger.js';
import { deliveryAttemptModel, deliveryIdFor, deliveryKey, deliveryModel, sendModel, sendRunModel, subscriptionModel, type Delivery } from './messaging.model.js';

async function until(check: () => Promise<boolean>, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('templates, email, subscriptions and greetings', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let sink: SmtpSink;
  let agency: TestAgency;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const tenantId = () => new Types.ObjectId(agency.tenantId);

  before(async () => {
    sink = await startSmtpSink({ refuseRecipient: (a) => (a.startsWith('busy') ? { code: 451, message: 'try later' } : a.startsWith('gone') ? { code: 550, message: 'no such user' } : null) });
    rt = await createTestRuntime({ file: import.meta.filename, env: { SMTP_URL: sink.url, JOBS_PROCESS_EVERY_MS: '100', JOBS_LOCK_LIFETIME_MS: '2000', MAIL_RETRY_BASE_MS: '5', PUBLIC_URL: 'http://api.test' } });
    agency = await makeAgency(rt, 'Ångström & <Sons>');
    await rt.ctx.jobs.start();
  });
  after(async () => {
    await rt.close();
    await sink.stop();
  });

  const contact = async (firstName: string, email: string) => {
    const res = await rt.request().post('/v1/contacts').set(auth(agency.adminToken)).send({ firstName, lastName: 'Test', emails: [{ value: email, primary: true }] });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as string;
  };
  const template = async (extra: Record<string, unknown> = {}) => {
    const res = await rt.request().post('/v1/templates').set(auth(agency.adminToken)).send({
      name: `greeting-${new Types.ObjectId().toHexString()}`,
      category: 'greeting',
      subject: 'Happy holidays, {{recipient.firstName}}!',
      html: '<p>Dear {{recipient.firstName}},</p><p>{{formatDate when}} · {{formatNumber amount currency="EUR"}} · {{link site "our site"}}</p>',
      text: 'Dear {{recipient.firstName}}, see {{link site "our site"}}',
      ...extra,
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as string;
  };
  const greet = async (templateId: string, contactIds: string[], extra: Record<string, unknown> = {}) => {
    const res = await rt.request().post('/v1/greetings').set(auth(agency.adminToken)).send({ name: 'Holidays', templateId, targets: { contactIds }, sendAt: '2020-01-01T09:00', ...extra });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const id = res.body.id as string;
    await until(async () => (await rt.request().get(`/v1/greetings/${id}`).set(auth(agency.adminToken))).body.progress?.state === 'completed', 20_000, 'the greeting to complete');
    return (await rt.request().get(`/v1/greetings/${id}`).set(auth(agency.adminToken))).body;
  };

  it('should refuse a template that does not compile with 400 naming the part and line, and store nothing', async () => {
    const res = await rt.request().post('/v1/templates').set(auth(agency.adminToken)).send({ name: 'broken', category: 'marketing', subject: 'Hi', html: '<p>ok</p>\n<p>{{#if x}}never closed</p>', text: 'x' });
    assert.equal(res.status, 400);
    assert.equal(res.body.errors[0].field, 'html');
    assert.equal(res.body.line, 2);
    const unknownHelper = await rt.request().post('/v1/templates').set(auth(agency.adminToken)).send({ name: 'evil', category: 'marketing', subject: 'Hi', html: '{{lookup this "constructor"}}{{exec "rm"}}', text: 'x' });
    assert.equal(unknownHelper.status, 400);
    const list = await rt.request().get('/v1/templates').set(auth(agency.adminToken));
    assert.equal(list.body.data.filter((t: { name: string }) => t.name === 'broken' || t.name === 'evil').length, 0);
  });

  it('should preview a template with a real contact, escaping hostile values in HTML only', async () => {
    const id = await contact('<script>alert(1)</script>', 'preview@example.test');
    const tpl = await template({ html: '<p>{{recipient.firstName}}</p><p>{{formatNumber 1234.5}}</p>', subject: 'For {{recipient.firstName}}' });
    const res = await rt.request().post(`/v1/templates/${tpl}/preview`).set(auth(agency.adminToken)).send({ contactId: id });
    assert.equal(res.status, 200);
    assert.equal(res.body.html, '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p><p>1,234.5</p>');
    assert.equal(res.body.subject, 'For <script>alert(1)</script>');
    const other = await makeAgency(rt);
    const foreign = await rt.request().post(`/v1/templates/${tpl}/preview`).set(auth(other.adminToken)).send({ contactId: id });
    assert.equal(foreign.status, 404);
  });

  it('should store SMTP passwords encrypted and never return them', async () => {
    const res = await rt.request().put('/v1/mail-settings').set(auth(agency.adminToken)).send({ host: '127.0.0.1', port: sink.port, secure: false, username: null, password: 's3cret-p4ss', fromEmail: 'office@agency.test', fromName: 'Agency' });
    assert.equal(res.status, 200);
    assert.equal(res.body.hasPassword, true);
    assert.ok(!JSON.stringify(res.body).includes('s3cret'));
    const stored = await mailSettingsModel(rt.ctx.connection).findOne({ tenantId: tenantId(), ownerKey: 'tenant' }).lean();
    // Sealed with the current master key, named by its id (`v2:<key id>:…`, docs/encryption.md).
    assert.match(stored!.passwordSealed!, /^v2:[^:]+:/);
    assert.ok(!stored!.passwordSealed!.includes('s3cret'));
    const get = await rt.request().get('/v1/mail-settings').set(auth(agency.adminToken));
    assert.ok(!JSON.stringify(get.body).includes('s3cret') && get.body.hasPassword === true);
    // Without a username the sink takes mail without AUTH; the tenant account is now the route.
    await mailSettingsModel(rt.ctx.connection).updateOne({ tenantId: tenantId(), ownerKey: 'tenant' }, { $set: { passwordSealed: null } });
  });

  it('should send a greeting with List-Unsubscribe headers, escaped names and a working one-click unsubscribe', async () => {
    const hostile = await contact('Eve <img src=x onerror=alert(1)>', 'eve@example.test');
    const plain = await contact('Bob', 'bob@example.test');
    const tpl = await template();
    const before = sink.messages.length;
    const greeting = await greet(tpl, [hostile, plain]);
    assert.deepEqual({ total: greeting.progress.total, sent: greeting.progress.sent, failed: greeting.progress.failed }, { total: 2, sent: 2, failed: 0 });
    const mails = sink.messages.slice(before);
    assert.equal(mails.length, 2);
    const eve = mails.find((m) => m.to.includes('eve@example.test'))!;
    assert.ok(eve.html.includes('Eve &lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;'), eve.html);
    assert.ok(!eve.html.includes('<img'));
    assert.match(eve.raw, /^From: "?Agency"? <office@agency\.test>/im);
    const unfolded = eve.raw.replace(/\r?\n[ \t]+/g, ' ');
    const link = /^List-Unsubscribe: <(http:\/\/api\.test\/v1\/unsubscribe\/[^>]+)>/im.exec(unfolded)?.[1];
    assert.ok(link, 'List-Unsubscribe header');
    assert.match(unfolded, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click/im);
    assert.ok(eve.html.includes(link!.replace(/&/g, '&amp;')), 'the link is in the body too');

    const path = new URL(link!).pathname;
    const page = await rt.request().get(path);
    assert.equal(page.status, 200);
    assert.match(page.text, /<form method="post">/);
    assert.equal(await subscriptionModel(rt.ctx.connection).countDocuments({ tenantId: tenantId(), subjectId: new Types.ObjectId(hostile) }), 0, 'a GET changes nothing');
    const forged = await rt.request().post(path.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))).type('form').send('List-Unsubscribe=One-Click');
    assert.equal(forged.status, 404);
    const done = await rt.request().post(path).type('form').send('List-Unsubscribe=One-Click');
    assert.equal(done.status, 200);
    const sub = await subscriptionModel(rt.ctx.connection).findOne({ tenantId: tenantId(), subjectId: new Types.ObjectId(hostile), category: 'greeting', channel: 'email' }).lean();
    assert.equal(sub?.subscribed, false);

    const again = await greet(tpl, [hostile, plain]);
    assert.deepEqual({ sent: again.progress.sent, skipped: again.progress.skipped }, { sent: 1, skipped: 1 });
    assert.equal(sink.messages.slice(before + 2).filter((m) => m.to.includes('eve@example.test')).length, 0, 'no email after unsubscribing');
  });

  it('should let a sales person manage a contact subscription and honour the suppression list', async () => {
    const id = await contact('Sue', 'sue@example.test');
    const res = await rt.request().put(`/v1/contacts/${id}/subscriptions`).set(auth(agency.adminToken)).send({ category: 'greeting', channel: 'email', subscribed: false });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.subscriptions.map((s: { category: string; subscribed: boolean }) => [s.category, s.subscribed]), [['greeting', false]]);
    await rt.request().put(`/v1/contacts/${id}/subscriptions`).set(auth(agency.adminToken)).send({ category: 'greeting', channel: 'email', subscribed: true }).expect(200);
    await rt.request().post('/v1/suppressions').set(auth(agency.adminToken)).send({ email: 'SUE@example.test', reason: 'complaint' }).expect(201);
    const greeting = await greet(await template(), [id]);
    assert.equal(greeting.progress.skipped, 1);
    const entry = await deliveryModel(rt.ctx.connection).findOne({ tenantId: tenantId(), sendId: new Types.ObjectId(greeting.id) }).lean();
    assert.equal(entry?.state, 'skipped');
  });

  it('should retry a temporary failure with backoff and end in a visible failed state, and fail a permanent one at once', async () => {
    const busy = await contact('Busy', 'busy@example.test');
    const gone = await contact('Gone', 'gone@example.test');
    const greeting = await greet(await template(), [busy, gone]);
    assert.equal(greeting.progress.failed, 2);
    const entries = await deliveryModel(rt.ctx.connection).find({ tenantId: tenantId(), sendId: new Types.ObjectId(greeting.id) }).lean();
    const byEmail = Object.fromEntries(entries.map((e) => [e.email, e]));
    assert.equal(byEmail['busy@example.test']!.state, 'failed');
    assert.equal(byEmail['busy@example.test']!.attempts, 1, 'one claimed attempt');
    assert.equal(byEmail['busy@example.test']!.tries, 3, 'three SMTP transactions within it (4xx: the server does not have it)');
    assert.match(byEmail['busy@example.test']!.error!, /451|try later/);
    assert.equal(byEmail['gone@example.test']!.state, 'failed');
    assert.match(byEmail['gone@example.test']!.error!, /550|no such user/);
  });

  it("should send through the sending user's own mailbox when they have one (002)", async () => {
    const own = await startSmtpSink({ auth: { user: 'sam@agency.test', pass: 'mailbox-pass' } });
    try {
      const sam = await makeUser(rt, agency, { role: 'ADMIN' });
      const token = await signIn(rt, sam.email);
      const put = await rt.request().put('/v1/me/mail-settings').set(auth(token)).send({ host: '127.0.0.1', port: own.port, secure: false, username: 'sam@agency.test', password: 'mailbox-pass', fromEmail: 'sam@agency.test', fromName: 'Sam' });
      assert.equal(put.status, 200);
      assert.equal(put.body.scope, 'user');
      const id = await contact('Pat', 'pat@example.test');
      const tpl = await template();
      const res = await rt.request().post('/v1/greetings').set(auth(token)).send({ name: 'From Sam', templateId: tpl, targets: { contactIds: [id] }, sendAt: '2020-01-01T09:00', fromUser: true });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      await own.waitForCount(1);
      assert.match(own.messages[0]!.raw, /^From: "?Sam"? <sam@agency\.test>/im);
      assert.deepEqual(own.messages[0]!.to, ['pat@example.test']);
    } finally {
      await own.stop();
    }
  });

  it('should reject a second ledger entry with the same key (the unique index exactly-once stands on)', async () => {
    const Delivery = deliveryModel(rt.ctx.connection);
    const doc = { tenantId: tenantId(), key: `dup-${new Types.ObjectId().toHexString()}`, sendId: new Types.ObjectId(), recipientType: 'contact' as const, recipientId: new Types.ObjectId(), channel: 'email' as const, state: 'queued' as const };
    await Delivery.create(doc);
    await assert.rejects(Delivery.create(doc), (e: { code?: number }) => e.code === 11000);
    assert.equal(await Delivery.countDocuments({ tenantId: tenantId(), key: doc.key }), 1);
  });

  it('should claim a lot in one insert, leave an entry a live run holds, make one a dead run held uncertain, and record the outcomes in one write', async () => {
    const ledger = createDeliveryLedger(rt.ctx.connection, 3000);
    const Delivery = deliveryModel(rt.ctx.connection);
    const Attempt = deliveryAttemptModel(rt.ctx.connection);
    const sendId = new Types.ObjectId();
    const entries: Delivery[] = [0, 1, 2, 3].map(() => {
      const key = deliveryKey(sendId, 'contact', new Types.ObjectId(), 'email');
      return { _id: deliveryIdFor(key), tenantId: tenantId(), key, sendId, recipientType: 'contact', recipientId: new Types.ObjectId(), channel: 'email', email: null, state: 'queued', attempts: 0, claimedBy: null, claimedAt: null, tries: 0, error: null, messageId: null, sentAt: null, createdAt: new Date() };
    });
    await Delivery.insertMany(entries);
    // Entry 1's first attempt is held by a live run (its lease is fresh), entry 2's by a run that has no lease (dead).
    const live = await ledger.lease(tenantId(), sendId, 'live-run');
    await Attempt.insertMany([
      { _id: `${String(entries[1]!._id)}:1`, tenantId: tenantId(), sendId, deliveryId: entries[1]!._id, attempt: 1, claimedBy: 'live-run' },
      { _id: `${String(entries[2]!._id)}:1`, tenantId: tenantId(), sendId, deliveryId: entries[2]!._id, attempt: 1, claimedBy: 'dead-run' },
    ]);
    const claims = await ledger.claimMany(entries, 'this-run');
    assert.deepEqual(claims, [{ attempt: 1 }, 'held', 'done', { attempt: 1 }]);
    const attempts = await Attempt.find({ tenantId: tenantId(), sendId }).lean();
    assert.deepEqual(attempts.map((a) => `${String(a.deliveryId)}:${a.claimedBy}`).sort(), [`${String(entries[0]!._id)}:this-run`, `${String(entries[1]!._id)}:live-run`, `${String(entries[2]!._id)}:dead-run`, `${String(entries[3]!._id)}:this-run`].sort());
    await ledger.recordMany([
      { _id: entries[0]!._id, set: { state: 'sent', attempts: 1, claimedBy: 'this-run', tries: 1 } },
      { _id: entries[3]!._id, set: { state: 'failed', attempts: 1, claimedBy: 'this-run', tries: 3, error: '550' } },
    ]);
    const states = new Map((await Delivery.find({ tenantId: tenantId(), sendId }).lean()).map((e) => [String(e._id), e.state]));
    assert.deepEqual(entries.map((e) => states.get(String(e._id))), ['sent', 'queued', 'uncertain', 'failed']);
    await live.end();
  });

  it('should take a segment as its members when a greeting is scheduled, and refuse a segment nobody can see', async () => {
    const tpl = await template();
    const tag = `seg-${Date.now()}`;
    const members = [];
    for (const name of ['Ada', 'Bea', 'Cid']) {
      const created = await rt.request().post('/v1/contacts').set(auth(agency.adminToken)).send({ firstName: name, lastName: 'Segmented', tags: [tag], emails: [{ label: 'work', value: `${name.toLowerCase()}.${tag}@example.test`, primary: true }] });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      members.push(created.body.id as string);
    }
    const extra = await contact('Listed', `listed.${tag}@example.test`);
    const segment = await rt.request().post('/v1/segments').set(auth(agency.adminToken)).send({ name: 'Tagged', resource: 'contact', filters: { tag } });
    assert.equal(segment.status, 201, JSON.stringify(segment.body));
    const res = await rt.request().post('/v1/greetings').set(auth(agency.adminToken)).send({ name: 'To a segment', templateId: tpl, targets: { segmentId: segment.body.id, contactIds: [extra, members[0]] }, sendAt: '2099-12-24T09:00' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.targets.segmentId, segment.body.id);
    assert.deepEqual([...res.body.targets.contactIds].sort(), [...members, extra].sort(), 'members and the listed contact, each once');
    assert.equal(res.body.progress.total, members.length + 1);
    await rt.request().post(`/v1/greetings/${res.body.id}/cancel`).set(auth(agency.adminToken));

    const other = await makeAgency(rt);
    const theirs = await rt.request().post('/v1/segments').set(auth(other.adminToken)).send({ name: 'Theirs', resource: 'contact', filters: { tag } });
    const refused = await rt.request().post('/v1/greetings').set(auth(agency.adminToken)).send({ name: 'Nope', templateId: tpl, targets: { segmentId: theirs.body.id }, sendAt: '2099-12-24T09:00' });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.errors[0].field, 'targets.segmentId');
  });

  it('should schedule a greeting at a local time in the agency time zone', async () => {
    const tpl = await template();
    const id = await contact('Later', 'later@example.test');
    const res = await rt.request().post('/v1/greetings').set(auth(agency.adminToken)).send({ name: 'NY', templateId: tpl, targets: { contactIds: [id] }, sendAt: '2099-12-24T09:00' });
    assert.equal(res.status, 201);
    assert.equal(res.body.sendAt, '2099-12-24T09:00:00.000Z'); // the new agency's zone is UTC
    const cancel = await rt.request().post(`/v1/greetings/${res.body.id}/cancel`).set(auth(agency.adminToken));
    assert.equal(cancel.body.progress.state, 'canceled');
    assert.equal((await sendModel(rt.ctx.connection).findOne({ tenantId: tenantId(), _id: new Types.ObjectId(res.body.id) }).lean())?.state, 'canceled');
  });

  it('should forget the ledger of a send that ended long ago, keep its counts, and leave a running send alone', async () => {
    const tpl = await template();
    const done = await greet(tpl, [await contact('Ledger', 'ledger@example.test')]);
    const Delivery = deliveryModel(rt.ctx.connection);
    const Send = sendModel(rt.ctx.connection);
    const ofSend = (id: string) => Delivery.countDocuments({ tenantId: tenantId(), sendId: new Types.ObjectId(id) });
    assert.equal(await ofSend(done.id), 1);
    // A send still running (its ledger is what keeps it exactly once) with an entry of its own.
    const running = await Send.create({ tenantId: tenantId(), name: 'Running', templateId: new Types.ObjectId(tpl), category: 'greeting', targets: { segmentId: null, contactIds: [], customerIds: [] }, sendAt: new Date(), timeZone: 'UTC', createdBy: new Types.ObjectId(), state: 'running' });
    const key = `${String(running._id)}:contact:${new Types.ObjectId().toHexString()}:email`;
    await Delivery.create({ tenantId: tenantId(), key, sendId: running._id, recipientType: 'contact', recipientId: new Types.ObjectId(), channel: 'email', email: 'x@example.test', state: 'queued' });

    const { pruneDeliveryLedger } = await import('./delivery.engine.js');
    assert.equal((await pruneDeliveryLedger(rt.ctx.connection, new Date(), 180)).sends, 0, 'within the retention nothing goes');
    assert.equal(await ofSend(done.id), 1);
    const later = new Date(Date.now() + 181 * 86_400_000);
    const pruned = await pruneDeliveryLedger(rt.ctx.connection, later, 180);
    assert.ok(pruned.sends >= 1 && pruned.entries >= 1, JSON.stringify(pruned));
    assert.equal(await ofSend(done.id), 0);
    assert.equal(await ofSend(String(running._id)), 1, 'a running send keeps its ledger');
    const after = await rt.request().get(`/v1/greetings/${done.id}`).set(auth(agency.adminToken));
    assert.deepEqual(after.body.progress, done.progress, 'the counts stay on the send');
    assert.equal((await pruneDeliveryLedger(rt.ctx.connection, later, 180)).sends, 0, 'each send is pruned once');
    assert.equal(await deliveryAttemptModel(rt.ctx.connection).countDocuments({ tenantId: tenantId(), sendId: new Types.ObjectId(done.id) }), 0, 'its claims go with it');
    await Send.deleteOne({ tenantId: tenantId(), _id: running._id });
    await Delivery.deleteOne({ tenantId: tenantId(), key });
  });

  it('should forget dead runs’ leases and the old takeover rows after a day, whatever state their send is in', async () => {
    const { pruneDeliveryLedger, LEGACY_TAKEOVERS } = await import('./delivery.ledger.js');
    const Run = sendRunModel(rt.ctx.connection);
    const takeovers = rt.ctx.connection.collection(LEGACY_TAKEOVERS);
    const sendId = new Types.ObjectId();
    const now = Date.now();
    const dayAndMinute = 86_460_000;
    // A running send: one run died two days ago, one is alive.
    await Run.create({ _id: `dead-${String(sendId)}`, tenantId: tenantId(), sendId, heartbeatAt: new Date(now - 2 * 86_400_000) });
    await Run.create({ _id: `live-${String(sendId)}`, tenantId: tenantId(), sendId, heartbeatAt: new Date(now) });
    // Rows the ledger wrote before claims became attempts: one a day old, one from a minute ago.
    const oldRow = `${String(new Types.ObjectId())}:old-worker:1`;
    const freshRow = `${String(new Types.ObjectId())}:old-worker:2`;
    await takeovers.insertMany([
      { _id: oldRow as never, tenantId: tenantId(), deliveryId: new Types.ObjectId(), claimedBy: 'old-worker', createdAt: new Date(now - dayAndMinute) },
      { _id: freshRow as never, tenantId: tenantId(), deliveryId: new Types.ObjectId(), claimedBy: 'old-worker', createdAt: new Date(now - 60_000) },
    ]);

    const pruned = await pruneDeliveryLedger(rt.ctx.connection, new Date(now), 90);
    assert.ok(pruned.leases >= 1 && pruned.takeovers >= 1, JSON.stringify(pruned));
    const leases = await Run.find({ sendId }).setOptions({ crossTenant: 'test reads its own runs' }).lean();
    assert.deepEqual(leases.map((r) => r._id), [`live-${String(sendId)}`], 'only the dead run’s lease goes');
    assert.equal(await takeovers.countDocuments({ _id: oldRow as never }), 0);
    assert.equal(await takeovers.countDocuments({ _id: freshRow as never }), 1, 'a row a worker of the previous version may still race on stays a day');
    assert.equal((await pruneDeliveryLedger(rt.ctx.connection, new Date(now), 90)).takeovers, 0, 'nothing left to forget');
    await Run.deleteMany({ sendId }).setOptions({ crossTenant: 'test cleanup' });
    await takeovers.deleteMany({});
  });
});
