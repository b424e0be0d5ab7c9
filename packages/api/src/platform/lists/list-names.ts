import { createHash } from 'node:crypto';
import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { searchedWithoutPendingList } from '../db/pushdown-options.js';
import { normalizeText } from '../search/search-tokens.js';
import type { ListSpec } from '../records/list-query.js';

/**
 * Alphabetical list orders from list rows (docs/database.md, "Lists"). For each name sort a kind declares
 * (`NAME_SORTS`), its row holds:
 * - `nk_<sort>`: the sort key, the value lower-cased with accents folded (the search module's
 *   `normalizeText`), trimmed, at most `NAME_KEY_MAX` characters; '' when there is none;
 * - `n1`, `n2`, `n3`: the row's prefix buckets of every name sort (one entry per sort in each), named
 *   `<tag>:<label>` (the tag short for `<tenant>:<kind>:<sort>`, `scopeTag`), the label being the key's first 1, 2 or 3 characters, each of them
 *   classed (`classOf`: a-z and 0-9 as they are, anything else in one of three classes by where it sorts),
 *   so a bucket is found by equality (all FerretDB 1.24 pushes down) and buckets in label order hold keys
 *   in key order.
 * The labels of level 3 that hold rows are listed in `list_name_labels` (one document per label, made by
 * the row write that first files a row under it, never removed): a walk reads the kind's labels, then,
 * label by label, the smallest bucket that is expected to fill the page (list-name-walk.ts).
 */
export const NAME_SORTS = ['lastName', 'companyName', 'name'] as const;
export const NAME_KEY_MAX = 64;
export const NAME_LEVELS = [1, 2, 3] as const;

/** The name sorts of a kind's list spec: those of `NAME_SORTS` it declares on text. */
export function nameSortsOf(spec: ListSpec): string[] {
  return NAME_SORTS.filter((sort) => spec.sorts[sort]?.kind === 'string');
}

/** The row field holding a name sort's key. */
export const nameKeyField = (sort: string) => `nk_${sort}`;

/** A value's sort key: normalised (lower case, accents folded), trimmed, capped; '' for none. */
export function nameKey(value: unknown): string {
  if (typeof value !== 'string') return '';
  return normalizeText(value).trim().slice(0, NAME_KEY_MAX);
}

/** One key character's label character: a-z and 0-9 themselves, others by range ('!' before '0', '@' between '9' and 'a', '~' after 'z'). */
function classOf(ch: string): string {
  if ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z')) return ch;
  return ch < '0' ? '!' : ch < 'a' ? '@' : '~';
}

/** The label of a key at `level` (1-3): its first `level` characters, classed; shorter when the key is. */
export function nameLabel(key: string, level: number): string {
  return Array.from(key.slice(0, level), classOf).join('');
}

/** The scope of a (tenant, kind, sort)'s labels. */
export const nameScope = (tenantId: Types.ObjectId, kind: string, sort: string) => `${tenantId.toHexString()}:${kind}:${sort}`;

/**
 * A scope's tag: 10 characters of its SHA-1, what bucket values start with instead of the scope itself (a row
 * holds six of them; FerretDB decodes every field of every row a walk reads, a cold block-walk page included).
 * Two scopes with one tag would share buckets: a walk also matches the row's tenant and kind.
 */
export const scopeTag = (scope: string) => createHash('sha1').update(scope).digest('base64url').slice(0, 10);

/** The bucket value of a label in a scope (what `n1`/`n2`/`n3` hold): `<scope tag>:<label>`. */
export const nameBucket = (scope: string, label: string) => `${scopeTag(scope)}:${label}`;

/** A record's name fields for its row (none when the kind declares no name sort). */
export function nameFields(tenantId: Types.ObjectId, kind: string, spec: ListSpec, record: Record<string, unknown>): Record<string, unknown> {
  const sorts = nameSortsOf(spec);
  if (!sorts.length) return {};
  const fields: Record<string, unknown> = { n1: [], n2: [], n3: [] };
  for (const sort of sorts) {
    const key = nameKey(readPath(record, spec.sorts[sort]!.path));
    fields[nameKeyField(sort)] = key;
    const scope = nameScope(tenantId, kind, sort);
    for (const level of NAME_LEVELS) (fields[`n${level}`] as string[]).push(nameBucket(scope, nameLabel(key, level)));
  }
  return fields;
}

function readPath(doc: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), doc);
}

interface NameLabel {
  /** The level-3 bucket value: `<scope tag>:<label>`. */
  _id: string;
  /** The scope's tag: what a walk reads by. */
  t: string;
}

const labelSchema = new Schema<NameLabel>({ _id: String, t: String }, { collection: 'list_name_labels', versionKey: false, autoIndex: false });
labelSchema.index({ t: 1 });
searchedWithoutPendingList(labelSchema);

export function nameLabelModel(connection: Connection): Model<NameLabel> {
  return (connection.models.ListNameLabel as Model<NameLabel> | undefined) ?? connection.model<NameLabel>('ListNameLabel', labelSchema);
}

/** Labels this process knows are listed (bounded: forgotten all at once past the cap, then listed again on first use). */
const known = new WeakMap<Connection, Set<string>>();
const KNOWN_MAX = 200_000;

/**
 * Lists the level-3 labels of `rows` (their `n3`) that this process has not listed yet: one unordered
 * insert, a label already listed skipped (its duplicate `_id`). Called before the rows are written, so a
 * walk that finds a row also finds its label.
 */
export async function listNameLabels(connection: Connection, rows: ReadonlyArray<Record<string, unknown>>): Promise<void> {
  let seen = known.get(connection);
  if (!seen) known.set(connection, (seen = new Set()));
  const fresh = new Set<string>();
  for (const row of rows) for (const bucket of (row.n3 as string[] | undefined) ?? []) if (!seen.has(bucket)) fresh.add(bucket);
  if (!fresh.size) return;
  const docs = [...fresh].map((bucket) => ({ _id: bucket, t: bucket.slice(0, bucket.lastIndexOf(':')) }));
  try {
    await nameLabelModel(connection).collection.insertMany(docs as never[], { ordered: false });
  } catch (error) {
    const e = error as { code?: number; writeErrors?: { code: number } | Array<{ code: number }> };
    const writeErrors = e.writeErrors === undefined ? [] : Array.isArray(e.writeErrors) ? e.writeErrors : [e.writeErrors];
    const codes = writeErrors.length ? writeErrors.map((w) => w.code) : [e.code];
    if (codes.some((c) => c !== 11000)) throw error;
  }
  if (seen.size + fresh.size > KNOWN_MAX) seen.clear();
  for (const bucket of fresh) seen.add(bucket);
}

/** The level-3 labels listed for a scope, in ascending order. */
export async function readNameLabels(connection: Connection, scope: string): Promise<string[]> {
  const tag = scopeTag(scope);
  const docs = await nameLabelModel(connection).find({ t: tag }).select({ _id: 1 }).lean<Array<{ _id: string }>>();
  return docs.map((d) => d._id.slice(tag.length + 1)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
