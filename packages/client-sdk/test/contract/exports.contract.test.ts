// crm.exports against the real API with its jobs running: an export asked for, followed until its file is
// written, downloaded as a Blob; a bad filter, a role without export and a file not made yet, as the errors a client catches.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createCrmClient, type CrmClient } from '../../src/core/client.js';
import { CrmConflictError, CrmPermissionError, CrmValidationError } from '../../src/core/errors.js';
import type { Export } from '../../src/resources/exports.js';
import { startLiveApi, testPassword, type LiveApi } from '../support/live-api.js';

let api: LiveApi;
let crm: CrmClient;

before(async () => {
  api = await startLiveApi({ file: import.meta.filename, env: { JOBS_PROCESS_EVERY_MS: '100', JOBS_LOCK_LIFETIME_MS: '2000' } });
  crm = api.adminClient();
});
after(async () => {
  await api?.close();
});

/** Follows an export until it leaves queued/running, as a client would (a deadline of a minute). */
async function settled(id: string): Promise<Export> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const current = await crm.exports.get(id);
    if (current.status !== 'queued' && current.status !== 'running') return current;
    if (Date.now() > deadline) throw new Error(`export ${id} still ${current.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('crm.exports', () => {
  it('should refuse to download a file not made yet, then make it in the background and download it', async () => {
    await crm.contacts.create({ firstName: 'Exa', lastName: 'Background', jobTitle: 'Buyer' });
    await crm.contacts.create({ firstName: 'Exo', lastName: 'Skipped' });
    // The jobs are not running yet: the export waits, queued, and its file cannot be had.
    const asked = await crm.exports.create({ kind: 'contacts', format: 'csv', filters: { q: 'Background' } });
    assert.equal(asked.status, 'queued');
    assert.deepEqual(asked.filters, { q: 'Background' });
    const early = await crm.exports.download(asked.id).catch((error: unknown) => error);
    assert.ok(early instanceof CrmConflictError, String(early));

    await api.runtime.ctx.jobs.start();
    const done = await settled(asked.id);
    assert.equal(done.status, 'completed', done.failure ?? '');
    assert.equal(done.rows, 1);
    assert.equal(done.downloadPath, `/v1/exports/${asked.id}/file`);
    const file = await crm.exports.download(asked.id);
    const lines = (await file.text()).trim().split('\r\n');
    assert.equal(lines.length, 2);
    assert.match(lines[1]!, /^Exa,Background,Buyer,/);

    const xlsx = await crm.exports.create({ kind: 'contacts' });
    assert.equal(xlsx.format, 'xlsx', 'XLSX by default');
    const workbook = await crm.exports.download((await settled(xlsx.id)).id);
    assert.deepEqual([...new Uint8Array(await workbook.slice(0, 2).arrayBuffer())], [0x50, 0x4b], 'a zip package');

    const mine = await crm.exports.list({ limit: 10 });
    assert.deepEqual(mine.data.map((e) => e.id), [xlsx.id, asked.id]);
  });

  it('should answer a bad filter with CrmValidationError naming it, and a role without export with CrmPermissionError', async () => {
    const bad = await crm.exports.create({ kind: 'leads', filters: { ownerId: 'nobody' } }).catch((error: unknown) => error);
    assert.ok(bad instanceof CrmValidationError, String(bad));
    assert.deepEqual(bad.errors.map((e) => e.field), ['filters.ownerId']);
    const member = await api.testing.makeUser(api.runtime, api.agency, { role: 'P' });
    const producer = createCrmClient({ baseUrl: api.baseUrl, fetch: api.fetchFrom(), auth: { type: 'session', email: member.email, password: testPassword } });
    const refused = await producer.exports.create({ kind: 'leads' }).catch((error: unknown) => error);
    assert.ok(refused instanceof CrmPermissionError, String(refused));
  });
});
