import type { Connection, Types } from 'mongoose';
import { bulkWriteBounded } from '../db/bulk-writes.js';
import { duplicateKeyIndexes } from '../errors.js';

/**
 * Email keys: one small document per (agency, kind, primary email) that some record of the kind has or
 * had, `_id` = `<tenant>:<kind>:email:<address in lower case>`, kept in `import_keys` beside the import's
 * external-id and phone keys. They let an import find which of a batch's addresses are new with ONE
 * unordered insert of the batch's keys (a duplicate-key error names the addresses some record already
 * claimed; only those are then read by `primaryEmail`), instead of one equality read per row: FerretDB
 * 1.24 pushes no `$in` down (docs/database.md), so each address was a read of its own.
 *
 * The rule that keeps the dedupe exact: **a key exists before (or together with) any record of the
 * kind holding that primary email**. The record service claims the key on every create, every
 * `createMany` and every update that changes the primary email (record-service.ts); the demo seed claims
 * them for what it inserts raw; records from before keys existed get theirs from `backfillEmailKeys`,
 * and until that has finished for a kind, imports of it read one address at a time as before
 * (`emailKeysReady`). A key may outlive its record or address (a delete, an email changed): such a key
 * only costs the import one read that finds nothing, so deletes need not touch keys. An import's undo
 * drops the keys it claimed that no remaining record holds, and an erasure drops the person's keys (the
 * key holds the address).
 */
export const EMAIL_KEYS_COLLECTION = 'import_keys';
const STATE_COLLECTION = 'email_key_backfill';

export const emailKeyId = (tenantId: Types.ObjectId | string, kind: string, email: string) => `${String(tenantId)}:${kind}:email:${email}`;
/** The address an email key's `_id` stands for, or null for another kind of key. */
export function emailOfKey(id: string): string | null {
  const at = id.indexOf(':email:');
  return at < 0 ? null : id.slice(at + ':email:'.length);
}

export interface EmailKeyClaim {
  tenantId: Types.ObjectId;
  email: string;
  recordId: Types.ObjectId | null;
  importId?: Types.ObjectId | null;
}

/**
 * Inserts the keys (one unordered insert) and answers the indexes of the claims whose key was already
 * there: an address some record of the kind has or had (or an earlier claim of the same list).
 */
export async function claimEmailKeys(connection: Connection, kind: string, claims: readonly EmailKeyClaim[], options: { takeOver?: boolean } = {}): Promise<Set<number>> {
  const existing = new Set<number>();
  if (!claims.length) return existing;
  const keys = connection.db!.collection<{ _id: string; importId: Types.ObjectId | null }>(EMAIL_KEYS_COLLECTION);
  const docs = claims.map((c) => ({ _id: emailKeyId(c.tenantId, kind, c.email), tenantId: c.tenantId, importId: c.importId ?? null, recordId: c.recordId ?? null }));
  try {
    await keys.insertMany(docs as never[], { ordered: false });
  } catch (error) {
    const indexes = duplicateKeyIndexes(error);
    if (!indexes) throw error;
    for (const i of indexes) existing.add(i);
  }
  if (options.takeOver && existing.size) {
    // Another record now holds the address too: the key no longer belongs to the import that claimed it,
    // so that import's undo leaves it (an update by `_id`, 16 to a command).
    await bulkWriteBounded(
      keys,
      [...existing].map((i) => ({ updateOne: { filter: { _id: docs[i]!._id, importId: { $ne: docs[i]!.importId } }, update: { $set: { importId: null } } } })),
      { ordered: false },
    );
  }
  return existing;
}

/** The claims of records a write is about to store (those with a primary email). */
export function claimsOf(docs: ReadonlyArray<Record<string, unknown>>, importId?: Types.ObjectId | null): EmailKeyClaim[] {
  return docs.flatMap((d) => (typeof d.primaryEmail === 'string' && d.primaryEmail ? [{ tenantId: d.tenantId as Types.ObjectId, email: d.primaryEmail, recordId: (d._id as Types.ObjectId | undefined) ?? null, importId: importId ?? null }] : []));
}

const keyedKinds = new WeakMap<Connection, Set<string>>();
/** Kinds (collection names) whose records keep email keys: registered by their record service. */
export function registerEmailKeyedKind(connection: Connection, kind: string): void {
  const kinds = keyedKinds.get(connection) ?? new Set<string>();
  kinds.add(kind);
  keyedKinds.set(connection, kinds);
}

/** Whether the kind's records keep email keys (for writers that insert records without the record service: the demo seed). */
export const isEmailKeyedKind = (connection: Connection, kind: string) => keyedKinds.get(connection)?.has(kind) ?? false;

const ready = new WeakMap<Connection, Set<string>>();

/**
 * Whether every record of the kind has its email key (so an import may trust a missing key): the
 * kind's backfill finished, or the kind has no record at all (every record from here on is written by
 * a process that claims keys). Once true it stays true for the process.
 */
export async function emailKeysReady(connection: Connection, kind: string): Promise<boolean> {
  const known = ready.get(connection) ?? new Set<string>();
  ready.set(connection, known);
  if (known.has(kind)) return true;
  const db = connection.db!;
  const state = await db.collection<{ _id: string; done: boolean }>(STATE_COLLECTION).findOne({ _id: kind });
  let done = Boolean(state?.done);
  if (!done && !state && !(await db.collection(kind).findOne({}, { projection: { _id: 1 } }))) {
    await db.collection<{ _id: string; done: boolean; keyed: number; at: Date }>(STATE_COLLECTION).updateOne({ _id: kind }, { $set: { done: true, keyed: 0, at: new Date() } }, { upsert: true });
    done = true;
  }
  if (done) known.add(kind);
  return done;
}

/**
 * Claims the key of every record of every keyed kind once (records from before keys existed), then
 * records the kind as done. Streams the collection (no filter, no sort), 1,000 keys per insert; can stop
 * anywhere and start again (a key claimed twice is a duplicate, ignored). Answers the keys claimed.
 */
export async function backfillEmailKeys(connection: Connection, options: { log?: (line: string) => void; signal?: AbortSignal } = {}): Promise<number> {
  const db = connection.db!;
  const state = db.collection<{ _id: string; done: boolean; keyed: number; at: Date }>(STATE_COLLECTION);
  let total = 0;
  for (const kind of keyedKinds.get(connection) ?? []) {
    if (options.signal?.aborted) break;
    if ((await state.findOne({ _id: kind }))?.done) continue;
    const cursor = db.collection(kind).find({}, { projection: { _id: 1, tenantId: 1, primaryEmail: 1 }, batchSize: 1000 });
    const claimAll = async (docs: Record<string, unknown>[]) => {
      const claims = claimsOf(docs);
      await claimEmailKeys(connection, kind, claims);
      return claims.length;
    };
    let batch: Record<string, unknown>[] = [];
    let keyed = 0;
    let stopped = false;
    try {
      for await (const doc of cursor) {
        if (options.signal?.aborted) {
          stopped = true;
          break;
        }
        batch.push(doc);
        if (batch.length >= 1000) {
          keyed += await claimAll(batch);
          batch = [];
        }
      }
      if (!stopped && batch.length) keyed += await claimAll(batch);
    } finally {
      await cursor.close();
    }
    if (stopped) break;
    await state.updateOne({ _id: kind }, { $set: { done: true, keyed, at: new Date() } }, { upsert: true });
    total += keyed;
    if (keyed) options.log?.(`email keys: ${keyed} ${kind} records keyed`);
  }
  return total;
}
