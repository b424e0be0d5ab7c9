import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { listen } from '../../platform/realtime/test-support.js';
import { io as connect } from 'socket.io-client';
import { notificationModel } from '../notifications/notification.model.js';
import { conversationMemberModel, conversationMessageModel, conversationModel } from './conversation.model.js';
import { inboxFields, memberFields } from './inbox.js';
import { fileInboxDays } from './inbox-days.js';
import { moveInboxStamps } from './inbox-page-cache.js';
import { waitUntilApplied } from '../reporting/rollup-applier.js';
import { commandsDuring, findFiltersDuring } from '../../testing/commands.js';

describe('internal messaging (conversations)', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let admin: string;
  let tenantId: Types.ObjectId;
  let anna: { id: Types.ObjectId; token: string };
  let ben: { id: Types.ObjectId; token: string };
  let cleo: { id: Types.ObjectId; token: string };
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  const salesPerson = async (name: string) => {
    const user = await makeUser(rt, agency, { role: 'SALES_PERSON', name });
    return { id: user.id, token: await signIn(rt, user.email) };
  };
  const leadOwnedBy = async (ownerId: Types.ObjectId, companyName: string) => {
    const res = await rt.request().post('/v1/leads').set(auth(admin)).send({ firstName: 'Linnea', lastName: 'Berg', companyName, emails: [{ value: `${companyName.replace(/\W/g, '').toLowerCase()}@lead.example`, primary: true }], ownerId: String(ownerId) });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { id: string; version: number };
  };

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt);
    admin = agency.adminToken;
    tenantId = new Types.ObjectId(agency.tenantId);
    [anna, ben, cleo] = await Promise.all([salesPerson('Anna Adler'), salesPerson('Ben Brandt'), salesPerson('Cleo Cruz')]);
  });
  after(() => rt.close());

  it('should notify a mentioned user live over the realtime socket and in the inbox, once per message even when the post is retried', async () => {
    const lead = await leadOwnedBy(anna.id, 'Mention Works GmbH');
    // Ben may see the lead too (admins see all): he is mentioned by the admin on Anna's lead after Anna hands it to him.
    await rt.request().patch(`/v1/leads/${lead.id}`).set(auth(admin)).send({ ownerId: String(ben.id) }).expect(200);
    const thread = await rt.request().get(`/v1/record-threads/lead/${lead.id}`).set(auth(admin));
    assert.equal(thread.status, 200, JSON.stringify(thread.body));
    assert.equal(thread.body.kind, 'record');
    assert.equal(thread.body.title, 'Mention Works GmbH');

    const server = await listen(rt);
    const socket = connect(server.url, { path: '/v1/realtime', auth: { token: ben.token }, transports: ['websocket'], reconnection: false, forceNew: true });
    try {
      await new Promise<void>((resolve, reject) => socket.once('connect', () => resolve()).once('connect_error', reject));
      const notified = new Promise<{ title: string; resource: string; resourceId: string }>((resolve) => socket.once('notification', resolve));
      const message = new Promise<{ conversationId: string; message: { body: string; authorName: string }; unreadCount: number }>((resolve) => socket.once('conversation.message', resolve));
      const body = { body: '@Ben Brandt can you call them <b>today</b>?', mentionIds: [String(ben.id)] };
      const posted = await rt.request().post(`/v1/conversations/${thread.body.id}/messages`).set(auth(admin)).set('Idempotency-Key', 'mention-1').send(body);
      assert.equal(posted.status, 201, JSON.stringify(posted.body));
      const retried = await rt.request().post(`/v1/conversations/${thread.body.id}/messages`).set(auth(admin)).set('Idempotency-Key', 'mention-1').send(body);
      assert.equal(retried.body.id, posted.body.id, 'a retry with the same key answers the same message');

      const live = await notified;
      assert.match(live.title, /mentioned you in Mention Works GmbH/);
      assert.equal(live.resourceId, thread.body.id);
      const pushed = await message;
      assert.equal(pushed.conversationId, thread.body.id);
      assert.equal(pushed.message.body, body.body, 'text is stored as written; elements escape it');
      assert.equal(pushed.unreadCount, 1);
    } finally {
      socket.close();
      await server.close();
    }
    assert.equal(await conversationMessageModel(rt.ctx.connection).countDocuments({ tenantId, conversationId: new Types.ObjectId(thread.body.id) }), 1);
    assert.equal(await notificationModel(rt.ctx.connection).countDocuments({ tenantId, userId: ben.id, category: 'conversation.mention' }), 1);

    const inbox = await rt.request().get('/v1/conversations').set(auth(ben.token));
    assert.equal(inbox.status, 200);
    assert.deepEqual(inbox.body.data.map((c: { id: string; unreadCount: number }) => [c.id, c.unreadCount]), [[thread.body.id, 1]]);
    const read = await rt.request().post(`/v1/conversations/${thread.body.id}/read`).set(auth(ben.token));
    assert.equal(read.status, 200);
    assert.equal((await rt.request().get('/v1/conversations').set(auth(ben.token))).body.unreadCount, 0);
  });

  it('should take the thread, posting and search away from a user who loses the record (owner changed), with no copy of access kept', async () => {
    const lead = await leadOwnedBy(anna.id, 'Lost Access AB');
    const thread = await rt.request().get(`/v1/record-threads/lead/${lead.id}`).set(auth(anna.token));
    assert.equal(thread.status, 200, JSON.stringify(thread.body));
    const posted = await rt.request().post(`/v1/conversations/${thread.body.id}/messages`).set(auth(anna.token)).send({ body: 'Budget approved for zephyrine robots' });
    assert.equal(posted.status, 201, JSON.stringify(posted.body));
    const found = await rt.request().get('/v1/conversations/search').query({ q: 'zephyrine' }).set(auth(anna.token));
    assert.equal(found.status, 200, JSON.stringify(found.body));
    assert.deepEqual(found.body.data.map((m: { id: string }) => m.id), [posted.body.id]);
    assert.equal(found.body.data[0].conversation.recordId, lead.id);
    // Cleo never could see the lead: no thread, no posting, nothing found.
    assert.equal((await rt.request().get(`/v1/record-threads/lead/${lead.id}`).set(auth(cleo.token))).status, 404);
    assert.equal((await rt.request().get('/v1/conversations/search').query({ q: 'zephyrine' }).set(auth(cleo.token))).body.data.length, 0);
    // A mention of someone who cannot read the record is refused, naming the field.
    const hidden = await rt.request().post(`/v1/conversations/${thread.body.id}/messages`).set(auth(anna.token)).send({ body: 'hey', mentionIds: [String(cleo.id)] });
    assert.equal(hidden.status, 400);
    assert.equal(hidden.body.errors[0].field, 'mentionIds');

    await rt.request().patch(`/v1/leads/${lead.id}`).set(auth(admin)).send({ ownerId: String(cleo.id) }).expect(200);

    for (const res of [
      await rt.request().get(`/v1/record-threads/lead/${lead.id}`).set(auth(anna.token)),
      await rt.request().get(`/v1/conversations/${thread.body.id}`).set(auth(anna.token)),
      await rt.request().get(`/v1/conversations/${thread.body.id}/messages`).set(auth(anna.token)),
      await rt.request().post(`/v1/conversations/${thread.body.id}/messages`).set(auth(anna.token)).send({ body: 'still here?' }),
    ]) {
      assert.equal(res.status, 404, JSON.stringify(res.body));
      assert.equal(res.headers['content-type']?.split(';')[0], 'application/problem+json');
    }
    assert.equal((await rt.request().get('/v1/conversations/search').query({ q: 'zephyrine' }).set(auth(anna.token))).body.data.length, 0);
    assert.ok(!(await rt.request().get('/v1/conversations').set(auth(anna.token))).body.data.some((c: { id: string }) => c.id === thread.body.id), 'gone from her inbox');
    assert.equal(await conversationMessageModel(rt.ctx.connection).countDocuments({ tenantId, conversationId: new Types.ObjectId(thread.body.id) }), 1, 'her refused post stored nothing');
    // The new owner reads the same thread and finds the message.
    assert.equal((await rt.request().get(`/v1/conversations/${thread.body.id}/messages`).set(auth(cleo.token))).body.data.length, 1);
    assert.equal((await rt.request().get('/v1/conversations/search').query({ q: 'zephyrine robots' }).set(auth(cleo.token))).body.data.length, 1);
  });

  it('should take a thread away when the role loses the permission to read its kind of record', async () => {
    const dora = await salesPerson('Dora Diaz');
    const lead = await leadOwnedBy(dora.id, 'Role Removed BV');
    const thread = await rt.request().get(`/v1/record-threads/lead/${lead.id}`).set(auth(dora.token));
    assert.equal(thread.status, 200);
    await rt.request().post(`/v1/conversations/${thread.body.id}/messages`).set(auth(dora.token)).send({ body: 'xylophonic forecast' }).expect(201);
    const role = await rt.request().post('/v1/roles').set(auth(admin)).send({ key: 'NO_LEADS', name: 'No leads' });
    assert.equal(role.status, 201, JSON.stringify(role.body));
    await rt.request().patch(`/v1/users/${String(dora.id)}`).set(auth(admin)).send({ roleId: role.body.id }).expect(200);
    assert.equal((await rt.request().get(`/v1/conversations/${thread.body.id}/messages`).set(auth(dora.token))).status, 404);
    assert.equal((await rt.request().post(`/v1/conversations/${thread.body.id}/messages`).set(auth(dora.token)).send({ body: 'hello?' })).status, 404);
    assert.equal((await rt.request().get('/v1/conversations/search').query({ q: 'xylophonic' }).set(auth(dora.token))).body.data.length, 0);
  });

  it('should keep direct conversations to their participants, one 1:1 per pair, and in their own agency', async () => {
    const opened = await rt.request().post('/v1/conversations').set(auth(anna.token)).send({ participantIds: [String(ben.id)] });
    assert.equal(opened.status, 201, JSON.stringify(opened.body));
    const again = await rt.request().post('/v1/conversations').set(auth(ben.token)).send({ participantIds: [String(anna.id)] });
    assert.equal(again.body.id, opened.body.id, 'one 1:1 per pair');
    assert.equal(again.body.title, 'Anna Adler');
    const msg = await rt.request().post(`/v1/conversations/${opened.body.id}/messages`).set(auth(anna.token)).send({ body: 'private quokka plans' });
    assert.equal(msg.status, 201);
    assert.equal((await rt.request().get(`/v1/conversations/${opened.body.id}/messages`).set(auth(ben.token))).body.data[0].body, 'private quokka plans');
    assert.equal((await rt.request().get(`/v1/conversations/${opened.body.id}/messages`).set(auth(cleo.token))).status, 404);
    assert.equal((await rt.request().get(`/v1/conversations/${opened.body.id}/messages`).set(auth(admin))).status, 404, 'not even an admin reads others\' direct messages');
    assert.equal((await rt.request().post(`/v1/conversations/${opened.body.id}/messages`).set(auth(cleo.token)).send({ body: 'hi' })).status, 404);
    assert.equal((await rt.request().get('/v1/conversations/search').query({ q: 'quokka' }).set(auth(cleo.token))).body.data.length, 0);
    assert.equal((await rt.request().get('/v1/conversations/search').query({ q: 'quokka' }).set(auth(ben.token))).body.data.length, 1);

    const other = await makeAgency(rt);
    assert.equal((await rt.request().get(`/v1/conversations/${opened.body.id}`).set(auth(other.adminToken))).status, 404);
    const foreign = await rt.request().post('/v1/conversations').set(auth(other.adminToken)).send({ participantIds: [String(anna.id)] });
    assert.equal(foreign.status, 400);
    assert.equal(foreign.body.errors[0].field, 'participantIds');

    const group = await rt.request().post('/v1/conversations').set(auth(anna.token)).send({ participantIds: [String(ben.id), String(cleo.id)], title: 'Fair stand' });
    assert.equal(group.status, 201);
    assert.equal(group.body.participants.length, 3);
    const outsider = await rt.request().post(`/v1/conversations/${opened.body.id}/messages`).set(auth(anna.token)).send({ body: 'x', mentionIds: [String(cleo.id)] });
    assert.equal(outsider.status, 400);
    assert.equal(outsider.body.errors[0].field, 'mentionIds');
  });

  it('should answer bad input with RFC 9457 problems naming the field', async () => {
    const opened = await rt.request().post('/v1/conversations').set(auth(anna.token)).send({ participantIds: [String(ben.id)] });
    const cases: Array<[Promise<{ status: number; body: { errors?: Array<{ field: string }> }; headers: Record<string, string> }>, string]> = [
      [rt.request().post(`/v1/conversations/${opened.body.id}/messages`).set(auth(anna.token)).send({ body: '   ' }) as never, 'body'],
      [rt.request().post(`/v1/conversations/${opened.body.id}/messages`).set(auth(anna.token)).send({ body: 'x', mentionIds: ['nope'] }) as never, 'mentionIds.0'],
      [rt.request().post('/v1/conversations').set(auth(anna.token)).send({ participantIds: [] }) as never, 'participantIds'],
      [rt.request().get('/v1/record-threads/planet/6750a1b2c3d4e5f601234567').set(auth(anna.token)) as never, 'kind'],
      [rt.request().get('/v1/conversations/search').query({ q: 'a' }).set(auth(anna.token)) as never, 'q'],
      [rt.request().post(`/v1/conversations/${opened.body.id}/messages`).set(auth(anna.token)).send({ body: 'x', attachmentIds: ['0'.repeat(32)] }) as never, 'attachmentIds'],
    ];
    for (const [pending, field] of cases) {
      const res = await pending;
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.equal(res.headers['content-type']?.split(';')[0], 'application/problem+json');
      assert.ok(res.body.errors?.some((e) => e.field.endsWith(field)), `${field}: ${JSON.stringify(res.body.errors)}`);
    }
  });

  it('should attach a checked file to a message and serve it only to readers', async () => {
    const opened = await rt.request().post('/v1/conversations').set(auth(anna.token)).send({ participantIds: [String(ben.id)] });
    const html = await rt.request().post(`/v1/conversations/${opened.body.id}/attachments`).query({ name: 'x.html' }).set(auth(anna.token)).set('Content-Type', 'application/octet-stream').send(Buffer.from('<script>alert(1)</script>'));
    assert.equal(html.status, 415);
    const upload = await rt.request().post(`/v1/conversations/${opened.body.id}/attachments`).query({ name: 'notes.txt' }).set(auth(anna.token)).set('Content-Type', 'application/octet-stream').send(Buffer.from('call notes'));
    assert.equal(upload.status, 201, JSON.stringify(upload.body));
    const posted = await rt.request().post(`/v1/conversations/${opened.body.id}/messages`).set(auth(anna.token)).send({ body: 'see notes', attachmentIds: [upload.body.id] });
    assert.equal(posted.status, 201);
    assert.equal(posted.body.attachments[0].contentType, 'text/plain');
    const file = await rt.request().get(`/v1/conversations/${opened.body.id}/attachments/${upload.body.id}`).set(auth(ben.token)).buffer(true);
    assert.equal(file.status, 200);
    assert.equal(file.headers['content-disposition'], "attachment; filename*=UTF-8''notes.txt");
    assert.equal((await rt.request().get(`/v1/conversations/${opened.body.id}/attachments/${upload.body.id}`).set(auth(cleo.token))).status, 404);
  });
  it('should let the author edit a message (marked edited, search updated, new mentions notified once, readers told live)', async () => {
    const group = await rt.request().post('/v1/conversations').set(auth(anna.token)).send({ participantIds: [String(ben.id), String(cleo.id)], title: 'Edit room' });
    assert.equal(group.status, 201, JSON.stringify(group.body));
    const url = `/v1/conversations/${group.body.id}/messages`;
    const posted = await rt.request().post(url).set(auth(anna.token)).send({ body: 'orchidaceous budget @Ben Brandt', mentionIds: [String(ben.id)] });
    assert.equal(posted.status, 201, JSON.stringify(posted.body));
    assert.equal(posted.body.editedAt, null);

    const server = await listen(rt);
    const socket = connect(server.url, { path: '/v1/realtime', auth: { token: cleo.token }, transports: ['websocket'], reconnection: false, forceNew: true });
    try {
      await new Promise<void>((resolve, reject) => socket.once('connect', () => resolve()).once('connect_error', reject));
      const updated = new Promise<{ conversationId: string; message: { id: string; body: string; editedAt: string | null } }>((resolve) => socket.once('conversation.message.updated', resolve));
      const edit = { body: 'tulipwood budget @Ben Brandt @Cleo Cruz', mentionIds: [String(ben.id), String(cleo.id)] };
      const edited = await rt.request().patch(`${url}/${posted.body.id}`).set(auth(anna.token)).send(edit);
      assert.equal(edited.status, 200, JSON.stringify(edited.body));
      assert.equal(edited.body.body, edit.body);
      assert.ok(edited.body.editedAt && edited.body.editedAt >= posted.body.createdAt);
      const live = await updated;
      assert.equal(live.message.id, posted.body.id);
      assert.equal(live.message.body, edit.body);
      // The same mentions again notify nobody a second time.
      assert.equal((await rt.request().patch(`${url}/${posted.body.id}`).set(auth(anna.token)).send({ ...edit, body: `${edit.body}!` })).status, 200);
    } finally {
      socket.close();
      await server.close();
    }
    const mentions = async (userId: Types.ObjectId) => notificationModel(rt.ctx.connection).countDocuments({ tenantId, userId, category: 'conversation.mention', resourceId: group.body.id });
    assert.equal(await mentions(ben.id), 1, 'Ben was told when the message was posted, not again');
    assert.equal(await mentions(cleo.id), 1, 'Cleo, added by the edit, is told once');

    const search = async (q: string) => (await rt.request().get('/v1/conversations/search').query({ q }).set(auth(ben.token))).body.data.map((m: { id: string }) => m.id);
    assert.deepEqual(await search('orchidaceous'), [], 'the old words are no longer found');
    assert.deepEqual(await search('tulipwood'), [posted.body.id]);
    const listed = (await rt.request().get(url).set(auth(ben.token))).body.data[0];
    assert.equal(listed.body, 'tulipwood budget @Ben Brandt @Cleo Cruz!');
    assert.ok(listed.editedAt);

    const notAuthor = await rt.request().patch(`${url}/${posted.body.id}`).set(auth(ben.token)).send({ body: 'mine now' });
    assert.equal(notAuthor.status, 403);
    assert.equal(notAuthor.headers['content-type']?.split(';')[0], 'application/problem+json');
    const empty = await rt.request().patch(`${url}/${posted.body.id}`).set(auth(anna.token)).send({ body: '  ' });
    assert.equal(empty.status, 400);
    assert.equal(empty.body.errors[0].field, 'body');
    const stored = await conversationMessageModel(rt.ctx.connection).findOne({ tenantId, _id: new Types.ObjectId(posted.body.id) }).lean();
    assert.equal(stored?.body, 'tulipwood budget @Ben Brandt @Cleo Cruz!', 'refused edits changed nothing');
    const outsider = await rt.request().patch(`${url}/${posted.body.id}`).set(auth(admin)).send({ body: 'x' });
    assert.equal(outsider.status, 404, 'an admin who is not in a direct conversation does not reach its messages');
  });

  it('should leave a tombstone when the author or an admin deletes a message, forgetting its text in search', async () => {
    const lead = await leadOwnedBy(anna.id, 'Tombstone Trading');
    const thread = await rt.request().get(`/v1/record-threads/lead/${lead.id}`).set(auth(anna.token));
    const url = `/v1/conversations/${thread.body.id}/messages`;
    const first = await rt.request().post(url).set(auth(anna.token)).send({ body: 'quetzalcoatl discount' });
    const second = await rt.request().post(url).set(auth(admin)).send({ body: 'admin note' });
    assert.equal(first.status, 201);
    assert.equal(second.status, 201);

    const byOther = await rt.request().delete(`${url}/${second.body.id}`).set(auth(anna.token));
    assert.equal(byOther.status, 403, 'not her message and she is no admin');
    const byAdmin = await rt.request().delete(`${url}/${first.body.id}`).set(auth(admin));
    assert.equal(byAdmin.status, 200, JSON.stringify(byAdmin.body));
    assert.ok(byAdmin.body.deletedAt);
    assert.equal(byAdmin.body.body, '');
    const again = await rt.request().delete(`${url}/${first.body.id}`).set(auth(anna.token));
    assert.equal(again.status, 200);
    assert.equal(again.body.deletedAt, byAdmin.body.deletedAt, 'deleting twice answers the same tombstone');
    const ownDelete = await rt.request().delete(`${url}/${second.body.id}`).set(auth(admin));
    assert.equal(ownDelete.status, 200);

    const page = (await rt.request().get(url).set(auth(anna.token))).body.data as Array<{ id: string; body: string; deletedAt: string | null }>;
    assert.deepEqual(page.map((m) => [m.id, m.body, Boolean(m.deletedAt)]), [[second.body.id, '', true], [first.body.id, '', true]]);
    assert.equal((await rt.request().get(`/v1/conversations/${thread.body.id}`).set(auth(anna.token))).body.messageCount, 2, 'the tombstones stay in the thread');
    assert.equal((await rt.request().get('/v1/conversations/search').query({ q: 'quetzalcoatl' }).set(auth(anna.token))).body.data.length, 0);
    const editDeleted = await rt.request().patch(`${url}/${first.body.id}`).set(auth(anna.token)).send({ body: 'back' });
    assert.equal(editDeleted.status, 409);
    const stored = await conversationMessageModel(rt.ctx.connection).findOne({ tenantId, _id: new Types.ObjectId(first.body.id) }).lean();
    assert.equal(stored?.body, '');
    assert.ok(stored?.deletedBy && !stored.deletedBy.equals(anna.id), 'deleted by the admin; her second delete changed nothing');
    assert.equal((await rt.request().delete(`${url}/6750a1b2c3d4e5f601234567`).set(auth(anna.token))).status, 404);
  });

  it('should page the inbox last active first from per-user day buckets, every conversation once, and move one to the top when a message arrives', async () => {
    const dora = await salesPerson('Dora Dunn');
    const tenantId = new Types.ObjectId(agency.tenantId);
    const now = Date.now();
    // 130 direct conversations of Dora's, last active from now back over about 600 days (day, 16-day and 256-day buckets).
    const seeded = Array.from({ length: 130 }, (_, i) => ({ _id: new Types.ObjectId(), at: new Date(now - Math.floor(i * i * 0.036 * 86_400_000) - i * 1000) }));
    await conversationModel(rt.ctx.connection).collection.insertMany(seeded.map((c, i) => ({ _id: c._id, tenantId, kind: 'direct', key: `inbox-test:${i}`, recordKind: null, recordId: null, participantIds: [dora.id], title: `Inbox ${i}`, createdBy: dora.id, messageCount: 1, lastMessageAt: c.at, lastMessagePreview: 'hi', createdAt: c.at, updatedAt: c.at })) as never[]);
    await conversationMemberModel(rt.ctx.connection).collection.insertMany(seeded.map((c) => ({ tenantId, key: `${String(c._id)}:${String(dora.id)}`, conversationId: c._id, userId: dora.id, kind: 'direct', readCount: 0, lastReadAt: null, createdAt: c.at, ...inboxFields(dora.id, c.at) })) as never[]);
    await fileInboxDays(rt.ctx.connection, seeded.map((c) => ({ tenantId, userId: dora.id, at: c.at })));
    const walk = async () => {
      const ids: string[] = [];
      let cursor: string | null = null;
      for (let pages = 0; pages < 20; pages += 1) {
        const res: { status: number; body: { data: { id: string }[]; nextCursor: string | null } } = await rt.request().get('/v1/conversations').query({ limit: 50, ...(cursor ? { cursor } : {}) }).set(auth(dora.token));
        assert.equal(res.status, 200, JSON.stringify(res.body));
        ids.push(...(res.body.data as { id: string }[]).map((c) => c.id));
        cursor = res.body.nextCursor as string | null;
        if (!cursor) break;
      }
      return ids;
    };
    assert.deepEqual(await walk(), seeded.map((c) => String(c._id)), 'newest first, each once');
    const oldest = seeded.at(-1)!;
    const posted = await rt.request().post(`/v1/conversations/${String(oldest._id)}/messages`).set(auth(dora.token)).send({ body: 'back again' });
    assert.equal(posted.status, 201, JSON.stringify(posted.body));
    const after = await walk();
    assert.equal(after[0], String(oldest._id), 'the conversation with the new message comes first');
    assert.equal(after.length, 130);
    assert.equal((await rt.request().get('/v1/conversations').query({ cursor: '12' }).set(auth(dora.token))).status, 400);
  });
  it('should read an inbox page in the same DB commands for 43 items as for 3 but a busy day\'s hours: no read per conversation, record threads checked in one batch, names read once', async () => {
    const eva = await salesPerson('Eva Engel');
    // Through the API: two 1:1s that the other side wrote in, and a record thread Eva wrote in.
    for (const other of [anna, ben]) {
      const opened = await rt.request().post('/v1/conversations').set(auth(eva.token)).send({ participantIds: [String(other.id)] });
      assert.equal(opened.status, 201, JSON.stringify(opened.body));
      assert.equal((await rt.request().post(`/v1/conversations/${opened.body.id}/messages`).set(auth(other.token)).send({ body: 'first\nword' })).status, 201);
      assert.equal((await rt.request().post(`/v1/conversations/${opened.body.id}/messages`).set(auth(other.token)).send({ body: 'second word' })).status, 201);
    }
    const lead = await leadOwnedBy(eva.id, 'Command Count AG');
    const thread = await rt.request().get(`/v1/record-threads/lead/${lead.id}`).set(auth(eva.token));
    assert.equal((await rt.request().post(`/v1/conversations/${thread.body.id}/messages`).set(auth(eva.token)).send({ body: 'a note' })).status, 201);
    await waitUntilApplied(rt.ctx.connection, tenantId); // the lead's roll-ups are applied in the background: not while the page is measured

    type Page = { data: Array<{ id: string; kind: string; title: string; unreadCount: number; messageCount: number; lastMessagePreview: string; participants: { name: string }[] }>; unreadCount: number };
    const page = async () => {
      await rt.request().get('/v1/conversations').query({ limit: 50 }).set(auth(eva.token)).expect(200); // warm: the caller and the names are cached alike for both sizes
      await moveInboxStamps(rt.ctx.connection, tenantId, [eva.id]); // as a write of Eva's rows does: the page is walked, not kept (inbox-page-cache.ts)
      let body = {} as Page;
      const commands = await commandsDuring(rt, async () => {
        const res = await rt.request().get('/v1/conversations').query({ limit: 50 }).set(auth(eva.token));
        assert.equal(res.status, 200, JSON.stringify(res.body));
        body = res.body as Page;
      });
      return { body, commands: commands.filter(([, collection]) => collection !== 'jobs').map(([name, collection]) => `${name} ${collection}`).sort() };
    };
    const small = await page();
    assert.equal(small.body.data.length, 3);
    const withAnna = small.body.data.find((c) => c.kind === 'direct' && c.title === 'Anna Adler');
    assert.deepEqual(withAnna && [withAnna.messageCount, withAnna.unreadCount, withAnna.lastMessagePreview], [2, 2, 'second word'], 'the summary the posts wrote on her row');
    assert.equal(small.body.data.find((c) => c.kind === 'record')?.title, 'Command Count AG');
    assert.equal(small.body.unreadCount, 4);
    assert.ok(!small.commands.some((c) => c === 'find conversations'), `no conversation read: ${small.commands.join(', ')}`);

    // 40 more 1:1s with three different people, stored as their writes store them (member rows with the summary), all of today.
    const Conversations = conversationModel(rt.ctx.connection);
    const now = Date.now();
    const seeded = Array.from({ length: 40 }, (_, i) => {
      const at = new Date(now - (i + 1) * 60_000);
      const other = [anna, ben, cleo][i % 3]!;
      return { _id: new Types.ObjectId(), tenantId, kind: 'direct' as const, key: `count-test:${i}`, recordKind: null, recordId: null, participantIds: [eva.id, other.id], title: '', createdBy: other.id, messageCount: 1, lastMessageAt: at, lastMessagePreview: `hi ${i}`, createdAt: at, updatedAt: at };
    });
    await Conversations.collection.insertMany(seeded as never[]);
    await conversationMemberModel(rt.ctx.connection).collection.insertMany(seeded.map((c) => ({ tenantId, key: `${String(c._id)}:${String(eva.id)}`, conversationId: c._id, userId: eva.id, kind: 'direct', readCount: 0, lastReadAt: null, createdAt: c.createdAt, ...memberFields(eva.id, c as never) })) as never[]);
    await fileInboxDays(rt.ctx.connection, seeded.map((c) => ({ tenantId, userId: eva.id, at: c.lastMessageAt })));
    const large = await page();
    assert.equal(large.body.data.length, 43);
    assert.equal(large.body.data.find((c) => c.lastMessagePreview === 'hi 2')?.title, 'Cleo Cruz');
    // The day now holds more than a few rows, so the walk reads its hour markers and its hours (inbox-walk.ts): a few reads more, none per item.
    const walked = (c: string) => c === 'find conversation_members' || c === 'find conversation_inbox_days';
    assert.deepEqual(large.commands.filter((c) => !walked(c)), small.commands.filter((c) => !walked(c)), 'the same commands besides the walk for 43 items as for 3');
    assert.ok(large.commands.filter(walked).length <= small.commands.filter(walked).length + 3, `the walk: ${large.commands.join(', ')}`);

    // Pages of 10: today holds more than a page, so it is read by hours, and the walk answers the same order.
    const paged: string[] = [];
    let cursor: string | null = null;
    const filters = await findFiltersDuring(rt, 'conversation_members', async () => {
      for (let pages = 0; pages < 10; pages += 1) {
        const res: { status: number; body: { data: { id: string }[]; nextCursor: string | null } } = await rt.request().get('/v1/conversations').query({ limit: 10, ...(cursor ? { cursor } : {}) }).set(auth(eva.token));
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.ok(res.body.data.length <= 10);
        paged.push(...res.body.data.map((c) => c.id));
        cursor = res.body.nextCursor;
        if (!cursor) break;
      }
    });
    assert.deepEqual(paged, large.body.data.map((c) => c.id), 'each once, last active first');
    assert.ok(filters.some((f) => 'ih' in f), 'a busy day is read by hours');
  });
});
