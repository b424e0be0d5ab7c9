import { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKeyError } from '../errors.js';

/**
 * Single use that holds on every engine we run on: the one insert of a key into `single_use_claims`
 * (its `_id` is unique) wins, every other insert of it fails on the key.
 *
 * A conditional update (`findOneAndUpdate({ tokenHash, usedAt: null }, { $set: { usedAt } })`) is atomic
 * on MongoDB, but FerretDB v1 runs it as "find, then write by id": two requests that both find the token
 * unused both write, and both sign in with one single-use link. Callers claim the key first and write
 * their own `usedAt` after it, for people to read; the claim is what decides. A process that dies between
 * the two leaves the token claimed and unusable: it fails closed.
 */
interface SingleUseClaim {
  _id: string;
  at: Date;
}

const schema = new Schema<SingleUseClaim>({ _id: { type: String, required: true }, at: { type: Date, required: true } }, { versionKey: false, collection: 'single_use_claims' });
schema.index({ at: 1 });

function claimModel(connection: Connection): Model<SingleUseClaim> {
  return (connection.models.SingleUseClaim as Model<SingleUseClaim> | undefined) ?? connection.model<SingleUseClaim>('SingleUseClaim', schema);
}

/** True for the one caller that claims `key` first; false for everyone after it. */
export async function claimOnce(connection: Connection, key: string): Promise<boolean> {
  try {
    await claimModel(connection).create({ _id: key, at: new Date() });
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}
