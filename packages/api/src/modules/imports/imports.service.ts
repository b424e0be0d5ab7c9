import type { Types } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import { importContext, type ImportDeps, type MappingInput } from './import-context.js';
import { toImportDto } from './import-dto.js';
import { saveMapping, savedMappings } from './import-mapping.js';
import { cancelRun, executeRun, queueRun } from './import-run.js';
import { errorsCsv, undoImport } from './import-undo.js';
import { removeRestingFiles, storeUpload } from './import-upload.js';
import { dryRun } from './import-validate.js';
import type { ImportJob } from './import.model.js';

export type { ImportDeps, ImportKindDeps, MappingInput } from './import-context.js';
export type { ImportDto } from './import-dto.js';
export { IMPORT_RUN_JOB } from './import-run.js';

/**
 * Imports of contacts, leads and customers with their account tree (issue 20): a file uploaded to disk as a stream (import-upload), its
 * columns mapped to fields (import-mapping), every row validated by the API's own create schemas and
 * rules compiled once per run (import-validate), duplicates found a batch at a time (import-dedupe), parents
 * of accounts resolved per batch (import-parents), batches written (import-write) under the agency's daily
 * row cap (import-daily-cap), a
 * run in batches as an Agenda job that resumes from its last written batch (import-run), an error file
 * and an undo (import-undo).
 */
export function createImportsService(deps: ImportDeps) {
  const ctx = importContext(deps);
  return {
    findVisible: ctx.findVisible,
    toDto: toImportDto,
    /** Streams an upload to disk (never whole in memory), then reads its header and first rows. */
    create: (principal: Principal, input: Parameters<typeof storeUpload>[2]) => storeUpload(ctx, principal, input),
    async get(principal: Principal, id: string) {
      return toImportDto(await ctx.findVisible(principal, id));
    },
    /** The principal's own imports, newest first (a handful per user: read by equality, ordered here). */
    async list(principal: Principal, query: { limit: number; cursor?: string | undefined }) {
      const jobs = await ctx.Imports.find({ tenantId: principal.tenantId, createdBy: principal.userId } as never).lean<ImportJob[]>();
      const sorted = jobs.sort((a, b) => (a._id < b._id ? 1 : -1)).filter((j) => !query.cursor || String(j._id) < query.cursor);
      const page = sorted.slice(0, query.limit);
      const hasMore = sorted.length > query.limit;
      return { object: 'list' as const, data: page.map(toImportDto), hasMore, nextCursor: hasMore ? String(page[page.length - 1]!._id) : null };
    },
    /** Saves which column fills which field, the dedupe key and what a duplicate does. */
    setMapping: (principal: Principal, id: string, input: MappingInput) => saveMapping(ctx, principal, id, input),
    /** Validates every row and finds duplicates, changing nothing. */
    dryRun: (principal: Principal, id: string) => dryRun(ctx, principal, id),
    /** Queues the run (or a resume) as an Agenda job. */
    run: (principal: Principal, id: string) => queueRun(ctx, principal, id),
    /** Stops a queued run at once, a running one after its batch. */
    cancel: (principal: Principal, id: string) => cancelRun(ctx, principal, id),
    /** The Agenda job's work: the run from the last checkpoint. */
    execute: (tenantId: Types.ObjectId, importId: Types.ObjectId, keepAlive?: () => Promise<void>) => executeRun(ctx, tenantId, importId, keepAlive),
    /** The failed and skipped rows as CSV. */
    errorsCsv: (principal: Principal, id: string) => errorsCsv(ctx, principal, id),
    /** Removes what the import created and restores what it updated. */
    undo: (principal: Principal, id: string) => undoImport(ctx, principal, id),
    /** Mappings saved per agency and kind, for the next file. */
    mappings: savedMappings(ctx),
    /** The retention job's work: removes the files of imports left alone for `days`. */
    removeRestingFiles: (days: number, now?: Date) => removeRestingFiles(ctx, days, now),
  };
}

export type ImportsService = ReturnType<typeof createImportsService>;
