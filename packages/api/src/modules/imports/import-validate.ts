import { assertCan } from '../../platform/access/access.js';
import type { Principal } from '../../platform/access/principal.js';
import { AppError, type FieldError } from '../../platform/errors.js';
import { findSuppressed } from '../../platform/privacy/suppression.js';
import type { ImportContext, RowOutcome } from './import-context.js';
import { columnOf } from './import-context.js';
import { planBatch } from './import-dedupe.js';
import { emptyCounts } from './import-dto.js';
import { fieldOfPath, keyValue, mappedValues, rowInput } from './import-fields.js';
import { rowBatches } from './import-upload.js';
import type { ImportJob } from './import.model.js';

const ERROR_ROWS_PER_FIELD = 20;

/** Coerces custom-field cells to the field's type (numbers with a decimal comma, yes/ja/true, lists). */
function coerceCustom(input: Record<string, unknown>, types: Map<string, string>): void {
  const custom = input.custom as Record<string, unknown> | undefined;
  if (!custom) return;
  for (const [key, raw] of Object.entries(custom)) {
    const text = String(raw);
    const type = types.get(key);
    if (type === 'number' && /^-?\d+([.,]\d+)?$/.test(text)) custom[key] = Number(text.replace(',', '.'));
    else if (type === 'boolean' && /^(true|yes|ja|1|x|false|no|nein|0)$/i.test(text)) custom[key] = /^(true|yes|ja|1|x)$/i.test(text);
    else if (type === 'multiselect') custom[key] = text.split(/[;,]/).map((v) => v.trim()).filter(Boolean);
  }
}

/** A row checker: takes a file row and answers its outcome, synchronously. */
export type RowCheck = (row: number, cells: string[]) => RowOutcome;

/**
 * Validation, compiled once per run (or dry run): the agency's custom fields and the kind's own create
 * rules (a lead's participation) are read here, once, so that each row is then checked in memory by
 * the API's create schema, the custom-field rules and the kind's rules, each error naming the field
 * the column was mapped to. A row that fails any of them has no `input`.
 */
export async function compileRowCheck(ctx: ImportContext, job: ImportJob, principal: Principal): Promise<RowCheck> {
  const kind = ctx.kindOf(job);
  const mapping = job.mapping!;
  const [definitions, validateCustom, rules] = await Promise.all([
    ctx.deps.customFields.definitions(job.tenantId, kind.resource),
    ctx.deps.customFields.compile(job.tenantId, kind.resource),
    kind.compileRules ? kind.compileRules(principal) : null,
  ]);
  const types = new Map(definitions.map((d) => [d.key, d.type]));
  const defaults = { productId: mapping.productId ? String(mapping.productId) : null, teamId: mapping.teamId ? String(mapping.teamId) : null, tags: mapping.tags };
  return (row, cells) => {
    const values = mappedValues(mapping.columns, cells);
    const input = rowInput(job.kind, values, defaults);
    coerceCustom(input, types);
    const key = keyValue(mapping.dedupeKey, values.get(mapping.dedupeKey));
    const parsed = kind.create.safeParse(input);
    if (!parsed.success) {
      const errors = parsed.error.issues.map((issue) => ({ field: fieldOfPath(job.kind, issue.path.map(String).join('.')), code: issue.code, message: issue.message }));
      return { row, cells, input: null, key, errors };
    }
    const data = parsed.data as Record<string, unknown>;
    const errors: FieldError[] = [];
    if (data.custom) {
      try {
        // Checked only: the write converts the values itself (dates, defaults).
        validateCustom(data.custom as Record<string, unknown>, 'create');
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        errors.push(...(error.errors ?? []));
      }
    }
    if (rules) errors.push(...rules(data));
    return errors.length ? { row, cells, input: null, key, errors } : { row, cells, input: data, key, errors };
  };
}

/**
 * Refuses rows of people erased at their request (platform/privacy): the dry run says so per row, as the
 * run itself does (the record's model refuses them on create). One equality lookup per row with values.
 */
export async function refuseSuppressed(ctx: ImportContext, job: ImportJob, rows: RowOutcome[]): Promise<void> {
  await Promise.all(
    rows.map(async (r) => {
      if (!r.input) return;
      const points = (name: string) => ((r.input![name] as Array<{ value?: string }> | undefined) ?? []).map((p) => p.value ?? null);
      const hit = await findSuppressed(ctx.deps.connection, job.tenantId, { emails: points('emails'), phones: points('phones') });
      if (!hit) return;
      r.input = null;
      r.errors.push({ field: hit.kind, code: 'suppressed', message: 'belongs to a person erased at their request; they may not be added again (privacy suppression)' });
    }),
  );
}

/** Validates every row and finds duplicates, changing nothing: what the run would do, and errors by field. */
export async function dryRun(ctx: ImportContext, principal: Principal, id: string) {
  const job = await ctx.findVisible(principal, id);
  if (job.status !== 'mapped') throw new AppError('conflict', job.status === 'uploaded' ? 'Save a mapping first (PUT /v1/imports/{id}/mapping)' : `The import is ${job.status}; a dry run is for an import that has not run`);
  assertCan(principal, ctx.kindOf(job).resource, 'create');
  const check = await compileRowCheck(ctx, job, principal);
  const counts = emptyCounts();
  const byField = new Map<string, { count: number; rows: number[] }>();
  const seen = new Set<string>();
  const fail = (row: number, field: string) => {
    const entry = byField.get(field) ?? { count: 0, rows: [] };
    entry.count += 1;
    if (entry.rows.length < ERROR_ROWS_PER_FIELD) entry.rows.push(row);
    byField.set(field, entry);
  };
  const preview = { ...job, idEpoch: null };
  for await (const batch of rowBatches(job, ctx.deps.batchSize)) {
    const rows = batch.map((b) => check(b.row, b.cells));
    await refuseSuppressed(ctx, job, rows);
    counts.read += rows.length;
    for (const r of rows) {
      if (r.input) continue;
      counts.failed += 1;
      for (const field of new Set(r.errors.map((e) => e.field))) fail(r.row, field);
    }
    for (const d of await planBatch(ctx, preview, principal, rows, seen)) counts[d.action === 'create' ? 'created' : d.action === 'update' ? 'updated' : 'skipped'] += 1;
  }
  const summary = { ...counts, errors: [...byField.entries()].map(([field, e]) => ({ field, column: columnOf(job, field), count: e.count, rows: e.rows })) };
  await ctx.Imports.updateOne({ tenantId: principal.tenantId, _id: job._id } as never, { $set: { dryRun: summary } });
  return summary;
}
