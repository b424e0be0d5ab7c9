import { Types } from 'mongoose';
import { assertCan, can } from '../../platform/access/access.js';
import type { Principal } from '../../platform/access/principal.js';
import { AppError, isDuplicateKeyError, type FieldError } from '../../platform/errors.js';
import type { ImportContext, MappingInput } from './import-context.js';
import { toImportDto } from './import-dto.js';
import { importFields, isImportField, kindDedupeKeys, ownerFieldOf, productStates, statusValueKey, type ImportKind } from './import-fields.js';
import type { ImportJob } from './import.model.js';
import { savedMappingModel, type SavedMapping } from './saved-mapping.model.js';

/**
 * Mapping: which column of the file fills which field. Checks every entry against the file's headers,
 * the kind's fields and the agency's custom fields, and that what every record of the kind needs is
 * mapped; answers the stored mapping (one field per column, by column position) or throws a 400 that
 * names each failing entry.
 */
export function checkMapping(kind: ImportKind, headers: readonly string[], customKeys: ReadonlySet<string>, resource: string, input: MappingInput, states: readonly string[], assignErrors: readonly FieldError[] = []): NonNullable<ImportJob['mapping']> {
  const columns: Array<string | null> = headers.map(() => null);
  const errors: FieldError[] = [];
  const used = new Map<string, string>();
  input.columns.forEach((c, i) => {
    const at = headers.indexOf(c.column);
    if (at < 0) return errors.push({ field: `columns.${i}.column`, code: 'unknown_column', message: `is not a column of the file; columns: ${headers.join(', ')}` });
    if (!c.field) return;
    if (!isImportField(kind, c.field)) return errors.push({ field: `columns.${i}.field`, code: 'unknown_field', message: `"${c.field}" is not a field of ${kind}; one of ${importFields[kind].join(', ')} or custom.<key>` });
    if (c.field.startsWith('custom.') && !customKeys.has(c.field.slice(7))) return errors.push({ field: `columns.${i}.field`, code: 'unknown_field', message: `"${c.field}" is not a custom field of ${resource}` });
    if (used.has(c.field)) return errors.push({ field: `columns.${i}.field`, code: 'duplicate', message: `"${c.field}" is already filled by column "${used.get(c.field)}"` });
    used.set(c.field, c.column);
    columns[at] = c.field;
  });
  const mapped = new Set(columns.filter(Boolean) as string[]);
  if (kind === 'contacts') for (const f of ['firstName', 'lastName']) if (!mapped.has(f)) errors.push({ field: 'columns', code: 'required', message: `no column is mapped to ${f}, which every contact needs` });
  if (kind === 'leads' && !mapped.has('companyName') && !(mapped.has('firstName') && mapped.has('lastName'))) errors.push({ field: 'columns', code: 'required', message: 'map companyName, or firstName and lastName: a lead needs a company or a person' });
  if ((kind === 'customers' || kind === 'opportunities' || kind === 'products') && !mapped.has('name')) errors.push({ field: 'columns', code: 'required', message: `no column is mapped to name, which every ${resource} needs` });
  if (kind === 'tasks' && !mapped.has('title')) errors.push({ field: 'columns', code: 'required', message: 'no column is mapped to title, which every task needs' });
  if (!kindDedupeKeys[kind].includes(input.dedupeKey)) errors.push({ field: 'dedupeKey', code: 'invalid', message: `${input.dedupeKey} does not find ${kind}; use ${kindDedupeKeys[kind].join(' or ')}` });
  else if (input.mode !== 'create' && !mapped.has(input.dedupeKey)) errors.push({ field: 'dedupeKey', code: 'not_mapped', message: `no column is mapped to ${input.dedupeKey}, so duplicates cannot be found; map it or use mode "create"` });
  if (input.statusMap) {
    if (!mapped.has('status')) errors.push({ field: 'statusMap', code: 'not_mapped', message: 'no column is mapped to status; map one or leave statusMap out' });
    const values = new Map<string, number>();
    input.statusMap.values.forEach((v, i) => {
      const value = statusValueKey(v.value);
      if (values.has(value)) errors.push({ field: `statusMap.values.${i}.value`, code: 'duplicate', message: `"${v.value}" is already mapped by entry ${values.get(value)}` });
      values.set(value, i);
      if (!states.includes(v.status)) errors.push({ field: `statusMap.values.${i}.status`, code: 'unknown_state', message: `"${v.status}" is not a status of ${kind}; one of ${states.join(', ')}` });
    });
    const fallback = input.statusMap.default;
    if (fallback && !states.includes(fallback)) errors.push({ field: 'statusMap.default', code: 'unknown_state', message: `"${fallback}" is not a status of ${kind}; one of ${states.join(', ')}` });
  }
  errors.push(...assignErrors);
  if (errors.length) throw new AppError('validation_failed', `${errors.length} mapping ${errors.length === 1 ? 'entry is' : 'entries are'} not valid`, { errors });
  return {
    locale: input.locale ?? null,
    statusMap: input.statusMap ? { values: input.statusMap.values.map((v) => ({ value: v.value.trim(), status: v.status })), unknown: input.statusMap.unknown, default: input.statusMap.default ?? null } : null,
    columns,
    dedupeKey: input.dedupeKey,
    mode: input.mode,
    productId: input.productId ? new Types.ObjectId(input.productId) : null,
    teamId: input.teamId ? new Types.ObjectId(input.teamId) : null,
    tags: input.tags ?? [],
    assign: input.assign ? { teamId: new Types.ObjectId(input.assign.teamId), strategy: input.assign.strategy } : null,
  };
}

