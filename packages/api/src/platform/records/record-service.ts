import { Types, type Model } from 'mongoose';
import { assertCan, assertWritable, can, exportColumns, matchesFilter, visibilityFilter } from '../access/access.js';
import type { Action, Resource } from '../access/catalog.js';
import type { Principal } from '../access/principal.js';
import type { CustomFields } from '../custom-fields/custom-fields.js';
import { AppError } from '../errors.js';
import { findByIdInTenant } from '../db/tenancy.plugin.js';
import type { Actor, EventBus } from '../events.js';
import type { WorkflowEngine } from '../workflow/workflow-engine.js';
import { buildFilters, combine, cursorCondition, nextCursor, planSort, type ListSpec } from './list-query.js';
import { claimEmailKeys, claimsOf, registerEmailKeyedKind } from './email-keys.js';
import { indexRecords, removeRecordSearch, searchSignature, syncRecordSearch } from '../search/search-index.js';
import { parseSearch, RECORDS_EXAMINED_PER_SEARCH, runSearch, searchCursor } from '../search/search-query.js';
import { registerSearchableKind } from '../search/search-registry.js';
import { writeStoredVersion } from './version-claims.js';
import { readRecordsById } from './records-by-id.js';
import { registerListedKind, removeListRow, syncListRow, writeListRows } from '../lists/list-rows.js';
import { walkRows, type RowPage } from '../lists/list-walk.js';
import { keptNamePage, keptRecord, keptRowPage, moveListStamps } from '../lists/list-page-cache.js';
import { nameSortsOf } from '../lists/list-names.js';
import { namesReady } from '../lists/list-backfill.js';
import { countCreated, countWrite, registerCountedKind } from '../counts/record-counts.js';
import { countFromCounters } from '../counts/count-query.js';

/** The fields every tenant-owned CRM record carries for access control. */
export interface RecordBase {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  ownerId: Types.ObjectId | null;
  teamId?: Types.ObjectId | null;
  productId?: Types.ObjectId | null;
  departmentId?: Types.ObjectId | null;
  status?: string;
  custom?: Record<string, unknown>;
  version: number;
  createdAt?: Date;
  updatedAt?: Date;
}

/** What the record service needs to know about products and teams (provided by their modules). */
export interface OrgDirectory {
  product(tenantId: Types.ObjectId, id: Types.ObjectId): Promise<{ _id: Types.ObjectId; status: string; locked: boolean; departmentId?: Types.ObjectId | null } | null>;
  team(tenantId: Types.ObjectId, id: Types.ObjectId): Promise<{ _id: Types.ObjectId; departmentId?: Types.ObjectId | null } | null>;
  user(tenantId: Types.ObjectId, id: Types.ObjectId): Promise<{ _id: Types.ObjectId; departmentId?: Types.ObjectId | null } | null>;
}

/** Everything that makes a record type: its model, access resource, workflow, search and output shape. */
export interface RecordDefinition<Doc extends RecordBase> {
  resource: Resource;
  /** Singular human name, for messages ("Contact was not found"). */
  label: string;
  model: Model<Doc>;
  workflowKey?: string;
  list: ListSpec;
  searchValues(doc: Partial<Doc>): Array<string | null | undefined>;
  toDto(doc: Doc): Record<string, unknown>;
  /** Export column name → value; the default export takes them all, a role's export rule picks some. */
  exportColumns: Record<string, (doc: Doc) => unknown>;
  /** 002: department users must tie these records to a product. */
  productRequiredForDepartmentUsers?: boolean;
  /** Derived fields (normalized copies for unique indexes and dedupe) computed from the merged record. */
  derive?(doc: Partial<Doc>): Partial<Doc>;
  /**
   * Lists are read from list rows (platform/lists, docs/database.md): only for kinds whose every write
   * goes through this service or `writeVersion` (which keeps the row), since a write that skips both leaves the row stale.
   */
  listRows?: boolean;
  /**
   * The records keep email keys of their `primaryEmail` (email-keys.ts): every create, `createMany` and
   * update that changes it claims the key, so an import finds an existing address with one insert per batch.
   */
  emailKeys?: boolean;
}

export interface RecordDeps {
  events: EventBus;
  workflows: WorkflowEngine;
  customFields: CustomFields;
  directory: OrgDirectory;
}

/** Filters, search and sort as every list-like call takes them. */
export interface FilterQuery {
  q?: string | undefined;
  sort?: string | undefined;
  [filter: string]: unknown;
}

export interface ListQuery extends FilterQuery {
  limit: number;
  cursor?: string | undefined;
  sort?: string | undefined;
  q?: string | undefined;
  fields?: string | undefined;
  [filter: string]: unknown;
}

/** Where a count that the counters do not cover stops (its answer then says `capped`). */
export const COUNT_CAP = 10_000;

const systemFields = new Set(['_id', 'id', 'tenantId', 'version', 'createdAt', 'updatedAt', 'status', 'searchTokens', '__v', '__proto__', 'constructor', 'prototype']);

