import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { Types } from 'mongoose';
import { recordCountDeltaModel } from '../../platform/counts/record-count.model.js';
import { counterKey, readCounter } from '../../platform/counts/record-counts.js';
import { listRowModel } from '../../platform/lists/list-row.model.js';
import { USER_MESSAGE_EVENT } from '../../platform/realtime/realtime.js';
import { searchEntryModel } from '../../platform/search/search-entry.model.js';
import { makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { commandEventsDuring } from '../../testing/commands.js';
import { claimEmailKeys, emailKeyId } from '../../platform/records/email-keys.js';
import { contactModel } from '../contacts/contact.model.js';
import { leadModel } from '../leads/lead.model.js';
import { JOBS_COLLECTION } from '../../platform/jobs/jobs.js';
import { IMPORT_RUN_JOB } from './import-run.js';
import { importModel } from './import.model.js';
import { importFinished, importTestAgency, type ImportTestRuntime } from './testing/import-runtime.js';

describe('imports', () => {
  let rt: ImportTestRuntime;
  let agency: TestAgency;
  let other: TestAgency;
  let admin: string;
  let tenantId: Types.ObjectId;
  let close: () => Promise<void>;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  before(async () => {
    ({ rt, close, agency, admin, tenantId } = await importTestAgency(import.meta.filename, { IMPORT_BATCH_SIZE: '50' }));
    other = await makeAgency(rt);
  });
  after(async () => {
    await close();
  });

  const upload = (body: Buffer, query: { kind: string; name: string }, type = 'text/csv', token = admin) =>
    rt.request().post(`/v1/imports/${query.kind}`).query({ name: query.name }).set(auth(token)).set('Content-Type', type).send(body);

  const finished = (id: string, token = admin) => importFinished(rt, id, token);

  it('should read a Windows-1252 CSV with a BOM-less header, semicolons and quotes, dry-run it without writing, then import it once', async () => {
    await rt.request().post('/v1/contacts').set(auth(admin)).send({ firstName: 'Existing', lastName: 'Person', emails: [{ value: 'bestand@firma.example', primary: true }] }).expect(201);
    // Another agency's contact with a row's address is no duplicate here (the dedupe read names the address alone).
    await rt.request().post('/v1/contacts').set(auth(other.adminToken)).send({ firstName: 'Elsewhere', lastName: 'Person', emails: [{ value: 'juergen@firma.example', primary: true }] }).expect(201);
    const lines = [
      'Vorname;Nachname;E-Mail;Firma;Notizen',
      'Jürgen;Müller;juergen@firma.example;"Müller; Söhne GmbH";"Zeile eins',
      'Zeile zwei"',
      'Anna;Schäfer;anna@firma.example;Schäfer AG;',
      'Anna;Schäfer;ANNA@firma.example;Doppelt AG;',
      'Kaputt;Mail;not-an-email;X;',
      'Bestand;Kontakt;bestand@firma.example;Y;',
      ';OhneVorname;leer@firma.example;Z;',
    ];
    const file = iconv.encode(lines.join('\r\n') + '\r\n', 'win1252');
    const created = await upload(file, { kind: 'contacts', name: 'kontakte.csv' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.encoding, 'windows-1252');
    assert.equal(created.body.delimiter, ';');
    assert.deepEqual(created.body.headers, ['Vorname', 'Nachname', 'E-Mail', 'Firma', 'Notizen']);
    assert.deepEqual(created.body.suggestedMapping.map((m: { field: string | null }) => m.field), ['firstName', 'lastName', 'email', 'companyName', 'notes']);
    assert.equal(created.body.sample[0][3], 'Müller; Söhne GmbH');
    const id = created.body.id as string;

    const mapped = await rt.request().put(`/v1/imports/${id}/mapping`).set(auth(admin)).send({ columns: created.body.suggestedMapping, dedupeKey: 'email', mode: 'skip', tags: ['messe-2026'] });
    assert.equal(mapped.status, 200, JSON.stringify(mapped.body));
    const dry = await rt.request().post(`/v1/imports/${id}/dry-run`).set(auth(admin));
    assert.equal(dry.status, 200, JSON.stringify(dry.body));
    assert.deepEqual({ read: dry.body.read, created: dry.body.created, skipped: dry.body.skipped, failed: dry.body.failed }, { read: 6, created: 2, skipped: 2, failed: 2 });
    const byField = Object.fromEntries(dry.body.errors.map((e: { field: string; rows: number[] }) => [e.field, e.rows]));
    assert.deepEqual(byField, { email: [5], firstName: [7] });
    assert.equal(await contactModel(rt.ctx.connection).countDocuments({ tenantId }), 1, 'a dry run writes nothing');

    const progress: Array<{ status: string; progress: { read: number } }> = [];
    const off = rt.ctx.events.subscribe(USER_MESSAGE_EVENT, (event) => {
      const data = event.data as { name?: string; payload?: (typeof progress)[number] };
      if (data.name === 'import.progress' && data.payload) progress.push(data.payload);
    });
    const queued = await rt.request().post(`/v1/imports/${id}/run`).set(auth(admin));
    assert.equal(queued.status, 202, JSON.stringify(queued.body));
    const done = await finished(id);
    assert.equal(done.status, 'completed', done.failure);
    assert.deepEqual({ read: done.progress.read, created: done.progress.created, skipped: done.progress.skipped, failed: done.progress.failed }, { read: 6, created: 2, skipped: 2, failed: 2 });
    // Progress went to the importer's sockets after the batch and at the end (the last one just after the stored status).
    for (let waited = 0; !progress.some((p) => p.status === 'completed') && waited < 10_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    off();
    assert.deepEqual(progress.map((p) => [p.status, p.progress.read]), [['running', 6], ['completed', 6]]);
    const stored = await contactModel(rt.ctx.connection).find({ tenantId, tags: 'messe-2026' }).lean();
    assert.deepEqual(stored.map((c) => `${c.firstName} ${c.lastName}`).sort(), ['Anna Schäfer', 'Jürgen Müller']);
    assert.equal(stored.find((c) => c.lastName === 'Müller')!.notes, 'Zeile eins\r\nZeile zwei');
    // Search entries and list rows come with the records.
    const found = await rt.request().get('/v1/contacts').query({ q: 'müller' }).set(auth(admin));
    assert.deepEqual(found.body.data.map((c: { lastName: string }) => c.lastName), ['Müller']);
    const listed = await rt.request().get('/v1/contacts').query({ tag: 'messe-2026' }).set(auth(admin));
    assert.equal(listed.body.data.length, 2);

    const errors = await rt.request().get(`/v1/imports/${id}/errors`).set(auth(admin));
    assert.equal(errors.status, 200);
    assert.match(String(errors.headers['content-type']), /text\/csv/);
    const rows = errors.text.trim().split('\r\n');
    assert.equal(rows[0], 'row,column,field,reason,Vorname,Nachname,E-Mail,Firma,Notizen');
    assert.deepEqual(rows.slice(1).map((r) => r.split(',').slice(0, 3).join(',')), ['4,E-Mail,email', '5,E-Mail,email', '6,E-Mail,email', '7,Vorname,firstName']);
  });

  it('should import leads from an XLSX workbook, update the one that exists, and undo both', async () => {
    const existing = (await rt.request().post('/v1/leads').set(auth(admin)).send({ firstName: 'Old', lastName: 'Name', jobTitle: 'Intern', emails: [{ value: 'lena@speaker.example', primary: true }] }).expect(201)).body;
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Leads');
    sheet.addRow(['First name', 'Last name', 'Email', 'Job title', 'Company', 'Source']);
    sheet.addRow(['Lena', 'Berg', 'lena@speaker.example', 'CTO', 'Berg Robotics', 'expo']);
    sheet.addRow(['Omar', 'Haddad', 'omar@delegate.example', 'Buyer', 'Haddad Trading', 'expo']);
    sheet.addRow([null, null, null, null, 'Sponsor GmbH', 'expo']);
    const file = Buffer.from(await workbook.xlsx.writeBuffer());
    const created = await upload(file, { kind: 'leads', name: 'leads.xlsx' }, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.body.suggestedMapping.map((m: { field: string | null }) => m.field), ['firstName', 'lastName', 'email', 'jobTitle', 'companyName', 'source']);
    const id = created.body.id as string;
    await rt.request().put(`/v1/imports/${id}/mapping`).set(auth(admin)).send({ columns: created.body.suggestedMapping, dedupeKey: 'email', mode: 'update' }).expect(200);
    await rt.request().post(`/v1/imports/${id}/run`).set(auth(admin)).expect(202);
    const done = await finished(id);
    assert.equal(done.status, 'completed', done.failure);
    assert.deepEqual({ created: done.progress.created, updated: done.progress.updated, failed: done.progress.failed }, { created: 2, updated: 1, failed: 0 });
    const updated = (await rt.request().get(`/v1/leads/${existing.id}`).set(auth(admin))).body;
    assert.deepEqual([updated.firstName, updated.lastName, updated.jobTitle], ['Lena', 'Berg', 'CTO']);
    const sponsor = await leadModel(rt.ctx.connection).findOne({ tenantId, companyName: 'Sponsor GmbH' }).lean();
    assert.equal(sponsor?.kind, 'company');

    const undone = await rt.request().post(`/v1/imports/${id}/undo`).set(auth(admin));
    assert.equal(undone.status, 200, JSON.stringify(undone.body));
    assert.deepEqual(undone.body.undone, { removed: 2, restored: 1 });
    assert.equal(undone.body.status, 'undone');
    const restored = (await rt.request().get(`/v1/leads/${existing.id}`).set(auth(admin))).body;
    assert.deepEqual([restored.firstName, restored.lastName, restored.jobTitle], ['Old', 'Name', 'Intern']);
    assert.equal(await leadModel(rt.ctx.connection).countDocuments({ tenantId }), 1);
    const search = await rt.request().get('/v1/leads').query({ q: 'haddad' }).set(auth(admin));
    assert.equal(search.body.data.length, 0, 'the undone records left no search entries');
  });

  it("should hold imported leads to the agency's participation list, as the lead create does, in the dry run, the run and its updates", async () => {
    const existing = (await rt.request().post('/v1/leads').set(auth(admin)).send({ firstName: 'Pia', lastName: 'Part', participation: 'delegate', emails: [{ value: 'pia@part.example', primary: true }] }).expect(201)).body;
    const lines = ['First name,Last name,Email,Participation', 'Sara,Speaker,sara@part.example,speaker', 'Pan,Elist,pan@part.example,panelist', 'Pia,Part,pia@part.example,keynote', 'Del,Egate,del@part.example,'];
    const created = await upload(Buffer.from(lines.join('\n') + '\n'), { kind: 'leads', name: 'parts.csv' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.suggestedMapping[3].field, 'participation');
    const id = created.body.id as string;
    await rt.request().put(`/v1/imports/${id}/mapping`).set(auth(admin)).send({ columns: created.body.suggestedMapping, dedupeKey: 'email', mode: 'update' }).expect(200);
    const dry = await rt.request().post(`/v1/imports/${id}/dry-run`).set(auth(admin));
    assert.equal(dry.status, 200, JSON.stringify(dry.body));
    assert.deepEqual({ created: dry.body.created, updated: dry.body.updated, failed: dry.body.failed }, { created: 2, updated: 0, failed: 2 });
    assert.deepEqual(dry.body.errors, [{ field: 'participation', column: 'Participation', count: 2, rows: [3, 4] }]);

    await rt.request().post(`/v1/imports/${id}/run`).set(auth(admin)).expect(202);
    const done = await finished(id);
    assert.equal(done.status, 'completed', done.failure);
    assert.deepEqual({ created: done.progress.created, updated: done.progress.updated, failed: done.progress.failed }, { created: 2, updated: 0, failed: 2 });
    const stored = await leadModel(rt.ctx.connection).collection.find({ tenantId, importId: new Types.ObjectId(id) }).toArray();
    assert.deepEqual(stored.map((l) => [l.lastName, l.participation ?? null]).sort(), [['Egate', null], ['Speaker', 'speaker']]);
    assert.equal((await rt.request().get(`/v1/leads/${existing.id}`).set(auth(admin))).body.participation, 'delegate', 'the existing lead was not given a participation outside the list');
    const errors = await rt.request().get(`/v1/imports/${id}/errors`).set(auth(admin));
    const reasons = errors.text.trim().split('\r\n').slice(1).map((r) => r.split(',').slice(0, 3).join(','));
    assert.deepEqual(reasons, ['3,Participation,participation', '4,Participation,participation']);
    assert.match(errors.text, /must be one of: speaker, delegate, sponsor, attendee/);
  });

  it('should resume a run that stopped after writing a batch without its checkpoint, and import every row exactly once', async () => {
    const rows = Array.from({ length: 230 }, (_, i) => `Person${i},Resume,resume${i}@example.test,${i % 2 ? 'x' : 'y'}`);
    const file = Buffer.from(`\uFEFFfirstName,lastName,email,tags\n${rows.join('\n')}\n`, 'utf8');
    const created = await upload(file, { kind: 'contacts', name: 'resume.csv' });
    assert.equal(created.body.encoding, 'utf-8');
    assert.equal(created.body.headers[0], 'firstName', 'the BOM is not part of the first header');
    const id = created.body.id as string;
    await rt.request().put(`/v1/imports/${id}/mapping`).set(auth(admin)).send({ columns: created.body.suggestedMapping, dedupeKey: 'email', mode: 'skip' }).expect(200);
    await rt.request().post(`/v1/imports/${id}/run`).set(auth(admin)).expect(202);
    assert.equal((await finished(id)).progress.created, 230);
    const Rows = listRowModel(rt.ctx.connection);
    const Entries = searchEntryModel(rt.ctx.connection);
    const before = { rows: await Rows.countDocuments({ tenantId, kind: 'contact' }), entries: await Entries.countDocuments({ tenantId, kind: 'contact' }) };

    // As a worker that died after writing rows 102-231 but before moving its checkpoint past row 101 leaves it.
    await importModel(rt.ctx.connection).updateOne(
      { tenantId, _id: new Types.ObjectId(id) },
      { $set: { status: 'running', checkpointRow: 101, counts: { read: 100, created: 100, updated: 0, skipped: 0, failed: 0 }, heartbeatAt: new Date(Date.now() - 3_600_000) } },
    );
    const resumed = await rt.request().post(`/v1/imports/${id}/run`).set(auth(admin));
    assert.equal(resumed.status, 202, JSON.stringify(resumed.body));
    const done = await finished(id);
    assert.equal(done.status, 'completed', done.failure);
    assert.deepEqual({ read: done.progress.read, created: done.progress.created, skipped: done.progress.skipped }, { read: 230, created: 230, skipped: 0 });
    const emails = await contactModel(rt.ctx.connection).find({ tenantId, lastName: 'Resume' }).select('primaryEmail').lean();
    assert.equal(emails.length, 230);
    assert.equal(new Set(emails.map((c) => c.primaryEmail)).size, 230);
    assert.deepEqual({ rows: await Rows.countDocuments({ tenantId, kind: 'contact' }), entries: await Entries.countDocuments({ tenantId, kind: 'contact' }) }, before);
    // The batches written twice counted once: the counters equal a recount of the records.
    const Contacts = contactModel(rt.ctx.connection);
    const total = () => readCounter(rt.ctx.connection, tenantId, counterKey(tenantId, 'contact', {}));
    const byStatus = async () => {
      const statuses = [...new Set((await Contacts.find({ tenantId }).select('status').lean()).map((c) => c.status))];
      return Promise.all(statuses.map(async (status) => [await readCounter(rt.ctx.connection, tenantId, counterKey(tenantId, 'contact', { status })), await Contacts.countDocuments({ tenantId, status })]));
    };
    assert.equal(await total(), await Contacts.countDocuments({ tenantId }));
    for (const [counted, recounted] of await byStatus()) assert.equal(counted, recounted);
    // One delta per counter per batch (5 batches of 50 rows here and one of the first test's import, one owner and
    // one status: 4 counters each), not one per record and counter (920 here); the recurring fold may have taken some.
    const importDeltas = (await recordCountDeltaModel(rt.ctx.connection).find({ tenantId, kind: 'contact' }).lean()).filter((d) => d._id.startsWith('created:'));
    assert.ok(importDeltas.length <= 6 * 4, `${importDeltas.length} deltas for 230 imported contacts`);
  });

  it('should find contacts made or re-addressed through the API as duplicates with one key insert per batch, and undo its keys', async () => {
    const post = (email: string) => rt.request().post('/v1/contacts').set(auth(admin)).send({ firstName: 'Keyed', lastName: 'Before', emails: [{ value: email, primary: true }] }).expect(201);
    await post('made@keys.example');
    const moved = (await post('old@keys.example')).body;
    await rt.request().patch(`/v1/contacts/${moved.id}`).set(auth(admin)).send({ emails: [{ value: 'Changed@keys.example', primary: true }] }).expect(200);
    const gone = (await post('gone@keys.example')).body;
    await rt.request().delete(`/v1/contacts/${gone.id}`).set(auth(admin)).expect(204);
    const fresh = Array.from({ length: 120 }, (_, i) => `New${i},Keyed,new${i}@keys.example`);
    // The last row repeats a row two batches back: no set of every key is kept, its key and record (this import's) say so.
    const lines = ['firstName,lastName,email', 'Made,Keyed,MADE@keys.example', 'Changed,Keyed,changed@keys.example', 'Old,Keyed,old@keys.example', 'Gone,Keyed,gone@keys.example', ...fresh, 'Again,Keyed,new3@keys.example'];
    const created = await upload(Buffer.from(lines.join('\n') + '\n'), { kind: 'contacts', name: 'keys.csv' });
    const id = created.body.id as string;
    await rt.request().put(`/v1/imports/${id}/mapping`).set(auth(admin)).send({ columns: created.body.suggestedMapping, dedupeKey: 'email', mode: 'skip' }).expect(200);
    let done: { status: string; failure: string | null; progress: Record<string, number> } | null = null;
    const events = await commandEventsDuring(rt, async () => {
      await rt.request().post(`/v1/imports/${id}/run`).set(auth(admin)).expect(202);
      done = await finished(id);
    });
    assert.equal(done!.status, 'completed', done!.failure ?? '');
    // The API-made contact and the re-addressed one are duplicates; the old address and the deleted contact's are not.
    assert.deepEqual({ created: done!.progress.created, skipped: done!.progress.skipped }, { created: 122, skipped: 3 });
    const reasons = (await rt.request().get(`/v1/imports/${id}/errors`).set(auth(admin))).text.trim().split('\r\n').slice(1).map((r) => r.split(',').slice(0, 4).join(','));
    assert.deepEqual(reasons, ['2,email,email,a record with this key exists; skipped', '3,email,email,a record with this key exists; skipped', '126,email,email,an earlier row of the file has this key; skipped']);
    const Contacts = contactModel(rt.ctx.connection);
    assert.deepEqual((await Contacts.find({ tenantId, lastName: 'Keyed' }).lean()).map((c) => c.firstName).filter((n) => !n.startsWith('New')).sort(), ['Gone', 'Old']);
    // Per batch of 50: one insert of its email keys; a read by address only for the 5 addresses that had a key.
    const keyInserts = events.filter((e) => e.commandName === 'insert' && e.command.insert === 'import_keys');
    assert.equal(keyInserts.length, 3, 'one key insert per batch, none again by the record insert');
    const emailReads = events.filter((e) => e.commandName === 'find' && e.command.find === 'contacts' && (e.command.filter as Record<string, unknown>).primaryEmail !== undefined);
    assert.equal(emailReads.length, 5, 'only the addresses that had a key are read');

    // Mode update: a record of the agency updated by one row is not updated again by a repeat two batches later.
    const filler = Array.from({ length: 110 }, (_, i) => `Fill${i},Keyed,fill${i}@keys.example,`);
    const updating = await upload(Buffer.from(['firstName,lastName,email,jobTitle', 'Made,Keyed,made@keys.example,First', ...filler, 'Made,Keyed,made@keys.example,Second'].join('\n') + '\n'), { kind: 'contacts', name: 'update.csv' });
    await rt.request().put(`/v1/imports/${updating.body.id}/mapping`).set(auth(admin)).send({ columns: updating.body.suggestedMapping, dedupeKey: 'email', mode: 'update' }).expect(200);
    await rt.request().post(`/v1/imports/${updating.body.id}/run`).set(auth(admin)).expect(202);
    const updated = await finished(updating.body.id);
    assert.deepEqual({ created: updated.progress.created, updated: updated.progress.updated, skipped: updated.progress.skipped }, { created: 110, updated: 1, skipped: 1 });
    assert.equal((await Contacts.findOne({ tenantId, primaryEmail: 'made@keys.example' }).lean())!.jobTitle, 'First');

    const Keys = rt.ctx.connection.db!.collection<{ _id: string }>('import_keys');
    const keyOf = (email: string) => emailKeyId(tenantId, 'contacts', email);
    assert.ok(await Keys.findOne({ _id: keyOf('new7@keys.example') }), 'an imported contact has its key');
    await rt.request().post(`/v1/imports/${id}/undo`).set(auth(admin)).expect(200);
    assert.equal(await Keys.countDocuments({ tenantId, importId: new Types.ObjectId(id) } as never), 0, 'undo removes the keys the import claimed');
    assert.equal(await Keys.findOne({ _id: keyOf('new7@keys.example') }), null);
    for (const email of ['made@keys.example', 'changed@keys.example']) assert.ok(await Keys.findOne({ _id: keyOf(email) }), `${email} keeps its key`);
    // A contact given an address the import had claimed takes its key over: the import's undo leaves it.
    const again = await upload(Buffer.from('firstName,lastName,email\nTaken,Keyed,taken@keys.example\n'), { kind: 'contacts', name: 'taken.csv' });
    await rt.request().put(`/v1/imports/${again.body.id}/mapping`).set(auth(admin)).send({ columns: again.body.suggestedMapping, dedupeKey: 'email', mode: 'skip' }).expect(200);
    await rt.request().post(`/v1/imports/${again.body.id}/run`).set(auth(admin)).expect(202);
    assert.equal((await finished(again.body.id)).progress.created, 1);
    await post('taken@keys.example');
    await rt.request().post(`/v1/imports/${again.body.id}/undo`).set(auth(admin)).expect(200);
    assert.ok(await Keys.findOne({ _id: keyOf('taken@keys.example') }), 'the key of an address another contact holds stays');
  });

  it('should create the rows whose email keys a crashed attempt claimed before its records were written', async () => {
    const lines = ['firstName,lastName,email', ...Array.from({ length: 70 }, (_, i) => `Claimed${i},Crash,claimed${i}@keys.example`)];
    const created = await upload(Buffer.from(lines.join('\n') + '\n'), { kind: 'contacts', name: 'claimed.csv' });
    const id = created.body.id as string;
    await rt.request().put(`/v1/imports/${id}/mapping`).set(auth(admin)).send({ columns: created.body.suggestedMapping, dedupeKey: 'email', mode: 'skip' }).expect(200);
    // As an attempt that died after its batches' key inserts and before their record inserts leaves it.
    const importId = new Types.ObjectId(id);
    const taken = await claimEmailKeys(rt.ctx.connection, 'contacts', Array.from({ length: 70 }, (_, i) => ({ tenantId, email: `claimed${i}@keys.example`, recordId: null, importId })));
    assert.equal(taken.size, 0);
    await rt.request().post(`/v1/imports/${id}/run`).set(auth(admin)).expect(202);
    const done = await finished(id);
    assert.deepEqual({ created: done.progress.created, skipped: done.progress.skipped }, { created: 70, skipped: 0 });
    assert.equal(await contactModel(rt.ctx.connection).countDocuments({ tenantId, lastName: 'Crash' }), 70);
  });

  it('should queue one run when two starts of one import race, and import its rows once', async () => {
    const lines = ['First name,Last name,Email', ...Array.from({ length: 12 }, (_, i) => `Race${i},Runner,race${i}@start.example`)];
    const created = await upload(Buffer.from(lines.join('\n') + '\n'), { kind: 'contacts', name: 'race.csv' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id as string;
    await rt.request().put(`/v1/imports/${id}/mapping`).set(auth(admin)).send({ columns: created.body.suggestedMapping, dedupeKey: 'email', mode: 'skip' }).expect(200);
    const starts = await Promise.all([0, 1, 2].map(() => rt.request().post(`/v1/imports/${id}/run`).set(auth(admin))));
    assert.deepEqual(starts.map((r) => r.status).sort(), [202, 409, 409], JSON.stringify(starts.map((r) => r.body)));
    const queuedJobs = await rt.ctx.connection.db!.collection(JOBS_COLLECTION).countDocuments({ name: IMPORT_RUN_JOB, 'data.importId': id });
    assert.equal(queuedJobs, 1, 'one Agenda job for the run');
    const done = await finished(id);
    assert.equal(done.status, 'completed', done.failure);
    assert.equal(done.progress.created, 12);
    assert.equal(await contactModel(rt.ctx.connection).countDocuments({ tenantId, lastName: 'Runner' }), 12);
  });

  it('should save mappings per agency and kind for whoever may import the kind, check them as mappings, and keep names unique', async () => {
    const researcher = await signIn(rt, (await makeUser(rt, agency, { role: 'SRE' })).email);
    const seller = await signIn(rt, (await makeUser(rt, agency, { role: 'SE' })).email);
    const body = { name: 'Eventbrite export', columns: [{ column: 'Vorname', field: 'firstName' }, { column: 'Nachname', field: 'lastName' }, { column: 'E-Mail', field: 'email' }, { column: 'Teilnahme', field: 'participation' }, { column: 'Notiz', field: null }], dedupeKey: 'email', mode: 'skip', tags: ['eventbrite'] };
    const saved = await rt.request().post('/v1/imports/leads/mappings').set(auth(researcher)).send(body);
    assert.equal(saved.status, 201, JSON.stringify(saved.body));
    assert.deepEqual(saved.body.columns, body.columns);
    assert.equal((await rt.request().post('/v1/imports/leads/mappings').set(auth(researcher)).send(body)).status, 409, 'a name is unique per kind');
    const bad = await rt.request().post('/v1/imports/leads/mappings').set(auth(researcher)).send({ ...body, name: 'Wrong', columns: [...body.columns.slice(0, 3), { column: 'Teilnahme', field: 'shoeSize' }] });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.errors.map((e: { field: string }) => e.field), ['columns.3.field']);
    await rt.request().post('/v1/imports/contacts/mappings').set(auth(admin)).send({ ...body, name: 'Contacts', columns: body.columns.filter((c) => c.field !== 'participation') }).expect(201);

    const listed = await rt.request().get('/v1/imports/leads/mappings').set(auth(admin));
    assert.deepEqual(listed.body.data.map((m: { name: string }) => m.name), ['Eventbrite export'], 'shared in the agency, per kind');
    assert.equal((await rt.request().get('/v1/imports/leads/mappings').set(auth(seller))).status, 403, 'a role that may not import leads sees none');
    assert.deepEqual((await rt.request().get('/v1/imports/leads/mappings').set(auth(other.adminToken))).body.data, []);
    assert.equal((await rt.request().delete(`/v1/import-mappings/${saved.body.id}`).set(auth(other.adminToken))).status, 404);
    await rt.request().delete(`/v1/import-mappings/${saved.body.id}`).set(auth(researcher)).expect(204);
    assert.deepEqual((await rt.request().get('/v1/imports/leads/mappings').set(auth(researcher))).body.data, []);
  });

  it('should answer 404 to another agency for every route of an import', async () => {
    const created = await upload(Buffer.from('firstName,lastName\nA,B\n'), { kind: 'contacts', name: 'a.csv' });
    const id = created.body.id as string;
    const them = auth(other.adminToken);
    assert.equal((await rt.request().get(`/v1/imports/${id}`).set(them)).status, 404);
    assert.equal((await rt.request().put(`/v1/imports/${id}/mapping`).set(them).send({ columns: [], dedupeKey: 'email', mode: 'create' })).status, 404);
    assert.equal((await rt.request().post(`/v1/imports/${id}/dry-run`).set(them)).status, 404);
    assert.equal((await rt.request().post(`/v1/imports/${id}/run`).set(them)).status, 404);
    assert.equal((await rt.request().get(`/v1/imports/${id}/errors`).set(them)).status, 404);
    assert.equal((await rt.request().post(`/v1/imports/${id}/undo`).set(them)).status, 404);
    const theirs = await rt.request().get('/v1/imports').set(them);
    assert.deepEqual(theirs.body.data, []);
    assert.equal((await importModel(rt.ctx.connection).findOne({ tenantId, _id: new Types.ObjectId(id) }).lean())?.status, 'uploaded');
  });

  it('should name the wrong mapping entry, and refuse files that are not CSV or XLSX', async () => {
    const created = await upload(Buffer.from('Name,Mail\nA,a@b.example\n'), { kind: 'contacts', name: 'a.csv' });
    const id = created.body.id as string;
    const bad = await rt.request().put(`/v1/imports/${id}/mapping`).set(auth(admin)).send({ columns: [{ column: 'Name', field: 'shoeSize' }, { column: 'Nope', field: 'email' }], dedupeKey: 'email', mode: 'skip' });
    assert.equal(bad.status, 400);
    assert.equal(bad.headers['content-type'], 'application/problem+json; charset=utf-8');
    const fields = bad.body.errors.map((e: { field: string }) => e.field);
    assert.ok(fields.includes('columns.0.field'), JSON.stringify(bad.body));
    assert.ok(fields.includes('columns.1.column'));
    assert.ok(fields.includes('dedupeKey'));
    assert.equal((await rt.request().post(`/v1/imports/${id}/run`).set(auth(admin))).status, 409, 'no run without a mapping');
    assert.equal((await upload(Buffer.from('x'), { kind: 'contacts', name: 'a.pdf' }, 'application/pdf')).status, 415);
    assert.equal((await upload(Buffer.from('not a zip'), { kind: 'leads', name: 'a.xlsx' }, 'application/octet-stream')).status, 415);
    assert.equal((await upload(Buffer.from(''), { kind: 'contacts', name: 'a.csv' })).status, 400);
  });
});