/** The keys of the kind's workflow states (the agency's own workflow: cached per process); a product's are its two. */
export async function statesOf(ctx: ImportContext, kind: ImportKind, tenantId: Types.ObjectId): Promise<string[]> {
  if (kind === 'products') return [...new Set(productStates.map((s) => s.key))];
  const key = ctx.deps.kinds[kind].service.definition.workflowKey;
  return key ? (await ctx.deps.workflows.get(tenantId, key)).states.map((s) => s.key) : [];
}

/**
 * The members an assignment rule deals rows to, or the errors naming `assign.teamId`: the team must be one of
 * the agency's with active members, and the importer's role must be allowed to assign records of the kind
 * (the `assign` permission that an owner column needs too); a task's assignee must also be someone the
 * importer may delegate to (themselves or someone below them in the organisation; an admin anyone), as
 * `POST /v1/tasks` requires.
 */
export async function assignees(ctx: ImportContext, principal: Principal, kind: ImportKind, assign: { teamId: string | Types.ObjectId } | null | undefined): Promise<{ members: Array<{ id: Types.ObjectId; email: string }>; errors: FieldError[] }> {
  if (!assign) return { members: [], errors: [] };
  const { resource } = ctx.deps.kinds[kind];
  const fail = (code: string, message: string) => ({ members: [], errors: [{ field: 'assign.teamId', code, message }] });
  if (!ownerFieldOf[kind]) return fail('invalid', `${kind} have no owner; leave assign out`);
  if (!can(principal, resource, 'assign')) return fail('forbidden', `your role may not assign ${resource} records to someone else, so rows cannot be dealt to a team`);
  const members = await ctx.deps.teamMembers(principal.tenantId, new Types.ObjectId(String(assign.teamId)));
  if (!members) return fail('unknown_team', 'is not a team of this agency');
  if (!members.length) return fail('no_members', 'has no active members to assign rows to');
  if (kind === 'tasks' && !principal.role.isAdmin) {
    const beyond = members.filter((m) => !m.id.equals(principal.userId) && !principal.subordinateUserIds.some((id) => id.equals(m.id)));
    if (beyond.length) return fail('forbidden', `${beyond.map((m) => m.email).join(', ')} ${beyond.length === 1 ? 'is' : 'are'} not you or someone below you in the organisation; tasks are delegated downwards`);
  }
  return { members, errors: [] };
}

