import { Types, type Connection } from 'mongoose';
import { bulkBlocks, newestBlock, writeBlock } from '../../platform/lists/list-blocks.js';
import { LEVEL_SPANS } from '../../platform/lists/list-row.model.js';
import { decodeRowCursor, encodeRowCursor } from '../../platform/records/cursor.js';
import { bulkWriteBounded } from '../../platform/db/bulk-writes.js';
import { claimOnce } from '../../platform/db/claim-once.js';
import { op } from '../../platform/db/operators.js';
import { AppError } from '../../platform/errors.js';
import { eventRegistrationModel, salesEventModel, type EventRegistration, type SalesEvent } from './sales-event.model.js';

/**
 * An event's registrations in registration order, read by equality only (FerretDB 1.24 pushes down
 * top-level equalities and never a sort): each registration is filed in a write-order block of its event
 * (platform/lists/list-blocks.ts, scope `registration:<eventId>`; at most 64 registrations a block, block
 * numbers dense from 0) and named by that block at three levels (`ob0` one block, `ob1` 16, `ob2` 256).
 * A page reads the blocks from the cursor's on, two buckets at a time, widening when the role filter
 * matches few, so it decodes about a page of rows, not the event's thousand. Order: (block, `_id`), which is
 * `_id` order (oldest first) for registrations written by one API process; several processes fill blocks
 * of their own, so theirs interleave by block (minutes at most), never repeat or skip across pages.
 */
export const MAX_ROUNDS = 4;

/** The fields a registration is filed with in block `block` of its event. */
export function registrationFiling(eventId: Types.ObjectId, block: number): Pick<EventRegistration, 'ob' | 'ob0' | 'ob1' | 'ob2'> {
  const key = (level: number) => `${String(eventId)}:${level}:${Math.floor(block / LEVEL_SPANS[level]!)}`;
  return { ob: block, ob0: key(0), ob1: key(1), ob2: key(2) };
}

const scopeOf = (eventId: Types.ObjectId) => `registration:${String(eventId)}`;

/** The block the next registration of this process for the event goes to. */
export const registrationBlock = (connection: Connection, tenantId: Types.ObjectId, eventId: Types.ObjectId) => writeBlock(connection, tenantId, scopeOf(eventId));

/** Fresh whole blocks for `count` registrations of one event written in bulk, in the order given (a seed, the filing of an old event). */
export const registrationBlocks = (connection: Connection, tenantId: Types.ObjectId, eventId: Types.ObjectId, count: number, perBlock?: number) => bulkBlocks(connection, tenantId, scopeOf(eventId), count, perBlock);

/** How long one process's filing of an old event holds it before another may file it again (one that died half-way). */
const FILING_WINDOW_MS = 10 * 60_000;

/**
 * Files an event whose registrations were stored before they were filed (once per event, at its first
 * list), and answers whether this call did it. One caller per 10-minute window wins the claim (the one
 * atomic write FerretDB makes: a unique insert); the others answer false and page the old way meanwhile.
 * The winner files every registration of the event, in `_id` order, into fresh blocks (so a run that died
 * half-way is simply redone), marks the event, then files those written meanwhile unfiled (a process that
 * read the event before the mark files its own after writing it; see `fileLateRegistration`).
 */
