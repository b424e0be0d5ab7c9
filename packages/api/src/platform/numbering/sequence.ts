import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../db/tenancy.plugin.js';
import { isDuplicateKeyError } from '../errors.js';

/**
 * One number given: the claim of `value` by the document `ownerId`. The unique index on
 * (tenantId, key, value) is the atomic step (FerretDB's conditional updates are not compare-and-set
 * under concurrency; a unique index is enforced by PostgreSQL): a number belongs to whoever inserted its
 * claim first, and a claim is only ever made for one more than a number already claimed, so the
 * numbers are consecutive. The document gets its number from its claim, again after a crash.
 */
interface SequenceClaim {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  key: string;
  value: number;
  ownerId: Types.ObjectId;
}

/** The highest number known to be claimed: a hint to start probing from, never ahead of the claims. */
interface SequenceCounter {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  key: string;
  value: number;
}

const claimSchema = new Schema<SequenceClaim>({ key: { type: String, required: true }, value: { type: Number, required: true }, ownerId: { type: Schema.Types.ObjectId, required: true } }, { versionKey: false });
claimSchema.plugin(tenantScoped);
claimSchema.index({ tenantId: 1, key: 1, value: 1 }, { unique: true });
claimSchema.index({ tenantId: 1, ownerId: 1 });

const counterSchema = new Schema<SequenceCounter>({ key: { type: String, required: true }, value: { type: Number, default: 0 } }, { versionKey: false });
counterSchema.plugin(tenantScoped);
counterSchema.index({ tenantId: 1, key: 1 }, { unique: true });

function claimModel(connection: Connection): Model<SequenceClaim> {
  return (connection.models.SequenceClaim as Model<SequenceClaim>) ?? connection.model<SequenceClaim>('SequenceClaim', claimSchema, 'sequenceClaims');
}
function counterModel(connection: Connection): Model<SequenceCounter> {
  return (connection.models.SequenceCounter as Model<SequenceCounter>) ?? connection.model<SequenceCounter>('SequenceCounter', counterSchema, 'sequenceCounters');
}

/** Where a claimed number is written: the target document, if it has none yet (idempotent). */
export interface NumberTarget {
  write(tenantId: Types.ObjectId, id: Types.ObjectId, value: number): Promise<void>;
}

/** Gapless per-tenant numbering (invoices): `next` gives the document `id` the next number, exactly once. */
export function createSequence(connection: Connection, key: string, target: NumberTarget) {
  const Claim = claimModel(connection);
  const Counter = counterModel(connection);

  return {
    /** Gives the stored document `id` the tenant's next number and writes it there; a retry for the same id gets the same number. */
    async next(tenantId: Types.ObjectId, id: Types.ObjectId): Promise<number> {
      const mine = await Claim.findOne({ tenantId, key, ownerId: id }).lean<SequenceClaim>();
      if (mine) {
        await target.write(tenantId, id, mine.value);
        return mine.value;
      }
      let value = ((await Counter.findOne({ tenantId, key }).lean<SequenceCounter>())?.value ?? 0) + 1;
      for (;;) {
        try {
          await Claim.collection.insertOne({ tenantId, key, value, ownerId: id } as never);
          break;
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error;
          value += 1;
        }
      }
      await target.write(tenantId, id, value);
      await Counter.updateOne({ tenantId, key }, { $max: { value } }, { upsert: true }).catch((error: unknown) => {
        // Two first numbers of a tenant may race to create the hint; the other one's $max stands.
        if (!isDuplicateKeyError(error)) throw error;
      });
      return value;
    },
  };
}
