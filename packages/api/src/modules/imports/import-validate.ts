import type { Types } from 'mongoose';
import { assertCan, can } from '../../platform/access/access.js';
import type { Resource } from '../../platform/access/catalog.js';
import type { Principal } from '../../platform/access/principal.js';
import { AppError, type FieldError } from '../../platform/errors.js';
import { findSuppressed } from '../../platform/privacy/suppression.js';
import type { ImportContext, RowOutcome } from './import-context.js';
import { columnOf } from './import-context.js';
import { planBatch } from './import-dedupe.js';
import { emptyFileAccounts, resolveCustomers, resolveParents } from './import-parents.js';
import { assignees } from './import-mapping.js';
import { resolveSubjects } from './import-subjects.js';
import { emptyCounts } from './import-dto.js';
import { dateFields, fieldOfPath, keyValue, mappedValues, numberFields, ownerFieldOf, productStates, rowInput, statusValueKey } from './import-fields.js';
import { localeExample, parseLocaleDate, parseLocaleNumber, type ImportLocale } from './import-locale.js';
import { assertFileKept, rowBatches } from './import-upload.js';
import type { ImportJob } from './import.model.js';

const ERROR_ROWS_PER_FIELD = 20;

/** The error of a date or number cell that the mapping's locale does not read. */
function unreadable(job: ImportJob, field: string, text: string, what: 'number' | 'date', locale: ImportLocale | null): FieldError {
  const column = columnOf(job, field);
  const as = locale ? `as ${locale} writes them (${localeExample(locale)})` : what === 'date' ? 'as an ISO date (2026-12-31); set the mapping\'s locale for other forms' : 'without grouping (1234.56 or 1234,56); set the mapping\'s locale for other forms';
  return { field, code: `invalid_${what}`, message: `"${text}"${column ? ` (column "${column}")` : ''} is not a ${what} ${as}` };
}

/**
 * Reads the cells of date and number fields (built-in and custom) in the mapping's locale, and custom
 * booleans (yes/ja/true…) and multi-selects (split on `,` or `;`); a cell that does not read is a row error.
 */
function coerceCells(job: ImportJob, input: Record<string, unknown>, types: Map<string, string>, locale: ImportLocale | null): FieldError[] {
  const errors: FieldError[] = [];
  const read = (field: string, text: string, type: string): unknown => {
    if (type === 'number') {
      const n = parseLocaleNumber(text, locale);
      if (n === null) errors.push(unreadable(job, field, text, 'number', locale));
      return n;
    }
    if (type === 'date') {
      const d = parseLocaleDate(text, locale);
      if (d === null) errors.push(unreadable(job, field, text, 'date', locale));
      return d;
    }
    if (type === 'boolean' && /^(true|yes|ja|1|x|false|no|nein|0)$/i.test(text)) return /^(true|yes|ja|1|x)$/i.test(text);
    if (type === 'multiselect') return text.split(/[;,]/).map((v) => v.trim()).filter(Boolean);
    return text;
  };
  for (const field of numberFields[job.kind]) if (typeof input[field] === 'string') input[field] = read(field, input[field], 'number');
  for (const field of dateFields[job.kind]) if (typeof input[field] === 'string') input[field] = read(field, input[field], 'date');
  const custom = input.custom as Record<string, unknown> | undefined;
  for (const [key, raw] of Object.entries(custom ?? {})) custom![key] = read(`custom.${key}`, String(raw), types.get(key) ?? 'text');
  return errors;
}

/**
 * The state a created record starts in, from its status cell: the mapping's statusMap first, then a state's
 * key or label (without case); an empty cell takes the initial state (null). Unknown values fail the row or
 * take the map's default, as the map says.
 */
function compileStatus(job: ImportJob, states: ReadonlyArray<{ key: string; label: string }>, initial: string | null) {
  const map = job.mapping!.statusMap ?? null;
  const byValue = new Map<string, string>();
  for (const s of states) {
    byValue.set(statusValueKey(s.label), s.key);
    byValue.set(statusValueKey(s.key), s.key);
  }
  for (const v of map?.values ?? []) byValue.set(statusValueKey(v.value), v.status);
  const column = columnOf(job, 'status');
  return (cell: string | undefined): { status: string | null } | { error: FieldError; value: string } => {
    if (!cell) return { status: null };
    const found = byValue.get(statusValueKey(cell));
    if (found) return { status: found };
    if (map?.unknown === 'default') return { status: map.default ?? initial };
    return { value: cell, error: { field: 'status', code: 'unknown_status', message: `"${cell}"${column ? ` (column "${column}")` : ''} is not mapped to a status; map it in statusMap or let unknown values take a default; states: ${states.map((s) => s.key).join(', ')}` } };
  };
}

