import { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKeyError } from '../errors.js';
import { sweepDayOf } from './expiry-sweep.js';

/**
 * Single use that holds on every engine we run on: the one insert of a key into `single_use_claims`
 * (its `_id` is unique) wins, every other insert of it fails on the key.
 *
 * A conditional update (`findOneAndUpdate({ tokenHash, usedAt: null }, { $set: { usedAt } })`) is atomic
 * on MongoDB, but FerretDB v1 runs it as "find, then write by id": two requests that both find the token
 * unused both write, and both sign in with one single-use link. Callers claim the key first and write
 * their own `usedAt` after it, for people to read; the claim is what decides. A process that dies between
 * the two leaves the token claimed and unusable: it fails closed.
 *
 * A claim on something that expires (a refresh token, an emailed link) is needed only until then: made
 * with `until`, it is deleted by the expiry sweep the day after (platform/db/expiry-sweep.ts). Claims
 * without `until` (a project per won deal, an invoice event) are kept.
 */
interface SingleUseClaim {
  _id: string;
  at: Date;
  sweepDay: string | null;
}

const schema = new Schema<SingleUseClaim>(
  { _id: { type: String, required: true }, at: { type: Date, required: true }, sweepDay: { type: String, default: null } },
  { versionKey: false, collection: 'single_use_claims' },
);
schema.index({ at: 1 });
schema.index({ sweepDay: 1 });

export function claimModel(connection: Connection): Model<SingleUseClaim> {
  return (connection.models.SingleUseClaim as Model<SingleUseClaim> | undefined) ?? connection.model<SingleUseClaim>('SingleUseClaim', schema);
}

/**
 * True for the one caller that claims `key` first; false for everyone after it. `until`: when what is
 * claimed expires by itself (after that, the claim may be forgotten).
 */
export async function claimOnce(connection: Connection, key: string, options: { until?: Date } = {}): Promise<boolean> {
  try {
    await claimModel(connection).create({ _id: key, at: new Date(), sweepDay: options.until ? sweepDayOf(options.until) : null });
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}
