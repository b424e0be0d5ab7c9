import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CommandStartedEvent, CommandSucceededEvent } from 'mongodb';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, type TestAgency } from '../../testing/index.js';
import { tenantModel } from '../identity/tenant.model.js';
import { auditEntryModel, auditHeadModel, blockOf } from './audit.model.js';
import { entryHash } from './audit.chain.js';
import { createAuditService, pruneAudit } from './audit.service.js';

describe('audit trail: append-only, hash-chained, verifiable', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let tenantId: Types.ObjectId;
  const auth = () => ({ Authorization: `Bearer ${agency.adminToken}` });

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt);
    tenantId = new Types.ObjectId(agency.tenantId);
  });
  after(() => rt.close());

  it('should record sign-ins and failed sign-ins with who, what and from where', async () => {
    await rt.request().post('/v1/auth/login').set('User-Agent', 'audit-test/1').set('X-Forwarded-For', '10.1.2.3').send({ email: agency.adminEmail, password: 'wrong-password-9' });
    const res = await rt.request().get('/v1/audit?type=auth.login_failed').set(auth());
    assert.equal(res.status, 200);
    assert.equal(res.body.object, 'list');
    const entry = res.body.data[0];
    assert.equal(entry.resource, 'user');
    assert.equal(entry.actor.ip, '10.1.2.3');
    assert.equal(entry.actor.userAgent, 'audit-test/1');
    const registered = await rt.request().get('/v1/audit?type=tenant.registered').set(auth());
    assert.equal(registered.body.data.length, 1);
  });

  it('should keep the chain unforked under concurrent writers', async () => {
    const audit = createAuditService({ connection: rt.ctx.connection });
    const before = await auditEntryModel(rt.ctx.connection).countDocuments({ tenantId });
    await Promise.all(Array.from({ length: 25 }, (_, i) => audit.append({ type: 'test.concurrent', tenantId, resource: 'test', resourceId: String(i), actor: null, at: new Date() })));
    const entries = await auditEntryModel(rt.ctx.connection).find({ tenantId }).sort({ seq: 1 }).lean();
    assert.equal(entries.length, before + 25);
    assert.deepEqual(entries.map((e) => e.seq), entries.map((_, i) => i + 1));
    const verify = await rt.request().get('/v1/audit/verify').set(auth());
    assert.equal(verify.status, 200);
    assert.equal(verify.body.ok, true, JSON.stringify(verify.body));
    assert.ok(verify.body.checked >= entries.length);
  });

  it('should enforce the unique (tenantId, seq) index on the database', async () => {
    const Entry = auditEntryModel(rt.ctx.connection);
    const first = await Entry.findOne({ tenantId, seq: 1 }).lean();
    await assert.rejects(Entry.collection.insertOne({ ...first!, _id: new Types.ObjectId() }), (error: { code?: number }) => error.code === 11000);
  });

  it('should filter by actor, resource, record and time, and page with a cursor', async () => {
    const me = await rt.request().get('/v1/me').set(auth());
    const page1 = await rt.request().get('/v1/audit?resource=test&limit=10').set(auth());
    assert.equal(page1.body.data.length, 10);
    assert.equal(page1.body.hasMore, true);
    const page2 = await rt.request().get(`/v1/audit?resource=test&limit=10&cursor=${page1.body.nextCursor}`).set(auth());
    assert.ok(page2.body.data[0].seq < page1.body.data[9].seq);
    const one = await rt.request().get('/v1/audit?resource=test&resourceId=7').set(auth());
    assert.equal(one.body.data.length, 1);
    const future = await rt.request().get(`/v1/audit?from=${new Date(Date.now() + 3600_000).toISOString()}`).set(auth());
    assert.equal(future.body.data.length, 0);
    const byActor = await rt.request().get(`/v1/audit?actor=${me.body.user.id}&type=tenant.registered`).set(auth());
    assert.equal(byActor.body.data.length, 1);
  });

  it('should offer no route that edits or deletes entries', async () => {
    const entry = (await rt.request().get('/v1/audit?limit=1').set(auth())).body.data[0];
    for (const method of ['patch', 'put', 'delete'] as const) {
      const res = await rt.request()[method](`/v1/audit/${entry.id}`).set(auth()).send({});
      assert.equal(res.status, 404);
    }
  });

  it('should report the first altered entry and the first missing entry', async () => {
    const other = await makeAgency(rt);
    const otherId = new Types.ObjectId(other.tenantId);
    const audit = createAuditService({ connection: rt.ctx.connection });
    for (let i = 0; i < 5; i += 1) await audit.append({ type: 'test.tamper', tenantId: otherId, resource: 'test', resourceId: String(i), actor: null, at: new Date() });
    const Entry = auditEntryModel(rt.ctx.connection);
    await Entry.collection.updateOne({ tenantId: otherId, seq: 3 }, { $set: { resourceId: 'forged' } });
    const altered = await audit.verify(otherId);
    assert.equal(altered.ok, false);
    assert.equal(altered.brokenAt, 3);
    assert.equal(altered.reason, 'altered');
    await Entry.collection.deleteOne({ tenantId: otherId, seq: 3 });
    const missing = await audit.verify(otherId);
    assert.equal(missing.brokenAt, 3);
    assert.equal(missing.reason, 'missing');
    // Cutting off the newest sealed entries is caught by the head's sealed point.
    const third = await makeAgency(rt);
    const thirdId = new Types.ObjectId(third.tenantId);
    await audit.append({ type: 'test.tail', tenantId: thirdId, resource: 'test', resourceId: null, actor: null, at: new Date() });
    await audit.seal(thirdId);
    const last = await Entry.findOne({ tenantId: thirdId }).sort({ seq: -1 }).lean();
    await Entry.collection.deleteOne({ _id: last!._id });
    const tail = await audit.verify(thirdId);
    assert.equal(tail.ok, false);
    assert.equal(tail.brokenAt, last!.seq);
  });

  it('should prune entries older than the retention and still verify from the anchor', async () => {
    const fresh = await makeAgency(rt);
    const freshId = new Types.ObjectId(fresh.tenantId);
    const audit = createAuditService({ connection: rt.ctx.connection });
    const old = new Date(Date.now() - 400 * 24 * 3600 * 1000);
    for (let i = 0; i < 4; i += 1) await audit.append({ type: 'test.old', tenantId: freshId, resource: 'test', resourceId: String(i), actor: null, at: old });
    await audit.append({ type: 'test.new', tenantId: freshId, resource: 'test', resourceId: 'new', actor: null, at: new Date() });
    await tenantModel(rt.ctx.connection).updateOne({ _id: freshId }, { $set: { 'settings.auditRetentionMonths': 12 } });
    const result = await pruneAudit(rt.ctx.connection, freshId);
    assert.ok(result.deleted >= 4);
    const oldLeft = await auditEntryModel(rt.ctx.connection).countDocuments({ tenantId: freshId, type: 'test.old' });
    assert.equal(oldLeft, 0);
    const verify = await audit.verify(freshId);
    assert.equal(verify.ok, true, JSON.stringify(verify));
    assert.equal(verify.anchor.seq, result.anchorSeq);
    await audit.append({ type: 'test.after', tenantId: freshId, resource: 'test', resourceId: null, actor: null, at: new Date() });
    assert.equal((await audit.verify(freshId)).ok, true);
  });

  it('should audit every one of 10 concurrent contact updates of one agency, and the chain should verify', async () => {
    const fresh = await makeAgency(rt);
    const freshId = new Types.ObjectId(fresh.tenantId);
    const token = { Authorization: `Bearer ${fresh.adminToken}` };
    const created = await Promise.all(Array.from({ length: 10 }, (_, i) => rt.request().post('/v1/contacts').set(token).send({ firstName: `Writer${i}`, lastName: 'Concurrent' })));
    assert.deepEqual(created.map((r) => r.status), Array(10).fill(201));
    const updated = await Promise.all(created.map((r, i) => rt.request().patch(`/v1/contacts/${r.body.id}`).set(token).send({ lastName: `Concurrent${i}` })));
    assert.deepEqual(updated.map((r) => r.status), Array(10).fill(200));
    const Entry = auditEntryModel(rt.ctx.connection);
    const updates = await Entry.find({ tenantId: freshId, type: 'contact.updated' }).lean();
    assert.deepEqual(updates.map((e) => e.resourceId).sort(), created.map((r) => r.body.id).sort());
    // Appends leave entries unsealed; verification seals them into one chain with no gap and no fork.
    const verify = await rt.request().get('/v1/audit/verify').set(token);
    assert.equal(verify.body.ok, true, JSON.stringify(verify.body));
    const all = await Entry.find({ tenantId: freshId }).sort({ seq: 1 }).lean();
    assert.deepEqual(all.map((e) => e.seq), all.map((_, i) => i + 1));
    assert.equal(all.filter((e) => e.sealed === false).length, 0);
    for (const [i, e] of all.entries()) if (i > 0) assert.equal(e.prevHash, all[i - 1]!.hash);
    assert.equal(verify.body.checked, all.length);
  });

  it('should detect an entry altered after sealing and one altered before sealing', async () => {
    const fresh = await makeAgency(rt);
    const freshId = new Types.ObjectId(fresh.tenantId);
    const audit = createAuditService({ connection: rt.ctx.connection });
    const Entry = auditEntryModel(rt.ctx.connection);
    for (let i = 0; i < 4; i += 1) await audit.append({ type: 'test.sealed', tenantId: freshId, resource: 'test', resourceId: String(i), actor: null, at: new Date() });
    assert.ok((await audit.seal(freshId)).sealed >= 4);
    await audit.append({ type: 'test.unsealed', tenantId: freshId, resource: 'test', resourceId: 'u', actor: null, at: new Date() });
    const unsealed = await Entry.findOne({ tenantId: freshId, type: 'test.unsealed' }).lean();
    assert.equal(unsealed!.sealed, false);
    // Forged while unsealed: its own hash no longer matches, so it is never sealed and verify names it.
    await Entry.collection.updateOne({ _id: unsealed!._id }, { $set: { resourceId: 'forged' } });
    const early = await audit.verify(freshId);
    assert.equal(early.ok, false);
    assert.equal(early.reason, 'altered');
    assert.equal(early.brokenAt, unsealed!.seq);
    assert.equal((await Entry.findOne({ tenantId: freshId, _id: unsealed!._id }).lean())!.sealed, false);
    // Forged after sealing: the chain breaks at that entry.
    const sealedEntry = await Entry.findOne({ tenantId: freshId, type: 'test.sealed', resourceId: '2' }).lean();
    await Entry.collection.updateOne({ _id: sealedEntry!._id }, { $set: { data: { forged: true } } });
    const late = await audit.verify(freshId);
    assert.equal(late.ok, false);
    assert.equal(late.reason, 'altered');
    assert.equal(late.brokenAt, sealedEntry!.seq);
  });

  it('should record a seq that was claimed but never written as a gap once it is older than the grace', async () => {
    const fresh = await makeAgency(rt);
    const freshId = new Types.ObjectId(fresh.tenantId);
    const audit = createAuditService({ connection: rt.ctx.connection });
    const Entry = auditEntryModel(rt.ctx.connection);
    await audit.seal(freshId);
    const top = (await Entry.findOne({ tenantId: freshId }).sort({ seq: -1 }).lean())!.seq;
    // Another process claimed `lost` and died before inserting, while the seq after it was written.
    const lost = top + 1;
    const after = { _id: new Types.ObjectId(), tenantId: freshId, seq: lost + 1, block: blockOf(lost + 1), type: 'test.after-gap', resource: 'test', resourceId: null, actorUserId: null, actorApiKeyId: null, ip: null, userAgent: null, changes: [], data: null, at: new Date(), prevHash: '', hash: '', sealed: false };
    after.hash = entryHash('', after);
    await Entry.collection.insertOne(after);
    assert.equal((await audit.seal(freshId)).sealed, 0, 'a young gap may still be filled by its writer');
    assert.equal((await audit.seal(freshId, Date.now() + 120_000)).sealed, 2);
    const gap = await Entry.findOne({ tenantId: freshId, seq: lost }).lean();
    assert.equal(gap!.type, 'audit.gap');
    const verify = await audit.verify(freshId);
    assert.equal(verify.ok, true, JSON.stringify(verify));
    assert.equal(verify.lastSeq, lost + 1);
  });

  it('should give 400 appends at 50 concurrent 400 distinct consecutive seqs, and verify them quickly', async () => {
    const fresh = await makeAgency(rt);
    const freshId = new Types.ObjectId(fresh.tenantId);
    const Entry = auditEntryModel(rt.ctx.connection);
    // Two service instances stand for two processes: their seq hints collide and the unique index decides.
    const writers = [createAuditService({ connection: rt.ctx.connection }), createAuditService({ connection: rt.ctx.connection })];
    const before = await Entry.countDocuments({ tenantId: freshId });
    let next = 0;
    await Promise.all(
      Array.from({ length: 50 }, async (_, worker) => {
        while (next < 400) {
          const i = next++;
          await writers[worker % 2]!.append({ type: 'test.burst', tenantId: freshId, resource: 'test', resourceId: String(i), actor: null, at: new Date() });
        }
      }),
    );
    const entries = await Entry.find({ tenantId: freshId }).lean();
    assert.equal(entries.length, before + 400);
    assert.deepEqual(entries.map((e) => e.seq).sort((a, b) => a - b), entries.map((_, i) => i + 1));
    const started = Date.now();
    const verify = await rt.request().get('/v1/audit/verify').set('Authorization', `Bearer ${fresh.adminToken}`);
    assert.equal(verify.status, 200);
    assert.equal(verify.body.ok, true, JSON.stringify(verify.body));
    assert.equal(verify.body.lastSeq, before + 400);
    assert.equal(verify.body.nextCursor, null);
    assert.ok(Date.now() - started < 15_000, `verify took ${Date.now() - started} ms`);
  });

  it('should verify a long chain a bounded page at a time and still find a change on a later page', async () => {
    const fresh = await makeAgency(rt);
    const freshId = new Types.ObjectId(fresh.tenantId);
    const Entry = auditEntryModel(rt.ctx.connection);
    // A sealed chain of 5,100 entries, written directly (what 5,100 appends and their sealing leave).
    const base = (await Entry.countDocuments({ tenantId: freshId })) as number;
    const audit = createAuditService({ connection: rt.ctx.connection });
    await audit.seal(freshId);
    let prevHash = (await Entry.findOne({ tenantId: freshId, seq: base }).lean())!.hash;
    const docs = [];
    for (let seq = base + 1; seq <= base + 5100; seq += 1) {
      const entry = { _id: new Types.ObjectId(), tenantId: freshId, seq, block: blockOf(seq), type: 'test.long', resource: 'test', resourceId: String(seq), actorUserId: null, actorApiKeyId: null, ip: null, userAgent: null, changes: [], data: null, at: new Date(), prevHash, hash: '' };
      entry.hash = entryHash(prevHash, entry);
      prevHash = entry.hash;
      docs.push(entry);
    }
    for (let i = 0; i < docs.length; i += 1000) await Entry.collection.insertMany(docs.slice(i, i + 1000));
    const first = await audit.verify(freshId);
    assert.equal(first.ok, true, JSON.stringify(first));
    assert.ok(first.nextCursor, 'a 5,100-entry chain takes more than one page');
    assert.ok(first.checked <= 5000);
    await Entry.collection.updateOne({ tenantId: freshId, seq: base + 5050 }, { $set: { resourceId: 'forged' } });
    let page = await audit.verify(freshId, first.nextCursor!);
    while (page.ok && page.nextCursor) page = await audit.verify(freshId, page.nextCursor);
    assert.equal(page.ok, false);
    assert.equal(page.brokenAt, base + 5050);
    assert.equal(page.reason, 'altered');
  });

  it('should keep verifying a chain written before sealing existed and link new entries onto it', async () => {
    const legacyTenant = new Types.ObjectId();
    const Entry = auditEntryModel(rt.ctx.connection);
    let prevHash = '';
    for (let seq = 1; seq <= 3; seq += 1) {
      // The old append: chained at write time, no `sealed` field, the head holding the last seq and hash.
      const entry = { _id: new Types.ObjectId(), tenantId: legacyTenant, seq, type: 'test.legacy', resource: 'test', resourceId: String(seq), actorUserId: null, actorApiKeyId: null, ip: null, userAgent: null, changes: [], data: null, at: new Date(), prevHash, hash: '' };
      entry.hash = entryHash(prevHash, entry);
      await Entry.collection.insertOne(entry);
      prevHash = entry.hash;
    }
    await auditHeadModel(rt.ctx.connection).collection.insertOne({ _id: legacyTenant, tenantId: legacyTenant, seq: 3, hash: prevHash, anchorSeq: 0, anchorHash: '' });
    const audit = createAuditService({ connection: rt.ctx.connection });
    await Promise.all([0, 1].map((i) => audit.append({ type: 'test.new', tenantId: legacyTenant, resource: 'test', resourceId: `n${i}`, actor: null, at: new Date() })));
    const verify = await audit.verify(legacyTenant);
    assert.equal(verify.ok, true, JSON.stringify(verify));
    assert.equal(verify.checked, 5);
    const fourth = await Entry.findOne({ tenantId: legacyTenant, seq: 4 }).lean();
    assert.equal(fourth!.prevHash, prevHash);
  });

  it('should list a long trail by blocks: every entry once, newest first, each page a bounded read', async () => {
    const fresh = await makeAgency(rt);
    const freshId = new Types.ObjectId(fresh.tenantId);
    const Entry = auditEntryModel(rt.ctx.connection);
    const audit = createAuditService({ connection: rt.ctx.connection });
    await audit.seal(freshId);
    const base = await Entry.countDocuments({ tenantId: freshId });
    let prevHash = (await Entry.findOne({ tenantId: freshId, seq: base }).lean())!.hash;
    const docs = [];
    for (let seq = base + 1; seq <= base + 2500; seq += 1) {
      const type = seq === base + 1 ? 'test.rare' : 'test.many';
      const entry = { _id: new Types.ObjectId(), tenantId: freshId, seq, block: blockOf(seq), type, resource: 'test', resourceId: String(seq), actorUserId: null, actorApiKeyId: null, ip: null, userAgent: null, changes: [], data: null, at: new Date(), prevHash, hash: '' };
      entry.hash = entryHash(prevHash, entry);
      prevHash = entry.hash;
      docs.push(entry);
    }
    for (let i = 0; i < docs.length; i += 1000) await Entry.collection.insertMany(docs.slice(i, i + 1000));
    // Sealed as the minute job would (the head's sealed point moves to the end of them).
    while ((await audit.seal(freshId)).more);
    // Two appends past the sealed point, one through another instance (this process does not know its seq).
    await createAuditService({ connection: rt.ctx.connection }).append({ type: 'test.tail', tenantId: freshId, resource: 'test', resourceId: 'tail-1', actor: null, at: new Date() });
    await audit.append({ type: 'test.tail', tenantId: freshId, resource: 'test', resourceId: 'tail-2', actor: null, at: new Date() });
    const total = base + 2502;
    const token = { Authorization: `Bearer ${fresh.adminToken}` };

    /** One page, with the audit entries the database answered for it and the commands on audit_entries. */
    const monitoredPage = async (query: string) => {
      const client = rt.db.connection.getClient();
      const started = new Map<number, string>();
      let returned = 0;
      let finds = 0;
      const onStart = (event: CommandStartedEvent) => {
        if (event.databaseName !== rt.dbName) return;
        started.set(event.requestId, String(event.command[event.commandName]));
        if (event.commandName === 'find' && event.command.find === 'audit_entries') finds += 1;
      };
      const onSuccess = (event: CommandSucceededEvent) => {
        const cursor = (event.reply as { cursor?: { firstBatch?: unknown[]; nextBatch?: unknown[] } }).cursor;
        if (started.get(event.requestId) === 'audit_entries' && cursor) returned += (cursor.firstBatch ?? cursor.nextBatch ?? []).length;
      };
      client.on('commandStarted', onStart);
      client.on('commandSucceeded', onSuccess);
      try {
        const res = await rt.request().get(`/v1/audit?${query}`).set(token);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        return { body: res.body as { data: Array<{ seq: number; type: string }>; hasMore: boolean; nextCursor: string | null }, returned, finds };
      } finally {
        client.off('commandStarted', onStart);
        client.off('commandSucceeded', onSuccess);
      }
    };

    const seqs: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const { body, returned, finds } = await monitoredPage(`limit=100${cursor ? `&cursor=${cursor}` : ''}`);
      pages += 1;
      seqs.push(...body.data.map((e) => e.seq));
      assert.ok(returned <= 450, `page ${pages} decoded ${returned} entries of ${total}`);
      assert.ok(finds <= 16, `page ${pages} sent ${finds} finds`);
      cursor = body.hasMore ? body.nextCursor : null;
    } while (cursor && pages < 100);
    assert.deepEqual(seqs, Array.from({ length: total }, (_, i) => total - i), 'every entry once, newest first, the two unsealed ones included');

    // A filter that matches only the oldest entry: short pages, each a bounded walk, until it is found.
    const rare: Array<{ seq: number; type: string }> = [];
    cursor = null;
    pages = 0;
    do {
      const { body, returned } = await monitoredPage(`type=test.rare&limit=10${cursor ? `&cursor=${cursor}` : ''}`);
      pages += 1;
      rare.push(...body.data);
      assert.ok(returned <= 20 * 100 + 50, `a filtered page decoded ${returned}`);
      cursor = body.hasMore ? body.nextCursor : null;
    } while (cursor && pages < 100);
    assert.deepEqual(rare.map((e) => e.seq), [base + 1]);
    assert.ok(pages >= 2, 'the walk stopped within its bound and resumed from the cursor');
  });

  it('should list entries written before blocks existed, and file them in their block', async () => {
    const legacyTenant = new Types.ObjectId();
    const Entry = auditEntryModel(rt.ctx.connection);
    let prevHash = '';
    for (let seq = 1; seq <= 3; seq += 1) {
      const entry = { _id: new Types.ObjectId(), tenantId: legacyTenant, seq, type: 'test.legacy', resource: 'test', resourceId: String(seq), actorUserId: null, actorApiKeyId: null, ip: null, userAgent: null, changes: [], data: null, at: new Date(), prevHash, hash: '' };
      entry.hash = entryHash(prevHash, entry);
      await Entry.collection.insertOne(entry);
      prevHash = entry.hash;
    }
    await auditHeadModel(rt.ctx.connection).collection.insertOne({ _id: legacyTenant, tenantId: legacyTenant, seq: 3, hash: prevHash, anchorSeq: 0, anchorHash: '' });
    const audit = createAuditService({ connection: rt.ctx.connection });
    const page = await audit.list(legacyTenant, { limit: 10 });
    assert.deepEqual(page.data.map((e) => e.seq), [3, 2, 1]);
    assert.equal(page.hasMore, false);
    assert.equal(await Entry.countDocuments({ tenantId: legacyTenant, block: 0 }), 3, 'each found entry now has its block');
  });

  it('should answer 403 to a role without audit:read', async () => {
    const { makeUser, signIn } = await import('../../testing/index.js');
    const se = await makeUser(rt, agency, { role: 'SE' });
    const res = await rt.request().get('/v1/audit').set('Authorization', `Bearer ${await signIn(rt, se.email)}`);
    assert.equal(res.status, 403);
  });
});