/**
 * The owner a row names by email: a user of the agency (the users read once per run), active, and, when
 * it is not the one importing, only for a role that may assign records of the kind.
 */
function compileOwner(job: ImportJob, principal: Principal, resource: Resource, users: Map<string, { id: Types.ObjectId; active: boolean }>, field: 'ownerEmail' | 'assigneeEmail') {
  const column = columnOf(job, field);
  const named = `${column ? ` (column "${column}")` : ''}`;
  // A task's assignee follows the delegation rule of POST /v1/tasks (yourself or someone below you; an admin anyone), an owner the `assign` permission.
  const mayGive = field === 'assigneeEmail' ? (id: Types.ObjectId) => principal.role.isAdmin || principal.subordinateUserIds.some((s) => s.equals(id)) : () => can(principal, resource, 'assign');
  const why = field === 'assigneeEmail' ? 'is not you or someone below you in the organisation; tasks are delegated downwards' : `your role may not assign ${resource} records to someone else`;
  return (cell: string | undefined): { ownerId: string | null } | { error: FieldError } => {
    if (!cell) return { ownerId: null };
    const user = users.get(cell.trim().toLowerCase());
    if (!user) return { error: { field, code: 'unknown_user', message: `"${cell}"${named} is not the email of a user of this agency` } };
    if (!user.active) return { error: { field, code: 'inactive_user', message: `"${cell}"${named} is a user who is not active; records need an active owner` } };
    if (!user.id.equals(principal.userId) && !mayGive(user.id)) return { error: { field, code: 'forbidden', message: `"${cell}"${named}: ${why}` } };
    return { ownerId: String(user.id) };
  };
}

/** A row checker: takes a file row and answers its outcome, synchronously; it keeps the status values it did not know (for the dry run). */
export type RowCheck = ((row: number, cells: string[]) => RowOutcome) & { unknownStatuses: Set<string> };

/**
 * Validation, compiled once per run (or dry run): the agency's custom fields and the kind's own create
 * rules (a lead's participation) are read here, once, so that each row is then checked in memory by
 * the API's create schema, the custom-field rules and the kind's rules, each error naming the field
 * the column was mapped to. A row that fails any of them has no `input`.
 */
