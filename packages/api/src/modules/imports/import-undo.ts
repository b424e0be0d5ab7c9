import type { Types } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import { AppError } from '../../platform/errors.js';
import { toCsv } from '../../platform/records/csv.js';
import { inParallel } from '../../platform/concurrency.js';
import { deleteManyBounded } from '../../platform/db/bulk-writes.js';
import { type ImportContext } from './import-context.js';
import { toImportDto } from './import-dto.js';
import type { ImportJob } from './import.model.js';

const REMOVED_PER_CALL = 500;
const RESTORES_AT_ONCE = 16;

/** The failed and skipped rows as CSV: row number, column, field, reason, then the row's own cells. */
export async function errorsCsv(ctx: ImportContext, principal: Principal, id: string) {
  const job = await ctx.findVisible(principal, id);
  const errors = await ctx.Errors.find({ tenantId: principal.tenantId, importId: job._id } as never).lean();
  errors.sort((a, b) => a.row - b.row || a.field.localeCompare(b.field));
  return toCsv(['row', 'column', 'field', 'reason', ...job.headers], errors.map((e) => [e.row, e.column ?? '', e.field, e.message, ...e.cells]));
}

/** Undo: removes the records the import created and puts back the fields it updated. */
export async function undoImport(ctx: ImportContext, principal: Principal, id: string) {
  const { Imports, Changes, Keys } = ctx;
  const job = await ctx.findVisible(principal, id);
  if (!['completed', 'failed', 'cancelled'].includes(job.status)) throw new AppError('conflict', `The import is ${job.status}; only a finished, failed or cancelled import can be undone`);
  const { service, movedOnUpdate } = ctx.kindOf(job);
  const claimed = await Imports.findOneAndUpdate({ tenantId: principal.tenantId, _id: job._id, status: job.status } as never, { $set: { status: 'running', heartbeatAt: new Date() } }, { returnDocument: 'after' }).lean();
  if (!claimed) throw new AppError('conflict', 'The import moved on meanwhile; reload it');
  try {
    const created = (await service.definition.model.collection.find({ tenantId: principal.tenantId, importId: job._id }, { projection: { _id: 1 } }).toArray()).map((d) => d._id as Types.ObjectId);
    let removed = 0;
    for (let i = 0; i < created.length; i += REMOVED_PER_CALL) removed += await service.removeMany(principal, created.slice(i, i + REMOVED_PER_CALL), { data: { importId: String(job._id) } });
    const changes = await Changes.find({ tenantId: principal.tenantId, importId: job._id } as never).lean();
    // Moves (a stage, a parent) go back one at a time, last row first: the account tree takes one move at a
    // time, and undoing moves in reverse order puts every subtree back where it was.
    if (movedOnUpdate) changes.sort((a, b) => (b.row ?? 0) - (a.row ?? 0));
    let restored = 0;
    await inParallel(changes, movedOnUpdate ? 1 : RESTORES_AT_ONCE, async (change) => {
      try {
        // What went its own way (a stage, a parent) goes back the same way first, then the other fields.
        const previous = { ...change.previous };
        const moved = movedOnUpdate && movedOnUpdate.fields.some((f) => f in previous) ? Object.fromEntries(movedOnUpdate.fields.map((f) => [f, previous[f] ?? null])) : null;
        for (const field of movedOnUpdate?.fields ?? []) delete previous[field];
        if (moved) await movedOnUpdate!.move(principal, String(change.recordId), moved, null);
        await service.update(principal, String(change.recordId), previous);
        restored += 1;
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
      }
    });
    // An import of 100,000 rows has as many keys and changes: more than one FerretDB delete may take.
    await Promise.all([deleteManyBounded(Keys.collection, { tenantId: principal.tenantId, importId: job._id }), deleteManyBounded(Changes.collection, { tenantId: principal.tenantId, importId: job._id })]);
    const done = await Imports.findOneAndUpdate({ tenantId: principal.tenantId, _id: job._id } as never, { $set: { status: 'undone', heartbeatAt: new Date() }, $inc: { version: 1 } }, { returnDocument: 'after' }).lean<ImportJob>();
    await ctx.deps.events.publish({ type: 'import.undone', tenantId: principal.tenantId, resource: 'import', resourceId: String(job._id), actor: { tenantId: principal.tenantId, userId: principal.userId, apiKeyId: principal.apiKeyId }, data: { removed, restored } });
    return { ...toImportDto(done!), undone: { removed, restored } };
  } catch (error) {
    await Imports.updateOne({ tenantId: principal.tenantId, _id: job._id } as never, { $set: { status: job.status } });
    throw error;
  }
}
