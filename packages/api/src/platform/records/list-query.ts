import { Types, type Model } from 'mongoose';
import { op } from '../db/operators.js';
import { AppError } from '../errors.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { rowFieldOf } from '../lists/list-row.model.js';

/** How a list filter parameter is parsed. Comma-separated values mean "any of" for id, string and enum. */
export type FilterKind = 'id' | 'string' | 'enum' | 'boolean' | 'number' | 'date';

export interface ListSpec {
  /** Query parameter name → document path and kind. */
  filters: Record<string, { path: string; kind: FilterKind; values?: readonly string[] }>;
  /** Sort name → document path (always tie-broken by _id). */
  sorts: Record<string, { path: string; kind: 'string' | 'number' | 'date' }>;
}

type Filter = Record<string, unknown>;

function parseScalar(kind: FilterKind, raw: string, param: string, values?: readonly string[]): unknown {
  switch (kind) {
    case 'id':
      if (raw === 'none') return null;
      if (!/^[a-f0-9]{24}$/i.test(raw)) throw AppError.invalidField(`query.${param}`, 'must be a 24-character hex id (or none)');
      return new Types.ObjectId(raw);
    case 'boolean':
      if (raw !== 'true' && raw !== 'false') throw AppError.invalidField(`query.${param}`, 'must be true or false');
      return raw === 'true';
    case 'number': {
      const n = Number(raw);
      if (raw === '' || Number.isNaN(n)) throw AppError.invalidField(`query.${param}`, 'must be a number');
      return n;
    }
    case 'date': {
      const d = new Date(raw);
      if (Number.isNaN(d.getTime())) throw AppError.invalidField(`query.${param}`, 'must be an ISO 8601 date');
      return d;
    }
    case 'enum':
      if (values && !values.includes(raw)) throw AppError.invalidField(`query.${param}`, `must be one of: ${values.join(', ')}`);
      return raw;
    case 'string':
      if (raw.length > 200) throw AppError.invalidField(`query.${param}`, 'is too long');
      return raw;
  }
}

/**
 * Builds the filter parts from list query parameters. Equalities come back separately so the caller
 * can put them at the top level, where FerretDB's PostgreSQL handler pushes them down to SQL. With
 * `keyBy: 'param'` the filters name list-row fields (the parameter's name) instead of record paths.
 */
export function buildFilters(spec: ListSpec, query: Record<string, unknown>, keyBy: 'path' | 'param' = 'path'): { equalities: Filter; conditions: Filter[] } {
  const equalities: Filter = {};
  const conditions: Filter[] = [];
  for (const [param, raw] of Object.entries(query)) {
    if (raw === undefined) continue;
    const [name, operator] = param.split('.', 2) as [string, string | undefined];
    const found = spec.filters[name];
    if (!found || (operator && !['gte', 'lte', 'gt', 'lt'].includes(operator))) continue;
    // List rows (platform/lists) store each filter's value under the parameter's name.
    const def = keyBy === 'param' ? { ...found, path: rowFieldOf(name) } : found;
    if (typeof raw !== 'string') throw AppError.invalidField(`query.${param}`, 'must be given once');
    if (operator) {
      if (def.kind !== 'number' && def.kind !== 'date') throw AppError.invalidField(`query.${param}`, 'ranges work on numbers and dates only');
      conditions.push({ [def.path]: op({ [`$${operator}`]: parseScalar(def.kind, raw, param) }) });
      continue;
    }
    const parts = def.kind === 'id' || def.kind === 'string' || def.kind === 'enum' ? raw.split(',').slice(0, 100) : [raw];
    const values = parts.map((p) => parseScalar(def.kind, p.trim(), param, def.values));
    if (values.length === 1) equalities[def.path] = values[0];
    else conditions.push({ [def.path]: op({ $in: values }) });
  }
  return { equalities, conditions };
}

export interface SortPlan {
  path: string;
  direction: 1 | -1;
  kind: 'string' | 'number' | 'date' | 'id';
  mongo: Record<string, 1 | -1>;
}

/** Parses `sort=-field`; the default is newest first by id, which needs no index but _id's. */
export function planSort(spec: ListSpec, sort: string | undefined, extraSortable?: (name: string) => { path: string; kind: 'string' | 'number' | 'date' } | null): SortPlan {
  if (!sort) return { path: '_id', direction: -1, kind: 'id', mongo: { _id: -1 } };
  const direction = sort.startsWith('-') ? -1 : 1;
  const name = sort.replace(/^[-+]/, '');
  const def = spec.sorts[name] ?? extraSortable?.(name) ?? null;
  if (!def) throw AppError.invalidField('query.sort', `cannot sort by '${name}'; sortable: ${Object.keys(spec.sorts).join(', ')}`);
  return { path: def.path, direction, kind: def.kind, mongo: { [def.path]: direction, _id: direction } };
}