export async function fileEventRegistrations(connection: Connection, event: Pick<SalesEvent, '_id' | 'tenantId'>): Promise<boolean> {
  const window = Math.floor(Date.now() / FILING_WINDOW_MS);
  if (!(await claimOnce(connection, `sales-event-registration-filing:${String(event._id)}:${window}`, { until: new Date((window + 1) * FILING_WINDOW_MS) }))) return false;
  const Registration = eventRegistrationModel(connection);
  const file = async (unfiledOnly: boolean) => {
    const all = await Registration.find({ tenantId: event.tenantId, eventId: event._id }).select({ _id: 1, ob: 1 }).lean<Pick<EventRegistration, '_id' | 'ob'>[]>();
    const rows = all.filter((r) => !unfiledOnly || typeof r.ob !== 'number').sort((a, b) => (String(a._id) < String(b._id) ? -1 : 1));
    if (!rows.length) return;
    const blocks = await registrationBlocks(connection, event.tenantId, event._id, rows.length);
    // Bounded batches: one command of hundreds of updates wedges FerretDB's pool (bulk-writes.ts).
    await bulkWriteBounded(Registration.collection, rows.map((r, i) => ({ updateOne: { filter: { tenantId: event.tenantId, _id: r._id, ...(unfiledOnly ? { ob: null } : {}) }, update: { $set: registrationFiling(event._id, blocks[i]!) } } })), { ordered: false });
  };
  await file(false);
  await salesEventModel(connection).updateOne({ tenantId: event.tenantId, _id: event._id }, { $set: { registrationsFiled: true } });
  await file(true);
  return true;
}

/**
 * A page the way the list read before blocks, for an event being filed by another caller: every
 * registration of the event (matching `equal`) after the cursor, sorted by `_id`; its cursors are bare ids,
 * which the block walk also takes.
 */
export async function registrationPageBySort(connection: Connection, event: Pick<SalesEvent, '_id' | 'tenantId'>, query: { limit: number; cursor?: string | undefined; equal?: Record<string, unknown> }): Promise<Omit<RegistrationPage, 'rounds' | 'reads'>> {
  const filter: Record<string, unknown> = { tenantId: event.tenantId, eventId: event._id, ...query.equal };
  if (query.cursor) {
    if (!/^[a-f0-9]{24}$/.test(query.cursor)) throw AppError.invalidField('query.cursor', 'is not a cursor this API issued for this list', 'invalid_cursor');
    filter._id = op({ $gt: new Types.ObjectId(query.cursor) });
  }
  const found = await eventRegistrationModel(connection).find(filter).sort({ _id: 1 }).limit(query.limit + 1).lean<EventRegistration[]>();
  const rows = found.slice(0, query.limit);
  return { rows, hasMore: found.length > query.limit, nextCursor: found.length > query.limit ? String(rows.at(-1)!._id) : null };
}

/** After writing a registration unfiled (its event was not filed when read): files it when the event got filed meanwhile. */
export async function fileLateRegistration(connection: Connection, event: Pick<SalesEvent, '_id' | 'tenantId'>, registrationId: Types.ObjectId): Promise<void> {
  const now = await salesEventModel(connection).findOne({ tenantId: event.tenantId, _id: event._id }).select({ registrationsFiled: 1 }).lean();
  if (!now?.registrationsFiled) return; // the event's filing, later, takes it
  const block = await registrationBlock(connection, event.tenantId, event._id);
  await eventRegistrationModel(connection).updateOne({ tenantId: event.tenantId, _id: registrationId, ob: null }, { $set: registrationFiling(event._id, block) });
}

export interface RegistrationPage {
  rows: EventRegistration[];
  hasMore: boolean;
  nextCursor: string | null;
  /** Sequential rounds and reads of registrations (tests bound them). */
  rounds: number;
  reads: number;
}

const keyOf = (r: EventRegistration) => String(r._id);

/** The position after which a page starts: a cursor this list issued, or (as before blocks) a bare registration id. */
async function boundOf(connection: Connection, event: Pick<SalesEvent, '_id' | 'tenantId'>, cursor: string): Promise<{ b: number; s: string; r: number }> {
  if (/^[a-f0-9]{24}$/.test(cursor)) {
    const at = await eventRegistrationModel(connection).findOne({ tenantId: event.tenantId, eventId: event._id, _id: cursor as never }).select({ ob: 1 }).lean();
    if (!at || typeof at.ob !== 'number') throw AppError.invalidField('query.cursor', 'is not a cursor this API issued for this list', 'invalid_cursor');
    return { b: at.ob, s: cursor, r: -1 };
  }
  return decodeRowCursor(cursor, 'c', 1);
}

