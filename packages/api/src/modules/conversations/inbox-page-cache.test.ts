import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { commandRepliesDuring } from '../../testing/commands.js';
import { createInboxPageCache, type InboxPage } from './inbox-page-cache.js';

describe('inbox pages kept under the user’s inbox stamp', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let other: Awaited<ReturnType<typeof createTestRuntime>> | undefined;
  let agency: TestAgency;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const salesPerson = async (name: string) => {
    const user = await makeUser(rt, agency, { role: 'SALES_PERSON', name });
    return { id: user.id, email: user.email, token: await signIn(rt, user.email) };
  };
  type Page = { data: Array<{ id: string; lastMessagePreview: string; unreadCount: number }>; unreadCount: number };
  const inbox = async (runtime: typeof rt, token: string) => {
    const res = await runtime.request().get('/v1/conversations').query({ limit: 50 }).set(auth(token));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as Page;
  };

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt);
    // Pages are kept only once the index's backfill (run at start) is recorded done.
    const deadline = Date.now() + 30_000;
    while (!(await rt.ctx.connection.db!.collection('list_backfill').findOne({ _id: 'conversation_members:inbox-days' as never, done: true }))) {
      assert.ok(Date.now() < deadline, 'the inbox backfill did not finish within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
  after(async () => {
    await other?.close();
    await rt.close();
  });

  it('should answer a warm page from the process with one stamp read, and show every write at once, made by this process or another', async () => {
    const ida = await salesPerson('Ida Imhof');
    const jon = await salesPerson('Jon Jung');
    const opened = await rt.request().post('/v1/conversations').set(auth(jon.token)).send({ participantIds: [String(ida.id)] });
    assert.equal(opened.status, 201, JSON.stringify(opened.body));
    const tokens = new Map<typeof rt, string>([[rt, jon.token]]);
    const post = async (runtime: typeof rt, body: string) => assert.equal((await runtime.request().post(`/v1/conversations/${opened.body.id}/messages`).set(auth(tokens.get(runtime)!)).send({ body })).status, 201);
    await post(rt, 'one');
    assert.deepEqual((await inbox(rt, ida.token)).data.map((c) => [c.lastMessagePreview, c.unreadCount]), [['one', 1]]);

    // Warm: the stamp, and no marker or member row read.
    let page = {} as Page;
    const replies = await commandRepliesDuring(rt, async () => {
      page = await inbox(rt, ida.token);
    });
    assert.deepEqual(page.data.map((c) => c.lastMessagePreview), ['one']);
    assert.ok(!replies.some((r) => r.collection === 'conversation_members' || r.collection === 'conversation_inbox_days'), JSON.stringify(replies));
    assert.equal(replies.filter((r) => r.collection === 'conversation_inbox_stamps').length, 1, JSON.stringify(replies));

    // A post (the member rows' summary and activity), a read mark (the reader's row), a second conversation (a new row).
    await post(rt, 'two');
    assert.deepEqual((await inbox(rt, ida.token)).data.map((c) => [c.lastMessagePreview, c.unreadCount]), [['two', 2]]);
    assert.equal((await rt.request().post(`/v1/conversations/${opened.body.id}/read`).set(auth(ida.token))).status < 300, true);
    assert.equal((await inbox(rt, ida.token)).unreadCount, 0);
    const kai = await salesPerson('Kai Klein');
    const second = await rt.request().post('/v1/conversations').set(auth(kai.token)).send({ participantIds: [String(ida.id)] });
    assert.equal((await rt.request().post(`/v1/conversations/${second.body.id}/messages`).set(auth(kai.token)).send({ body: 'from Kai' })).status, 201);
    assert.deepEqual((await inbox(rt, ida.token)).data.map((c) => c.lastMessagePreview), ['from Kai', 'two']);

    // Another API process on the same database: its write moves the stamp this process reads.
    other = await createTestRuntime({ file: import.meta.filename, dbName: rt.dbName });
    tokens.set(other, await signIn(other, jon.email));
    await post(other, 'three');
    assert.deepEqual((await inbox(rt, ida.token)).data.map((c) => [c.lastMessagePreview, c.unreadCount]), [['three', 1], ['from Kai', 1]]);
    // And Jon's own inbox, read first through the other process, follows the same way.
    assert.deepEqual((await inbox(other, tokens.get(other)!)).data.map((c) => c.lastMessagePreview), ['three']);
    await post(rt, 'four');
    assert.deepEqual((await inbox(other, tokens.get(other)!)).data.map((c) => c.lastMessagePreview), ['four']);
  });

  it('should keep a bounded number of pages, least recently read dropped first, and keep nothing of a failed walk', async () => {
    const cache = createInboxPageCache(rt.ctx.connection, { maxPages: 2 });
    const tenantId = new Types.ObjectId();
    const userId = new Types.ObjectId();
    let walks = 0;
    const walk = async (): Promise<InboxPage> => {
      walks += 1;
      return { rows: [], hasMore: false, nextCursor: null };
    };
    for (const query of ['a', 'b', 'a', 'c', 'a', 'b']) await cache.page(tenantId, userId, query, performance.now(), walk);
    // a, b walked; a kept; c walked (b dropped: least recently read); a kept; b walked again.
    assert.equal(walks, 4);
    assert.equal(cache.stats().pages, 2);
    await assert.rejects(cache.page(tenantId, userId, 'd', performance.now(), () => Promise.reject(new Error('down'))), /down/);
    await cache.page(tenantId, userId, 'd', performance.now(), walk);
    assert.equal(walks, 5, 'the failed walk kept nothing');
  });
});
