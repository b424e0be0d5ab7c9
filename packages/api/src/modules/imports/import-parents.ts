import type { Types } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import { inParallel } from '../../platform/concurrency.js';
import { findByIdInTenant } from '../../platform/db/tenancy.plugin.js';
import { AppError, type FieldError } from '../../platform/errors.js';
import { columnOf, type ImportContext } from './import-context.js';
import { importKeyId, recordIdOf, type PlannedRow } from './import-dedupe.js';
import { mappedValues } from './import-fields.js';
import type { ImportJob } from './import.model.js';

/** Parent lookups in flight at once (one equality read each; FerretDB pushes no `$in` down). */
const LOOKUPS_AT_ONCE = 16;

/** An account a child row may name as its parent: its id and its path (root first). */
export interface AccountRef {
  id: Types.ObjectId;
  ancestorIds: Types.ObjectId[];
}

/** The accounts of the file so far, by name and by external id (null: the name is taken by several rows). */
export interface FileAccounts {
  byName: Map<string, AccountRef | null>;
  byExternalId: Map<string, AccountRef | null>;
}

export const emptyFileAccounts = (): FileAccounts => ({ byName: new Map(), byExternalId: new Map() });

/**
 * The rows of the file by the names and external ids they give (a run's, rebuilt from the file on a resume):
 * an account this import made is a parent only when it is one of these rows before the batch.
 */
export type EarlierRows = Map<string, number[]>;

/** Adds a checked row's name and external id to the rows a later batch may name as parents. */
export function addEarlierRow(earlier: EarlierRows, columns: ReadonlyArray<string | null>, row: { row: number; cells: string[]; input: unknown }): void {
  if (!row.input) return;
  const values = mappedValues(columns, row.cells);
  for (const ref of new Set([values.get('externalId'), values.get('name')])) {
    if (!ref) continue;
    const rows = earlier.get(ref);
    if (rows) rows.push(row.row);
    else earlier.set(ref, [row.row]);
  }
}

type Found = AccountRef | 'ambiguous' | null;

/**
 * The accounts in the database that rows name as parents and the file does not hold: by external id
 * (the import keys of accounts imported with dedupe by externalId), then by name (one equality read per
 * distinct name, never per row), each only if the principal may see it (the access module, through the
 * record service's `findVisible`).
 */
async function accountsInDatabase(ctx: ImportContext, job: ImportJob, principal: Principal, refs: string[], mayBeOwn: (ref: string, id: Types.ObjectId) => boolean): Promise<Map<string, Found>> {
  const { service } = ctx.deps.kinds.customers;
  const Model = service.definition.model;
  // An account this import made is a parent only when it is an earlier row's (a rerun after a crash finds later rows' too).
  const fromEarlierRow = (ref: string, record: { _id: Types.ObjectId; importId?: Types.ObjectId | null }) => !record.importId || !job._id.equals(record.importId) || mayBeOwn(ref, record._id);
  const visible = async (ref: string, id: Types.ObjectId): Promise<AccountRef | null> => {
    try {
      const record = (await service.findVisible(principal, String(id), 'read')) as unknown as { _id: Types.ObjectId; ancestorIds?: Types.ObjectId[]; importId?: Types.ObjectId | null };
      if (!fromEarlierRow(ref, record)) return null;
      return { id: record._id, ancestorIds: record.ancestorIds ?? [] };
    } catch (error) {
      if (error instanceof AppError && error.code === 'not_found') return null;
      throw error;
    }
  };
  const found = await inParallel(refs, LOOKUPS_AT_ONCE, async (ref): Promise<Found> => {
    const key = (await findByIdInTenant(ctx.Keys as never, principal.tenantId, importKeyId({ kind: 'customers', mapping: { dedupeKey: 'externalId' } }, principal.tenantId, ref) as never)) as { recordId: Types.ObjectId } | null;
    if (key) {
      const byKey = await visible(ref, key.recordId);
      if (byKey) return byKey;
    }
    const named = (await Model.find({ tenantId: principal.tenantId, name: ref } as never).select({ _id: 1, importId: 1 }).limit(10).lean<Array<{ _id: Types.ObjectId; importId?: Types.ObjectId | null }>>()).filter((r) => fromEarlierRow(ref, r));
    if (named.length > 1) return 'ambiguous';
    return named[0] ? visible(ref, named[0]._id) : null;
  });
  return new Map(refs.map((ref, i) => [ref, found[i]!]));
}

/**
 * Resolves the `parent` column of a batch of account rows, in file order: a parent is an earlier row of
 * the file (by name or external id; its id is derived, so a rerun gives the same), else an account in the
 * database that the importer may see. Each created row gets `parentId` and its path (`ancestorIds`), and
 * `parentRow` when its parent is a row of this batch (written before it, and the child not when it fails).
 * Every row is then registered for the rows after it. Answers the rows that fail: a parent that is none of
 * these, or a name several accounts have.
 */