/** One page of an event's registrations in registration order (see above), `equal` holding top-level equalities (the role). */
export async function registrationPage(connection: Connection, event: Pick<SalesEvent, '_id' | 'tenantId'>, query: { limit: number; cursor?: string | undefined; equal?: Record<string, unknown> }): Promise<RegistrationPage> {
  const Registration = eventRegistrationModel(connection);
  const head = await newestBlock(connection, event.tenantId, scopeOf(event._id));
  const bound = query.cursor ? await boundOf(connection, event, query.cursor) : null;
  const beyond = (r: EventRegistration) => !bound || r.ob > bound.b || (r.ob === bound.b && keyOf(r) > bound.s);
  const want = query.limit + 1;
  const found: EventRegistration[] = [];
  let next = bound ? bound.b : 0;
  let level = 0;
  let rounds = 0;
  let reads = 0;
  let blocksSeen = 0;
  let matchesSeen = 0;
  const estimate = () => (blocksSeen ? matchesSeen / blocksSeen : (bound?.r ?? -1));

  // The registrations of bucket `lvl` holding block `at`, kept from block `at` on (up to the head) and past the cursor.
  const readBucket = async (at: number, lvl: number) => {
    const span = LEVEL_SPANS[lvl]!;
    const hi = Math.min(Math.floor(at / span) * span + span - 1, head);
    reads += 1;
    const rows = await Registration.find({ tenantId: event.tenantId, ...query.equal, [`ob${lvl}`]: `${String(event._id)}:${lvl}:${Math.floor(at / span)}` }).batchSize(10_000).lean<EventRegistration[]>();
    const kept = rows.filter((r) => r.ob >= at && r.ob <= hi && beyond(r));
    const whole = bound && bound.b >= at && bound.b <= hi ? 1 : 0;
    return { kept, fresh: whole ? kept.filter((r) => r.ob !== bound!.b).length : kept.length, blocks: hi - at + 1 - whole, nextAt: hi + 1 };
  };

  while (found.length < want && next <= head && rounds < MAX_ROUNDS) {
    const need = want - found.length;
    const perBlock = estimate();
    if (perBlock >= 0) {
      let wanted = LEVEL_SPANS.findIndex((span) => perBlock * span * 2 >= need);
      if (wanted === -1) wanted = LEVEL_SPANS.length - 1;
      level = rounds > 0 ? Math.min(wanted, level + 1) : wanted;
    }
    rounds += 1;
    // Two buckets at once: the one holding `next` and the one after it (a page of 50 fits in two full blocks).
    const first = await Promise.all([readBucket(next, level), ...(Math.floor(next / LEVEL_SPANS[level]!) * LEVEL_SPANS[level]! + LEVEL_SPANS[level]! <= head ? [readBucket(Math.floor(next / LEVEL_SPANS[level]!) * LEVEL_SPANS[level]! + LEVEL_SPANS[level]!, level)] : [])]);
    for (const result of first) {
      found.push(...result.kept);
      blocksSeen += result.blocks;
      matchesSeen += result.fresh;
      next = result.nextAt;
    }
  }

  found.sort((x, y) => x.ob - y.ob || (keyOf(x) < keyOf(y) ? -1 : keyOf(x) > keyOf(y) ? 1 : 0));
  const r = Math.round(Math.max(estimate(), 0) * 100) / 100;
  const rows = found.slice(0, query.limit);
  if (found.length > query.limit) {
    const last = rows.at(-1)!;
    return { rows, hasMore: true, nextCursor: encodeRowCursor({ o: 'c', d: 1, b: last.ob, s: keyOf(last), r }), rounds, reads };
  }
  if (next > head) return { rows, hasMore: false, nextCursor: null, rounds, reads };
  // Stopped by the read cap: every block before `next` was read; the next page starts with the whole of block `next`.
  return { rows, hasMore: true, nextCursor: encodeRowCursor({ o: 'c', d: 1, b: next, s: '', r }), rounds, reads };
}