function actorOf(principal: Principal, client?: { ip?: string; userAgent?: string }): Actor {
  return { tenantId: principal.tenantId, userId: principal.userId, apiKeyId: principal.apiKeyId, ip: client?.ip, userAgent: client?.userAgent };
}

function oid(value: unknown, field: string): Types.ObjectId | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Types.ObjectId) return value;
  if (typeof value === 'string' && /^[a-f0-9]{24}$/i.test(value)) return new Types.ObjectId(value);
  throw AppError.invalidField(field, 'must be a 24-character hex id');
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function pickFields(dto: Record<string, unknown>, fields: string | undefined): Record<string, unknown> {
  if (!fields) return dto;
  const wanted = new Set(['id', 'version', ...fields.split(',').map((f) => f.trim())]);
  return Object.fromEntries(Object.entries(dto).filter(([k]) => wanted.has(k)));
}

/** A list answer as the routes send it. */
export interface ListAnswer {
  object: 'list';
  data: Record<string, unknown>[];
  hasMore: boolean;
  nextCursor: string | null;
}

/** Answers built from a kept page, per `fields` asked (at most this many variants per page). */
const ANSWERS_PER_PAGE = 8;
/** Records an export reads per round trip of its cursor. */
const EXPORT_READ_BATCH = 500;
const pageAnswers = new WeakMap<RowPage, Map<string, ListAnswer>>();

/**
 * The list answer of a page of rows: built once per kept page and `fields`, frozen, and so serialized once by
 * the route (`jsonOnce`) however many callers read that page (JSON.stringify of a 50-row page was the largest
 * CPU cost of a warm list request, ~0.4 ms of ~2.3, bench/RESULTS.md 2026-12-07 03:30).
 */
function answerOfPage(page: RowPage, fields: string | undefined): ListAnswer {
  let answers = pageAnswers.get(page);
  if (!answers) pageAnswers.set(page, (answers = new Map()));
  const key = fields ?? '';
  let answer = answers.get(key);
  if (!answer) {
    answer = Object.freeze({ object: 'list' as const, data: Object.freeze(page.rows.map((row) => pickFields(row.item, fields))) as Record<string, unknown>[], hasMore: page.hasMore, nextCursor: page.nextCursor });
    if (answers.size < ANSWERS_PER_PAGE) answers.set(key, answer);
  }
  return answer;
}

/**
 * The rules every CRM record type shares: visibility on every read and write, ownership and product
 * checks, custom fields, search tokens, optimistic concurrency, workflow transitions, export column
 * sets, and a domain event for every change. Record modules add only what is theirs.
 */
