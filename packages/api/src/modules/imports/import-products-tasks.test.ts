import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mongoose, { Types } from 'mongoose';
import { makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { orgModel } from '../identity/org.model.js';
import { tenantModel } from '../identity/tenant.model.js';
import { userModel } from '../identity/user.model.js';
import { productModel } from '../products/product.model.js';
import { taskModel, type Task } from '../tasks/task.model.js';
import { importTestAgency, runImport, uploadCsv, type ImportTestRuntime } from './testing/import-runtime.js';

describe('imports: products and tasks', () => {
  let rt: ImportTestRuntime;
  let agency: TestAgency;
  let admin: string;
  let tenantId: Types.ObjectId;
  let close: () => Promise<void>;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const fieldsOf = (body: { suggestedMapping: Array<{ field: string | null }> }) => body.suggestedMapping.map((m) => m.field);
  const errorsByField = (body: { errors: Array<{ field: string; column: string; rows: number[] }> }) => Object.fromEntries(body.errors.map((e) => [e.field, [e.column, e.rows]]));

  before(async () => {
    ({ rt, close, agency, admin, tenantId } = await importTestAgency(import.meta.filename, { IMPORT_BATCH_SIZE: '3' }));
  });
  after(async () => {
    await close();
  });

  const upload = (kind: string, lines: string[], token = admin) => uploadCsv(rt, kind, lines, token);
  const run = async (id: string) => {
    const done = await runImport(rt, id, admin);
    assert.equal(done.status, 'completed', done.failure);
    return done;
  };

  it('should import products by code (hand-made ones too), with cycles in the locale, departments by name and status, for admins only, and undo what nothing references', async () => {
    const handMade = await rt.request().post('/v1/products').set(auth(admin)).send({ name: 'Expo 2026', code: 'EXPO-26', cycleStart: '2026-01-01' });
    assert.equal(handMade.status, 201, JSON.stringify(handMade.body));
    const head = await makeUser(rt, agency, { role: 'SALES_HEAD' });
    const refused = await upload('products', ['Produkt\nX'], await signIn(rt, head.email));
    assert.equal(refused.status, 403, 'product:import is for admins');

    const file = [
      'Produkt;Kürzel;Beschreibung;Beginn;Ende;Status;Abteilung',
      'Messe Berlin;MB-27;Frühjahr;01.03.2027;31.05.2027;aktiv;Phone Sales',
      'Expo 2026 neu;expo-26;Update;01.01.2027;;inaktiv;',
      'Gipfel;GI-27;;15.06.2027;01.06.2027;;',
      'Kongress;KO-27;;;;;Unbekannt',
      'Messe Berlin 2;MB-27;;;;;',
      'Forum;FO-27;;;;Geplant;',
      'Salon;SA-27;;;;;',
    ];
    const up = await upload('products', file);
    assert.equal(up.status, 201, JSON.stringify(up.body));
    assert.deepEqual(fieldsOf(up.body), ['name', 'code', 'description', 'cycleStart', 'cycleEnd', 'status', 'department']);
    const id = up.body.id as string;
    const wrongKey = await rt.request().put(`/v1/imports/${id}/mapping`).set(auth(admin)).send({ columns: up.body.suggestedMapping, dedupeKey: 'externalId', mode: 'update' });
    assert.equal(wrongKey.status, 400);
    assert.deepEqual(wrongKey.body.errors.map((e: { field: string }) => e.field), ['dedupeKey']);
    await rt.request().put(`/v1/imports/${id}/mapping`).set(auth(admin)).send({ columns: up.body.suggestedMapping, dedupeKey: 'code', mode: 'update', locale: 'de-DE' }).expect(200);

    const dry = await rt.request().post(`/v1/imports/${id}/dry-run`).set(auth(admin)).expect(200);
    assert.deepEqual({ created: dry.body.created, updated: dry.body.updated, skipped: dry.body.skipped, failed: dry.body.failed }, { created: 2, updated: 1, skipped: 1, failed: 3 });
    assert.deepEqual(errorsByField(dry.body), { cycleEnd: ['Ende', [4]], department: ['Abteilung', [5]], status: ['Status', [7]] });
    const Products = productModel(rt.ctx.connection);
    assert.equal(await Products.countDocuments({ tenantId }), 1, 'a dry run writes nothing');

    const done = await run(id);
    assert.deepEqual({ created: done.progress.created, updated: done.progress.updated, skipped: done.progress.skipped, failed: done.progress.failed }, { created: 2, updated: 1, skipped: 1, failed: 3 });
    const phoneSales = (await orgModel(rt.ctx.connection).findOne({ tenantId, kind: 'department', key: 'phone-sales' }).lean())!;
    const byCode = async () => Object.fromEntries((await Products.find({ tenantId }).lean()).map((p) => [p.code, p]));
    const products = await byCode();
    assert.deepEqual(Object.keys(products).sort(), ['MB-27', 'SA-27', 'expo-26']);
    const messe = products['MB-27']!;
    assert.deepEqual(
      { name: messe.name, start: messe.cycleStart?.toISOString(), end: messe.cycleEnd?.toISOString(), status: messe.status, department: String(messe.departmentId), description: messe.description },
      { name: 'Messe Berlin', start: '2027-03-01T00:00:00.000Z', end: '2027-05-31T00:00:00.000Z', status: 'active', department: String(phoneSales._id), description: 'Frühjahr' },
    );
    const updated = products['expo-26']!;
    assert.deepEqual({ id: String(updated._id), name: updated.name, status: updated.status, end: updated.cycleEnd?.toISOString() }, { id: handMade.body.id, name: 'Expo 2026 neu', status: 'disabled', end: '2027-04-01T00:00:00.000Z' });
    const errors = (await rt.request().get(`/v1/imports/${id}/errors`).set(auth(admin))).text;
    assert.match(errors, /5,Abteilung,department,"""Unbekannt"" \(column ""Abteilung""\) is not a department of this agency/);

    // A contact now refers to Messe Berlin: the undo keeps it, removes Salon, and puts the hand-made product back.
    const contact = await rt.request().post('/v1/contacts').set(auth(admin)).send({ firstName: 'Ada', lastName: 'Lovelace', productId: String(messe._id) });
    assert.equal(contact.status, 201, JSON.stringify(contact.body));
    const undone = await rt.request().post(`/v1/imports/${id}/undo`).set(auth(admin));
    assert.equal(undone.status, 200, JSON.stringify(undone.body));
    assert.deepEqual(undone.body.undone, { removed: 1, restored: 1 });
    const after = await byCode();
    assert.deepEqual(Object.keys(after).sort(), ['EXPO-26', 'MB-27']);
    assert.deepEqual({ name: after['EXPO-26']!.name, status: after['EXPO-26']!.status, end: after['EXPO-26']!.cycleEnd?.toISOString() }, { name: 'Expo 2026', status: 'active', end: '2026-04-01T00:00:00.000Z' });
  });

  it("should read each task subject once per batch, however many rows name it", async () => {
    const bea = await rt.request().post('/v1/contacts').set(auth(admin)).send({ firstName: 'Bea', lastName: 'Kurz', emails: [{ label: 'work', value: 'bea@example.test', primary: true }] });
    assert.equal(bea.status, 201, JSON.stringify(bea.body));
    const up = await upload('tasks', ['Titel;Kontakt', ...Array.from({ length: 6 }, (_, i) => `Anruf ${i};bea@example.test`)]);
    await rt.request().put(`/v1/imports/${up.body.id}/mapping`).set(auth(admin)).send({ columns: up.body.suggestedMapping, dedupeKey: 'externalId', mode: 'create' }).expect(200);
    // Reads of contacts by address, counted as the driver is asked for them (the run is a job in this process).
    let reads = 0;
    mongoose.set('debug', (collection: string, method: string, query: unknown) => {
      if (collection === 'contacts' && method === 'find' && (query as { primaryEmail?: unknown } | null)?.primaryEmail === 'bea@example.test') reads += 1;
    });
    try {
      const done = await run(up.body.id);
      assert.equal(done.progress.created, 6);
    } finally {
      mongoose.set('debug', false);
    }
    assert.equal(reads, 2, 'six rows in two batches of three: one read per batch');
    const tasks = await taskModel(rt.ctx.connection).collection.find({ tenantId, importId: new Types.ObjectId(up.body.id) }).toArray();
    assert.deepEqual([...new Set(tasks.map((t) => String(t.subjectId)))], [bea.body.id]);
  });

  it('should import tasks with kinds and due times in German, subjects by contact email or account external id resolved per batch, assignees by email, and undo them', async () => {
    const se = await makeUser(rt, agency, { role: 'SE' });
    // Times without an offset are the agency's wall clock.
    await tenantModel(rt.ctx.connection).updateOne({ _id: tenantId }, { $set: { 'settings.timeZone': 'Europe/Berlin' } });
    const outsider = await makeAgency(rt);
    const anna = await rt.request().post('/v1/contacts').set(auth(admin)).send({ firstName: 'Anna', lastName: 'Berg', emails: [{ label: 'work', value: 'Anna@Example.test', primary: true }] });
    assert.equal(anna.status, 201, JSON.stringify(anna.body));
    const accounts = await upload('customers', ['Kundennummer;Firma', 'K1;Holding AG']);
    await rt.request().put(`/v1/imports/${accounts.body.id}/mapping`).set(auth(admin)).send({ columns: accounts.body.suggestedMapping, dedupeKey: 'externalId', mode: 'skip' }).expect(200);
    await run(accounts.body.id);
    const holding = await rt.request().get('/v1/customers').query({ q: 'Holding' }).set(auth(admin)).expect(200);
    const holdingId = holding.body.data[0].id as string;

    const file = [
      'Titel;Art;Fällig am;Bearbeiter;Kontakt;Kundennummer;Status;Nummer',
      `Anrufen;Anruf;31.12.2026 14:30;${se.email};anna@example.test;;Geplant;T1`,
      'Treffen;Termin;01.02.2027;;;K1;;T2',
      'Nachfassen;Wiedervorlage;;;unbekannt@example.test;;;T3',
      'Beides;Aufgabe;;;anna@example.test;K1;;T4',
      'Schlecht;Anruf;32.13.2026;;;;;T5',
      `Fremd;Anruf;;${outsider.adminEmail};;;;T6`,
      'Nochmal;Anruf;;;;;;T1',
      'Später;;;;Anna@example.test;;;T7',
    ];
    const up = await upload('tasks', file);
    assert.equal(up.status, 201, JSON.stringify(up.body));
    assert.deepEqual(fieldsOf(up.body), ['title', 'kind', 'dueAt', 'assigneeEmail', 'contactEmail', 'customerExternalId', 'status', 'externalId']);
    const id = up.body.id as string;
    await rt
      .request()
      .put(`/v1/imports/${id}/mapping`)
      .set(auth(admin))
      .send({ columns: up.body.suggestedMapping, dedupeKey: 'externalId', mode: 'skip', locale: 'de-DE', statusMap: { values: [{ value: 'Geplant', status: 'scheduled' }], unknown: 'error' } })
      .expect(200);
    const dry = await rt.request().post(`/v1/imports/${id}/dry-run`).set(auth(admin)).expect(200);
    assert.deepEqual({ created: dry.body.created, skipped: dry.body.skipped, failed: dry.body.failed }, { created: 3, skipped: 1, failed: 4 });
    assert.deepEqual(errorsByField(dry.body), { subject: [null, [5]], dueAt: ['Fällig am', [6]], assigneeEmail: ['Bearbeiter', [7]], contactEmail: ['Kontakt', [4]] });
    const Tasks = taskModel(rt.ctx.connection);
    // Anna's contact got its automatic task when she was created; imported tasks carry the import's id.
    const imported = async () => (await Tasks.collection.find({ tenantId, importId: new Types.ObjectId(id) }).toArray()) as unknown as Task[];
    assert.equal((await imported()).length, 0, 'a dry run writes nothing');

    const done = await run(id);
    assert.deepEqual({ created: done.progress.created, skipped: done.progress.skipped, failed: done.progress.failed }, { created: 3, skipped: 1, failed: 4 });
    const tasks = Object.fromEntries((await imported()).map((t) => [t.title, t]));
    assert.deepEqual(Object.keys(tasks).sort(), ['Anrufen', 'Später', 'Treffen']);
    const adminId = (await userModel(rt.ctx.connection).findOne({ tenantId, emailNormalized: agency.adminEmail.toLowerCase() }).lean())!._id;
    const call = tasks.Anrufen!;
    assert.deepEqual(
      { kind: call.kind, dueAt: call.dueAt?.toISOString(), assignee: String(call.assigneeId), subject: [call.subject?.type, String(call.subject?.id)], subjectId: String(call.subjectId), status: call.status, weeks: call.calendarWeeks.length > 0 },
      { kind: 'call', dueAt: '2026-12-31T13:30:00.000Z', assignee: String(se.id), subject: ['contact', anna.body.id], subjectId: anna.body.id, status: 'scheduled', weeks: true },
    );
    const meeting = tasks.Treffen!;
    assert.deepEqual({ kind: meeting.kind, dueAt: meeting.dueAt?.toISOString(), assignee: String(meeting.assigneeId), subject: [meeting.subject?.type, String(meeting.subject?.id)], status: meeting.status }, { kind: 'meeting', dueAt: '2027-01-31T23:00:00.000Z', assignee: String(adminId), subject: ['customer', holdingId], status: 'new' });
    assert.deepEqual({ kind: tasks['Später']!.kind, subject: String(tasks['Später']!.subject?.id) }, { kind: 'todo', subject: anna.body.id });
    const errors = (await rt.request().get(`/v1/imports/${id}/errors`).set(auth(admin))).text;
    assert.match(errors, /4,Kontakt,contactEmail,"""unbekannt@example.test"" \(column ""Kontakt""\) is no contact you can see by its primary email"/);
    assert.match(errors, /5,,subject,"a task is about one record; this row fills ""Kontakt"" and ""Kundennummer"""/);

    // A second file updates T1: its title, kind and due time change; its assignee, subject and status stay (no cells for them).
    const again = await upload('tasks', ['Nummer;Titel;Art;Fällig am', 'T1;Anrufen (neu);Termin;02.01.2027 09:00']);
    await rt.request().put(`/v1/imports/${again.body.id}/mapping`).set(auth(admin)).send({ columns: again.body.suggestedMapping, dedupeKey: 'externalId', mode: 'update', locale: 'de-DE' }).expect(200);
    assert.equal((await run(again.body.id)).progress.updated, 1);
    const t1 = async () => {
      const t = (await Tasks.findOne({ tenantId, _id: call._id }).lean())!;
      return { title: t.title, kind: t.kind, dueAt: t.dueAt?.toISOString(), assignee: String(t.assigneeId), subject: String(t.subject?.id), status: t.status, hour: t.dueHour };
    };
    assert.deepEqual(await t1(), { title: 'Anrufen (neu)', kind: 'meeting', dueAt: '2027-01-02T08:00:00.000Z', assignee: String(se.id), subject: anna.body.id, status: 'scheduled', hour: '2027-01-02T08' });
    const restored = await rt.request().post(`/v1/imports/${again.body.id}/undo`).set(auth(admin)).expect(200);
    assert.deepEqual(restored.body.undone, { removed: 0, restored: 1 });
    assert.deepEqual(await t1(), { title: 'Anrufen', kind: 'call', dueAt: '2026-12-31T13:30:00.000Z', assignee: String(se.id), subject: anna.body.id, status: 'scheduled', hour: '2026-12-31T13' });

    const undone = await rt.request().post(`/v1/imports/${id}/undo`).set(auth(admin));
    assert.equal(undone.status, 200, JSON.stringify(undone.body));
    assert.equal(undone.body.undone.removed, 3);
    assert.equal((await imported()).length, 0);
  });
});
