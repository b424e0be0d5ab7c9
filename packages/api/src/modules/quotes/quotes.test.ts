import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import { Types } from 'mongoose';
import { startSmtpSink, type SmtpSink } from '../../platform/mail/smtp-sink.js';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { commandsDuring } from '../../testing/commands.js';
import { moveListStamps } from '../../platform/lists/list-page-cache.js';
import { activityModel } from '../activities/activity.model.js';
import { invoiceModel } from '../invoices/invoice.model.js';
import { isDuplicateKeyError } from '../../platform/errors.js';
import { createWorkflowEngine } from '../../platform/workflow/workflow-engine.js';
import { expireQuotes } from './quote-expiry.js';
import { quoteModel, quoteRevisionModel, quoteSettingsModel } from './quote.model.js';

describe('quotes, price books and invoices', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let admin: string;
  let tenantId: Types.ObjectId;
  let sink: SmtpSink;
  let book: { id: string; services: { id: string; specs: { id: string }[] }[] };
  let accountId: string;
  let opportunityId: string;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const today = new Date().toISOString().slice(0, 10);
  const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
  const line = (spec = 0, extra: Record<string, unknown> = {}) => ({ serviceId: book.services[0]!.id, specId: book.services[0]!.specs[spec]!.id, quantity: 1, ...extra });

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt);
    admin = agency.adminToken;
    tenantId = new Types.ObjectId(agency.tenantId);
    sink = await startSmtpSink({ auth: { user: 'rep@agency.test', pass: 'rep-mailbox' } });
    const created = await rt.request().post('/v1/price-books').set(auth(admin)).send({
      name: 'Standard 2026',
      isDefault: true,
      services: [
        {
          name: 'Translation',
          specs: [
            { name: 'EN→DE legal', unit: 'word', prices: [{ currency: 'EUR', unitPrice: 15, validTo: inDays(-1) }, { currency: 'EUR', unitPrice: 18, validFrom: inDays(-1) }, { currency: 'JPY', unitPrice: 25 }] },
            { name: 'Project management', unit: 'hour', prices: [{ currency: 'EUR', unitPrice: 8_999 }] },
          ],
        },
      ],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    book = created.body;
    accountId = (await rt.request().post('/v1/customers').set(auth(admin)).send({ name: 'Globex GmbH', finance: { priceBookId: book.id, priceAdjuster: 2.5, currency: 'EUR' } })).body.id;
    const deal = await rt.request().post('/v1/opportunities').set(auth(admin)).send({ name: 'Globex – contracts', customerId: accountId, currency: 'EUR', amount: 1000 });
    assert.equal(deal.status, 201, JSON.stringify(deal.body));
    opportunityId = deal.body.id;
  });
  after(async () => {
    await sink.stop();
    await rt.close();
  });

  it('should refuse overlapping prices and unknown currencies, naming the field, and store nothing', async () => {
    const before = (await rt.request().get('/v1/price-books').set(auth(admin))).body.data.length;
    const overlap = await rt.request().post('/v1/price-books').set(auth(admin)).send({ name: 'Bad', services: [{ name: 'S', specs: [{ name: 'x', unit: 'h', prices: [{ currency: 'EUR', unitPrice: 1 }, { currency: 'EUR', unitPrice: 2, validFrom: '2026-01-01' }] }] }] });
    assert.equal(overlap.status, 400);
    assert.equal(overlap.body.errors[0].field, 'services.0.specs.0.prices.1.validFrom');
    const currency = await rt.request().post('/v1/price-books').set(auth(admin)).send({ name: 'Bad', services: [{ name: 'S', specs: [{ name: 'x', unit: 'h', prices: [{ currency: 'XYZ', unitPrice: 1 }] }] }] });
    assert.equal(currency.body.errors[0].field, 'services.0.specs.0.prices.0.currency');
    const fraction = await rt.request().post('/v1/price-books').set(auth(admin)).send({ name: 'Bad', services: [{ name: 'S', specs: [{ name: 'x', unit: 'h', prices: [{ currency: 'EUR', unitPrice: 1.5 }] }] }] });
    assert.equal(fraction.body.errors[0].field, 'services.0.specs.0.prices.0.unitPrice');
    assert.equal((await rt.request().get('/v1/price-books').set(auth(admin))).body.data.length, before);
  });

  it('should resolve the price an account gets: its book, the price valid on the day, its adjuster', async () => {
    const q = (date: string, currency = 'EUR') => rt.request().get('/v1/price-books/resolve').query({ accountId, serviceId: book.services[0]!.id, specId: book.services[0]!.specs[0]!.id, currency, date }).set(auth(admin));
    const now = await q(today);
    assert.equal(now.status, 200, JSON.stringify(now.body));
    assert.equal(now.body.listPrice, 18);
    assert.equal(now.body.adjusterBp, 250);
    assert.equal(now.body.unitPrice, 18, '18 × 1.025 = 18.45 → 18');
    assert.equal((await q(inDays(-5))).body.listPrice, 15, 'the earlier price on an earlier day');
    const yen = await q(today, 'JPY');
    assert.equal(yen.body.unitPrice, 26, '25 × 1.025 = 25.625 → 26');
    const none = await q(today, 'USD');
    assert.equal(none.status, 400);
    assert.equal(none.body.errors[0].field, 'currency');
    const noAccount = await rt.request().get('/v1/price-books/resolve').query({ serviceId: book.services[0]!.id, specId: book.services[0]!.specs[1]!.id, currency: 'EUR' }).set(auth(admin));
    assert.equal(noAccount.body.unitPrice, 8_999, 'the default book without an adjuster');
  });

  it('should compute quote totals on the server in minor units, and refuse a bad line by its index', async () => {
    const preview = await rt.request().post('/v1/quotes/preview').set(auth(admin)).send({ opportunityId, lines: [line(0, { quantity: 1000, discountPercent: 10, taxRatePercent: 19 }), line(1, { quantity: 2.5, taxRatePercent: 19 })] });
    assert.equal(preview.status, 200, JSON.stringify(preview.body));
    // 1000 words × 0.18 = 180.00, −10 % = 162.00; 2.5 h × 92.24 (89.99 × 1.025 = 92.23975) = 230.60; tax 19 % of 392.60 = 74.594 → 74.59
    assert.deepEqual(preview.body.lines.map((l: { net: number }) => l.net), [16_200, 23_060]);
    assert.equal(preview.body.subtotal, 39_260);
    assert.deepEqual(preview.body.taxes, [{ rateBp: 1900, base: 39_260, amount: 7_459 }]);
    assert.equal(preview.body.total, 46_719);
    assert.equal(preview.body.exponent, 2);
    const bad = await rt.request().post('/v1/quotes').set(auth(admin)).send({ opportunityId, validUntil: inDays(30), lines: [line(0), line(1, { quantity: 1.0005 })] });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].field, 'lines.1.quantity');
    const injected = await rt.request().post('/v1/quotes').set(auth(admin)).send({ opportunityId: { $ne: null }, validUntil: inDays(30), lines: [line(0)] });
    assert.equal(injected.status, 400);
    assert.equal(injected.body.errors[0].field, 'opportunityId');
    assert.equal(await quoteModel(rt.ctx.connection).countDocuments({ tenantId }), 0);
  });

  it('should send a quote through the rep’s own SMTP with its PDF, once per revision, logged on the timeline', async () => {
    const rep = await makeUser(rt, agency, { role: 'SALES_HEAD' });
    const token = await signIn(rt, rep.email);
    await rt.request().put('/v1/me/mail-settings').set(auth(token)).send({ host: '127.0.0.1', port: sink.port, secure: false, username: 'rep@agency.test', password: 'rep-mailbox', fromEmail: 'rep@agency.test', fromName: 'Rita Rep' }).expect(200);
    const created = await rt.request().post('/v1/quotes').set(auth(token)).send({ opportunityId, validUntil: inDays(30), lines: [line(0, { quantity: 500, taxRatePercent: 19 })] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.status, 'draft');
    assert.equal(created.body.total, 10_710, '500 × 0.18 = 90.00 + 19 % = 107.10');

    const sent = await rt.request().post(`/v1/quotes/${created.body.id}/send`).set(auth(token)).send({ to: ['buyer@globex.test'], locale: 'de' });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    assert.equal(sent.body.status, 'sent');
    assert.equal(sent.body.sentRevision, 1);
    const mail = sink.messages.find((m) => m.to.includes('buyer@globex.test'))!;
    assert.ok(mail, 'the customer got the quote through the rep’s mailbox');
    const parsed = await simpleParser(mail.raw);
    assert.match(parsed.from!.text, /rep@agency\.test/);
    assert.match(parsed.text!, /107,10\s€/);
    assert.equal(parsed.attachments.length, 1);
    assert.equal(parsed.attachments[0]!.contentType, 'application/pdf');
    assert.equal(parsed.attachments[0]!.content.subarray(0, 5).toString(), '%PDF-');

    const again = await rt.request().post(`/v1/quotes/${created.body.id}/send`).set(auth(token)).send({ to: ['buyer@globex.test'] });
    assert.equal(again.status, 409, 'a sent revision is not sent twice');
    assert.equal(sink.messages.filter((m) => m.to.includes('buyer@globex.test')).length, 1);
    const logged = await activityModel(rt.ctx.connection).find({ tenantId, subjectId: new Types.ObjectId(opportunityId), type: 'email' }).lean();
    assert.equal(logged.length, 1);
    assert.match(logged[0]!.title, /Quote Q-.*-v1 sent/);

    // Editing a sent quote makes revision 2, a draft again, which can be sent once more.
    const revised = await rt.request().patch(`/v1/quotes/${created.body.id}`).set(auth(token)).send({ lines: [line(0, { quantity: 600, taxRatePercent: 19 })] });
    assert.equal(revised.status, 200, JSON.stringify(revised.body));
    assert.equal(revised.body.revision, 2);
    assert.equal(revised.body.status, 'draft');
    await rt.request().post(`/v1/quotes/${created.body.id}/send`).set(auth(token)).send({ to: ['buyer@globex.test'] }).expect(200);
    assert.deepEqual((await quoteRevisionModel(rt.ctx.connection).find({ tenantId, quoteId: new Types.ObjectId(created.body.id) }).lean()).map((r) => [r.revision, r.state]).sort(), [[1, 'sent'], [2, 'sent']]);

    const accepted = await rt.request().post(`/v1/quotes/${created.body.id}/transition`).set(auth(token)).send({ to: 'accepted' });
    assert.equal(accepted.body.status, 'accepted');
    const frozen = await rt.request().patch(`/v1/quotes/${created.body.id}`).set(auth(token)).send({ title: 'changed' });
    assert.equal(frozen.status, 409);
    const pdf = await rt.request().get(`/v1/quotes/${created.body.id}/pdf`).set(auth(token)).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    assert.equal(pdf.headers['content-type'], 'application/pdf');
    assert.equal((pdf.body as Buffer).subarray(0, 5).toString(), '%PDF-');
  });

  it('should leave a quote a draft, sendable again, when the rep’s SMTP refuses the connection', async () => {
    const rep = await makeUser(rt, agency, { role: 'SALES_HEAD' });
    const token = await signIn(rt, rep.email);
    const closed = await startSmtpSink();
    const port = closed.port;
    await closed.stop();
    await rt.request().put('/v1/me/mail-settings').set(auth(token)).send({ host: '127.0.0.1', port, secure: false, fromEmail: 'down@agency.test' }).expect(200);
    const quote = (await rt.request().post('/v1/quotes').set(auth(token)).send({ opportunityId, validUntil: inDays(10), lines: [line(0)] })).body;
    const failed = await rt.request().post(`/v1/quotes/${quote.id}/send`).set(auth(token)).send({ to: ['retry@globex.test'] });
    assert.equal(failed.status, 503, JSON.stringify(failed.body));
    assert.equal((await rt.request().get(`/v1/quotes/${quote.id}`).set(auth(token))).body.status, 'draft');
    assert.equal(await quoteRevisionModel(rt.ctx.connection).countDocuments({ tenantId, quoteId: new Types.ObjectId(quote.id) }), 0);
    await rt.request().put('/v1/me/mail-settings').set(auth(token)).send({ host: '127.0.0.1', port: sink.port, secure: false, username: 'rep@agency.test', password: 'rep-mailbox', fromEmail: 'rep@agency.test' }).expect(200);
    const sent = await rt.request().post(`/v1/quotes/${quote.id}/send`).set(auth(token)).send({ to: ['retry@globex.test'] });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    assert.equal(sink.messages.filter((m) => m.to.includes('retry@globex.test')).length, 1);
  });

  it('should expire a sent quote once its validity day has passed, once, and leave drafts alone', async () => {
    const rep = await makeUser(rt, agency, { role: 'SALES_HEAD' });
    const token = await signIn(rt, rep.email);
    await rt.request().put('/v1/me/mail-settings').set(auth(token)).send({ host: '127.0.0.1', port: sink.port, secure: false, username: 'rep@agency.test', password: 'rep-mailbox', fromEmail: 'rep@agency.test' }).expect(200);
    const sent = (await rt.request().post('/v1/quotes').set(auth(token)).send({ opportunityId, validUntil: inDays(2), lines: [line(0)] })).body;
    await rt.request().post(`/v1/quotes/${sent.id}/send`).set(auth(token)).send({ to: ['expiry@globex.test'] }).expect(200);
    const draft = (await rt.request().post('/v1/quotes').set(auth(token)).send({ opportunityId, validUntil: inDays(2), lines: [line(0)] })).body;
    const deps = { connection: rt.ctx.connection, workflows: createWorkflowEngine(rt.ctx.connection), events: rt.ctx.events };
    assert.equal(await expireQuotes(deps, new Date(Date.now() + 2 * 86_400_000)), 0, 'still valid on its last day');
    const later = new Date(Date.now() + 3 * 86_400_000);
    const [first, second] = await Promise.all([expireQuotes(deps, later), expireQuotes(deps, later)]);
    assert.ok(first + second >= 1);
    assert.equal((await rt.request().get(`/v1/quotes/${sent.id}`).set(auth(token))).body.status, 'expired');
    assert.equal((await rt.request().get(`/v1/quotes/${draft.id}`).set(auth(token))).body.status, 'draft');
    const history = await createWorkflowEngine(rt.ctx.connection).history(tenantId, new Types.ObjectId(sent.id));
    assert.deepEqual(history.map((h) => h.to), ['sent', 'expired'], 'expired once');
  });

  it('should refuse a template that does not compile, naming it', async () => {
    const bad = await rt.request().put('/v1/quote-settings').set(auth(admin)).send({ introTemplate: 'Hello {{#if}}' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].field, 'introTemplate');
    const good = await rt.request().put('/v1/quote-settings').set(auth(admin)).send({ companyName: 'Acme Language Services', introTemplate: 'Hi {{customerName}}' });
    assert.equal(good.status, 200);
    assert.equal(good.body.introTemplate, 'Hi {{customerName}}');
  });

  it('should replace a price book only at the version read (If-Match)', async () => {
    const current = (await rt.request().get(`/v1/price-books/${book.id}`).set(auth(admin))).body;
    const body = { name: current.name, isDefault: true, services: current.services };
    const first = await rt.request().put(`/v1/price-books/${book.id}`).set(auth(admin)).set('If-Match', String(current.version)).send({ ...body, name: 'Standard 2026 (rev)' });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual(first.body.services.map((s: { id: string }) => s.id), current.services.map((s: { id: string }) => s.id), 'kept ids stay');
    const stale = await rt.request().put(`/v1/price-books/${book.id}`).set(auth(admin)).set('If-Match', String(current.version)).send({ ...body, name: 'Stale' });
    assert.equal(stale.status, 412);
    assert.equal((await rt.request().get(`/v1/price-books/${book.id}`).set(auth(admin))).body.name, 'Standard 2026 (rev)');
  });

  it('should show quote threads in the inbox only to who may read their opportunity, each opportunity read once for a page', async () => {
    const sam = await makeUser(rt, agency, { role: 'SALES_PERSON', name: 'Sam Stone' });
    const samToken = await signIn(rt, sam.email);
    const deal = await rt.request().post('/v1/opportunities').set(auth(admin)).send({ name: 'Globex – threads', customerId: accountId, currency: 'EUR', amount: 500, ownerId: String(sam.id) });
    assert.equal(deal.status, 201, JSON.stringify(deal.body));
    const threads: string[] = [];
    for (const quantity of [100, 200]) {
      const quote = await rt.request().post('/v1/quotes').set(auth(admin)).send({ opportunityId: deal.body.id, validUntil: inDays(30), lines: [line(0, { quantity })] });
      assert.equal(quote.status, 201, JSON.stringify(quote.body));
      const thread = await rt.request().get(`/v1/record-threads/quote/${quote.body.id}`).set(auth(samToken));
      assert.equal(thread.status, 200, JSON.stringify(thread.body));
      assert.equal((await rt.request().post(`/v1/conversations/${thread.body.id}/messages`).set(auth(samToken)).send({ body: `quote of ${quantity} words` })).status, 201);
      threads.push(thread.body.id);
    }
    const inbox = async () => {
      let ids: string[] = [];
      const commands = await commandsDuring(rt, async () => {
        const res = await rt.request().get('/v1/conversations').query({ kind: 'record' }).set(auth(samToken));
        assert.equal(res.status, 200, JSON.stringify(res.body));
        ids = (res.body.data as { id: string }[]).map((c) => c.id);
      });
      return { ids, reads: (collection: string) => commands.filter(([name, c]) => name === 'find' && c === collection).length };
    };
    // Cold: no opportunity kept in the process since the last write of one (platform/lists/list-page-cache.ts `keptRecord`).
    await moveListStamps(rt.ctx.connection, tenantId, ['opportunity']);
    const seen = await inbox();
    assert.deepEqual(new Set(seen.ids), new Set(threads));
    // Both quotes' access is decided in one batch: the quotes by id, their one opportunity once (no quote read twice).
    assert.equal(seen.reads('opportunities'), 1);
    assert.ok(seen.reads('quotes') <= 2, `quote reads: ${seen.reads('quotes')}`);

    // The opportunity goes to someone else: both threads leave Sam's inbox.
    const olga = await makeUser(rt, agency, { role: 'SALES_PERSON', name: 'Olga Ortiz' });
    await rt.request().patch(`/v1/opportunities/${deal.body.id}`).set(auth(admin)).send({ ownerId: String(olga.id) }).expect(200);
    assert.deepEqual((await inbox()).ids, []);
  });

  it('should have each unique index refuse a duplicate on the test database', async () => {
    const c = rt.ctx.connection;
    const id = new Types.ObjectId();
    const dup = async (collection: string, doc: Record<string, unknown>) => {
      await c.collection(collection).insertOne({ ...doc });
      await assert.rejects(c.collection(collection).insertOne({ ...doc, _id: new Types.ObjectId() }), (e: unknown) => isDuplicateKeyError(e), collection);
    };
    await quoteRevisionModel(c).init();
    await quoteSettingsModel(c).init();
    await invoiceModel(c).init();
    await dup('quoteRevisions', { tenantId, quoteId: id, revision: 1, state: 'sent' });
    await dup('quoteSettings', { tenantId: new Types.ObjectId(), scope: 'quote' });
    await dup('invoices', { tenantId: new Types.ObjectId(), numberKey: 'n:1' });
    await dup('sequenceClaims', { tenantId: new Types.ObjectId(), key: 'invoice', value: 1, ownerId: id });
  });

  it('should answer 404 for another agency’s quote and price book', async () => {
    const other = await makeAgency(rt);
    const quote = await quoteModel(rt.ctx.connection).findOne({ tenantId }).lean();
    assert.equal((await rt.request().get(`/v1/quotes/${String(quote!._id)}`).set(auth(other.adminToken))).status, 404);
    assert.equal((await rt.request().get(`/v1/price-books/${book.id}`).set(auth(other.adminToken))).status, 404);
    assert.equal((await rt.request().post(`/v1/quotes/${String(quote!._id)}/send`).set(auth(other.adminToken)).send({ to: ['x@y.test'] })).status, 404);
    assert.equal((await rt.request().get(`/v1/opportunities/${opportunityId}/quotes`).set(auth(other.adminToken))).status, 404);
  });

  it('should number 50 invoices created at once 1 to 50, with no gap and no repeat', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, () => rt.request().post('/v1/invoices').set(auth(admin)).send({ accountId, lines: [line(1, { quantity: 1, taxRatePercent: 19 })] })),
    );
    for (const r of results) assert.equal(r.status, 201, JSON.stringify(r.body));
    const numbers = results.map((r) => r.body.number as number).sort((a, b) => a - b);
    assert.deepEqual(numbers, Array.from({ length: 50 }, (_, i) => i + 1));
    const stored = await invoiceModel(rt.ctx.connection).find({ tenantId }).lean();
    assert.equal(stored.length, 50);
    assert.ok(stored.every((i) => i.numberKey === `n:${i.number}`), 'no invoice is left without its number');
    assert.equal(results[0]!.body.total, 10_977, '92.24 + 19 % (17.5256 → 17.53) = 109.77');
  });
});
