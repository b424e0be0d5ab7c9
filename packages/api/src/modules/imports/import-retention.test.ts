import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { IMPORT_FILES_RETENTION_JOB } from './imports.module.js';
import { importModel } from './import.model.js';
import { importTestAgency, runImport, uploadedCsv, type ImportTestRuntime } from './testing/import-runtime.js';

describe('imports: uploaded files are kept for IMPORT_FILE_RETENTION_DAYS', () => {
  let rt: ImportTestRuntime;
  let close: () => Promise<void>;
  let admin: string;
  let tenantId: Types.ObjectId;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  before(async () => {
    ({ rt, close, admin, tenantId } = await importTestAgency(import.meta.filename, { IMPORT_FILE_RETENTION_DAYS: '3' }));
  });
  after(() => close());

  const stored = async (id: string) => (await importModel(rt.ctx.connection).findOne({ tenantId, _id: new Types.ObjectId(id) }).lean())!;
  /** Runs the retention job now, and waits until it has marked `id` (the last import it reaches: its statuses are walked in order, `completed` after `uploaded`). */
  async function runRetention(id: string) {
    await rt.ctx.jobs.agenda.now(IMPORT_FILES_RETENTION_JOB);
    const deadline = Date.now() + 30_000;
    while (!(await stored(id)).fileRemovedAt) {
      if (Date.now() > deadline) throw new Error('the retention job did not remove the file');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const age = (id: string, days: number) => importModel(rt.ctx.connection).collection.updateOne({ tenantId, _id: new Types.ObjectId(id) }, { $set: { updatedAt: new Date(Date.now() - days * 86_400_000) } });

  it('should remove the file of an import finished days ago, keep its error file and undo, and refuse to run it again', async () => {
    const upload = await uploadedCsv(rt, 'contacts', ['Vorname,Nachname,E-Mail', 'Kept,Row,kept@retention.example', 'Bad,Row,not-an-email'], admin);
    await rt.request().put(`/v1/imports/${upload.id}/mapping`).set(auth(admin)).send({ columns: upload.suggestedMapping, dedupeKey: 'email', mode: 'skip' }).expect(200);
    const done = await runImport(rt, upload.id, admin);
    assert.equal(done.status, 'completed');
    const { path } = await stored(upload.id);
    // A recent one, and one that was never run, are both younger than 3 days: kept.
    const fresh = await uploadedCsv(rt, 'contacts', ['Vorname,Nachname', 'Fresh,Upload'], admin);
    const leftUnrun = await uploadedCsv(rt, 'contacts', ['Vorname,Nachname,E-Mail', 'Left,Alone,left@retention.example'], admin);
    await age(upload.id, 4);
    await age(leftUnrun.id, 3.5);
    await runRetention(upload.id);

    await assert.rejects(access(path), /ENOENT/);
    await assert.rejects(access((await stored(leftUnrun.id)).path), /ENOENT/);
    await access((await stored(fresh.id)).path);
    const answered = (await rt.request().get(`/v1/imports/${upload.id}`).set(auth(admin))).body;
    assert.ok(answered.fileRemovedAt, 'the import says when its file went');
    assert.equal((await rt.request().get(`/v1/imports/${fresh.id}`).set(auth(admin))).body.fileRemovedAt, null);

    // The error file and undo read the database, not the file.
    const errors = await rt.request().get(`/v1/imports/${upload.id}/errors`).set(auth(admin));
    assert.equal(errors.status, 200);
    assert.match(errors.text, /not-an-email/);
    // A dry run or a run would have nothing to read: 409, saying so.
    await rt.request().put(`/v1/imports/${leftUnrun.id}/mapping`).set(auth(admin)).send({ columns: leftUnrun.suggestedMapping, dedupeKey: 'email', mode: 'skip' }).expect(200);
    const dry = await rt.request().post(`/v1/imports/${leftUnrun.id}/dry-run`).set(auth(admin));
    assert.equal(dry.status, 409);
    assert.match(dry.body.detail, /file was removed .* upload it again/);
    assert.equal((await rt.request().post(`/v1/imports/${leftUnrun.id}/run`).set(auth(admin))).status, 409);
    const undone = await rt.request().post(`/v1/imports/${upload.id}/undo`).set(auth(admin));
    assert.equal(undone.status, 200, JSON.stringify(undone.body));
    assert.equal(undone.body.undone.removed, 1);
  });
});
