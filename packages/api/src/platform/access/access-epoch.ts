import type { Schema } from 'mongoose';

/**
 * What a principal may see is computed from roles, users, teams and products. Resolving it takes several
 * queries, on every request; so the result is kept for a few seconds (modules/identity/principal.service),
 * and every write to those collections in this process ends that at once: their schemas take this
 * plugin, which moves the epoch on after any save, update, insert or delete. Other API processes see a
 * change when their entry expires (ACCESS_CACHE_MS).
 */
let epoch = 0;

export function accessEpoch(): number {
  return epoch;
}

/** How long a resolved principal may be reused by a process that did not make the change. */
export const ACCESS_CACHE_MS = 5_000;

const writes = ['save', 'updateOne', 'updateMany', 'findOneAndUpdate', 'findOneAndReplace', 'replaceOne', 'deleteOne', 'deleteMany', 'findOneAndDelete'] as const;

export function invalidatesAccess(schema: Schema): void {
  const bump = () => {
    epoch += 1;
  };
  for (const op of writes) {
    schema.pre(op as never, bump);
    schema.post(op as never, bump);
  }
  schema.pre('insertMany', bump);
  schema.post('insertMany', bump);
}
