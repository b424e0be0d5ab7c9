import { createWriteStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Types } from 'mongoose';
import { assertCan } from '../../platform/access/access.js';
import type { Principal } from '../../platform/access/principal.js';
import { AppError } from '../../platform/errors.js';
import type { ImportContext } from './import-context.js';
import { toImportDto } from './import-dto.js';
import { suggestMapping, type ImportKind } from './import-fields.js';
import { readRows, sniffCsv, type ImportFormat } from './import-reader.js';
import type { ImportJob } from './import.model.js';

const SAMPLE_ROWS = 5;
const csvTypes = new Set(['text/csv', 'text/plain', 'application/csv', 'text/tab-separated-values', 'application/vnd.ms-excel', 'application/octet-stream']);
const xlsxTypes = new Set(['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/octet-stream']);

/** Parsing: an upload streamed to disk (never whole in memory), then its header and first rows read. */
export async function storeUpload(ctx: ImportContext, principal: Principal, input: { kind: ImportKind; fileName: string; contentType: string; body: Readable }) {
  const { deps, Imports } = ctx;
  assertCan(principal, deps.kinds[input.kind].resource, 'import');
  const ext = input.fileName.toLowerCase().split('.').pop() ?? '';
  const format: ImportFormat | null = ['csv', 'txt', 'tsv'].includes(ext) ? 'csv' : ext === 'xlsx' ? 'xlsx' : null;
  const type = input.contentType.split(';')[0]!.trim().toLowerCase();
  if (!format) throw new AppError('unsupported_media_type', 'The file must be a .csv (or .txt, .tsv) or an .xlsx workbook; name it in ?name=');
  if (!(format === 'csv' ? csvTypes : xlsxTypes).has(type)) throw new AppError('unsupported_media_type', `A .${ext} file is sent as ${format === 'csv' ? 'text/csv' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'} (or application/octet-stream), not ${type || 'no Content-Type'}`);
  const _id = new Types.ObjectId();
  const dir = join(deps.dataDir, 'imports', String(principal.tenantId));
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${String(_id)}.${format}`);
  let size = 0;
  try {
    await pipeline(
      input.body,
      async function* limit(source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          size += chunk.length;
          if (size > deps.maxBytes) throw new AppError('payload_too_large', `An import file may be at most ${Math.round(deps.maxBytes / 1024 / 1024)} MB`);
          yield chunk;
        }
      },
      createWriteStream(path),
    );
    if (!size) throw AppError.invalidField('body', 'is empty; send the file as the request body');
    if (format === 'xlsx') {
      const handle = await open(path, 'r');
      const head = Buffer.alloc(4);
      await handle.read(head, 0, 4, 0);
      await handle.close();
      if (!head.equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) throw new AppError('unsupported_media_type', 'The file is not an .xlsx workbook (it is not a zip package)');
    }
    const dialect = format === 'csv' ? await sniffCsv(path) : null;
    const head: string[][] = [];
    for await (const cells of readRows(path, format, dialect ?? undefined)) {
      head.push(cells);
      if (head.length > SAMPLE_ROWS) break;
    }
    if (!head.length) throw AppError.invalidField('body', 'has no header row');
    const headers = head[0]!.map((h, i) => h.trim() || `Column ${i + 1}`);
    const custom = await deps.customFields.definitions(principal.tenantId, deps.kinds[input.kind].resource);
    const job = await Imports.create({
      _id,
      tenantId: principal.tenantId,
      createdBy: principal.userId,
      apiKeyId: principal.apiKeyId,
      kind: input.kind,
      fileName: input.fileName.slice(0, 200),
      format,
      size,
      path,
      encoding: dialect?.encoding ?? null,
      delimiter: dialect?.delimiter ?? null,
      headers,
      // FerretDB stores no array directly inside an array: each row is an object.
      sample: head.slice(1).map((r) => ({ cells: r.slice(0, headers.length).map((c) => c.slice(0, 500)) })),
      suggested: suggestMapping(input.kind, headers, custom),
      status: 'uploaded',
    });
    return toImportDto(job.toObject());
  } catch (error) {
    await rm(path, { force: true });
    if (error instanceof AppError) throw error;
    if ((error as { code?: string }).code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH' || /CSV|zip|end of central directory/i.test(String((error as Error).message))) {
      throw AppError.invalidField('body', `could not be read as ${format}: ${(error as Error).message.slice(0, 200)}`);
    }
    throw error;
  }
}

/** The statuses whose file may be removed once the import was left alone for the retention period: every one but a run in progress. */
const RESTING: ImportJob['status'][] = ['uploaded', 'mapped', 'completed', 'failed', 'cancelled', 'undone'];

/** 409 when the retention job removed the import's file: a dry run or run would have nothing to read. */
export function assertFileKept(job: ImportJob): void {
  if (job.fileRemovedAt) throw new AppError('conflict', `The uploaded file was removed on ${job.fileRemovedAt.toISOString().slice(0, 10)}, days after the import was last used; upload it again`);
}

/**
 * Removes the uploaded files of imports nobody has touched for `days` (finished, undone, or never run): the
 * error file and undo read the database, not the file. The import stays, with `fileRemovedAt`. Across
 * agencies on purpose: one read per resting status (an equality), the dates compared here.
 */
export async function removeRestingFiles(ctx: ImportContext, days: number, now = new Date()): Promise<{ removed: number }> {
  const before = now.getTime() - days * 86_400_000;
  let removed = 0;
  for (const status of RESTING) {
    const jobs = await ctx.Imports.collection.find({ status }, { projection: { tenantId: 1, path: 1, updatedAt: 1, fileRemovedAt: 1 } }).toArray();
    for (const job of jobs) {
      if (job.fileRemovedAt || !(job.updatedAt instanceof Date) || job.updatedAt.getTime() > before) continue;
      await rm(String(job.path), { force: true });
      // Only while it still rests as read: a run queued meanwhile keeps its file (a file removed under it fails that run, which says so).
      const marked = await ctx.Imports.collection.updateOne({ tenantId: job.tenantId, _id: job._id, status, updatedAt: job.updatedAt }, { $set: { fileRemovedAt: now } });
      removed += marked.modifiedCount;
    }
  }
  return { removed };
}

/** Walks the file's data rows (file row numbers: the header is row 1) in batches of `size`. */
export async function* rowBatches(job: ImportJob, size: number, signal?: AbortSignal): AsyncGenerator<Array<{ row: number; cells: string[] }>> {
  let row = 0;
  let batch: Array<{ row: number; cells: string[] }> = [];
  const dialect = job.format === 'csv' && job.encoding && job.delimiter ? { encoding: job.encoding, delimiter: job.delimiter } : undefined;
  for await (const cells of readRows(job.path, job.format, dialect, signal)) {
    row += 1;
    if (row === 1) continue;
    batch.push({ row, cells });
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}