export async function compileRowCheck(ctx: ImportContext, job: ImportJob, principal: Principal, dealt: readonly Types.ObjectId[] = job.assignees ?? []): Promise<RowCheck> {
  const kind = ctx.kindOf(job);
  const mapping = job.mapping!;
  const workflowKey = kind.service.definition.workflowKey;
  const ownerField = ownerFieldOf[job.kind];
  const mapsOwner = ownerField !== null && mapping.columns.includes(ownerField);
  const mapsStatus = mapping.columns.includes('status');
  const [definitions, validateCustom, rules, workflow, users, rowRule] = await Promise.all([
    job.kind === 'products' ? [] : ctx.deps.customFields.definitions(job.tenantId, kind.resource),
    ctx.deps.customFields.compile(job.tenantId, kind.resource),
    kind.compileRules ? kind.compileRules(principal) : null,
    mapsStatus && job.kind === 'products' ? { states: productStates, initial: 'active' } : mapsStatus && workflowKey ? ctx.deps.workflows.get(job.tenantId, workflowKey) : null,
    mapsOwner ? ctx.deps.usersByEmail(job.tenantId) : null,
    kind.compileRowRule ? kind.compileRowRule(principal, job) : null,
  ]);
  const types = new Map(definitions.map((d) => [d.key, d.type]));
  const defaults = { productId: mapping.productId ? String(mapping.productId) : null, teamId: mapping.teamId ? String(mapping.teamId) : null, tags: mapping.tags };
  const statusOf = workflow ? compileStatus(job, workflow.states, workflow.initial) : null;
  const ownerOf = users && ownerField ? compileOwner(job, principal, kind.resource, users, ownerField) : null;
  // The assignment rule: a row without an owner cell goes to the member its row number picks (the same on every run: the members are the run's own).
  const ownerKey = job.kind === 'tasks' ? 'assigneeId' : 'ownerId';
  if (mapping.assign && !dealt.length) throw new AppError('conflict', 'The assignment rule has no members to deal rows to; save the mapping again');
  const locale = mapping.locale ?? null;
  const check: RowCheck = (row, cells) => {
    const values = mappedValues(mapping.columns, cells);
    const input = rowInput(job.kind, values, defaults);
    const before = coerceCells(job, input, types, locale);
    const owner = ownerField ? ownerOf?.(values.get(ownerField)) : undefined;
    let ruleOwner: string | undefined;
    if (owner && 'error' in owner) before.push(owner.error);
    else if (owner?.ownerId) input[ownerKey] = owner.ownerId;
    else if (mapping.assign && ownerField) {
      ruleOwner = String(dealt[row % dealt.length]);
      input[ownerKey] = ruleOwner;
    } else if (job.kind === 'tasks') input.assigneeId = String(principal.userId); // as POST /v1/tasks: yours unless given
    const own = rowRule?.(values, input);
    if (own) before.push(...own.errors);
    const state = statusOf?.(values.get('status'));
    if (state && 'error' in state) {
      before.push(state.error);
      check.unknownStatuses.add(state.value);
    }
    const status = state && 'status' in state ? state.status : null;
    const key = keyValue(mapping.dedupeKey, values.get(mapping.dedupeKey));
    const parsed = kind.create.safeParse(input);
    if (!parsed.success) {
      // A cell that did not read is reported once, by its own message, not again by the schema.
      const errors = [...before, ...parsed.error.issues.map((issue) => ({ field: fieldOfPath(job.kind, issue.path.map(String).join('.')), code: issue.code, message: issue.message })).filter((e) => !before.some((b) => b.field === e.field))];
      return { row, cells, input: null, key, errors };
    }
    if (before.length) return { row, cells, input: null, key, errors: before };
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
    return errors.length ? { row, cells, input: null, key, errors } : { row, cells, input: data, key, errors, status, ...(ruleOwner ? { ruleOwner } : {}) };
  };
  check.unknownStatuses = new Set<string>();
  return check;
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
  assertFileKept(job);
  assertCan(principal, ctx.kindOf(job).resource, 'create');
  // The members the rule would deal rows to now (a run takes them again when it starts, and keeps them).
  const rule = await assignees(ctx, principal, job.kind, job.mapping!.assign);
  if (rule.errors.length) throw new AppError('validation_failed', 'The assignment rule cannot deal rows; save the mapping again', { errors: rule.errors });
  const check = await compileRowCheck(ctx, job, principal, rule.members.map((m) => m.id));
  const dealtRows = new Map<string, number>();
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
  // Nothing is written, so every account of the file so far is held for the rows that name it as a parent.
  const accounts = emptyFileAccounts();
  for await (const batch of rowBatches(job, ctx.deps.batchSize)) {
    const rows = batch.map((b) => check(b.row, b.cells));
    await refuseSuppressed(ctx, job, rows);
    counts.read += rows.length;
    for (const r of rows) {
      if (r.input) continue;
      counts.failed += 1;
      for (const field of new Set(r.errors.map((e) => e.field))) fail(r.row, field);
    }
    const decided = await planBatch(ctx, preview, principal, rows, seen);
    const noParent = new Set([...(await resolveParents(ctx, job, principal, decided, accounts, 0)), ...(await resolveCustomers(ctx, job, principal, decided)), ...(await resolveSubjects(ctx, job, principal, decided))]);
    for (const d of decided) {
      if (noParent.has(d)) {
        counts.failed += 1;
        for (const field of new Set(d.outcome.errors.map((e) => e.field))) fail(d.outcome.row, field);
      } else {
        counts[d.action === 'create' ? 'created' : d.action === 'update' ? 'updated' : 'skipped'] += 1;
        if (d.action === 'create' && d.outcome.ruleOwner) dealtRows.set(d.outcome.ruleOwner, (dealtRows.get(d.outcome.ruleOwner) ?? 0) + 1);
      }
    }
  }
  const summary = {
    ...counts,
    errors: [...byField.entries()].map(([field, e]) => ({ field, column: columnOf(job, field), count: e.count, rows: e.rows })),
    statusValues: [...check.unknownStatuses].slice(0, 50),
    // How the rule would split the created rows among the team's members (each member, also one with no row).
    assignments: rule.members.map((m) => ({ userId: String(m.id), email: m.email, rows: dealtRows.get(String(m.id)) ?? 0 })),
  };
  await ctx.Imports.updateOne({ tenantId: principal.tenantId, _id: job._id } as never, { $set: { dryRun: summary } });
  return summary;
}
