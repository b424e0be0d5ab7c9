import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, type TestAgency } from '../../testing/index.js';
import { DUNNING_JOB } from '../invoices/dunning.js';
import { invoiceModel } from '../invoices/invoice.model.js';
import { webhookDeliveryModel, webhookSubscriptionModel } from './webhook.model.js';

async function poll<T>(read: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('webhooks: invoice events and the subscription cache', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let server: Server;
  let url: string;
  const received: { type: string; resourceId: string; status: string }[] = [];
  const auth = () => ({ Authorization: `Bearer ${agency.adminToken}` });

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename, env: { WEBHOOKS_ALLOWED_CIDRS: '127.0.0.1/32', JOBS_PROCESS_EVERY_MS: '100' } });
    agency = await makeAgency(rt);
    await rt.ctx.jobs.start();
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { type: string; resourceId: string; data: { object: { status: string } } };
        received.push({ type: body.type, resourceId: body.resourceId, status: body.data.object.status });
        res.writeHead(200).end('ok');
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/erp`;
  });
  after(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await rt.close();
  });

  it('should deliver invoice.issued and invoice.paid to a receiver, once each', async () => {
    const sub = await rt.request().post('/v1/webhooks').set(auth()).send({ url, kinds: ['invoice'], actions: ['issued', 'paid'] });
    assert.equal(sub.status, 201, JSON.stringify(sub.body));
    const book = (await rt.request().post('/v1/price-books').set(auth()).send({ name: 'Standard', isDefault: true, services: [{ name: 'Translation', specs: [{ name: 'EN-DE', unit: 'hour', prices: [{ currency: 'EUR', unitPrice: 10_000 }] }] }] }).expect(201)).body;
    const account = (await rt.request().post('/v1/customers').set(auth()).send({ name: 'Globex GmbH', finance: { priceBookId: book.id, currency: 'EUR', paymentTermsDays: 14 } }).expect(201)).body.id as string;
    const invoice = await rt.request().post('/v1/invoices').set(auth()).send({ accountId: account, lines: [{ serviceId: book.services[0].id, specId: book.services[0].specs[0].id, quantity: 1, taxRatePercent: 19 }] });
    assert.equal(invoice.status, 201, JSON.stringify(invoice.body));
    await poll(() => received.find((r) => r.type === 'invoice.issued' && r.resourceId === invoice.body.id), 'invoice.issued at the receiver');

    // Paid in two parts: only the payment that settles it publishes invoice.paid; a retried payment changes nothing.
    await rt.request().post(`/v1/invoices/${invoice.body.id}/payments`).set(auth()).send({ method: 'bankTransfer', amount: 5_000 }).expect(201);
    for (let i = 0; i < 2; i += 1) await rt.request().post(`/v1/invoices/${invoice.body.id}/payments`).set(auth()).set('Idempotency-Key', 'settle-1').send({ method: 'bankTransfer', amount: invoice.body.total - 5_000 });
    const paid = await poll(() => received.find((r) => r.type === 'invoice.paid' && r.resourceId === invoice.body.id), 'invoice.paid at the receiver');
    assert.equal(paid.status, 'paid');
    const stored = await webhookDeliveryModel(rt.ctx.connection).find({ tenantId: new Types.ObjectId(agency.tenantId), resourceId: invoice.body.id }).lean();
    assert.deepEqual(stored.map((d) => d.eventType).sort(), ['invoice.issued', 'invoice.paid']);
  });

  it('should deliver invoice.overdue once, however often the hourly dunning job sees the invoice overdue', async () => {
    const tenantId = new Types.ObjectId(agency.tenantId);
    const sub = await rt.request().post('/v1/webhooks').set(auth()).send({ url, kinds: ['invoice'], actions: ['overdue'] });
    assert.equal(sub.status, 201, JSON.stringify(sub.body));
    const book = (await rt.request().post('/v1/price-books').set(auth()).send({ name: 'Overdue book', services: [{ name: 'Editing', specs: [{ name: 'DE', unit: 'hour', prices: [{ currency: 'EUR', unitPrice: 8_000 }] }] }] }).expect(201)).body;
    const account = (await rt.request().post('/v1/customers').set(auth()).send({ name: 'Initech AG', finance: { priceBookId: book.id, currency: 'EUR', paymentTermsDays: 14 } }).expect(201)).body.id as string;
    const invoice = await rt.request().post('/v1/invoices').set(auth()).send({ accountId: account, lines: [{ serviceId: book.services[0].id, specId: book.services[0].specs[0].id, quantity: 2, taxRatePercent: 19 }] });
    assert.equal(invoice.status, 201, JSON.stringify(invoice.body));
    const id = invoice.body.id as string;
    // Due ten days ago and unpaid.
    const day = (offset: number) => new Date(`${new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)}T00:00:00Z`);
    await invoiceModel(rt.ctx.connection).updateOne({ tenantId, _id: new Types.ObjectId(id) }, { $set: { issueDate: day(-24), dueDate: day(-10) } });
    assert.equal((await rt.request().get(`/v1/invoices/${id}`).set(auth()).expect(200)).body.status, 'overdue');

    // The job as the API schedules it, three runs (two at once, as two processes would): one event.
    const jobs = rt.ctx.connection.collection<{ _id: Types.ObjectId; lastFinishedAt?: Date }>('agendaJobs');
    const finished = async (jobIds: string[]) => (await Promise.all(jobIds.map((j) => jobs.findOne({ _id: new Types.ObjectId(j) })))).every((j) => j?.lastFinishedAt);
    const first = await Promise.all([rt.ctx.jobs.schedule(new Date(), DUNNING_JOB, {}), rt.ctx.jobs.schedule(new Date(), DUNNING_JOB, {})]);
    await poll(() => finished(first), 'two dunning runs');
    const overdue = await poll(() => received.find((r) => r.type === 'invoice.overdue' && r.resourceId === id), 'invoice.overdue at the receiver');
    assert.equal(overdue.status, 'overdue');
    const again = await rt.ctx.jobs.schedule(new Date(), DUNNING_JOB, {});
    await poll(() => finished([again]), 'a later dunning run');
    const stored = await webhookDeliveryModel(rt.ctx.connection).find({ tenantId, resourceId: id, eventType: 'invoice.overdue' }).lean();
    assert.equal(stored.length, 1, 'one delivery of invoice.overdue');
    await poll(() => webhookDeliveryModel(rt.ctx.connection).exists({ tenantId, _id: stored[0]!._id, state: 'succeeded' }), 'the delivery succeeded');
    assert.equal(received.filter((r) => r.type === 'invoice.overdue' && r.resourceId === id).length, 1, 'received once');
    await rt.request().delete(`/v1/webhooks/${sub.body.id as string}`).set(auth()).expect(204);
  });

  it('should read subscriptions from the cache when publishing, and see a change made through the API at once', async () => {
    const tenantId = new Types.ObjectId(agency.tenantId);
    const sub = (await rt.request().post('/v1/webhooks').set(auth()).send({ url, kinds: ['contact'], actions: ['created'] }).expect(201)).body.id as string;
    const contact = async () => (await rt.request().post('/v1/contacts').set(auth()).send({ firstName: 'Cache', lastName: new Types.ObjectId().toHexString() }).expect(201)).body.id as string;
    const first = await contact();
    await poll(() => received.find((r) => r.resourceId === first), 'the first contact event');

    // A change behind the service's back (another process, within the cache time) is not seen yet: the cache answered.
    await webhookSubscriptionModel(rt.ctx.connection).updateOne({ tenantId, _id: new Types.ObjectId(sub) }, { $set: { kinds: ['lead'] } });
    const second = await contact();
    const outbox = () => webhookDeliveryModel(rt.ctx.connection).countDocuments({ tenantId, subscriptionId: new Types.ObjectId(sub), resourceId: second });
    assert.equal(await outbox(), 1, 'published from the cached subscription');

    // A change through the API drops the agency's entry: the next event sees it.
    await rt.request().patch(`/v1/webhooks/${sub}`).set(auth()).send({ active: false }).expect(200);
    const third = await contact();
    assert.equal(await webhookDeliveryModel(rt.ctx.connection).countDocuments({ tenantId, subscriptionId: new Types.ObjectId(sub), resourceId: third }), 0, 'a paused subscription gets nothing');
  });
});