/** The seek condition that starts a page after the cursor's record. */
export function cursorCondition(plan: SortPlan, cursor: string | undefined): Filter[] {
  if (!cursor) return [];
  const position = decodeCursor(cursor);
  const cmp = plan.direction === -1 ? '$lt' : '$gt';
  const id = new Types.ObjectId(position.id);
  if (plan.kind === 'id') return [{ _id: op({ [cmp]: id }) }];
  const value = plan.kind === 'date' && typeof position.v === 'string' ? new Date(position.v) : position.v;
  if (value === null || value === undefined) {
    // Nulls sort first ascending, last descending; continue within the nulls, then (ascending) past them.
    return plan.direction === -1
      ? [{ [plan.path]: null, _id: op({ $lt: id }) }]
      : [{ $or: [{ [plan.path]: null, _id: op({ $gt: id }) }, { [plan.path]: op({ $ne: null }) }] }];
  }
  const beyond: Filter = { [plan.path]: op({ [cmp]: value }) };
  const tie: Filter = { [plan.path]: value, _id: op({ [cmp]: id }) };
  const branches = [beyond, tie];
  if (plan.direction === -1) branches.push({ [plan.path]: null });
  return [{ $or: branches }];
}

/** `limit` and `cursor` of a list request (the `pageQuery` schema's output). */
export interface PageQuery {
  limit: number;
  cursor?: string | undefined;
}

/** Newest first by id: the order of lists that offer no sort of their own. */
export const NEWEST_FIRST: SortPlan = { path: '_id', direction: -1, kind: 'id', mongo: { _id: -1 } };

/**
 * A page of a list in one fixed order (`plan`; newest id first by default), for lists that offer no
 * sort of their own: the cursor seeks past the last record instead of skipping, and `hasMore` is
 * true whenever there is more, so no list is cut short silently.
 */
export async function pageOf<T, D>(
  model: Model<T>,
  filter: Filter,
  query: PageQuery,
  toDto: (doc: T) => D,
  options: { plan?: SortPlan; select?: string } = {},
): Promise<{ object: 'list'; data: D[]; hasMore: boolean; nextCursor: string | null }> {
  const plan = options.plan ?? NEWEST_FIRST;
  const find = model.find(combine(filter, {}, cursorCondition(plan, query.cursor)) as never).sort(plan.mongo).limit(query.limit + 1);
  const docs = (await (options.select ? find.select(options.select) : find).lean()) as T[];
  const page = docs.slice(0, query.limit);
  const hasMore = docs.length > query.limit;
  return { object: 'list', data: page.map(toDto), hasMore, nextCursor: hasMore ? nextCursor(plan, page[page.length - 1] as Record<string, unknown>) : null };
}

/** The cursor for the page after `last`. */
export function nextCursor(plan: SortPlan, last: Record<string, unknown>): string {
  const raw = plan.kind === 'id' ? null : readPath(last, plan.path);
  const v = raw instanceof Date ? raw.toISOString() : (raw ?? null);
  return encodeCursor({ v, id: String(last._id) });
}

function readPath(doc: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), doc);
}

/** A one-field equality on a scalar (`{ stage: 'new' }`), which FerretDB can push down to SQL. */
function scalarEquality(condition: Filter): [string, unknown] | null {
  const entries = Object.entries(condition);
  if (entries.length !== 1) return null;
  const [key, value] = entries[0]!;
  if (key.startsWith('$') || key.includes('.')) return null;
  const scalar = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date || value instanceof Types.ObjectId;
  return scalar ? [key, value] : null;
}

/**
 * Combines the visibility filter (which holds the tenant) with further conditions. FerretDB v1 pushes
 * only top-level equalities down to SQL (on PostgreSQL; everything under `$and` is filtered after
 * fetching), so every equality whose field is still free goes to the top level, including one that
 * came as a condition; the rest share one `$and`. The result matches the same records.
 */
export function combine(visibility: Filter, equalities: Filter, conditions: Filter[]): Filter {
  const { $and: visibilityAnd, ...rest } = visibility as Filter & { $and?: Filter[] };
  const merged: Filter = { ...rest };
  const and: Filter[] = [...(visibilityAnd ?? [])];
  for (const [key, value] of Object.entries(equalities)) {
    if (key in merged) and.push({ [key]: value });
    else merged[key] = value;
  }
  for (const condition of conditions) {
    const equality = scalarEquality(condition);
    if (equality && !(equality[0] in merged)) merged[equality[0]] = equality[1];
    else and.push(condition);
  }
  if (and.length) merged.$and = and;
  return merged;
}
