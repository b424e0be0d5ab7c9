// Background exports in memory (`crm.exports` of the real SDK over the in-memory API of memory-api.ts),
// for the export button's and export list's tests and stories. As the API: `create` answers the queued
// export; the job then moves queued → running → completed (or failed), one step each time the export is
// read (`crm.exports.get`) or a test calls `advanceExport`, and each step is pushed as `export.progress`
// to the realtime listeners; the file downloads while completed and answers 409 otherwise. The file's
// bytes are a stand-in (CSV text of `rows` lines, or the ZIP signature `PK` for XLSX): the API's writing
// of real files is tested in packages/api and by the live test of <crm-export-button>.
import type { Export, ExportKind } from '@crm/client-sdk';
import { route, type Handler } from './memory-route.js';

const hex = (n: number) => n.toString(16).padStart(24, '0');

/** How long a finished file lasts (the API's EXPORT_RETENTION_HOURS default). */
const RETENTION_MS = 24 * 3_600_000;

/** Options of the in-memory exports. */
export interface MemoryExportsOptions {
  /** Exports already made, newest first (none when omitted). */
  seed?: Export[];
  /** Rows a new export of a kind holds (1,234 when omitted). */
  rows?: Partial<Record<ExportKind, number>>;
  /** Kinds the role may not export: `create` answers 403 as the API does. */
  refused?: ExportKind[];
  /** A new export stops at this status however often it is read (to show it queued or running). */
  holdAt?: 'queued' | 'running';
  /** A new export fails with this reason instead of completing. */
  failure?: string;
  /** Hours a finished file lasts (the API's EXPORT_RETENTION_HOURS, 24 when omitted); 0 makes it expire as it completes. */
  retentionHours?: number;
}

/** An export for stories and tests: completed 10 minutes after `createdAt` unless `overrides` say otherwise. */
export function makeExport(n: number, overrides: Partial<Export> = {}): Export {
  const kind = overrides.kind ?? 'leads';
  const format = overrides.format ?? 'xlsx';
  const createdAt = overrides.createdAt ?? new Date(Date.UTC(2026, 11, 7, 9, 0) - n * 3_600_000).toISOString();
  const finishedAt = new Date(Date.parse(createdAt) + 600_000).toISOString();
  const id = overrides.id ?? hex(0xe00000 + n);
  return {
    id, kind, format, filters: {}, status: 'completed', rows: 1234, columns: ['firstName', 'lastName', 'companyName'], size: 48_213,
    fileName: `${kind}.${format}`, downloadPath: `/v1/exports/${id}/file`, failure: null, createdBy: hex(1), createdAt,
    startedAt: createdAt, finishedAt, expiresAt: new Date(Date.parse(finishedAt) + RETENTION_MS).toISOString(),
    ...overrides,
  };
}

/** A problem as the in-memory API throws it (memory-api.ts's MemoryApiError). */
type Problem = (status: number, code: string, detail: string) => Error;

/**
 * The export routes of the in-memory API over `exports` (newest first), telling `push` each change
 * (`export.progress`); `advance(id)` moves one export one step on.
 */
export function exportRoutes(options: MemoryExportsOptions, exports: Export[], push: (job: Export) => void, problem: Problem) {
  const byId = (id: string | undefined) => exports.find((e) => e.id === id) ?? (() => { throw problem(404, 'not_found', 'Export not found'); })();
  const total = (kind: ExportKind) => options.rows?.[kind] ?? 1234;

  /** The stand-in file of a finished export: CSV text of its rows, or bytes starting with XLSX's ZIP signature. */
  const fileOf = (job: Export): Blob =>
    job.format === 'csv'
      ? new Blob([['firstName,lastName', ...Array.from({ length: job.rows }, (_, n) => `Person,Number ${n + 1}`)].join('\r\n')], { type: 'text/csv; charset=utf-8' })
      : new Blob([new Uint8Array([0x50, 0x4b, 3, 4, ...new Array<number>(60).fill(0)])], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });

  function advance(id: string): Export {
    const job = byId(id);
    const now = new Date().toISOString();
    if (job.status === 'queued' && options.holdAt !== 'queued') {
      Object.assign(job, { status: 'running', startedAt: now, columns: ['firstName', 'lastName', 'companyName'], rows: Math.ceil(total(job.kind) / 2) });
    } else if (job.status === 'running' && options.holdAt !== 'running') {
      if (options.failure) Object.assign(job, { status: 'failed', failure: options.failure, finishedAt: now });
      else {
        Object.assign(job, { status: 'completed', rows: total(job.kind), finishedAt: now, downloadPath: `/v1/exports/${job.id}/file`, expiresAt: new Date(Date.now() + (options.retentionHours ?? 24) * 3_600_000).toISOString() });
        job.size = fileOf(job).size;
      }
    } else return job;
    push(structuredClone(job));
    return job;
  }

  const routes: Array<[string, RegExp, Handler]> = [
    // One route per kind, as the API's (createLeadExport, createContactExport...: the same answer).
    route('POST', /^\/v1\/exports\/(contacts|leads|customers|opportunities|tasks|activities|tickets|campaigns)$/, 'createLeadExport', (m, __, body) => {
      const kind = m[1] as ExportKind;
      if (options.refused?.includes(kind)) throw problem(403, 'forbidden', `Your role may not export ${kind.replace(/s$/, '')} records`);
      const format = (body.format as Export['format'] | undefined) ?? 'xlsx';
      const id = hex(0xe10000 + exports.length);
      const job: Export = {
        id, kind, format, filters: (body.filters as Record<string, string> | undefined) ?? {}, status: 'queued', rows: 0, columns: [], size: 0,
        fileName: `${kind}.${format}`, downloadPath: null, failure: null, createdBy: hex(1), createdAt: new Date().toISOString(), startedAt: null, finishedAt: null, expiresAt: null,
      };
      exports.unshift(job);
      push(structuredClone(job));
      return job;
    }),
    route('GET', /^\/v1\/exports$/, 'listExports', (_, q) => {
      const limit = Number(q.limit ?? 50);
      return { object: 'list' as const, data: exports.slice(0, limit), hasMore: exports.length > limit, nextCursor: null };
    }),
    route('GET', /^\/v1\/exports\/(\w+)$/, 'getExport', (m) => advance(byId(m[1]).id)),
    // The file is not JSON, so this route answers a Blob the in-memory fetch sends as it is.
    ['GET', /^\/v1\/exports\/(\w+)\/file$/, (m) => {
      const job = byId(m[1]);
      if (job.status === 'expired' || Date.parse(job.expiresAt ?? '') <= Date.now()) throw problem(409, 'conflict', 'The file was removed 24 hours after it was made; export again');
      if (job.status !== 'completed') throw problem(409, 'conflict', `The export is ${job.status}; its file can be downloaded once it is completed`);
      return fileOf(job);
    }],
  ];
  return { routes, advance };
}
