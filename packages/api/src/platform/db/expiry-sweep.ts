import type { Model, Schema } from 'mongoose';
import type { Logger } from 'pino';
import type { Jobs } from '../jobs/jobs.js';
import { deleteManyBounded } from './bulk-writes.js';

/**
 * Rows that only matter until they expire (sessions, refresh tokens, emailed tokens, the claims that
 * spent them) are deleted by day, not by a range: each carries the UTC day after its expiry as
 * `sweepDay`, and the sweep deletes `{ sweepDay: <day> }` for each of the last days. An equality on a
 * top-level indexed field is pushed down to PostgreSQL and served by its GIN twin on FerretDB, where
 * `{ expiresAt: { $lt: now } }` would decode every row of the collection each time (docs/database.md).
 */

/** How many past days each sweep looks at: a sweep that did not run for longer leaves older days behind. */
export const SWEEP_LOOKBACK_DAYS = 40;

/** The UTC day (`YYYY-MM-DD`) on which a row that expires at `expiresAt` is swept: the day after. */
export function sweepDayOf(expiresAt: Date): string {
  return new Date(Date.UTC(expiresAt.getUTCFullYear(), expiresAt.getUTCMonth(), expiresAt.getUTCDate() + 1)).toISOString().slice(0, 10);
}

/** The days a sweep at `now` deletes: today and the `SWEEP_LOOKBACK_DAYS` days before it. */
export function sweepDays(now: Date): string[] {
  return Array.from({ length: SWEEP_LOOKBACK_DAYS + 1 }, (_, i) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - i)).toISOString().slice(0, 10));
}

/**
 * Schema plugin for a model whose documents are created with their `expiresAt` and keep it: the
 * document gets `sweepDay` from it when it is validated (create, save, insertMany), and an index for the sweep.
 */
export function sweptAfterExpiry(schema: Schema): void {
  schema.add({ sweepDay: { type: String, default: null } });
  schema.index({ sweepDay: 1 });
  schema.pre('validate', function setSweepDay() {
    const expiresAt = this.get('expiresAt') as Date | null | undefined;
    if (expiresAt instanceof Date && !Number.isNaN(expiresAt.getTime())) this.set('sweepDay', sweepDayOf(expiresAt));
  });
}

/**
 * Deletes the rows of `model` whose sweep day has come (`sweepDays(now)`), one equality delete per day.
 * Rows stored before they carried a `sweepDay` are left alone. Answers how many were deleted.
 */
export async function sweepExpired(model: Pick<Model<unknown>, 'collection'>, now: Date): Promise<number> {
  let deleted = 0;
  for (const day of sweepDays(now)) {
    // On the collection, past the models' middleware: the sweep is the platform's and spans every agency,
    // and an expired session's removal changes nobody's access (it ended when it expired).
    deleted += await deleteManyBounded(model.collection, { sweepDay: day });
  }
  return deleted;
}

export const EXPIRY_SWEEP_JOB = 'platform.expired-rows.sweep';

/**
 * The hourly sweep of the given models' expired rows (the composition root names them: sessions,
 * refresh tokens, emailed tokens and links, single-use claims). Deleting twice is harmless, so two
 * processes that both run it change nothing more than one.
 */
export function defineExpirySweepJob(deps: { jobs: Jobs; logger: Logger; models: ReadonlyArray<{ name: string; model: Pick<Model<unknown>, 'collection'> }> }): void {
  deps.jobs.define(EXPIRY_SWEEP_JOB, async () => {
    const now = new Date();
    const deleted: Record<string, number> = {};
    for (const { name, model } of deps.models) deleted[name] = await sweepExpired(model, now);
    if (Object.values(deleted).some(Boolean)) deps.logger.info({ deleted }, 'expired rows swept');
  });
  deps.jobs.recurring('41 * * * *', EXPIRY_SWEEP_JOB, { timezone: 'UTC' });
}
