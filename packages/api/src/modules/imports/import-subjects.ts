import type { Types } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import { inParallel } from '../../platform/concurrency.js';
import { findByIdInTenant } from '../../platform/db/tenancy.plugin.js';
import { AppError } from '../../platform/errors.js';
import { columnOf, type ImportContext } from './import-context.js';
import { importKeyId, type PlannedRow } from './import-dedupe.js';
import { mappedValues, taskSubjectFields, type ImportKind } from './import-fields.js';
import type { ImportJob } from './import.model.js';

/** Subject lookups in flight at once (equality reads; FerretDB pushes no `$in` down). */
const LOOKUPS_AT_ONCE = 16;

type SubjectField = keyof typeof taskSubjectFields;
const kindOfSubject = { contact: 'contacts', customer: 'customers', lead: 'leads', opportunity: 'opportunities' } as const satisfies Record<string, ImportKind>;

/** The subject column a task row fills (the row rule already failed a row that fills two), with its value. */
export function subjectCellOf(values: ReadonlyMap<string, string>): { field: SubjectField; value: string } | null {
  for (const field of Object.keys(taskSubjectFields) as SubjectField[]) {
    const value = values.get(field);
    if (value) return { field, value };
  }
  return null;
}

type Found = { id: Types.ObjectId; productId: Types.ObjectId | null } | 'ambiguous' | null;

/**
 * One subject: a contact by its primary email (an equality read of `primaryEmail`, checked for the agency on
 * what it finds, as the dedupe by email reads it), or an account, lead or deal by the external id an import
 * kept for it (its key in `import_keys`); then, either way, only if the importer may see it (the record
 * service's `findVisible`, the access module).
 */
async function findSubject(ctx: ImportContext, principal: Principal, field: SubjectField, value: string): Promise<Found> {
  const type = taskSubjectFields[field];
  const { service } = ctx.deps.kinds[kindOfSubject[type]];
  let ids: Types.ObjectId[];
  if (field === 'contactEmail') {
    const docs = await service.definition.model.find({ primaryEmail: value.trim().toLowerCase() } as never).setOptions({ crossTenant: 'by email alone; the tenant is checked on each record' }).select({ _id: 1, tenantId: 1 }).lean<Array<{ _id: Types.ObjectId; tenantId: Types.ObjectId }>>();
    ids = docs.filter((d) => d.tenantId.equals(principal.tenantId)).map((d) => d._id);
  } else {
    const key = (await findByIdInTenant(ctx.Keys as never, principal.tenantId, importKeyId({ kind: kindOfSubject[type], mapping: { dedupeKey: 'externalId' } }, principal.tenantId, value.trim()) as never)) as { recordId: Types.ObjectId } | null;
    ids = key ? [key.recordId] : [];
  }
  if (ids.length > 1) return 'ambiguous';
  if (!ids[0]) return null;
  try {
    const record = (await service.findVisible(principal, String(ids[0]), 'read')) as unknown as { _id: Types.ObjectId; productId?: Types.ObjectId | null };
    return { id: record._id, productId: record.productId ?? null };
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_found') return null;
    throw error;
  }
}

/**
 * Resolves the subject columns of a batch of task rows: each distinct (column, value) once per batch, never
 * per row. A row gets `subject` (and, without a product of its own, its subject's product, as
 * `POST /v1/tasks` gives it). Answers the rows that fail: a subject that is none the importer can see, or an
 * address several contacts of the agency have.
 */
export async function resolveSubjects(ctx: ImportContext, job: ImportJob, principal: Principal, decided: PlannedRow[]): Promise<Set<PlannedRow>> {
  const failed = new Set<PlannedRow>();
  const columns = job.mapping!.columns;
  if (job.kind !== 'tasks' || !Object.keys(taskSubjectFields).some((f) => columns.includes(f))) return failed;
  const wanted = decided.filter((d) => d.action !== 'skip').map((d) => [d, subjectCellOf(mappedValues(columns, d.outcome.cells))] as const);
  const refs = new Map<string, { field: SubjectField; value: string }>();
  for (const [, cell] of wanted) if (cell) refs.set(`${cell.field}:${cell.value}`, cell);
  const found = await inParallel([...refs.values()], LOOKUPS_AT_ONCE, (ref) => findSubject(ctx, principal, ref.field, ref.value));
  const byRef = new Map([...refs.keys()].map((key, i) => [key, found[i]!]));
  for (const [d, cell] of wanted) {
    if (!cell) continue;
    const subject = byRef.get(`${cell.field}:${cell.value}`) ?? null;
    const column = columnOf(job, cell.field);
    const named = column ? ` (column "${column}")` : '';
    const type = taskSubjectFields[cell.field];
    if (subject === 'ambiguous') d.outcome.errors.push({ field: cell.field, code: 'ambiguous', message: `several contacts have the address "${cell.value}"${named}; the task's contact must be one` });
    else if (!subject) d.outcome.errors.push({ field: cell.field, code: `unknown_${type}`, message: `"${cell.value}"${named} is no ${type} you can see${cell.field === 'contactEmail' ? ' by its primary email' : ' by the external id an import gave it'}` });
    else {
      d.outcome.input!.subject = { type, id: String(subject.id) };
      if (!d.outcome.input!.productId && subject.productId) d.outcome.input!.productId = String(subject.productId);
      continue;
    }
    failed.add(d);
  }
  return failed;
}
