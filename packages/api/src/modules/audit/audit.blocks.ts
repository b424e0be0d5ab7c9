import type { Model, Types } from 'mongoose';
import { blockOf, type AuditEntry } from './audit.model.js';

/**
 * Reads a tenant's chain a block of seqs at a time, by equality only (`{tenantId, block}`, then
 * `{tenantId, seq}` point lookups), so that FerretDB pushes every filter down and never sorts: the cost
 * of a walk is the entries it reads, never the length of the trail. Entries written before blocks
 * existed have no `block`; a point lookup finds them and the reader stores their block (not hashed),
 * so the next walk reads them with the rest.
 */
export function createBlockReader(Entry: Model<AuditEntry>, tenantId: Types.ObjectId) {
  const blocks = new Map<number, Map<number, AuditEntry>>();

  async function block(b: number): Promise<Map<number, AuditEntry>> {
    let entries = blocks.get(b);
    if (!entries) {
      entries = new Map((await Entry.find({ tenantId, block: b }).lean()).map((e) => [e.seq, e as AuditEntry]));
      blocks.set(b, entries);
    }
    return entries;
  }

  return {
    /** The entries of block `b` by seq (read once; `at` adds the ones it finds by point lookup). */
    entriesOf: block,

    /** The entry at `seq`, or null when no entry holds it. */
    async at(seq: number): Promise<AuditEntry | null> {
      const entries = await block(blockOf(seq));
      const found = entries.get(seq);
      if (found) return found;
      const legacy = (await Entry.findOne({ tenantId, seq }).lean()) as AuditEntry | null;
      if (!legacy) return null;
      entries.set(seq, legacy);
      // By `_id` (read from this tenant just above): the filter every FerretDB handler pushes down.
      await Entry.collection.updateOne({ _id: legacy._id }, { $set: { block: blockOf(seq) } });
      return legacy;
    },

    /**
     * The first entry after `seq` in its block or the next one: whether a missing seq is a hole in the
     * chain (something was written after it) or its end.
     */
    async firstAfter(seq: number): Promise<AuditEntry | null> {
      for (const b of [blockOf(seq), blockOf(seq) + 1]) {
        let first: AuditEntry | null = null;
        for (const entry of (await block(b)).values()) if (entry.seq > seq && (!first || entry.seq < first.seq)) first = entry;
        if (first) return first;
      }
      return null;
    },

    /** Forgets what was read, so a later pass sees entries written since. */
    clear(): void {
      blocks.clear();
    },
  };
}

/**
 * The first seq at or after `from` that holds no entry, by point lookups: doubling steps until a free
 * one, then bisection. Seqs are claimed in order, so this is the next free seq in O(log distance) reads
 * (a hole left by a writer that failed may be found first; claiming it is as good, it fills the hole).
 */
export async function firstFreeSeq(Entry: Model<AuditEntry>, tenantId: Types.ObjectId, from: number): Promise<number> {
  const taken = async (seq: number) => (await Entry.exists({ tenantId, seq })) !== null;
  if (!(await taken(from))) return from;
  let low = from; // taken
  let step = 1;
  while (await taken(low + step)) {
    low += step;
    step *= 2;
  }
  let high = low + step; // free
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (await taken(mid)) low = mid;
    else high = mid;
  }
  return high;
}