export function createRecordService<Doc extends RecordBase>(def: RecordDefinition<Doc>, deps: RecordDeps) {
  const Model = def.model;
  const notFound = () => AppError.notFound(def.label);
  registerSearchableKind(Model.db, def);
  if (def.listRows) registerListedKind(Model.db, def);
  registerCountedKind(Model.db, Model.collection.collectionName, def);
  const keyKind = Model.collection.collectionName;
  if (def.emailKeys) registerEmailKeyedKind(Model.db, keyKind);
  /** The email keys of records about to be stored (none for a kind without them); sent beside the write itself. */
  const claimKeys = (docs: ReadonlyArray<Record<string, unknown>>, importId?: unknown) =>
    def.emailKeys ? claimEmailKeys(Model.db, keyKind, claimsOf(docs, importId instanceof Types.ObjectId ? importId : null), { takeOver: true }) : null;
  type Counted = NonNullable<Parameters<typeof countWrite>[2]>;

  /**
   * Brings the record's list row and, when a write changed what they hold, its search entries up to date,
   * both at once (this service's versioned writes ask writeStoredVersion to leave the row to it), then
   * reads the record once for both: when another write moved it on meanwhile (and its own derived writes
   * may have landed before these), both are written again from that version, so concurrent writers end
   * on the last state; a record deleted meanwhile loses them. `then` (the write's event) runs once the
   * row and entries are written, beside that check, which it does not depend on.
   */
  async function reindex(before: Partial<Doc> | null, after: Doc, tenantId: Types.ObjectId, id: Types.ObjectId, then: () => Promise<unknown>): Promise<void> {
    const search = !(before && searchSignature(def, before) === searchSignature(def, after));
    const write = (doc: Doc | null, created: boolean) =>
      Promise.all([def.listRows ? syncListRow(Model.db, def, tenantId, id, doc, { created, recheck: false }) : null, search ? syncRecordSearch(Model.db, def, tenantId, id, doc, { created, recheck: false }) : null]);
    if (!def.listRows && !search) {
      await then();
      return;
    }
    await write(after, before === null);
    const recheck = async () => {
      let doc: Doc | null = after;
      for (let attempt = 0; attempt < 3 && doc; attempt += 1) {
        const now = (await findByIdInTenant(Model as never, tenantId, id)) as Doc | null;
        if (now && now.version === doc.version) return;
        doc = now;
        await write(doc, false);
      }
    };
    await Promise.all([recheck(), then()]);
  }

  /** The records matching `q` (and `filter`, which holds visibility and list filters), best first. */
  function search(principal: Principal, words: NonNullable<ReturnType<typeof parseSearch>>, action: Action, filter: Record<string, unknown>, want: number, after?: string) {
    return runSearch(def, { tenantId: principal.tenantId, words, visibility: visibility(principal, action), filter, want, after });
  }

  /** The access module's filter: the one place that decides what a principal sees. */
  function visibility(principal: Principal, action: Action): Record<string, unknown> {
    return visibilityFilter(principal, def.resource, action);
  }

  /**
   * The record by id if the principal may see it for `action`: one lookup by id (see findByIdInTenant),
   * then the same visibility filter the lists use, evaluated on the document (matchesFilter, as realtime
   * does), so a single record costs one row on every engine.
   */
  async function byIdVisible(principal: Principal, _id: Types.ObjectId, action: Action): Promise<Doc | null> {
    const read = () => findByIdInTenant(Model as never, principal.tenantId, _id) as Promise<Doc | null>;
    // A read may be answered from the record kept under the kind's list stamp (platform/lists/list-page-cache.ts); a write's check reads the record.
    const doc = action === 'read' && def.listRows ? await keptRecord(Model.db, principal.tenantId, def.resource, _id, performance.now(), read) : await read();
    return doc && matchesFilter(doc as Record<string, unknown>, visibility(principal, action)) ? (doc as Doc) : null;
  }

  async function findVisible(principal: Principal, id: string, action: Action): Promise<Doc> {
    const doc = await byIdVisible(principal, oid(id, 'id')!, action);
    if (!doc) throw notFound();
    return doc;
  }

  async function versionConflict(principal: Principal, id: Types.ObjectId): Promise<AppError> {
    const current = await byIdVisible(principal, id, 'read');
    if (!current) return notFound();
    return new AppError('version_conflict', `${def.label} was changed by someone else (now version ${current.version}); reload and try again`, { extensions: { current: def.toDto(current) } });
  }

  /** Checks owner/product/team references of a write and fills in the department. */
  async function resolveRefs(principal: Principal, input: Record<string, unknown>, existing: Doc | null): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    if ('ownerId' in input && !sameValue(String(input.ownerId ?? ''), String(existing?.ownerId ?? ''))) {
      if (!can(principal, def.resource, 'assign') && !(existing === null && String(input.ownerId) === String(principal.userId))) {
        throw new AppError('forbidden', `Your role may not assign ${def.resource} records to someone else`);
      }
      const ownerId = oid(input.ownerId, 'ownerId');
      // The caller is a user of the agency (their principal was loaded, and is reloaded when their user changes): no lookup.
      if (ownerId && !ownerId.equals(principal.userId) && !(await deps.directory.user(principal.tenantId, ownerId))) throw AppError.invalidField('ownerId', 'is not a user of this agency');
      out.ownerId = ownerId;
    }
    if ('productId' in input) {
      const productId = oid(input.productId, 'productId');
      if (productId) {
        const product = await deps.directory.product(principal.tenantId, productId);
        if (!product || (product.status === 'disabled' && !principal.role.isAdmin)) throw AppError.invalidField('productId', 'is not an active product of this agency');
        if (product.locked && !principal.role.isAdmin) throw new AppError('forbidden', 'That product is locked; only an admin can add records to it');
        out.departmentId = product.departmentId ?? existing?.departmentId ?? principal.departmentId;
      }
      out.productId = productId;
    }
    if ('teamId' in input) {
      const teamId = oid(input.teamId, 'teamId');
      if (teamId && !(await deps.directory.team(principal.tenantId, teamId))) throw AppError.invalidField('teamId', 'is not a team of this agency');
      out.teamId = teamId;
    }
    return out;
  }

  function assertProductRule(principal: Principal, merged: Partial<Doc>): void {
    if (def.productRequiredForDepartmentUsers && principal.departmentId && !principal.role.isAdmin && !merged.productId) {
      throw AppError.invalidField('productId', 'is required: every record of a department is tied to a product');
    }
  }

  /** At most COUNT_CAP matches of `filter`, read by id only; `capped` when there may be more. */
  async function countBounded(filter: Record<string, unknown>): Promise<{ count: number; capped: boolean }> {
    const ids = await Model.find(filter as never).select({ _id: 1 }).limit(COUNT_CAP + 1).lean();
    return { count: Math.min(ids.length, COUNT_CAP), capped: ids.length > COUNT_CAP };
  }

  /**
   * The records the role may export (the access module's export filter: its scope, and its product rule) as
   * rows of the role's columns, read while they are written out, never all held: a search (`q`) gives its
   * ranked matches (at most RECORDS_EXAMINED_PER_SEARCH read), anything else every match through one cursor
   * a batch at a time, in storage order (FerretDB sorts in memory, so no order is asked of it). One
   * `<kind>.exported` audit entry when the rows end, however they end, with how many were given.
   */
  async function exportRows(principal: Principal, query: FilterQuery, client?: { ip?: string; userAgent?: string }, format: 'csv' | 'xlsx' = 'csv') {
    assertCan(principal, def.resource, 'export');
    const allowed = exportColumns(principal, def.resource);
    const columns = (allowed ?? Object.keys(def.exportColumns)).filter((c) => c in def.exportColumns);
    const { equalities, conditions } = buildFilters(def.list, query);
    // Custom-field filters (`custom.<key>`) as the list applies them.
    const custom = await deps.customFields.filters(principal.tenantId, def.resource, query);
    const filter = combine(visibility(principal, 'export'), { ...equalities, ...custom }, conditions);
    const words = parseSearch(query.q);
    const found = words ? (await search(principal, words, 'export', filter, RECORDS_EXAMINED_PER_SEARCH)).hits.map((hit) => hit.doc) : null;
    const toRow = (doc: Doc) => columns.map((c) => def.exportColumns[c]!(doc));
    async function* rows(): AsyncGenerator<unknown[]> {
      let count = 0;
      try {
        const docs: AsyncIterable<Doc> | Doc[] = found ?? Model.find(filter as never).lean<Doc[]>().cursor({ batchSize: EXPORT_READ_BATCH });
        for await (const doc of docs) {
          count += 1;
          yield toRow(doc as Doc);
        }
      } finally {
        await deps.events.publish({ type: `${def.resource}.exported`, tenantId: principal.tenantId, resource: def.resource, resourceId: null, actor: actorOf(principal, client), data: { count, columns, format } });
      }
    }
    return { columns, rows: rows() };
  }

  return {
    definition: def,

    /** The filter of the records the principal may act on (for aggregations and boards of the same domain). */
    visibility,

    /** A page of the records the principal may see, filtered, searched and sorted. */
    async list(principal: Principal, query: ListQuery, action: Action = 'read') {
      const asOf = performance.now();
      const { equalities, conditions } = buildFilters(def.list, query);
      const custom = await deps.customFields.filters(principal.tenantId, def.resource, query);
      const definitions = query.sort?.replace(/^[-+]/, '').startsWith('custom.') ? await deps.customFields.definitions(principal.tenantId, def.resource) : [];
      const plan = planSort(def.list, query.sort, (name) => {
        const field = definitions.find((d) => `custom.${d.key}` === name);
        if (!field) return null;
        return { path: name, kind: field.type === 'number' ? 'number' : field.type === 'date' ? 'date' : 'string' };
      });
      const words = parseSearch(query.q);
      if (words) {
        // A search is ordered by rank (see platform/search), whatever `sort` says.
        const { hits } = await search(principal, words, action, combine(visibility(principal, action), { ...equalities, ...custom }, conditions), query.limit + 1, query.cursor);
        const page = hits.slice(0, query.limit);
        const hasMore = hits.length > query.limit;
        return {
          object: 'list' as const,
          data: page.map((hit) => pickFields(def.toDto(hit.doc), query.fields)),
          hasMore,
          nextCursor: hasMore ? searchCursor(page[page.length - 1] as never) : null,
        };
      }
      const order = !def.listRows ? null : plan.kind === 'id' ? 'c' : plan.path === 'createdAt' ? 'c' : plan.path === 'updatedAt' ? 'u' : null;
      /** What a walk of list rows is given besides its order: the caller's visibility and the list filters on row fields, the page. */
      const rowWalk = () => {
        const rowFilters = buildFilters(def.list, query, 'param');
        const filter = combine(visibility(principal, action), { ...rowFilters.equalities, ...custom }, rowFilters.conditions);
        return { tenantId: principal.tenantId, kind: def.resource, direction: plan.direction, filter, limit: query.limit, cursor: query.cursor };
      };
      if (order) {
        // From list rows, by equality on write-order buckets (platform/lists): never every match decoded.
        // Kept in the process under the kind's list stamp, named by the whole walk (the caller's visibility filter included).
        return answerOfPage(await keptRowPage(Model.db, { ...rowWalk(), order }, asOf), query.fields);
      }
      const sortName = query.sort?.replace(/^[-+]/, '') ?? '';
      if (def.listRows && nameSortsOf(def.list).includes(sortName) && (await namesReady(Model.db))) {
        // Alphabetical, from list rows by equality on name prefix buckets (platform/lists/list-name-walk.ts), kept as above.
        return answerOfPage(await keptNamePage(Model.db, { ...rowWalk(), sort: sortName }, asOf), query.fields);
      }
      const filter = combine(visibility(principal, action), { ...equalities, ...custom }, [...conditions, ...cursorCondition(plan, query.cursor)]);
      const docs = await Model.find(filter as never).sort(plan.mongo).limit(query.limit + 1).lean<Doc[]>();
      const page = docs.slice(0, query.limit);
      const hasMore = docs.length > query.limit;
      return {
        object: 'list' as const,
        data: page.map((doc) => pickFields(def.toDto(doc), query.fields)),
        hasMore,
        nextCursor: hasMore ? nextCursor(plan, page[page.length - 1] as unknown as Record<string, unknown>) : null,
      };
    },

    /**
     * Counts the visible records matching the same filters as `list`: exact from the counters when they
     * cover the filters and the caller's visibility (platform/counts), otherwise at most COUNT_CAP, with
     * `capped` saying the count stopped there (never a count over every record).
     */
    async count(principal: Principal, query: FilterQuery): Promise<{ count: number; capped: boolean }> {
      const { equalities, conditions } = buildFilters(def.list, query);
      const custom = await deps.customFields.filters(principal.tenantId, def.resource, query);
      const words = parseSearch(query.q);
      const fromCounters = !words && !conditions.length && !Object.keys(custom).length ? await countFromCounters(Model.db, def, principal.tenantId, visibility(principal, 'read'), equalities) : null;
      if (fromCounters !== null) return { count: fromCounters, capped: false };
      const filter = combine(visibility(principal, 'read'), { ...equalities, ...custom }, conditions);
      if (words) {
        const { hits } = await search(principal, words, 'read', filter, RECORDS_EXAMINED_PER_SEARCH);
        return { count: hits.length, capped: hits.length >= RECORDS_EXAMINED_PER_SEARCH };
      }
      if (def.listRows) {
        // From list rows, bucket by bucket (platform/lists): a bounded read whatever the filter.
        const rowFilters = buildFilters(def.list, query, 'param');
        const walk = await walkRows(Model.db, { tenantId: principal.tenantId, kind: def.resource, order: 'c', direction: -1, filter: combine(visibility(principal, 'read'), { ...rowFilters.equalities, ...custom }, rowFilters.conditions), limit: COUNT_CAP });
        return { count: walk.rows.length, capped: walk.hasMore };
      }
      return countBounded(filter);
    },

    async get(principal: Principal, id: string) {
      return def.toDto(await findVisible(principal, id, 'read'));
    },

    /** The raw document, for services of the same domain that need more than the DTO. */
    findVisible,

    /**
     * Which of these records the principal may read, as `get` decides (the access module's filter on each
     * document), in one batch: one `$in` read on MongoDB, reads by `_id` sent at once on FerretDB
     * (records-by-id.ts). For callers checking a page of references at once (the inbox's record threads).
     */
    async visibleIds(principal: Principal, ids: readonly Types.ObjectId[]): Promise<Set<string>> {
      const unique = [...new Map(ids.map((id) => [id.toHexString(), id])).values()];
      const docs = await readRecordsById(Model as never, principal.tenantId, unique, { kept: def.listRows ? def.resource : undefined });
      const filter = visibility(principal, 'read');
      return new Set(docs.filter((d): d is NonNullable<typeof d> => d !== null && matchesFilter(d as Record<string, unknown>, filter)).map((d) => String((d as unknown as { _id: Types.ObjectId })._id)));
    },

    /** The 409 a stale write answers, carrying the current record (or a 404 when it is gone or hidden). */
    versionConflict,

    /**
     * Creates a record. `options.id` pre-allocates its id, so a caller that reserved the id elsewhere
     * (lead conversion) can retry: a second create with the same id fails on the `_id` unique index.
     */
    async create(principal: Principal, input: Record<string, unknown>, client?: { ip?: string; userAgent?: string }, options: { id?: Types.ObjectId } = {}) {
      const { custom, ...fields } = input as Record<string, unknown> & { custom?: Record<string, unknown> };
      for (const key of Object.keys(fields)) if (systemFields.has(key)) delete fields[key];
      // Independent checks and reads (workflows are cached; references often need none): at once.
      const [refs, validCustom, initial] = await Promise.all([
        resolveRefs(principal, { ownerId: principal.userId, ...fields }, null),
        deps.customFields.validate(principal.tenantId, def.resource, custom, 'create'),
        def.workflowKey ? deps.workflows.initialState(principal.tenantId, def.workflowKey) : undefined,
      ]);
      const doc: Record<string, unknown> = {
        ...fields,
        ...refs,
        departmentId: refs.departmentId ?? principal.departmentId ?? null,
        tenantId: principal.tenantId,
        custom: validCustom,
      };
      if (options.id) doc._id = options.id;
      if (initial !== undefined) doc.status = initial;
      assertProductRule(principal, doc as Partial<Doc>);
      Object.assign(doc, def.derive?.(doc as Partial<Doc>) ?? {});
      const [, stored] = await Promise.all([claimKeys([doc]), Model.create(doc as never)]);
      const created = (stored as unknown as { toObject(): Doc }).toObject();
      const dto = def.toDto(created);
      const counted = countWrite(Model.db, def, null, created as unknown as Counted, 'v0');
      // Independent writes derived from the stored record at once (a crash loses any of them in either
      // order); the event once they are all written.
      const recorded = def.workflowKey ? deps.workflows.record({ principal, tenantId: principal.tenantId, key: def.workflowKey, resource: def.resource, recordId: created._id, from: null, to: created.status! }) : null;
      await Promise.all([
        recorded,
        counted,
        reindex(null, created, principal.tenantId, created._id, async () => {
          await recorded;
          await deps.events.publish({ type: `${def.resource}.created`, tenantId: principal.tenantId, resource: def.resource, resourceId: String(created._id), actor: actorOf(principal, client), record: dto });
        }),
      ]);
      return dto;
    },

    /**
     * Creates many records at once (an import): each input is checked as `create` checks it (references,
     * custom fields, the product rule, derived fields) and the accepted ones are inserted in one unordered
     * insert under ids the caller chose, so a batch run again after a crash inserts only what is missing
     * (those already there get their row and entries re-synced one by one instead of in bulk). Search
     * entries and list rows are written in bulk, and one `<resource>.imported` event carries the batch to
     * the audit trail: no per-record events, so neither realtime nor notifications storm. `extra` fields
     * (the import's id) are stored beside the record's own. Answers, per item, what happened to it.
     */
    async createMany(
      principal: Principal,
      items: ReadonlyArray<{ id: Types.ObjectId; input: Record<string, unknown>; status?: string | null }>,
      options: { extra?: Record<string, unknown>; data?: Record<string, unknown>; client?: { ip?: string; userAgent?: string }; emailKeysClaimed?: boolean } = {},
    ): Promise<Array<{ id: Types.ObjectId; error: AppError | null }>> {
      assertCan(principal, def.resource, 'create');
      const workflow = def.workflowKey ? await deps.workflows.get(principal.tenantId, def.workflowKey) : undefined;
      const initial = workflow?.initial;
      // The agency's custom-field definitions are read once for the batch, not once per record.
      const validateCustom = await deps.customFields.compile(principal.tenantId, def.resource);
      const refsOf = new Map<string, Promise<Record<string, unknown>>>();
      const now = new Date();
      const outcomes = await Promise.all(
        items.map(async ({ id, input, status }) => {
          try {
            // A record may start in another state of its workflow (an import's status column); no history entry, as for the initial one.
            if (status && !workflow?.states.some((s) => s.key === status)) throw AppError.invalidField('status', `is not a state of the ${def.resource} workflow`, 'unknown_state');
            const { custom, ...fields } = input as Record<string, unknown> & { custom?: Record<string, unknown> };
            for (const key of Object.keys(fields)) if (systemFields.has(key)) delete fields[key];
            const refInput = { ownerId: principal.userId, ...Object.fromEntries(['ownerId', 'productId', 'teamId'].filter((k) => k in fields).map((k) => [k, fields[k]])) };
            // Rows of one import share their owner, product and team: each distinct set is checked once.
            const refKey = JSON.stringify(refInput);
            if (!refsOf.has(refKey)) refsOf.set(refKey, resolveRefs(principal, refInput, null));
            const refs = await refsOf.get(refKey)!;
            const validCustom = validateCustom(custom, 'create');
            const doc: Record<string, unknown> = { ...fields, ...refs, departmentId: refs.departmentId ?? principal.departmentId ?? null, tenantId: principal.tenantId, custom: validCustom, _id: id };
            if (initial !== undefined) doc.status = status || initial;
            assertProductRule(principal, doc as Partial<Doc>);
            Object.assign(doc, def.derive?.(doc as Partial<Doc>) ?? {});
            const hydrated = new Model(doc as never);
            try {
              await hydrated.validate();
            } catch (invalid) {
              const errors = (invalid as { errors?: Record<string, unknown> }).errors;
              // A rule of the model that answers a problem itself (a privacy suppression) is passed on as it is.
              if (!errors || invalid instanceof AppError) throw invalid;
              throw AppError.invalidField(Object.keys(errors)[0] ?? 'record', (invalid as Error).message);
            }
            const stored = { ...(hydrated.toObject() as unknown as Record<string, unknown>), ...(options.extra ?? {}), createdAt: now, updatedAt: now, version: 0 };
            return { id, error: null, stored: stored as unknown as Doc };
          } catch (error) {
            if (error instanceof AppError) return { id, error, stored: null };
            throw error;
          }
        }),
      );
      const accepted = outcomes.filter((o) => o.stored).map((o) => o.stored!);
      const existed = new Set<number>();
      if (accepted.length) {
        // The records' email keys (unless the caller claimed them already: an import's dedupe by email), beside the insert.
        const claimed = options.emailKeysClaimed ? null : claimKeys(accepted as unknown as Record<string, unknown>[], options.extra?.importId);
        try {
          await Promise.all([claimed, Model.collection.insertMany(accepted as never[], { ordered: false })]);
        } catch (error) {
          const e = error as { code?: number; writeErrors?: { code: number; index: number } | Array<{ code: number; index: number }> };
          const writeErrors = e.writeErrors === undefined ? [] : Array.isArray(e.writeErrors) ? e.writeErrors : [e.writeErrors];
          if (!writeErrors.length || writeErrors.some((w) => w.code !== 11000)) throw error;
          for (const w of writeErrors) existed.add(w.index);
        }
      }
      const fresh = accepted.filter((_, i) => !existed.has(i));
      const again = accepted.filter((_, i) => existed.has(i));
      await Promise.all([
        indexRecords(Model.db, def, fresh),
        // Every accepted record, also those of an earlier run: a record counted already is refused by the delta's id.
        countCreated(Model.db, def, accepted as unknown as NonNullable<Counted>[]),
        def.listRows ? writeListRows(Model.db, def, fresh) : null,
        // Inserted by an earlier run of this batch that stopped before its entries: written again, one by one.
        ...again.map(async (doc) => {
          const stored = (await findByIdInTenant(Model as never, principal.tenantId, doc._id)) as Doc | null;
          await Promise.all([syncRecordSearch(Model.db, def, principal.tenantId, doc._id, stored), def.listRows ? syncListRow(Model.db, def, principal.tenantId, doc._id, stored) : null]);
        }),
      ]);
      if (accepted.length) {
        await deps.events.publish({ type: `${def.resource}.imported`, tenantId: principal.tenantId, resource: def.resource, resourceId: null, actor: actorOf(principal, options.client), data: { ...(options.data ?? {}), count: accepted.length } });
      }
      return outcomes.map(({ id, error }) => ({ id, error }));
    },

    /**
     * Removes records a `createMany` made (an import's undo): those of `ids` the principal may delete, with
     * their search entries and list rows, and one `<resource>.import_undone` event for the batch. Answers
     * how many were removed.
     */
    async removeMany(principal: Principal, ids: ReadonlyArray<Types.ObjectId>, options: { data?: Record<string, unknown>; client?: { ip?: string; userAgent?: string } } = {}): Promise<number> {
      assertCan(principal, def.resource, 'delete');
      // The kind's list stamp moves once before the batch and once after it (platform/lists/list-page-cache.ts).
      if (def.listRows && ids.length) await moveListStamps(Model.db, principal.tenantId, [def.resource]);
      const removed = await Promise.all(
        ids.map(async (id) => {
          const doc = await byIdVisible(principal, id, 'delete');
          if (!doc) return 0;
          const { deletedCount } = await Model.deleteOne({ tenantId: principal.tenantId, _id: id } as never);
          await Promise.all([removeRecordSearch(Model.db, principal.tenantId, id), def.listRows ? removeListRow(Model.db, principal.tenantId, id, def.resource, { stamped: false }) : null, deletedCount ? countWrite(Model.db, def, doc as unknown as Counted, null, 'del') : null]);
          return 1;
        }),
      ).finally(() => (def.listRows && ids.length ? moveListStamps(Model.db, principal.tenantId, [def.resource]) : undefined));
      const count = removed.reduce<number>((a, b) => a + b, 0);
      if (count) await deps.events.publish({ type: `${def.resource}.import_undone`, tenantId: principal.tenantId, resource: def.resource, resourceId: null, actor: actorOf(principal, options.client), data: { ...(options.data ?? {}), count } });
      return count;
    },

    /**
     * Updates the sent fields; with `ifMatch`, only if the record is still at that version. `adjust` lets
     * a service of the same domain reshape the patch from the record as read here (no second read).
     */
    async update(
      principal: Principal,
      id: string,
      patch: Record<string, unknown>,
      options: { ifMatch?: number | undefined; client?: { ip?: string; userAgent?: string }; adjust?: (existing: Doc, patch: Record<string, unknown>) => Record<string, unknown> } = {},
    ) {
      const existing = await findVisible(principal, id, 'update');
      assertWritable(principal, existing);
      if (options.ifMatch !== undefined && existing.version !== options.ifMatch) throw await versionConflict(principal, existing._id);
      if (options.adjust) patch = options.adjust(existing, patch);
      const { custom, ...fields } = patch as Record<string, unknown> & { custom?: Record<string, unknown> };
      for (const key of Object.keys(fields)) if (systemFields.has(key) || fields[key] === undefined) delete fields[key];
      Object.assign(fields, await resolveRefs(principal, fields, existing));
      const set: Record<string, unknown> = {};
      const unset: Record<string, ''> = {};
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      for (const [key, value] of Object.entries(fields)) {
        const before = (existing as unknown as Record<string, unknown>)[key];
        if (sameValue(before, value)) continue;
        set[key] = value;
        changes[key] = { from: before ?? null, to: value ?? null };
      }
      if (custom) {
        const validated = await deps.customFields.validate(principal.tenantId, def.resource, custom, 'update');
        for (const [key, value] of Object.entries(validated)) {
          const before = existing.custom?.[key];
          if (sameValue(before, value)) continue;
          if (value === null) unset[`custom.${key}`] = '';
          else set[`custom.${key}`] = value;
          changes[`custom.${key}`] = { from: before ?? null, to: value };
        }
      }
      if (!Object.keys(changes).length) return def.toDto(existing);
      const merged = { ...existing, ...fields, custom: { ...(existing.custom ?? {}), ...(custom ?? {}) } } as Partial<Doc>;
      assertProductRule(principal, merged);
      Object.assign(set, def.derive?.(merged) ?? {});
      set.updatedAt = new Date();
      // A new primary email claims its key beside the write (the old key stays: it only costs an import a read).
      const newEmail = typeof set.primaryEmail === 'string' && set.primaryEmail !== (existing as unknown as { primaryEmail?: unknown }).primaryEmail;
      // The stored document comes back with the write: nothing is read again after it.
      const [, written] = await Promise.all([
        newEmail ? claimKeys([{ _id: existing._id, tenantId: existing.tenantId, primaryEmail: set.primaryEmail }]) : null,
        writeStoredVersion(Model as never, existing, { $set: set, ...(Object.keys(unset).length ? { $unset: unset } : {}) }, { listRow: false }),
      ]);
      const updated = written as Doc | null;
      if (!updated) throw await versionConflict(principal, existing._id);
      const dto = def.toDto(updated);
      await reindex(existing, updated, principal.tenantId, existing._id, () =>
        deps.events.publish({ type: `${def.resource}.updated`, tenantId: principal.tenantId, resource: def.resource, resourceId: String(existing._id), actor: actorOf(principal, options.client), record: dto, changes }),
      );
      return dto;
    },

    async remove(principal: Principal, id: string, client?: { ip?: string; userAgent?: string }) {
      const existing = await findVisible(principal, id, 'delete');
      assertWritable(principal, existing);
      const { deletedCount } = await Model.deleteOne({ tenantId: principal.tenantId, _id: existing._id } as never);
      await Promise.all([
        removeRecordSearch(Model.db, principal.tenantId, existing._id),
        def.listRows ? removeListRow(Model.db, principal.tenantId, existing._id, def.resource) : null,
        deletedCount ? countWrite(Model.db, def, existing as unknown as Counted, null, 'del') : null,
      ]);
      await deps.events.publish({ type: `${def.resource}.deleted`, tenantId: principal.tenantId, resource: def.resource, resourceId: String(existing._id), actor: actorOf(principal, client), record: def.toDto(existing) });
    },

    /**
     * Moves the record's status along its workflow (409 invalid_transition with the allowed targets
     * otherwise). `alongside` are fields that change in the same write (a task's new due time when it is
     * re-scheduled), so the move and its data are one version, never half applied.
     */
    async transition(principal: Principal, id: string, input: { to: string; version?: number | undefined; note?: string | undefined }, client?: { ip?: string; userAgent?: string }, alongside: Record<string, unknown> = {}) {
      if (!def.workflowKey) throw new AppError('not_found', `${def.label} has no status workflow`);
      const existing = await findVisible(principal, id, 'transition');
      assertWritable(principal, existing);
      if (input.version !== undefined && existing.version !== input.version) throw await versionConflict(principal, existing._id);
      const from = existing.status ?? '';
      await deps.workflows.assertTransition(principal, def.workflowKey, from, input.to);
      const now = new Date();
      // Fields derived from what changes alongside (a task's calendar weeks from its new due time) move in the same write.
      const derived = Object.keys(alongside).length ? (def.derive?.({ ...existing, ...alongside } as Partial<Doc>) ?? {}) : {};
      const updated = (await writeStoredVersion(Model as never, existing, { $set: { ...derived, ...alongside, status: input.to, statusChangedAt: now, updatedAt: now } }, { listRow: false })) as Doc | null;
      if (!updated) throw await versionConflict(principal, existing._id);
      const alongsideChanges = Object.fromEntries(Object.entries(alongside).map(([key, value]) => [key, { from: (existing as Record<string, unknown>)[key] ?? null, to: value }]));
      const dto = def.toDto(updated);
      const recorded = deps.workflows.record({ principal, tenantId: principal.tenantId, key: def.workflowKey, resource: def.resource, recordId: existing._id, from, to: input.to, note: input.note ?? null });
      await Promise.all([
        recorded,
        reindex(existing, updated, principal.tenantId, existing._id, async () => {
          await recorded;
          await deps.events.publish({
            type: `${def.resource}.transitioned`,
            tenantId: principal.tenantId,
            resource: def.resource,
            resourceId: String(existing._id),
            actor: actorOf(principal, client),
            record: dto,
            changes: { ...alongsideChanges, status: { from, to: input.to } },
            data: { from, to: input.to },
          });
        }),
      ]);
      return dto;
    },

    /** The record's status history, oldest first. */
    async history(principal: Principal, id: string) {
      const existing = await findVisible(principal, id, 'read');
      const rows = await deps.workflows.history(principal.tenantId, existing._id);
      return rows.map((r) => ({ from: r.from, to: r.to, byUserId: r.byUserId ? String(r.byUserId) : null, note: r.note, at: r.at.toISOString() }));
    },

    /** The records the role may export and the role's columns, as rows read while they are written (see exportRows above); audited when they end. */
    exportRows,

    /** Checks a list's filters as a list or export would read them (ids, dates, numbers, choices, custom fields, the search words): a 400 naming `query.<name>`. */
    async checkFilters(principal: Principal, query: FilterQuery): Promise<void> {
      buildFilters(def.list, query);
      parseSearch(query.q);
      await deps.customFields.filters(principal.tenantId, def.resource, query);
    },
  };
}

export type RecordService<Doc extends RecordBase> = ReturnType<typeof createRecordService<Doc>>;
