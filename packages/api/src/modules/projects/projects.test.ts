import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeUser, type TestAgency } from '../../testing/index.js';
import { commandsDuring } from '../../testing/commands.js';
import { listedKind, writeListRows } from '../../platform/lists/list-rows.js';
import { quoteModel } from '../quotes/quote.model.js';
import { taskModel } from '../tasks/task.model.js';
import { projectModel } from './projects.model.js';

describe('from won deal to project', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let admin: string;
  let tenantId: Types.ObjectId;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const [writing, design, printing] = [new Types.ObjectId(), new Types.ObjectId(), new Types.ObjectId()];
  const [long, short] = [new Types.ObjectId(), new Types.ObjectId()];

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt);
    admin = agency.adminToken;
    tenantId = new Types.ObjectId(agency.tenantId);
  });
  after(async () => {
    await rt.close();
  });

  const open = async (body: Record<string, unknown>) => {
    const deal = await rt.request().post('/v1/opportunities').set(auth(admin)).send({ amount: 9000, ...body });
    assert.equal(deal.status, 201, JSON.stringify(deal.body));
    return deal.body as { id: string; version: number };
  };
  const close = async (deal: { id: string; version: number }, outcome: 'won' | 'partially_won') => {
    const won = await rt.request().post(`/v1/opportunities/${deal.id}/move`).set(auth(admin)).send({ stage: 'won', version: deal.version, outcome });
    assert.equal(won.status, 200, JSON.stringify(won.body));
    return won.body as { id: string; closedAt: string };
  };

  it('should keep the account’s production team per task type and spec, refusing a stranger and a stale version', async () => {
    const account = await rt.request().post('/v1/customers').set(auth(admin)).send({ name: 'Acme Publishing' });
    assert.equal(account.status, 201, JSON.stringify(account.body));
    const writer = await makeUser(rt, agency, { role: 'P' });
    const stranger = await rt.request().put(`/v1/customers/${account.body.id}/production-team`).set(auth(admin)).send({ members: [{ userId: String(new Types.ObjectId()) }] });
    assert.equal(stranger.status, 400);
    assert.equal(stranger.body.errors[0].field, 'members.0.userId');
    const set = await rt.request().put(`/v1/customers/${account.body.id}/production-team`).set(auth(admin)).send({ version: 0, members: [{ userId: String(writer.id), taskType: String(writing) }] });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.equal(set.body.version, 1);
    const stale = await rt.request().put(`/v1/customers/${account.body.id}/production-team`).set(auth(admin)).send({ version: 0, members: [] });
    assert.equal(stale.status, 409);
    assert.equal((await rt.request().get(`/v1/customers/${account.body.id}/production-team`).set(auth(admin))).body.members.length, 1);
  });

  it('should make a won deal a project with the quote’s jobs, staffed by task type and spec, with a task for each member', async () => {
    const account = await rt.request().post('/v1/customers').set(auth(admin)).send({ name: 'Globex Media' });
    const [writer, designer] = [await makeUser(rt, agency, { role: 'P' }), await makeUser(rt, agency, { role: 'P' })];
    await rt.request().put(`/v1/customers/${account.body.id}/production-team`).set(auth(admin)).send({
      members: [
        { userId: String(writer.id), taskType: String(writing), role: 'writer' },
        { userId: String(designer.id), taskType: String(design), spec: String(long), role: 'designer' },
        { userId: String(designer.id), taskType: String(design), spec: String(short) },
      ],
    });
    const deal = await open({ name: 'Globex annual report', customerId: account.body.id });
    const line = (serviceId: Types.ObjectId, specId: Types.ObjectId, description: string) => ({ serviceId, specId, description, unit: 'page', quantityMilli: 12_000, unitPrice: 100, listPrice: 100, discountBp: 0, taxRateBp: 0, gross: 1200, discount: 0, net: 1200 });
    await quoteModel(rt.ctx.connection).insertMany([
      { tenantId, opportunityId: new Types.ObjectId(deal.id), title: 'Draft', currency: 'EUR', status: 'rejected', validUntil: new Date(), priceDate: new Date(), lines: [line(printing, short, 'Old print run')] },
      { tenantId, opportunityId: new Types.ObjectId(deal.id), title: 'Accepted', currency: 'EUR', status: 'accepted', validUntil: new Date(), priceDate: new Date(), lines: [line(writing, long, 'Copywriting'), line(design, long, 'Layout'), line(printing, short, 'Print run')] },
    ]);
    const closed = await close(deal, 'won');

    const list = await rt.request().get('/v1/projects').query({ opportunityId: deal.id }).set(auth(admin));
    assert.equal(list.status, 200);
    assert.equal(list.body.data.length, 1);
    const project = list.body.data[0];
    assert.equal(project.outcome, 'won');
    assert.equal(project.customerId, account.body.id);
    assert.deepEqual(project.jobs.map((j: { title: string }) => j.title), ['Copywriting', 'Layout', 'Print run']);
    assert.deepEqual(project.jobs.map((j: { assigneeIds: string[] }) => j.assigneeIds), [[String(writer.id)], [String(designer.id)], []]);
    assert.equal(project.jobs[0].quantity, 12);
    const tasks = await taskModel(rt.ctx.connection).find({ tenantId, subjectId: new Types.ObjectId(deal.id) }).lean();
    assert.equal(tasks.length, 3, 'one per staffed member, and one for the owner to staff the uncovered job');
    const byAssignee = new Map(tasks.map((t) => [String(t.assigneeId), t.title]));
    assert.match(byAssignee.get(String(writer.id))!, /^Copywriting/);
    assert.match(byAssignee.get(String(designer.id))!, /^Layout/);
    assert.equal(tasks.filter((t) => t.title.startsWith('Staff the job Print run')).length, 1);
    assert.deepEqual(project.jobs.flatMap((j: { taskIds: string[] }) => j.taskIds).sort(), tasks.map((t) => String(t._id)).sort());

    // The same win delivered twice more (at once) creates nothing.
    const record = (await rt.request().get(`/v1/opportunities/${deal.id}`).set(auth(admin))).body;
    assert.equal(record.closedAt, closed.closedAt);
    const event = { type: 'opportunity.won', tenantId, resource: 'opportunity', resourceId: deal.id, actor: null, record, data: { outcome: 'won' } };
    await Promise.all([rt.ctx.events.publish(event), rt.ctx.events.publish(event)]);
    assert.equal(await projectModel(rt.ctx.connection).countDocuments({ tenantId, opportunityId: new Types.ObjectId(deal.id) }), 1);
    assert.equal(await taskModel(rt.ctx.connection).countDocuments({ tenantId, subjectId: new Types.ObjectId(deal.id) }), 3);
  });

  it('should make a partially won deal without a quote a one-job project for its owner', async () => {
    const deal = await open({ name: 'Initech brochure' });
    await close(deal, 'partially_won');
    const [project] = (await rt.request().get('/v1/projects').query({ opportunityId: deal.id }).set(auth(admin))).body.data;
    assert.equal(project.outcome, 'partially_won');
    assert.equal(project.jobs.length, 1);
    assert.equal(project.jobs[0].title, 'Initech brochure');
    assert.equal(project.jobs[0].taskIds.length, 1);
    assert.equal((await rt.request().get(`/v1/projects/${project.id}`).set(auth(admin))).body.id, project.id);
  });

  it('should answer 404 for a project or production team of another agency', async () => {
    const other = await makeAgency(rt);
    const project = (await rt.request().get('/v1/projects').set(auth(admin))).body.data.find((p: { customerId: string | null }) => p.customerId);
    const res = await rt.request().get(`/v1/projects/${project.id}`).set(auth(other.adminToken));
    assert.equal(res.status, 404);
    assert.match(res.headers['content-type'] ?? '', /application\/problem\+json/);
    assert.equal((await rt.request().get('/v1/projects').set(auth(other.adminToken))).body.data.length, 0);
    assert.equal((await rt.request().put(`/v1/customers/${project.customerId}/production-team`).set(auth(other.adminToken)).send({ members: [] })).status, 404);
  });

  it('should page 130 projects newest first by cursor from list rows, never reading the projects collection', async () => {
    const now = Date.now();
    const docs = Array.from({ length: 130 }, (_, i) => ({
      _id: Types.ObjectId.createFromTime(Math.floor(now / 1000) - 1000 + i), tenantId, winKey: `paging:${i}`, opportunityId: new Types.ObjectId(), customerId: null, quoteId: null, name: `Paged project ${i}`,
      outcome: 'won', amount: 100, currency: 'EUR', status: i % 2 ? 'open' : 'done', jobs: [], ownerId: null, teamId: null, productId: null, departmentId: null, wonAt: new Date(now), createdAt: new Date(now), updatedAt: new Date(now),
    }));
    await projectModel(rt.ctx.connection).collection.insertMany(docs as never[]);
    assert.equal(await writeListRows(rt.ctx.connection, listedKind(rt.ctx.connection, 'project')!, docs), 130);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    const commands = await commandsDuring(rt, async () => {
      do {
        const res = await rt.request().get(`/v1/projects?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`).set(auth(admin));
        assert.equal(res.status, 200, JSON.stringify(res.body));
        seen.push(...(res.body.data as { name: string }[]).map((p) => p.name).filter((n) => n.startsWith('Paged')));
        cursor = res.body.nextCursor as string | null;
        pages += 1;
      } while (cursor && pages < 10);
    });
    assert.deepEqual(seen, docs.map((d) => d.name).reverse(), 'every project once, newest first');
    assert.ok(!commands.some(([name, collection]) => name === 'find' && collection === 'projects'), 'the list reads rows, not projects');
    const done = await rt.request().get('/v1/projects?status=done&limit=100').set(auth(admin));
    assert.equal((done.body.data as { name: string; status: string }[]).filter((p) => p.name.startsWith('Paged')).length, 65);
    assert.ok((done.body.data as { status: string }[]).every((p) => p.status === 'done'));
  });
});
