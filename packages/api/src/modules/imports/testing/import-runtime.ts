import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency } from '../../../testing/index.js';

export type ImportTestRuntime = Awaited<ReturnType<typeof createTestRuntime>>;

/**
 * A runtime for the imports' tests: uploads in a folder of its own (removed by `close`), the job runner
 * started and polling every 100 ms. `env` adds to it (the batch size, a daily cap).
 */
export async function importTestRuntime(file: string, env: Record<string, string> = {}): Promise<{ rt: ImportTestRuntime; close: () => Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'crm-imports-'));
  const rt = await createTestRuntime({ file, env: { DATA_DIR: dataDir, JOBS_PROCESS_EVERY_MS: '100', JOBS_LOCK_LIFETIME_MS: '30000', ...env } });
  await rt.ctx.jobs.start();
  return {
    rt,
    close: async () => {
      await rt.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The runtime (as `importTestRuntime`) and a fresh agency with its admin's token and its id: what the imports' test files start from. */
export async function importTestAgency(file: string, env: Record<string, string> = {}) {
  const { rt, close } = await importTestRuntime(file, env);
  const agency = await makeAgency(rt);
  return { rt, close, agency, admin: agency.adminToken, tenantId: new Types.ObjectId(agency.tenantId) };
}

/** Polls an import as `token` until it leaves queued/running, and answers it (a deadline of a minute, no sleep as a wait). */
export async function importFinished(rt: ImportTestRuntime, id: string, token: string) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await rt.request().get(`/v1/imports/${id}`).set({ Authorization: `Bearer ${token}` });
    assert.equal(res.status, 200);
    if (!['queued', 'running'].includes(res.body.status)) return res.body;
    if (Date.now() > deadline) throw new Error(`import ${id} still ${res.body.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Uploads `lines` as a CSV file of `kind` as `token` (`<kind>.csv` unless `name`; lines end in `eol`): the response, refusals included. */
export function uploadCsv(rt: ImportTestRuntime, kind: string, lines: string[], token: string, options: { name?: string; eol?: string } = {}) {
  const eol = options.eol ?? '\n';
  return rt.request().post(`/v1/imports/${kind}`).query({ name: options.name ?? `${kind}.csv` }).set({ Authorization: `Bearer ${token}` }).set('Content-Type', 'text/csv').send(Buffer.from(lines.join(eol) + eol));
}

/** The same upload, which must be taken (201): the import as it answers it. */
export async function uploadedCsv(rt: ImportTestRuntime, kind: string, lines: string[], token: string, options: { name?: string; eol?: string } = {}) {
  const res = await uploadCsv(rt, kind, lines, token, options);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body as { id: string; suggestedMapping: Array<{ column: string; field: string | null }> };
}

/** Starts an import's run as `token` (202) and answers the import once it has left queued and running. */
export async function runImport(rt: ImportTestRuntime, id: string, token: string) {
  await rt.request().post(`/v1/imports/${id}/run`).set({ Authorization: `Bearer ${token}` }).expect(202);
  return importFinished(rt, id, token);
}
