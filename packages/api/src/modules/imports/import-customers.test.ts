import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { makeAgency, type TestAgency } from '../../testing/index.js';
import { customerModel } from '../customers/customer.model.js';
import { opportunityModel } from '../opportunities/opportunity.model.js';
import { importModel } from './import.model.js';
import { importFinished, importTestAgency, type ImportTestRuntime } from './testing/import-runtime.js';

describe('imports: customers with their account tree', () => {
  let rt: ImportTestRuntime;
  let other: TestAgency;
  let admin: string;
  let tenantId: Types.ObjectId;
  let close: () => Promise<void>;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  before(async () => {
    ({ rt, close, admin, tenantId } = await importTestAgency(import.meta.filename, { IMPORT_BATCH_SIZE: '3' }));
    other = await makeAgency(rt);
  });
  after(async () => {
    await close();
  });

  const finished = (id: string) => importFinished(rt, id, admin);

  const lines = [
    'Kundennummer;Firma;Übergeordnet;Ort;Bewertung;Status',
    'K1;Alpha GmbH;Holding AG;Berlin;4;Aktiv',
    'K2;Alpha Nord;K1;Hamburg;;',
    'K3;Alpha Nord-Ost;Alpha Nord;Kiel;;',
    'K4;Beta;;München;5;',
    'K5;Beta Süd;K4;;;',
    'K6;Alpha Süd;K1;;;',
    'K7;Waise;Fremd AG;;;',
    'K8;Vorher Kind;Später;;;',
    'K9;Später;;;;',
    'K10;Schlecht;;;7;',
  ];

  it('should import accounts under parents of the file (same or earlier batch, by name or external id) or of the database, write each once after a crash, and undo them', async () => {
    const holding = await rt.request().post('/v1/customers').set(auth(admin)).send({ name: 'Holding AG' });
    assert.equal(holding.status, 201, JSON.stringify(holding.body));
    await rt.request().post('/v1/customers').set(auth(other.adminToken)).send({ name: 'Fremd AG' }).expect(201);
    const upload = await rt.request().post('/v1/imports/customers').query({ name: 'kunden.csv' }).set(auth(admin)).set('Content-Type', 'text/csv').send(Buffer.from(lines.join('\n') + '\n'));
    assert.equal(upload.status, 201, JSON.stringify(upload.body));
    assert.equal(upload.body.kind, 'customers');
    assert.deepEqual(upload.body.suggestedMapping.map((m: { field: string | null }) => m.field), ['externalId', 'name', 'parent', 'city', 'rating', 'status']);
    const id = upload.body.id as string;

    const wrongKey = await rt.request().put(`/v1/imports/${id}/mapping`).set(auth(admin)).send({ columns: upload.body.suggestedMapping, dedupeKey: 'email', mode: 'skip' });
    assert.equal(wrongKey.status, 400);
    assert.deepEqual(wrongKey.body.errors.map((e: { field: string }) => e.field), ['dedupeKey']);
    const mapping = { columns: upload.body.suggestedMapping, dedupeKey: 'externalId', mode: 'skip', statusMap: { values: [{ value: 'Aktiv', status: 'active' }], unknown: 'error' } };
    await rt.request().put(`/v1/imports/${id}/mapping`).set(auth(admin)).send(mapping).expect(200);

    const dry = await rt.request().post(`/v1/imports/${id}/dry-run`).set(auth(admin)).expect(200);
    assert.deepEqual({ created: dry.body.created, failed: dry.body.failed }, { created: 7, failed: 3 });
    assert.deepEqual(Object.fromEntries(dry.body.errors.map((e: { field: string; column: string; rows: number[] }) => [e.field, [e.column, e.rows]])), { parent: ['Übergeordnet', [8, 9]], rating: ['Bewertung', [11]] });
    const Customers = customerModel(rt.ctx.connection);
    assert.equal(await Customers.countDocuments({ tenantId }), 1, 'a dry run writes nothing');

    await rt.request().post(`/v1/imports/${id}/run`).set(auth(admin)).expect(202);
    const done = await finished(id);
    assert.equal(done.status, 'completed', done.failure);
    assert.deepEqual({ created: done.progress.created, failed: done.progress.failed }, { created: 7, failed: 3 });
    const tree = async () => {
      const all = await Customers.find({ tenantId }).lean();
      const nameOf = new Map(all.map((c) => [String(c._id), c.name]));
      return Object.fromEntries(all.map((c) => [c.name, { path: c.ancestorIds.map((a) => nameOf.get(String(a))).join(' > '), depth: c.depth, status: c.status }]));
    };
    const expected = {
      'Holding AG': { path: '', depth: 0, status: 'draft' },
      'Alpha GmbH': { path: 'Holding AG', depth: 1, status: 'active' },
      'Alpha Nord': { path: 'Holding AG > Alpha GmbH', depth: 2, status: 'draft' },
      'Alpha Nord-Ost': { path: 'Holding AG > Alpha GmbH > Alpha Nord', depth: 3, status: 'draft' },
      Beta: { path: '', depth: 0, status: 'draft' },
      'Beta Süd': { path: 'Beta', depth: 1, status: 'draft' },
      'Alpha Süd': { path: 'Holding AG > Alpha GmbH', depth: 2, status: 'draft' },
      Später: { path: '', depth: 0, status: 'draft' },
    };
    assert.deepEqual(await tree(), expected);
    const errors = (await rt.request().get(`/v1/imports/${id}/errors`).set(auth(admin))).text;
    assert.match(errors, /8,Übergeordnet,parent,"""Fremd AG"" \(column ""Übergeordnet""\) is no account you can see/, "another agency's account is no parent");
    assert.match(errors, /9,Übergeordnet,parent,"""Später"" \(column ""Übergeordnet""\) is no account you can see, by external id or name, nor an earlier row of the file"/);

    // As a worker that died after writing the batches past row 4 but before moving its checkpoint: run again, nothing twice.
    await importModel(rt.ctx.connection).updateOne(
      { tenantId, _id: new Types.ObjectId(id) } as never,
      { $set: { status: 'running', checkpointRow: 4, counts: { read: 3, created: 3, updated: 0, skipped: 0, failed: 0 }, heartbeatAt: new Date(Date.now() - 3_600_000) } },
    );
    await rt.request().post(`/v1/imports/${id}/run`).set(auth(admin)).expect(202);
    const again = await finished(id);
    assert.equal(again.status, 'completed', again.failure);
    assert.deepEqual({ created: again.progress.created, failed: again.progress.failed }, { created: 7, failed: 3 });
    assert.deepEqual(await tree(), expected);

    // A second file names an account of the first by its external id.
    const next = await rt.request().post('/v1/imports/customers').query({ name: 'mehr.csv' }).set(auth(admin)).set('Content-Type', 'text/csv').send(Buffer.from('Kundennummer;Firma;Übergeordnet\nK20;Gamma;K3\n'));
    await rt.request().put(`/v1/imports/${next.body.id}/mapping`).set(auth(admin)).send({ columns: next.body.suggestedMapping, dedupeKey: 'externalId', mode: 'skip' }).expect(200);
    await rt.request().post(`/v1/imports/${next.body.id}/run`).set(auth(admin)).expect(202);
    assert.equal((await finished(next.body.id)).progress.created, 1);
    assert.deepEqual((await tree()).Gamma, { path: 'Holding AG > Alpha GmbH > Alpha Nord > Alpha Nord-Ost', depth: 4, status: 'draft' });
    await rt.request().post(`/v1/imports/${next.body.id}/undo`).set(auth(admin)).expect(200);

    const undone = await rt.request().post(`/v1/imports/${id}/undo`).set(auth(admin));
    assert.equal(undone.status, 200, JSON.stringify(undone.body));
    assert.equal(undone.body.undone.removed, 7);
    assert.deepEqual((await Customers.find({ tenantId }).lean()).map((c) => c.name), ['Holding AG']);
  });

  it('should import opportunities for accounts by name, at stages by name, amounts and dates in the locale, and undo them', async () => {
    const holding = (await customerModel(rt.ctx.connection).findOne({ tenantId, name: 'Holding AG' }).lean())!;
    const file = [
      'Verkaufschance;Firma;Betrag;Phase;Abschlussdatum;Nummer;Verlustgrund',
      'Rahmenvertrag;Holding AG;12.500,50;Proposal;31.12.2026;O1;',
      'Wartung;Holding AG;1.000;;15.01.2027;O2;',
      'Verloren;Holding AG;500;lost;01.02.2026;O3;Preis',
      'Ohne Grund;Holding AG;500;Lost;;O4;',
      'Fremd;Fremd AG;1;;;O5;',
      'Falsche Phase;;1;Träumen;;O6;',
    ];
    const upload = await rt.request().post('/v1/imports/opportunities').query({ name: 'deals.csv' }).set(auth(admin)).set('Content-Type', 'text/csv').send(Buffer.from(file.join('\n') + '\n'));
    assert.equal(upload.status, 201, JSON.stringify(upload.body));
    assert.deepEqual(upload.body.suggestedMapping.map((m: { field: string | null }) => m.field), ['name', 'customer', 'amount', 'stage', 'expectedCloseDate', 'externalId', 'lostReason']);
    const id = upload.body.id as string;
    await rt.request().put(`/v1/imports/${id}/mapping`).set(auth(admin)).send({ columns: upload.body.suggestedMapping, dedupeKey: 'externalId', mode: 'skip', locale: 'de-DE' }).expect(200);
    const dry = await rt.request().post(`/v1/imports/${id}/dry-run`).set(auth(admin)).expect(200);
    assert.deepEqual({ created: dry.body.created, failed: dry.body.failed }, { created: 3, failed: 3 });
    assert.deepEqual(Object.fromEntries(dry.body.errors.map((e: { field: string; column: string; rows: number[] }) => [e.field, [e.column, e.rows]])), { lostReason: ['Verlustgrund', [5]], customer: ['Firma', [6]], stage: ['Phase', [7]] });

    await rt.request().post(`/v1/imports/${id}/run`).set(auth(admin)).expect(202);
    const done = await finished(id);
    assert.equal(done.status, 'completed', done.failure);
    assert.deepEqual({ created: done.progress.created, failed: done.progress.failed }, { created: 3, failed: 3 });
    const deals = await opportunityModel(rt.ctx.connection).find({ tenantId }).lean();
    const byName = Object.fromEntries(deals.map((d) => [d.name, d]));
    assert.deepEqual(Object.keys(byName).sort(), ['Rahmenvertrag', 'Verloren', 'Wartung']);
    assert.deepEqual({ amount: byName.Rahmenvertrag!.amount, stage: byName.Rahmenvertrag!.stage, probability: byName.Rahmenvertrag!.probability, close: byName.Rahmenvertrag!.expectedCloseDate?.toISOString() }, { amount: 12500.5, stage: 'proposal', probability: 50, close: '2026-12-31T00:00:00.000Z' });
    assert.ok(deals.every((d) => d.customerId && d.customerId.equals(holding._id)));
    assert.deepEqual({ stage: byName.Wartung!.stage, amount: byName.Wartung!.amount }, { stage: 'prospecting', amount: 1000 });
    assert.deepEqual({ stage: byName.Verloren!.stage, outcome: byName.Verloren!.outcome, lostReason: byName.Verloren!.lostReason, closed: Boolean(byName.Verloren!.closedAt) }, { stage: 'lost', outcome: 'lost', lostReason: 'Preis', closed: true });
    // Each has its first stage change, once.
    const history = await rt.request().get(`/v1/opportunities/${String(byName.Verloren!._id)}/stage-history`).set(auth(admin));
    assert.equal(history.status, 200, JSON.stringify(history.body));
    assert.deepEqual(history.body.data.map((h: { fromStage: string | null; toStage: string }) => [h.fromStage, h.toStage]), [[null, 'lost']]);
    const errors = (await rt.request().get(`/v1/imports/${id}/errors`).set(auth(admin))).text;
    assert.match(errors, /6,Firma,customer,"""Fremd AG"" \(column ""Firma""\) is no account you can see/);

    const undone = await rt.request().post(`/v1/imports/${id}/undo`).set(auth(admin));
    assert.equal(undone.status, 200, JSON.stringify(undone.body));
    assert.equal(undone.body.undone.removed, 3);
    assert.equal(await opportunityModel(rt.ctx.connection).countDocuments({ tenantId }), 0);
  });

  it('should need a name column for customers, and answer 404 to another agency', async () => {
    const upload = await rt.request().post('/v1/imports/customers').query({ name: 'x.csv' }).set(auth(admin)).set('Content-Type', 'text/csv').send(Buffer.from('Ort;Kundennummer\nBerlin;1\n'));
    const res = await rt.request().put(`/v1/imports/${upload.body.id}/mapping`).set(auth(admin)).send({ columns: upload.body.suggestedMapping, dedupeKey: 'externalId', mode: 'skip' });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body.errors.map((e: { field: string; message: string }) => [e.field, e.message]), [['columns', 'no column is mapped to name, which every customer needs']]);
    assert.equal((await rt.request().get(`/v1/imports/${upload.body.id}`).set(auth(other.adminToken))).status, 404);
  });
});
