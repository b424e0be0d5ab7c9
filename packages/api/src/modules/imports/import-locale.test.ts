import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Types } from 'mongoose';
import { makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { contactModel } from '../contacts/contact.model.js';
import { userModel } from '../identity/user.model.js';
import { leadModel } from '../leads/lead.model.js';
import { parseLocaleDate, parseLocaleDateTime, parseLocaleNumber } from './import-locale.js';
import { importFinished, importTestAgency, uploadedCsv, type ImportTestRuntime } from './testing/import-runtime.js';

describe('imports: dates and numbers in a locale', () => {
  it('should read numbers as each locale groups them and refuse the other grouping', () => {
    const cases: Array<[string, Parameters<typeof parseLocaleNumber>[1], number | null]> = [
      ['1.234,56', 'de-DE', 1234.56],
      ['1,234.56', 'de-DE', null],
      ['1,234.56', 'en-US', 1234.56],
      ['1.234,56', 'en-GB', null],
      ['-1.234.567', 'de-DE', -1234567],
      ['1234,5', 'de-DE', 1234.5],
      ['12,34', 'en-US', null],
      ["1'234.50", 'de-CH', 1234.5],
      ['1\u202f234,5', 'fr-FR', 1234.5],
      ['1 234,5', 'fr-FR', 1234.5],
      ['1.5', null, 1.5],
      ['1,5', null, 1.5],
      ['1.234,5', null, null],
      ['12 apples', 'en-US', null],
    ];
    for (const [text, locale, expected] of cases) assert.equal(parseLocaleNumber(text, locale), expected, `${text} in ${locale}`);
  });

  it('should read dates in the locale order, ISO in every locale, and refuse dates that do not exist', () => {
    const cases: Array<[string, Parameters<typeof parseLocaleDate>[1], string | null]> = [
      ['31.12.2026', 'de-DE', '2026-12-31'],
      ['12/31/2026', 'en-US', '2026-12-31'],
      ['31/12/2026', 'en-GB', '2026-12-31'],
      ['12/31/2026', 'en-GB', null],
      ['31-12-2026', 'nl-NL', '2026-12-31'],
      ['1.2.26', 'de-DE', '2026-02-01'],
      ['1/2/75', 'en-US', '1975-01-02'],
      ['2026-12-31', 'en-US', '2026-12-31'],
      ['2026-12-31T10:00:00Z', 'de-DE', '2026-12-31'],
      ['2026-12-31', null, '2026-12-31'],
      ['31.12.2026', null, null],
      ['30.02.2026', 'de-DE', null],
      ['29.02.2028', 'de-DE', '2028-02-29'],
      ['31.12/2026', 'de-DE', null],
    ];
    for (const [text, locale, expected] of cases) assert.equal(parseLocaleDate(text, locale), expected, `${text} in ${locale}`);
  });

  it("should read a task's date-time on the agency's wall clock (across summer time), an offset as it says, and refuse times that do not exist", () => {
    const cases: Array<[string, Parameters<typeof parseLocaleDateTime>[1], string, string | null]> = [
      ['31.12.2026 14:30', 'de-DE', 'Europe/Berlin', '2026-12-31T13:30:00.000Z'],
      ['01.07.2026 14:30', 'de-DE', 'Europe/Berlin', '2026-07-01T12:30:00.000Z'],
      ['29.03.2026, 03:30', 'de-DE', 'Europe/Berlin', '2026-03-29T01:30:00.000Z'],
      ['12/31/2026 9:05:30', 'en-US', 'America/New_York', '2026-12-31T14:05:30.000Z'],
      ['31.12.2026', 'de-DE', 'Europe/Berlin', '2026-12-30T23:00:00.000Z'],
      ['2026-12-31T14:30', null, 'UTC', '2026-12-31T14:30:00.000Z'],
      ['2026-12-31T14:30:00+05:00', 'de-DE', 'Europe/Berlin', '2026-12-31T09:30:00.000Z'],
      ['2026-12-31 14:30', null, 'Europe/Berlin', '2026-12-31T13:30:00.000Z'],
      ['31.12.2026 24:00', 'de-DE', 'UTC', null],
      ['31.12.2026 14:60', 'de-DE', 'UTC', null],
      ['2026-02-30T10:00:00Z', null, 'UTC', null],
      ['31.12.2026 2:30 PM', 'en-US', 'UTC', null],
    ];
    for (const [text, locale, zone, expected] of cases) assert.equal(parseLocaleDateTime(text, locale, zone), expected, `${text} in ${locale}, ${zone}`);
  });
});

describe('imports: locale, owner by email and statuses', () => {
  let rt: ImportTestRuntime;
  let agency: TestAgency;
  let admin: string;
  let tenantId: Types.ObjectId;
  let close: () => Promise<void>;
  let owner: { id: Types.ObjectId; email: string };
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  before(async () => {
    ({ rt, close, agency, admin, tenantId } = await importTestAgency(import.meta.filename, { IMPORT_BATCH_SIZE: '3' }));
    owner = await makeUser(rt, agency, { role: 'SE', email: 'owner@example.test' });
    const disabled = await makeUser(rt, agency, { role: 'SE', email: 'disabled@example.test' });
    await userModel(rt.ctx.connection).updateOne({ tenantId, _id: disabled.id }, { $set: { status: 'disabled' } });
    await rt.request().post('/v1/custom-fields').set(auth(admin)).send({ resource: 'contact', key: 'since', label: 'Kunde seit', type: 'date' }).expect(201);
    await rt.request().post('/v1/custom-fields').set(auth(admin)).send({ resource: 'contact', key: 'budget', label: 'Budget', type: 'number' }).expect(201);
  });
  after(async () => {
    await close();
  });

  const finished = (id: string, token = admin) => importFinished(rt, id, token);

  const upload = (lines: string[], token = admin) => uploadedCsv(rt, 'contacts', lines, token, { name: 'messy.csv', eol: '\r\n' });

  const messy = [
    'Vorname;Nachname;E-Mail;Betreuer;Status;Kunde seit;Budget',
    'Anna;Alt;anna@x.test; OWNER@example.test ;Heiß;31.12.2026;1.234,56',
    'Bernd;Breit;bernd@x.test;;neu;01.02.2026;12',
    'Carla;Clever;carla@x.test;nobody@example.test;Kalt;15.03.2026;7,5',
    'Dora;Dunkel;dora@x.test;;Vielleicht;2026-04-01;3',
    'Emil;Eck;emil@x.test;;;12/31/2026;5',
    'Fritz;Fuchs;fritz@x.test;;hot;30.02.2026;1,234.56',
    'Gina;Gut;gina@x.test;disabled@example.test;Converted;1.1.26;-0,5',
    'Hans;Hoch;hans@x.test;owner@example.test;Not interested;05.06.2026;1.000',
  ];
  const statusMap = { values: [{ value: 'Heiß', status: 'hot' }, { value: 'Neu', status: 'new' }, { value: 'Kalt', status: 'cold' }], unknown: 'error' };

  it('should suggest owner, status and custom fields from German headers, dry-run a messy file with errors naming the columns, and import it so', async () => {
    const created = await upload(messy);
    assert.deepEqual(created.suggestedMapping.map((m) => m.field), ['firstName', 'lastName', 'email', 'ownerEmail', 'status', 'custom.since', 'custom.budget']);
    const mapped = await rt.request().put(`/v1/imports/${created.id}/mapping`).set(auth(admin)).send({ columns: created.suggestedMapping, dedupeKey: 'email', mode: 'skip', locale: 'de-DE', statusMap });
    assert.equal(mapped.status, 200, JSON.stringify(mapped.body));
    assert.equal(mapped.body.mapping.locale, 'de-DE');
    assert.deepEqual(mapped.body.mapping.statusMap, { ...statusMap, default: null });

    const dry = await rt.request().post(`/v1/imports/${created.id}/dry-run`).set(auth(admin));
    assert.equal(dry.status, 200, JSON.stringify(dry.body));
    assert.deepEqual({ created: dry.body.created, failed: dry.body.failed }, { created: 3, failed: 5 });
    const rowsOf = Object.fromEntries(dry.body.errors.map((e: { field: string; column: string; rows: number[] }) => [e.field, [e.column, e.rows]]));
    assert.deepEqual(rowsOf, { ownerEmail: ['Betreuer', [4, 8]], status: ['Status', [5]], 'custom.since': ['Kunde seit', [6, 7]], 'custom.budget': ['Budget', [7]] });
    assert.deepEqual(dry.body.statusValues, ['Vielleicht']);
    assert.equal(await contactModel(rt.ctx.connection).countDocuments({ tenantId }), 0);

    await rt.request().post(`/v1/imports/${created.id}/run`).set(auth(admin)).expect(202);
    const done = await finished(created.id);
    assert.equal(done.status, 'completed', done.failure);
    assert.deepEqual({ created: done.progress.created, failed: done.progress.failed }, { created: 3, failed: 5 });
    const stored = await contactModel(rt.ctx.connection).find({ tenantId }).lean();
    const byName = Object.fromEntries(stored.map((c) => [c.firstName, c as unknown as { ownerId: Types.ObjectId; status: string; custom: { since?: Date; budget?: number } }]));
    assert.deepEqual(Object.keys(byName).sort(), ['Anna', 'Bernd', 'Hans']);
    assert.ok(byName.Anna!.ownerId.equals(owner.id));
    assert.equal(byName.Anna!.status, 'hot');
    assert.equal(new Date(byName.Anna!.custom.since!).toISOString(), '2026-12-31T00:00:00.000Z');
    assert.equal(byName.Anna!.custom.budget, 1234.56);
    const adminUser = await userModel(rt.ctx.connection).findOne({ tenantId, emailNormalized: agency.adminEmail.toLowerCase() }).lean();
    assert.ok(byName.Bernd!.ownerId.equals(adminUser!._id), 'an empty owner cell: the one importing');
    assert.equal(byName.Bernd!.status, 'new');
    assert.equal(byName.Hans!.status, 'not_interested', 'a state label needs no entry in the map');
    assert.equal(byName.Hans!.custom.budget, 1000);
    // Status lists and counters see the mapped states.
    const hot = await rt.request().get('/v1/contacts').query({ status: 'hot' }).set(auth(admin));
    assert.deepEqual(hot.body.data.map((c: { firstName: string }) => c.firstName), ['Anna']);

    const errors = (await rt.request().get(`/v1/imports/${created.id}/errors`).set(auth(admin))).text;
    assert.match(errors, /4,Betreuer,ownerEmail,"""nobody@example.test"" \(column ""Betreuer""\) is not the email of a user of this agency"/);
    assert.match(errors, /5,Status,status,"""Vielleicht"" \(column ""Status""\) is not mapped to a status/);
    assert.match(errors, /8,Betreuer,ownerEmail,.*is a user who is not active/);
    assert.match(errors, /7,Budget,custom\.budget,"""1,234\.56"" \(column ""Budget""\) is not a number as de-DE writes them \(31\.12\.2026, 1\.234,56\)"/);

    // Undo removes what the run created, whatever status it started in.
    const undone = await rt.request().post(`/v1/imports/${created.id}/undo`).set(auth(admin));
    assert.equal(undone.status, 200, JSON.stringify(undone.body));
    assert.equal(await contactModel(rt.ctx.connection).countDocuments({ tenantId }), 0);
  });

  it('should give unknown status values the default the map names, and read the file in another locale', async () => {
    const created = await upload(messy);
    await rt.request().put(`/v1/imports/${created.id}/mapping`).set(auth(admin)).send({ columns: created.suggestedMapping, dedupeKey: 'email', mode: 'skip', locale: 'de-DE', statusMap: { ...statusMap, unknown: 'default', default: 'cold' } }).expect(200);
    const dry = await rt.request().post(`/v1/imports/${created.id}/dry-run`).set(auth(admin)).expect(200);
    assert.deepEqual({ created: dry.body.created, failed: dry.body.failed, statusValues: dry.body.statusValues }, { created: 4, failed: 4, statusValues: [] });

    // The same file read as en-US: its German dates and numbers now fail, its US date reads.
    await rt.request().put(`/v1/imports/${created.id}/mapping`).set(auth(admin)).send({ columns: created.suggestedMapping, dedupeKey: 'email', mode: 'skip', locale: 'en-US', statusMap: { ...statusMap, unknown: 'default' } }).expect(200);
    const us = await rt.request().post(`/v1/imports/${created.id}/dry-run`).set(auth(admin)).expect(200);
    const rowsOf = Object.fromEntries(us.body.errors.map((e: { field: string; rows: number[] }) => [e.field, e.rows]));
    assert.deepEqual(rowsOf['custom.since'], [2, 4, 7]);
    assert.deepEqual(rowsOf['custom.budget'], [2, 4, 8]);
  });

  it("should read a lead's employees in the locale, and map lead statuses by label", async () => {
    const res = await rt.request().post('/v1/imports/leads').query({ name: 'leads.csv' }).set(auth(admin)).set('Content-Type', 'text/csv').send(Buffer.from('Firma;Mitarbeiter;Phase\r\nGroß AG;1.200;Qualified\r\nKlein KG;12,5;Neu\r\n'));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.deepEqual(res.body.suggestedMapping.map((m: { field: string | null }) => m.field), ['companyName', 'employees', 'status']);
    await rt.request().put(`/v1/imports/${res.body.id}/mapping`).set(auth(admin)).send({ columns: res.body.suggestedMapping, dedupeKey: 'email', mode: 'create', locale: 'de-DE', statusMap: { values: [{ value: 'Neu', status: 'new' }], unknown: 'error' } }).expect(200);
    await rt.request().post(`/v1/imports/${res.body.id}/run`).set(auth(admin)).expect(202);
    const done = await finished(res.body.id);
    assert.deepEqual({ created: done.progress.created, failed: done.progress.failed }, { created: 1, failed: 1 });
    const lead = await leadModel(rt.ctx.connection).findOne({ tenantId, companyName: 'Groß AG' }).lean();
    assert.deepEqual({ employees: lead!.employees, status: lead!.status }, { employees: 1200, status: 'qualified' });
    const errors = (await rt.request().get(`/v1/imports/${res.body.id}/errors`).set(auth(admin))).text;
    assert.match(errors, /3,Mitarbeiter,employees,/, 'a fraction of an employee fails on the lead schema');
  });

  it('should name the wrong locale and status map entries, and refuse owners a role may not assign', async () => {
    const created = await upload(messy);
    const bad = await rt.request().put(`/v1/imports/${created.id}/mapping`).set(auth(admin)).send({ columns: created.suggestedMapping, dedupeKey: 'email', mode: 'skip', locale: 'xx-XX', statusMap: { values: [{ value: 'Heiß', status: 'boiling' }, { value: 'heiß', status: 'hot' }], unknown: 'default', default: 'lukewarm' } });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.errors.map((e: { field: string }) => e.field), ['locale']);
    const states = await rt.request().put(`/v1/imports/${created.id}/mapping`).set(auth(admin)).send({ columns: created.suggestedMapping, dedupeKey: 'email', mode: 'skip', statusMap: { values: [{ value: 'Heiß', status: 'boiling' }, { value: 'heiß', status: 'hot' }], unknown: 'default', default: 'lukewarm' } });
    assert.equal(states.status, 400);
    assert.deepEqual(states.body.errors.map((e: { field: string }) => e.field).sort(), ['statusMap.default', 'statusMap.values.0.status', 'statusMap.values.1.value']);
    assert.match(states.body.errors.find((e: { field: string }) => e.field === 'statusMap.values.0.status').message, /one of new, hot, converted, cold, not_interested/);
    const unmapped = await rt.request().put(`/v1/imports/${created.id}/mapping`).set(auth(admin)).send({ columns: created.suggestedMapping.map((m) => (m.field === 'status' ? { ...m, field: null } : m)), dedupeKey: 'email', mode: 'skip', statusMap });
    assert.deepEqual(unmapped.body.errors.map((e: { field: string }) => e.field), ['statusMap']);

    // A saved mapping keeps its locale and status map for the next file.
    const saved = await rt.request().post('/v1/imports/contacts/mappings').set(auth(admin)).send({ name: 'Messe DE', columns: created.suggestedMapping, dedupeKey: 'email', mode: 'skip', locale: 'de-DE', statusMap });
    assert.equal(saved.status, 201, JSON.stringify(saved.body));
    const listed = await rt.request().get('/v1/imports/contacts/mappings').set(auth(admin)).expect(200);
    assert.deepEqual(listed.body.data.map((m: { name: string; locale: string; statusMap: unknown }) => [m.name, m.locale, m.statusMap]), [['Messe DE', 'de-DE', { ...statusMap, default: null }]]);
    const wrong = await rt.request().post('/v1/imports/contacts/mappings').set(auth(admin)).send({ name: 'Falsch', columns: created.suggestedMapping, dedupeKey: 'email', mode: 'skip', statusMap: { values: [{ value: 'x', status: 'nope' }] } });
    assert.deepEqual(wrong.body.errors.map((e: { field: string }) => e.field), ['statusMap.values.0.status']);

    // The Head of Marketing may import but not assign: rows naming someone else fail on the owner column; their own email is fine.
    const head = await makeUser(rt, agency, { role: 'HM', email: 'head@example.test' });
    const token = await signIn(rt, head.email);
    const own = await upload(['Vorname;Nachname;Betreuer', 'Ina;Eigen;head@example.test', 'Jan;Fremd;owner@example.test'], token);
    await rt.request().put(`/v1/imports/${own.id}/mapping`).set(auth(token)).send({ columns: own.suggestedMapping, dedupeKey: 'email', mode: 'create' }).expect(200);
    const dry = await rt.request().post(`/v1/imports/${own.id}/dry-run`).set(auth(token)).expect(200);
    assert.deepEqual({ created: dry.body.created, failed: dry.body.failed }, { created: 1, failed: 1 });
    assert.deepEqual(dry.body.errors, [{ field: 'ownerEmail', column: 'Betreuer', count: 1, rows: [3] }]);
  });
});