/** Saves which column fills which field, the dedupe key and what a duplicate does. */
export async function saveMapping(ctx: ImportContext, principal: Principal, id: string, input: MappingInput) {
  const job = await ctx.findVisible(principal, id);
  if (!['uploaded', 'mapped'].includes(job.status)) throw new AppError('conflict', `The import is ${job.status}; its mapping can no longer change`);
  const { resource } = ctx.kindOf(job);
  const [definitions, states, rule] = await Promise.all([ctx.deps.customFields.definitions(principal.tenantId, resource), statesOf(ctx, job.kind, principal.tenantId), assignees(ctx, principal, job.kind, input.assign)]);
  const mapping = checkMapping(job.kind, job.headers, new Set(definitions.map((d) => d.key)), resource, input, states, rule.errors);
  const updated = await ctx.Imports.findOneAndUpdate({ tenantId: principal.tenantId, _id: job._id } as never, { $set: { mapping, status: 'mapped', dryRun: null }, $inc: { version: 1 } }, { returnDocument: 'after' }).lean<ImportJob>();
  return toImportDto(updated!);
}

function toSavedMappingDto(m: SavedMapping) {
  return {
    id: String(m._id),
    kind: m.kind,
    name: m.name,
    columns: m.columns,
    dedupeKey: m.dedupeKey,
    mode: m.mode,
    productId: m.productId ? String(m.productId) : null,
    teamId: m.teamId ? String(m.teamId) : null,
    tags: m.tags,
    locale: m.locale ?? null,
    statusMap: m.statusMap ?? null,
    assign: m.assign ? { teamId: String(m.assign.teamId), strategy: m.assign.strategy } : null,
    createdBy: String(m.createdBy),
    createdAt: m.createdAt.toISOString(),
  };
}

/**
 * Saved mappings: per agency and kind, for whoever may import that kind. A saved mapping names columns
 * by header, so it fits the next file with the same headers (the wizard preselects them); its fields
 * are checked as a mapping is (a column need not exist in any file yet).
 */
export function savedMappings(ctx: ImportContext) {
  const Saved = savedMappingModel(ctx.deps.connection);
  return {
    /** The agency's saved mappings of a kind, by name. */
    async list(principal: Principal, kind: ImportKind) {
      assertCan(principal, ctx.deps.kinds[kind].resource, 'import');
      const rows = await Saved.find({ tenantId: principal.tenantId, kind }).lean<SavedMapping[]>();
      rows.sort((a, b) => a.name.localeCompare(b.name));
      return { object: 'list' as const, data: rows.map(toSavedMappingDto), hasMore: false, nextCursor: null };
    },

    /** Saves a mapping under a name that is new for the kind (409 when it is taken). */
    async create(principal: Principal, input: MappingInput & { kind: ImportKind; name: string }) {
      const { resource } = ctx.deps.kinds[input.kind];
      assertCan(principal, resource, 'import');
      const [definitions, states, rule] = await Promise.all([ctx.deps.customFields.definitions(principal.tenantId, resource), statesOf(ctx, input.kind, principal.tenantId), assignees(ctx, principal, input.kind, input.assign)]);
      const headers = input.columns.map((c) => c.column);
      if (new Set(headers).size !== headers.length) throw AppError.invalidField('columns', 'names a column twice');
      const checked = checkMapping(input.kind, headers, new Set(definitions.map((d) => d.key)), resource, input, states, rule.errors);
      try {
        const saved = await Saved.create({
          tenantId: principal.tenantId,
          kind: input.kind,
          name: input.name,
          columns: headers.map((column, i) => ({ column, field: checked.columns[i] ?? null })),
          dedupeKey: checked.dedupeKey,
          mode: checked.mode,
          productId: checked.productId,
          teamId: checked.teamId,
          tags: checked.tags,
          locale: checked.locale,
          statusMap: checked.statusMap,
          assign: checked.assign,
          createdBy: principal.userId,
        });
        return toSavedMappingDto(saved.toObject());
      } catch (error) {
        if (isDuplicateKeyError(error)) throw new AppError('conflict', `A ${input.kind} mapping named "${input.name}" exists; choose another name or delete it first`);
        throw error;
      }
    },

    /** Deletes a saved mapping: whoever saved it, or an admin. */
    async remove(principal: Principal, id: string) {
      const found = Types.ObjectId.isValid(id) ? await Saved.findOne({ tenantId: principal.tenantId, _id: new Types.ObjectId(id) }).lean<SavedMapping>() : null;
      if (!found || !(found.createdBy.equals(principal.userId) || principal.role.isAdmin)) throw AppError.notFound('Saved mapping');
      await Saved.deleteOne({ tenantId: principal.tenantId, _id: found._id });
    },
  };
}

export type SavedMappings = ReturnType<typeof savedMappings>;
