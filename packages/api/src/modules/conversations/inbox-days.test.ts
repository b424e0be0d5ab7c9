import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { commandRepliesDuring, findFiltersDuring } from '../../testing/commands.js';
import { op } from '../../platform/db/operators.js';
import { conversationMemberModel, conversationModel } from './conversation.model.js';
import { backfillInbox, memberFields } from './inbox.js';
import { fileInboxDays, inboxDayModel, spanOf, type Level } from './inbox-days.js';
import { probeWalkPage } from './inbox-probe-walk.js';
import { moveInboxStamps } from './inbox-page-cache.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;

describe('the inbox index of non-empty days', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let tenantId: Types.ObjectId;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  const salesPerson = async (name: string) => {
    const user = await makeUser(rt, agency, { role: 'SALES_PERSON', name });
    return { id: user.id, token: await signIn(rt, user.email) };
  };

  /** Direct conversations of `userId` last active at `times`, stored as the service stores them (member rows, then their spans). */
  const seed = async (userId: Types.ObjectId, label: string, times: Date[]) => {
    const conversations = times.map((at, i) => ({ _id: new Types.ObjectId(), tenantId, kind: 'direct' as const, key: `${label}:${i}`, recordKind: null, recordId: null, participantIds: [userId], title: `${label} ${i}`, createdBy: userId, messageCount: 1, lastMessageAt: at, lastMessagePreview: 'hi', createdAt: at, updatedAt: at }));
    await conversationModel(rt.ctx.connection).collection.insertMany(conversations as never[]);
    await conversationMemberModel(rt.ctx.connection).collection.insertMany(conversations.map((c) => ({ tenantId, key: `${String(c._id)}:${String(userId)}`, conversationId: c._id, userId, kind: 'direct', readCount: 0, lastReadAt: null, createdAt: c.createdAt, ...memberFields(userId, c as never) })) as never[]);
    await fileInboxDays(rt.ctx.connection, times.map((at) => ({ tenantId, userId, at })));
    await moveInboxStamps(rt.ctx.connection, tenantId, [userId]);
    return conversations;
  };

  /** Every page of the inbox, ids in order. */
  const walk = async (token: string, limit: number) => {
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 100; pages += 1) {
      const res: { status: number; body: { data: { id: string }[]; nextCursor: string | null } } = await rt.request().get('/v1/conversations').query({ limit, ...(cursor ? { cursor } : {}) }).set(auth(token));
      assert.equal(res.status, 200, JSON.stringify(res.body));
      ids.push(...res.body.data.map((c) => c.id));
      cursor = res.body.nextCursor;
      if (!cursor) return ids;
    }
    throw new Error('the inbox did not end within 100 pages');
  };

  /** The user's markers per level, and the spans their member rows are last active in (what the index must hold). */
  const indexOf = async (userId: Types.ObjectId) => {
    const markers = await inboxDayModel(rt.ctx.connection).find({ tenantId }).lean();
    const rows = await conversationMemberModel(rt.ctx.connection).find({ tenantId, userId }).select({ activityAt: 1 }).lean();
    const levels: Level[] = ['h', 0, 1, 2];
    const marked = Object.fromEntries(levels.map((level) => [level, markers.filter((m) => m._id.startsWith(`${String(userId)}:${level}:`)).map((m) => Number(m._id.split(':')[2])).sort((a, b) => a - b)]));
    const truth = Object.fromEntries(levels.map((level) => [level, [...new Set(rows.map((r) => spanOf(level, r.activityAt!.getTime())))].sort((a, b) => a - b)]));
    return { marked, truth };
  };

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt);
    tenantId = new Types.ObjectId(agency.tenantId);
    // The index is trusted once its backfill (run at start) is recorded done; before that pages walk by probes.
    const deadline = Date.now() + 30_000;
    while (!(await rt.ctx.connection.db!.collection('list_backfill').findOne({ _id: 'conversation_members:inbox-days' as never, done: true }))) {
      assert.ok(Date.now() < deadline, 'the inbox backfill did not finish within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
  after(() => rt.close());

  it('should read a first page in a few equality reads of the index and about a page of rows, however far back the newest day and however busy', async () => {
    const finn = await salesPerson('Finn Falk');
    const now = Date.now();
    const busyDay = Math.floor(now / DAY) - 40;
    // 150 conversations on one day 40 days ago (hours 6 to 17), 30 more over the 300 days before, none since.
    const busy = Array.from({ length: 150 }, (_, i) => new Date(busyDay * DAY + 6 * HOUR + Math.floor((i * 12 * HOUR) / 150)));
    const older = Array.from({ length: 30 }, (_, i) => new Date((busyDay - 1 - i * 10) * DAY + 12 * HOUR));
    await seed(finn.id, 'finn', [...busy, ...older]);
    await rt.request().get('/v1/conversations').query({ limit: 20 }).set(auth(finn.token)).expect(200); // warm: the caller's principal and the names

    let body = { data: [] as { id: string; lastMessageAt: string }[] };
    const run = async () => {
      // As after a write of Finn's rows: the page is walked, not taken from the process's kept pages (inbox-page-cache.ts).
      await moveInboxStamps(rt.ctx.connection, tenantId, [finn.id]);
      const res = await rt.request().get('/v1/conversations').query({ limit: 20 }).set(auth(finn.token));
      assert.equal(res.status, 200, JSON.stringify(res.body));
      body = res.body as typeof body;
    };
    const replies = await commandRepliesDuring(rt, run);
    const index = replies.filter((r) => r.collection === 'conversation_inbox_days');
    const rows = replies.filter((r) => r.collection === 'conversation_members');
    assert.equal(body.data.length, 20);
    assert.deepEqual(body.data.map((c) => c.lastMessageAt), busy.slice(-20).reverse().map((d) => d.toISOString()), 'the newest 20, newest first');
    // The 256-day, 16-day and day markers, then the busy day's hours.
    assert.equal(index.length, 4, JSON.stringify(replies));
    assert.ok(index.every((r) => r.docs <= 24), `each index read is small: ${JSON.stringify(index)}`);
    // The day's first rows (8: more than a few, so it is read by hours), then its two newest hours: 12.5 rows an hour.
    assert.equal(rows.length, 3, JSON.stringify(replies));
    assert.ok(rows.reduce((n, r) => n + r.docs, 0) <= 8 + 25, `about a page of rows decoded: ${JSON.stringify(rows)}`);
    assert.ok(replies.length <= 12, `the whole request: ${JSON.stringify(replies)}`);
    // Every read of the page is top-level equality (what FerretDB pushes down): no operator in any filter.
    const filters = [...(await findFiltersDuring(rt, 'conversation_members', run)), ...(await findFiltersDuring(rt, 'conversation_inbox_days', run))];
    assert.ok(filters.length > 0);
    for (const filter of filters) assert.ok(Object.values(filter).every((v) => typeof v !== 'object' || v === null || v instanceof Types.ObjectId || !Object.keys(v as object).some((k) => k.startsWith('$'))), JSON.stringify(filter));
  });

  it('should keep the index right across new messages, deleted rows and a backfill of rows stored without it', async () => {
    const gia = await salesPerson('Gia Gross');
    const anna = await salesPerson('Anna Adler');
    const now = Date.now();
    // 60 conversations over about 900 days (three 256-day buckets), each on a day of its own, at least 3 days old.
    const times = Array.from({ length: 60 }, (_, i) => new Date(now - (3 + i * 15) * DAY - i * HOUR));
    const seeded = await seed(gia.id, 'gia', times);
    const expected = seeded.map((c) => String(c._id));
    assert.deepEqual(await walk(gia.token, 25), expected, 'newest first, each once');
    let index = await indexOf(gia.id);
    assert.deepEqual(index.marked, index.truth, 'every span of a row is marked, and nothing else');

    // New messages: a new 1:1 (filed at once, through the API), and the oldest conversation moves to now; its old day,
    // 16 days and 256 days empty and go when a page walks past them.
    const opened = await rt.request().post('/v1/conversations').set(auth(anna.token)).send({ participantIds: [String(gia.id)] });
    assert.equal(opened.status, 201, JSON.stringify(opened.body));
    assert.equal((await rt.request().post(`/v1/conversations/${opened.body.id}/messages`).set(auth(anna.token)).send({ body: 'hello Gia' })).status, 201);
    const oldest = seeded.at(-1)!;
    assert.equal((await rt.request().post(`/v1/conversations/${String(oldest._id)}/messages`).set(auth(gia.token)).send({ body: 'back again' })).status, 201);
    index = await indexOf(gia.id);
    for (const level of ['h', 0, 1, 2] as Level[]) for (const n of index.truth[level]!) assert.ok(index.marked[level]!.includes(n), `a row's ${level} span ${n} is marked after the posts`);
    const afterPosts = await walk(gia.token, 25);
    assert.equal(afterPosts.length, 61);
    assert.deepEqual(new Set(afterPosts.slice(0, 2)), new Set([String(opened.body.id), String(oldest._id)]), 'the two conversations with new messages first');
    index = await indexOf(gia.id);
    // Today's spans may keep a marker they no longer need (a span is dropped only once it ended a day ago); older ones are exact.
    const settled = (level: Level, spans: number[]) => spans.filter((n) => n < spanOf(level, now - 2 * DAY) - 1);
    for (const level of [0, 1, 2] as Level[]) assert.deepEqual(settled(level, index.marked[level]!), settled(level, index.truth[level]!), `level ${level} after the walk`);

    // Deleted rows (as an erasure removes them): their spans go at the next walk; the inbox answers the rest.
    const gone = seeded.slice(10, 20);
    await conversationMemberModel(rt.ctx.connection).deleteMany({ tenantId, conversationId: op({ $in: gone.map((c) => c._id) }) } as never);
    await moveInboxStamps(rt.ctx.connection, tenantId, [gia.id]);
    const afterDeletes = await walk(gia.token, 25);
    assert.deepEqual(afterDeletes, afterPosts.filter((id) => !gone.some((c) => String(c._id) === id)));
    index = await indexOf(gia.id);
    for (const level of [0, 1, 2] as Level[]) assert.deepEqual(settled(level, index.marked[level]!), settled(level, index.truth[level]!), `level ${level} after the deletes`);

    // Rows stored before the index existed: the backfill files them all, and the inbox walks them again.
    await inboxDayModel(rt.ctx.connection).deleteMany({ tenantId });
    const state = rt.ctx.connection.db!.collection('list_backfill');
    await state.deleteOne({ _id: 'conversation_members:inbox-days' as never });
    await backfillInbox(rt.ctx.connection);
    assert.ok(await state.findOne({ _id: 'conversation_members:inbox-days' as never, done: true }), 'recorded done');
    index = await indexOf(gia.id);
    assert.deepEqual(index.marked, index.truth, 'the backfill marks every span of every row, and nothing else');
    assert.deepEqual(await walk(gia.token, 25), afterDeletes);

    // The walk that answers until the backfill is done (by probes of the rows' 16- and 256-day keys) pages the same.
    const probed: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    for (; pages < 100; pages += 1) {
      const page = await probeWalkPage(rt.ctx.connection, tenantId, gia.id, { limit: 25, cursor }, true);
      probed.push(...page.rows.map((r) => String(r.conversationId)));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    assert.deepEqual(probed, afterDeletes);
    assert.ok(pages > 3, `it pages short past its 48 commands, where the index needed 3 pages: ${pages + 1}`);
  });
});