export async function resolveParents(ctx: ImportContext, job: ImportJob, principal: Principal, decided: PlannedRow[], accounts: FileAccounts, epoch: number, earlier?: EarlierRows): Promise<Set<PlannedRow>> {
  const failed = new Set<PlannedRow>();
  const columns = job.mapping!.columns;
  if (!columns.includes('parent')) return failed;
  const valuesOf = (d: PlannedRow) => mappedValues(columns, d.outcome.cells);
  // Names and ids the batch itself adds before each row, to read only the parents neither it nor the file holds.
  const adds = new Set<string>();
  const missing = new Set<string>();
  for (const d of decided) {
    const values = valuesOf(d);
    const ref = values.get('parent');
    if (d.action !== 'skip' && ref && !accounts.byExternalId.has(ref) && !accounts.byName.has(ref) && !adds.has(ref)) missing.add(ref);
    for (const own of [values.get('externalId'), values.get('name')]) if (own) adds.add(own);
  }
  const before = decided[0]?.outcome.row ?? 0;
  const mayBeOwn = (ref: string, id: Types.ObjectId) => (earlier?.get(ref) ?? []).some((row) => row < before && recordIdOf(job._id, epoch, row).equals(id));
  const inDatabase = missing.size ? await accountsInDatabase(ctx, job, principal, [...missing], mayBeOwn) : new Map<string, Found>();
  const rowOf = new Map<string, number>();
  const column = columnOf(job, 'parent');
  const fail = (d: PlannedRow, error: FieldError) => {
    d.outcome.errors.push(error);
    failed.add(d);
  };
  for (const d of decided) {
    const values = valuesOf(d);
    const ref = values.get('parent');
    let self: AccountRef | null = null;
    if (d.action === 'create' || (d.action === 'update' && ref)) {
      const inFile = ref ? (accounts.byExternalId.get(ref) ?? accounts.byName.get(ref)) : undefined;
      const parent: Found = ref ? (inFile ?? (inFile === null ? 'ambiguous' : (inDatabase.get(ref) ?? null))) : null;
      if (ref && parent === 'ambiguous') {
        fail(d, { field: 'parent', code: 'ambiguous', message: `several accounts are named "${ref}"${column ? ` (column "${column}")` : ''}; name the parent by its external id` });
        continue;
      }
      if (ref && !parent) {
        fail(d, { field: 'parent', code: 'unknown_parent', message: `"${ref}"${column ? ` (column "${column}")` : ''} is no account you can see, by external id or name, nor an earlier row of the file` });
        continue;
      }
      // An updated account keeps its id and moves under the parent (the customers' tree move, which refuses a cycle).
      const id = d.action === 'update' ? d.existing!._id : recordIdOf(job._id, epoch, d.outcome.row);
      const chosen = parent as AccountRef | null;
      self = { id, ancestorIds: chosen ? [...chosen.ancestorIds, chosen.id] : [] };
      if (chosen) {
        d.outcome.input!.parentId = String(chosen.id);
        if (d.action === 'create') d.outcome.input!.ancestorIds = self.ancestorIds;
        const parentRow = rowOf.get(String(chosen.id));
        if (parentRow !== undefined) d.parentRow = parentRow;
      }
      rowOf.set(String(id), d.outcome.row);
    } else if (d.existing) {
      const existing = d.existing as unknown as { _id: Types.ObjectId; ancestorIds?: Types.ObjectId[] };
      self = { id: existing._id, ancestorIds: existing.ancestorIds ?? [] };
    }
    if (!self) continue;
    const externalId = values.get('externalId');
    const name = values.get('name');
    if (externalId) accounts.byExternalId.set(externalId, accounts.byExternalId.has(externalId) ? null : self);
    if (name) accounts.byName.set(name, accounts.byName.has(name) ? null : self);
  }
  return failed;
}

/**
 * Resolves the `customer` column of a batch of opportunity rows to the account it names, by external id or
 * name, among the agency's accounts the importer may see (one read per distinct value, never per row).
 * Answers the rows that fail: an account that is none of these, or a name several accounts have.
 */
export async function resolveCustomers(ctx: ImportContext, job: ImportJob, principal: Principal, decided: PlannedRow[]): Promise<Set<PlannedRow>> {
  const failed = new Set<PlannedRow>();
  const columns = job.mapping!.columns;
  if (!columns.includes('customer')) return failed;
  const wanted = decided.filter((d) => d.action !== 'skip').map((d) => [d, mappedValues(columns, d.outcome.cells).get('customer')] as const);
  const refs = [...new Set(wanted.map(([, ref]) => ref).filter((ref): ref is string => Boolean(ref)))];
  const found = refs.length ? await accountsInDatabase(ctx, job, principal, refs, () => false) : new Map<string, Found>();
  const column = columnOf(job, 'customer');
  const named = column ? ` (column "${column}")` : '';
  for (const [d, ref] of wanted) {
    if (!ref) continue;
    const account = found.get(ref) ?? null;
    if (account === 'ambiguous') d.outcome.errors.push({ field: 'customer', code: 'ambiguous', message: `several accounts are named "${ref}"${named}; name the account by its external id` });
    else if (!account) d.outcome.errors.push({ field: 'customer', code: 'unknown_customer', message: `"${ref}"${named} is no account you can see, by external id or name` });
    else {
      d.outcome.input!.customerId = String(account.id);
      continue;
    }
    failed.add(d);
  }
  return failed;
}
