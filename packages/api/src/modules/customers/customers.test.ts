import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { customerDocumentModel, customerModel } from './customer.model.js';

describe('customers', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let admin: string;
  let tenantId: Types.ObjectId;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const Customers = () => customerModel(rt.ctx.connection);

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt);
    admin = agency.adminToken;
    tenantId = new Types.ObjectId(agency.tenantId);
  });
  after(() => rt.close());

  const create = async (body: Record<string, unknown>, token = admin) => {
    const res = await rt.request().post('/v1/customers').set(auth(token)).send(body);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { id: string; version: number; ancestorIds: string[]; depth: number };
  };

  it('should create a customer with company, finance, team and preferences, then merge a partial finance update', async () => {
    const am = await makeUser(rt, agency, { role: 'SALES_PERSON' });
    const res = await rt
      .request()
      .post('/v1/customers')
      .set(auth(admin))
      .send({
        name: 'Nordic Fintech AB',
        industry: 'Fintech',
        companyType: 'Enterprise',
        logoUrl: 'https://example.com/logo.png',
        address: { line1: 'Storgatan 1', city: 'Stockholm', country: 'Sweden' },
        tags: ['vip'],
        category: 'Key account',
        rating: 5,
        finance: { currency: 'SEK', creditLimit: 50000, invoicingOption: 'perMonth', paymentTerms: 'Net 30' },
        team: { accountManagerId: String(am.id), backupPmIds: [String(am.id)] },
        preferences: { channel: 'email', services: ['translation'] },
        billingUnits: [{ name: 'HQ', poRequired: true }],
      });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.status, 'draft');
    assert.equal(res.body.finance.invoicingOption, 'perMonth');
    assert.equal(res.body.finance.blacklisted, false);
    assert.equal(res.body.team.accountManagerId, String(am.id));
    assert.equal(res.body.preferences.satisfactionEmails, true);
    const patched = await rt.request().patch(`/v1/customers/${res.body.id}`).set(auth(admin)).set('If-Match', String(res.body.version)).send({ finance: { blacklisted: true } });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    const stored = await Customers().findOne({ tenantId, _id: new Types.ObjectId(res.body.id) }).lean();
    assert.equal(stored!.finance.blacklisted, true);
    assert.equal(stored!.finance.currency, 'SEK', 'the rest of finance is kept');
    assert.equal(stored!.city, 'Stockholm');
    const filtered = await rt.request().get('/v1/customers').query({ blacklisted: 'true', country: 'Sweden', q: 'nordic' }).set(auth(admin));
    assert.deepEqual(filtered.body.data.map((c: { id: string }) => c.id), [res.body.id]);
  });

  it('should name each invalid field and refuse unknown users in the team', async () => {
    const bad = await rt.request().post('/v1/customers').set(auth(admin)).send({ name: '', rating: 9, finance: { currency: 'euro', invoicingOption: 'weekly' } });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.errors.map((e: { field: string }) => e.field).sort(), ['finance.currency', 'finance.invoicingOption', 'name', 'rating']);
    const ghost = await rt.request().post('/v1/customers').set(auth(admin)).send({ name: 'Ghost team', team: { mainPmId: String(new Types.ObjectId()) } });
    assert.equal(ghost.status, 400);
    assert.equal(ghost.body.errors[0].field, 'team.mainPmId');
    assert.equal(await Customers().countDocuments({ tenantId, name: 'Ghost team' }), 0);
  });

  it('should follow the customer workflow and refuse an illegal transition with the allowed ones', async () => {
    const c = await create({ name: 'Workflow Co' });
    const toNew = await rt.request().post(`/v1/customers/${c.id}/transitions`).set(auth(admin)).send({ to: 'new' });
    assert.equal(toNew.status, 200);
    assert.equal((await rt.request().post(`/v1/customers/${c.id}/transitions`).set(auth(admin)).send({ to: 'active' })).status, 200);
    const illegal = await rt.request().post(`/v1/customers/${c.id}/transitions`).set(auth(admin)).send({ to: 'draft' });
    assert.equal(illegal.status, 409);
    assert.equal(illegal.body.code, 'invalid_transition');
    assert.deepEqual(illegal.body.allowed.sort(), ['blocked', 'inactive']);
    assert.equal((await Customers().findOne({ tenantId, _id: new Types.ObjectId(c.id) }).lean())!.status, 'active');
  });

  it('should keep the account tree: create under parents, list a subtree, move a subtree, refuse cycles, roll totals up', async () => {
    const root = await create({ name: 'Group', finance: { currency: 'EUR', creditLimit: 1000 } });
    const branch = await create({ name: 'Branch', parentId: root.id, finance: { currency: 'EUR', creditLimit: 200 } });
    const line = await create({ name: 'Product line', parentId: branch.id, finance: { currency: 'USD', creditLimit: 30 } });
    assert.deepEqual(line.ancestorIds, [root.id, branch.id]);
    assert.equal(line.depth, 2);
    const other = await create({ name: 'Other root' });

    const subtree = await rt.request().get(`/v1/customers/${root.id}/subtree`).set(auth(admin));
    assert.deepEqual(subtree.body.data.map((c: { name: string }) => c.name).sort(), ['Branch', 'Product line']);

    const cycle = await rt.request().post(`/v1/customers/${root.id}/move`).set(auth(admin)).send({ parentId: line.id });
    assert.equal(cycle.status, 409);
    assert.equal((await rt.request().post(`/v1/customers/${root.id}/move`).set(auth(admin)).send({ parentId: root.id })).status, 409);

    const moved = await rt.request().post(`/v1/customers/${branch.id}/move`).set(auth(admin)).send({ parentId: other.id });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.deepEqual(moved.body.ancestorIds, [other.id]);
    const storedLine = await Customers().findOne({ tenantId, _id: new Types.ObjectId(line.id) }).lean();
    assert.deepEqual(storedLine!.ancestorIds.map(String), [other.id, branch.id], 'descendants are rewritten');
    assert.equal(storedLine!.depth, 2);
    assert.equal((await rt.request().get(`/v1/customers/${root.id}/subtree`).set(auth(admin))).body.data.length, 0);

    // Deals of the subtree roll up too: open (weighted), won and lost, per currency; other accounts' deals do not.
    const deal = async (customerId: string, body: Record<string, unknown>, stage?: string, extra: Record<string, unknown> = {}) => {
      const created = await rt.request().post('/v1/opportunities').set(auth(admin)).send({ customerId, ...body });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      if (stage) await rt.request().post(`/v1/opportunities/${created.body.id}/move`).set(auth(admin)).send({ stage, version: created.body.version, ...extra }).expect(200);
    };
    await deal(branch.id, { name: 'Branch open', amount: 1000, currency: 'EUR' });
    await deal(line.id, { name: 'Line won', amount: 400, currency: 'EUR' }, 'won');
    await deal(line.id, { name: 'Line lost', amount: 70, currency: 'USD' }, 'lost', { lostReason: 'price' });
    await deal(root.id, { name: 'Not in the subtree', amount: 5, currency: 'EUR' });

    const rollup = await rt.request().get(`/v1/customers/${other.id}/rollup`).set(auth(admin));
    assert.equal(rollup.status, 200);
    assert.equal(rollup.body.childCount, 1);
    assert.equal(rollup.body.descendantCount, 2);
    assert.deepEqual(rollup.body.byStatus, { draft: 2 });
    const eur = rollup.body.creditLimitTotals.find((t: { currency: string }) => t.currency === 'EUR');
    assert.equal(eur.creditLimit, 200);
    assert.equal(eur.accounts, 1, 'every accumulator is computed (FerretDB answers only the first of several in one $group)');
    const eurDeals = rollup.body.opportunityTotals.find((t: { currency: string }) => t.currency === 'EUR');
    assert.deepEqual({ open: eurDeals.open.count, amount: eurDeals.open.amount, won: eurDeals.won, lost: eurDeals.lost.count }, { open: 1, amount: 1000, won: { count: 1, amount: 400 }, lost: 0 });
    assert.ok(eurDeals.open.weightedAmount > 0 && eurDeals.open.weightedAmount < 1000, 'weighted by the stage probability');
    assert.deepEqual(rollup.body.opportunityTotals.find((t: { currency: string }) => t.currency === 'USD').lost, { count: 1, amount: 70 });
    assert.equal(rollup.body.creditLimitTotals.reduce((n: number, t: { accounts: number }) => n + t.accounts, 0), 3, 'the account itself and its two descendants');
    assert.equal(rollup.body.creditLimitTotals.find((t: { currency: string }) => t.currency === 'USD').creditLimit, 30);

    const toRoot = await rt.request().post(`/v1/customers/${branch.id}/move`).set(auth(admin)).send({ parentId: null });
    assert.equal(toRoot.status, 200);
    assert.deepEqual((await Customers().findOne({ tenantId, _id: new Types.ObjectId(line.id) }).lean())!.ancestorIds.map(String), [branch.id]);
    const withChildren = await rt.request().delete(`/v1/customers/${branch.id}`).set(auth(admin));
    assert.equal(withChildren.status, 409);
  });

  it('should store a document in the database and stream it back as an attachment', async () => {
    const c = await create({ name: 'Docs Ltd' });
    const bytes = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x2d, 0x00, 0xff, 0x10, 0x80]);
    const up = await rt.request().post(`/v1/customers/${c.id}/documents`).query({ fileName: 'contract ü.pdf' }).set(auth(admin)).set('Content-Type', 'application/pdf').send(bytes);
    assert.equal(up.status, 201, JSON.stringify(up.body));
    assert.equal(up.body.size, bytes.length);
    assert.equal(up.body.contentType, 'application/pdf');
    const stored = await customerDocumentModel(rt.ctx.connection).findOne({ tenantId, _id: new Types.ObjectId(up.body.id) });
    assert.ok(stored!.data.equals(bytes), 'the bytes are in customer_documents');

    const list = await rt.request().get(`/v1/customers/${c.id}/documents`).set(auth(admin));
    assert.deepEqual(list.body.data.map((d: { fileName: string }) => d.fileName), ['contract ü.pdf']);
    assert.ok(!('data' in list.body.data[0]));

    const down = await rt
      .request()
      .get(`/v1/customers/${c.id}/documents/${up.body.id}`)
      .set(auth(admin))
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    assert.equal(down.status, 200);
    assert.ok((down.body as Buffer).equals(bytes));
    assert.match(down.headers['content-type']!, /^application\/pdf/);
    assert.match(down.headers['content-disposition']!, /^attachment; filename=/);
    assert.equal(down.headers['x-content-type-options'], 'nosniff');

    const tooBig = await rt.request().post(`/v1/customers/${c.id}/documents`).query({ fileName: 'big.bin' }).set(auth(admin)).set('Content-Type', 'application/octet-stream').send(Buffer.alloc(5 * 1024 * 1024 + 1));
    assert.equal(tooBig.status, 413);
    const noName = await rt.request().post(`/v1/customers/${c.id}/documents`).set(auth(admin)).set('Content-Type', 'text/plain').send('hello');
    assert.equal(noName.status, 400);
    assert.equal(noName.body.errors[0].field, 'query.fileName');

    assert.equal((await rt.request().delete(`/v1/customers/${c.id}/documents/${up.body.id}`).set(auth(admin))).status, 204);
    assert.equal(await customerDocumentModel(rt.ctx.connection).countDocuments({ tenantId, customerId: new Types.ObjectId(c.id) }), 0);
  });

  it("should let only a role that may update invoices change an account's credit and price terms, naming each refused field", async () => {
    const sp = await makeUser(rt, agency, { role: 'SALES_PERSON' });
    const token = await signIn(rt, sp.email);
    const refusedCreate = await rt.request().post('/v1/customers').set(auth(token)).send({ name: 'Own Terms Ltd', finance: { creditLimit: 90000 } });
    assert.equal(refusedCreate.status, 403);
    assert.deepEqual(refusedCreate.body.errors.map((e: { field: string }) => e.field), ['finance.creditLimit']);
    assert.equal(await Customers().countDocuments({ tenantId, name: 'Own Terms Ltd' }), 0);

    const mine = await create({ name: 'Terms Ltd', finance: { currency: 'EUR', invoicingOption: 'manual' } }, token);
    // The admin sets the terms; the sales person may still change the rest of the finance group and send the terms unchanged.
    const set = await rt.request().patch(`/v1/customers/${mine.id}`).set(auth(admin)).send({ finance: { creditLimit: 5000, paymentTermsDays: 30 } });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    const same = await rt.request().patch(`/v1/customers/${mine.id}`).set(auth(token)).send({ finance: { creditLimit: 5000, paymentTermsDays: 30, blacklisted: false, invoicingOption: 'perMonth' } });
    assert.equal(same.status, 200, JSON.stringify(same.body));
    assert.equal(same.body.finance.invoicingOption, 'perMonth');

    const raised = await rt.request().patch(`/v1/customers/${mine.id}`).set(auth(token)).send({ name: 'Terms Ltd (renamed)', finance: { creditLimit: 999999, blacklisted: false, allowNegativeProfit: true } });
    assert.equal(raised.status, 403);
    assert.deepEqual(raised.body.errors.map((e: { field: string }) => e.field), ['finance.creditLimit', 'finance.allowNegativeProfit']);
    const stored = await Customers().findOne({ tenantId, _id: new Types.ObjectId(mine.id) }).lean();
    assert.equal(stored!.name, 'Terms Ltd');
    assert.equal(stored!.finance.creditLimit, 5000);
    assert.equal(stored!.finance.allowNegativeProfit, false);

    const head = await makeUser(rt, agency, { role: 'SALES_HEAD' });
    const byHead = await rt.request().patch(`/v1/customers/${mine.id}`).set(auth(await signIn(rt, head.email))).send({ finance: { creditLimit: 7500 } });
    assert.equal(byHead.status, 200, JSON.stringify(byHead.body));
    assert.equal(byHead.body.finance.creditLimit, 7500);
  });

  it('should show a sales person only their own customers and answer 404 for the rest and for another agency', async () => {
    const sp = await makeUser(rt, agency, { role: 'SALES_PERSON' });
    const token = await signIn(rt, sp.email);
    const mine = await create({ name: 'Mine Inc' }, token);
    const theirs = await create({ name: 'Theirs Inc' });
    const list = await rt.request().get('/v1/customers').query({ limit: 200 }).set(auth(token));
    assert.deepEqual(list.body.data.map((c: { id: string }) => c.id), [mine.id]);
    assert.equal((await rt.request().get(`/v1/customers/${theirs.id}`).set(auth(token))).status, 404);
    assert.equal((await rt.request().patch(`/v1/customers/${theirs.id}`).set(auth(token)).send({ notes: 'x' })).status, 404);
    assert.equal((await rt.request().post(`/v1/customers/${theirs.id}/documents`).query({ fileName: 'a.txt' }).set(auth(token)).set('Content-Type', 'text/plain').send('x')).status, 404);
    const under = await rt.request().post('/v1/customers').set(auth(token)).send({ name: 'Sneaky', parentId: theirs.id });
    assert.equal(under.status, 400);
    assert.equal(under.body.errors[0].field, 'parentId');

    const other = await makeAgency(rt);
    const foreign = (await rt.request().post('/v1/customers').set(auth(other.adminToken)).send({ name: 'Foreign' })).body;
    assert.equal((await rt.request().get(`/v1/customers/${foreign.id}`).set(auth(admin))).status, 404);
    assert.equal((await rt.request().post(`/v1/customers/${foreign.id}/move`).set(auth(admin)).send({ parentId: null })).status, 404);
    assert.equal((await rt.request().get(`/v1/customers/${foreign.id}/rollup`).set(auth(admin))).status, 404);
    assert.equal((await rt.request().get(`/v1/customers/${foreign.id}/documents`).set(auth(admin))).status, 404);
    assert.equal((await Customers().findOne({ tenantId: new Types.ObjectId(other.tenantId), _id: new Types.ObjectId(foreign.id) }).lean())!.name, 'Foreign');
  });
});
