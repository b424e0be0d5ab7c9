import assert from 'node:assert/strict';
import { access, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { notificationModel } from '../notifications/notification.model.js';
import { productModel } from '../products/product.model.js';
import { exportJobModel } from './export.model.js';
import { JOBS_COLLECTION } from '../../platform/jobs/jobs.js';
import { EXPORT_RETENTION_JOB } from './exports.service.js';

type Runtime = Awaited<ReturnType<typeof createTestRuntime>>;
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

/** Polls an export as `token` until it leaves queued/running (a minute's deadline). */
async function exportFinished(rt: Runtime, id: string, token: string) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await rt.request().get(`/v1/exports/${id}`).set(auth(token));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    if (!['queued', 'running'].includes(res.body.status)) return res.body;
    if (Date.now() > deadline) throw new Error(`export ${id} still ${res.body.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The bytes of a download, whatever its type. */
function binary(response: NodeJS.ReadableStream, done: (error: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  response.on('data', (c: Buffer) => chunks.push(c));
  response.on('end', () => done(null, Buffer.concat(chunks)));
}

async function xlsxRows(bytes: Buffer): Promise<unknown[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as never);
  const rows: unknown[][] = [];
  workbook.worksheets[0]!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

describe('exports made in the background', () => {
  let rt: Runtime;
  let agency: TestAgency;
  let tenantId: Types.ObjectId;
  let dataDir: string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'crm-exports-'));
    rt = await createTestRuntime({ file: import.meta.filename, env: { DATA_DIR: dataDir, JOBS_PROCESS_EVERY_MS: '100', JOBS_LOCK_LIFETIME_MS: '30000', RATE_LIMIT_MAX: '1000000' } });
    await rt.ctx.jobs.start();
    agency = await makeAgency(rt);
    tenantId = new Types.ObjectId(agency.tenantId);
  });
  after(async () => {
    await rt.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("should write a sales executive's leads with only the role's columns, as the direct export does, audit it, tell them, and let only them download it", async () => {
    const product = await productModel(rt.ctx.connection).create({ tenantId, name: 'Expo background', status: 'active' });
    const seUser = await makeUser(rt, agency, { role: 'SE' });
    const se = await signIn(rt, seUser.email);
    const lead = (token: string, body: Record<string, unknown>) => rt.request().post('/v1/leads').set(auth(token)).send({ productId: String(product._id), ...body }).expect(201);
    // More than one read of the export's cursor (500), so the file is written across batches.
    for (let i = 0; i < 520; i += 1) await lead(se, { firstName: `Row${i}`, lastName: 'Export', jobTitle: i === 7 ? '=HYPERLINK("http://evil.example")' : 'Buyer', companyName: `Firm ${i}`, emails: [{ value: `row${i}@bg.example`, primary: true }] });
    await lead(agency.adminToken, { firstName: 'Not', lastName: 'Theirs', emails: [{ value: 'not@theirs.example', primary: true }] });

    const audited: Array<Record<string, unknown>> = [];
    const off = rt.ctx.events.subscribe('lead.exported', (event) => void audited.push(event.data as Record<string, unknown>));
    const asked = await rt.request().post('/v1/exports/leads').set(auth(se)).send({ format: 'xlsx' });
    assert.equal(asked.status, 202, JSON.stringify(asked.body));
    assert.equal(asked.body.status, 'queued');
    assert.equal(asked.body.downloadPath, null);
    const done = await exportFinished(rt, asked.body.id, se);
    off();
    assert.equal(done.status, 'completed', done.failure);
    assert.equal(done.rows, 520);
    assert.deepEqual(done.columns, ['firstName', 'lastName', 'jobTitle', 'companyName']);
    assert.equal(done.downloadPath, `/v1/exports/${asked.body.id}/file`);
    assert.ok(Date.parse(done.expiresAt) - Date.parse(done.finishedAt) === 24 * 3_600_000, 'kept for EXPORT_RETENTION_HOURS');

    const file = await rt.request().get(done.downloadPath).set(auth(se)).buffer(true).parse(binary as never);
    assert.equal(file.status, 200);
    assert.equal(file.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    assert.match(String(file.headers['content-disposition']), /leads\.xlsx/);
    assert.equal(Number(file.headers['content-length']), done.size);
    const rows = await xlsxRows(file.body as Buffer);
    assert.deepEqual(rows[0], ['firstName', 'lastName', 'jobTitle', 'companyName']);
    assert.equal(rows.length, 521);
    assert.ok(!rows.some((r) => r[1] === 'Theirs'), 'only what the role may export');
    assert.deepEqual(rows.find((r) => r[0] === 'Row7'), ['Row7', 'Export', '\'=HYPERLINK("http://evil.example")', 'Firm 7'], 'formulas neutralised');

    // The direct export of the same role gives the same rows (in the same storage order).
    const direct = await rt.request().get('/v1/leads/export').query({ format: 'xlsx' }).set(auth(se)).buffer(true).parse(binary as never);
    assert.deepEqual(await xlsxRows(direct.body as Buffer), rows);
    assert.deepEqual(audited, [{ count: 520, columns: ['firstName', 'lastName', 'jobTitle', 'companyName'], format: 'xlsx' }]);

    const inbox = await notificationModel(rt.ctx.connection).find({ tenantId, userId: seUser.id, category: 'export.ready' }).lean();
    assert.equal(inbox.length, 1);
    assert.match(inbox[0]!.title, /520 leads is ready/);

    // Another user of the agency, the admin included, neither sees nor downloads it: it is the role's file.
    assert.equal((await rt.request().get(`/v1/exports/${asked.body.id}`).set(auth(agency.adminToken))).status, 404);
    assert.equal((await rt.request().get(done.downloadPath).set(auth(agency.adminToken))).status, 404);
    const other = await makeAgency(rt);
    assert.equal((await rt.request().get(done.downloadPath).set(auth(other.adminToken))).status, 404);
    const mine = await rt.request().get('/v1/exports').set(auth(se));
    assert.deepEqual(mine.body.data.map((e: { id: string }) => e.id), [asked.body.id]);
  });

  it('should take the list filters, write CSV, and refuse a bad filter or a role without export, queuing nothing', async () => {
    const admin = agency.adminToken;
    await rt.request().post('/v1/contacts').set(auth(admin)).send({ firstName: 'Filtered', lastName: 'Hot', emails: [{ value: 'hot@filter.example', primary: true }] }).expect(201);
    const cold = await rt.request().post('/v1/contacts').set(auth(admin)).send({ firstName: 'Filtered', lastName: 'Cold' }).expect(201);
    const hot = (await rt.request().get('/v1/contacts').query({ q: 'hot@filter.example' }).set(auth(admin))).body.data[0];
    await rt.request().post(`/v1/contacts/${hot.id}/transitions`).set(auth(admin)).send({ to: 'hot' }).expect(200);
    assert.ok(cold.body.id);
    const asked = await rt.request().post('/v1/exports/contacts').set(auth(admin)).send({ format: 'csv', filters: { status: 'hot' } });
    assert.equal(asked.status, 202, JSON.stringify(asked.body));
    assert.deepEqual(asked.body.filters, { status: 'hot' });
    const done = await exportFinished(rt, asked.body.id, admin);
    assert.equal(done.status, 'completed', done.failure);
    const file = await rt.request().get(done.downloadPath).set(auth(admin));
    assert.match(String(file.headers['content-type']), /^text\/csv/);
    const lines = file.text.trim().split('\r\n');
    assert.equal(lines[0], 'firstName,lastName,jobTitle,companyName,email,phone,city,country,status,tags,createdAt');
    assert.deepEqual(lines.slice(1).map((l) => l.split(',').slice(0, 2).join(' ')), ['Filtered Hot']);

    // A custom-field filter narrows the export as it narrows the list (the direct export ignored it before 2026-12-07).
    await rt.request().post('/v1/custom-fields').set(auth(admin)).send({ resource: 'contact', key: 'tier', label: 'Tier', type: 'select', options: ['gold', 'silver'] }).expect(201);
    await rt.request().post('/v1/contacts').set(auth(admin)).send({ firstName: 'Tiered', lastName: 'Gold', custom: { tier: 'gold' } }).expect(201);
    await rt.request().post('/v1/contacts').set(auth(admin)).send({ firstName: 'Tiered', lastName: 'Silver', custom: { tier: 'silver' } }).expect(201);
    const gold = await exportFinished(rt, (await rt.request().post('/v1/exports/contacts').set(auth(admin)).send({ format: 'csv', filters: { 'custom.tier': 'gold' } }).expect(202)).body.id, admin);
    assert.equal(gold.rows, 1);
    const goldFile = await rt.request().get(gold.downloadPath).set(auth(admin));
    assert.match(goldFile.text.split('\r\n')[1]!, /^Tiered,Gold,/);
    const goldDirect = await rt.request().get('/v1/contacts/export').query({ 'custom.tier': 'gold' }).set(auth(admin));
    assert.equal(goldDirect.text, goldFile.text);

    const before = await exportJobModel(rt.ctx.connection).countDocuments({ tenantId });
    const bad = await rt.request().post('/v1/exports/contacts').set(auth(admin)).send({ format: 'csv', filters: { ownerId: 'nobody' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].field, 'filters.ownerId', JSON.stringify(bad.body.errors));
    for (const [filters, field] of [[{ colour: 'red' }, 'filters.colour'], [{ 'custom.nope': 'x' }, 'filters.custom.nope']] as const) {
      const refused = await rt.request().post('/v1/exports/contacts').set(auth(admin)).send({ format: 'csv', filters });
      assert.equal(refused.status, 400, JSON.stringify(refused.body));
      assert.equal(refused.body.errors[0].field, field);
    }
    assert.equal((await rt.request().post('/v1/exports/invoices').set(auth(admin)).send({ format: 'csv' })).status, 405, 'no such kind of export');
    assert.equal((await rt.request().post('/v1/exports/leads').set(auth(admin)).send({ format: 'pdf' })).status, 400);
    const producer = await signIn(rt, (await makeUser(rt, agency, { role: 'P' })).email);
    const refused = await rt.request().post('/v1/exports/leads').set(auth(producer)).send({ format: 'xlsx' });
    assert.equal(refused.status, 403);
    assert.equal(await exportJobModel(rt.ctx.connection).countDocuments({ tenantId }), before, 'nothing queued');
    const byPath = await rt.request().post('/v1/exports/leads').set(auth(admin)).send({ kind: 'contacts', tenantId: new Types.ObjectId().toHexString(), format: 'csv' });
    assert.equal(byPath.status, 202);
    assert.equal(byPath.body.kind, 'leads', 'the kind is the path; fields the body does not take are dropped');
  });

  it('should write the file again after a worker died mid-run, leaving no part file behind', async () => {
    const admin = agency.adminToken;
    await rt.ctx.jobs.stop();
    const asked = await rt.request().post('/v1/exports/contacts').set(auth(admin)).send({ format: 'xlsx' });
    assert.equal(asked.status, 202);
    // As a worker that died 2 minutes ago leaves it: running, attempt 1, its half-written part file on disk.
    const folder = join(dataDir, 'exports', agency.tenantId);
    const { mkdir } = await import('node:fs/promises');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, `${asked.body.id}-1.xlsx.part`), 'PK half');
    await exportJobModel(rt.ctx.connection).updateOne({ tenantId, _id: new Types.ObjectId(asked.body.id) }, { $set: { status: 'running', attempt: 1, heartbeatAt: new Date(Date.now() - 120_000), startedAt: new Date(Date.now() - 130_000), rows: 17 } });
    await rt.ctx.jobs.start();
    const done = await exportFinished(rt, asked.body.id, admin);
    assert.equal(done.status, 'completed', done.failure);
    const stored = await exportJobModel(rt.ctx.connection).findOne({ tenantId, _id: new Types.ObjectId(asked.body.id) }).lean();
    assert.equal(stored!.attempt, 2);
    const count = (await rt.request().get('/v1/contacts').query({ limit: 100 }).set(auth(admin))).body.data.length;
    assert.equal(done.rows, count, 'every row, written once by the new attempt');
    const files = (await readdir(folder)).filter((f) => f.startsWith(asked.body.id));
    assert.deepEqual(files, [`${asked.body.id}-2.xlsx`]);
  });

  it('should remove a file when it expires: the export stays, expired, and its download says so', async () => {
    const admin = agency.adminToken;
    const asked = await rt.request().post('/v1/exports/contacts').set(auth(admin)).send({ format: 'csv' });
    const done = await exportFinished(rt, asked.body.id, admin);
    assert.equal(done.status, 'completed');
    const stored = await exportJobModel(rt.ctx.connection).findOne({ tenantId, _id: new Types.ObjectId(asked.body.id) }).lean();
    await access(stored!.path!);
    // Not yet due: a run of the retention job (waited for until Agenda records it finished) leaves it.
    const early = await rt.ctx.jobs.agenda.now(EXPORT_RETENTION_JOB);
    const ranBy = Date.now() + 30_000;
    while (!(await rt.ctx.connection.db!.collection(JOBS_COLLECTION).findOne({ _id: new Types.ObjectId(String(early.attrs._id)) }))?.lastFinishedAt) {
      if (Date.now() > ranBy) throw new Error('the retention job did not run');
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal((await rt.request().get(done.downloadPath).set(auth(admin))).status, 200);
    assert.equal((await rt.request().get(`/v1/exports/${asked.body.id}`).set(auth(admin))).body.status, 'completed');
    await exportJobModel(rt.ctx.connection).updateOne({ tenantId, _id: stored!._id }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    await rt.ctx.jobs.agenda.now(EXPORT_RETENTION_JOB);
    const deadline = Date.now() + 30_000;
    while ((await rt.request().get(`/v1/exports/${asked.body.id}`).set(auth(admin))).body.status !== 'expired') {
      if (Date.now() > deadline) throw new Error('not expired');
      await new Promise((r) => setTimeout(r, 100));
    }
    await assert.rejects(access(stored!.path!), /ENOENT/);
    const gone = await rt.request().get(done.downloadPath).set(auth(admin));
    assert.equal(gone.status, 409);
    assert.match(gone.body.detail, /removed 24 hours after it was made; export again/);
    assert.equal((await rt.request().get(`/v1/exports/${asked.body.id}`).set(auth(admin))).body.downloadPath, null);
  });
});
