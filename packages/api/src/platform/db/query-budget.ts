import mongoose, { type Schema } from 'mongoose';
import { AppError } from '../errors.js';

/**
 * Every query runs with a time budget: `maxTimeMS` is added to each Mongoose query and aggregation that
 * does not set its own (`DB_QUERY_TIMEOUT_MS`; 0 turns it off). The server stops a query that runs past
 * it and frees its connection, so one slow list cannot keep a pooled connection for long. FerretDB
 * v1.24 honours `maxTimeMS` on find, aggregate, findAndModify and awaitData getMore; it ignores it on
 * count, update and delete (those run by `_id` or indexed equality here) and refuses it on distinct, which is left without. Work that is meant to take
 * longer (a job's full pass) sets its own `maxTimeMS`.
 */
let budgetMs = 0;

/** Sets the budget for this process (the last runtime started wins; every runtime of a process shares the config). */
export function setQueryBudget(ms: number): void {
  budgetMs = ms;
}

/** The budget now in force, in milliseconds (0: none). */
export function queryBudget(): number {
  return budgetMs;
}

const QUERY_OPS = [
  'find',
  'findOne',
  'countDocuments',
  'findOneAndUpdate',
  'findOneAndDelete',
  'findOneAndReplace',
  'updateOne',
  'updateMany',
  'deleteOne',
  'deleteMany',
  'replaceOne',
] as const;

/** The Mongoose plugin that adds the budget; registered globally, so every model gets it. */
export function queryBudgetPlugin(schema: Schema): void {
  schema.pre([...QUERY_OPS], { document: false, query: true }, function (this: mongoose.Query<unknown, unknown>) {
    if (budgetMs > 0 && this.getOptions().maxTimeMS === undefined) this.maxTimeMS(budgetMs);
  });
  schema.pre('aggregate', function (this: mongoose.Aggregate<unknown>) {
    if (budgetMs > 0 && this.options.maxTimeMS === undefined) this.option({ maxTimeMS: budgetMs });
  });
}

mongoose.plugin(queryBudgetPlugin);

/**
 * The answer for a query stopped by its budget (MongoDB and FerretDB: code 50, MaxTimeMSExpired) or a
 * request that waited too long for a pooled connection: 503 with Retry-After, never a 500.
 */
export function budgetProblem(error: unknown): AppError | undefined {
  const e = error as { code?: unknown; codeName?: unknown; name?: unknown } | null;
  if (!e || typeof e !== 'object') return undefined;
  if (e.code === 50 || e.codeName === 'MaxTimeMSExpired') {
    return new AppError('unavailable', 'The database did not answer within the time budget of a request; narrow the filter or try again', {
      headers: { 'Retry-After': '1' },
      cause: error,
    });
  }
  if (e.name === 'MongoWaitQueueTimeoutError' || e.name === 'WaitQueueTimeoutError') {
    return new AppError('unavailable', 'The database is busy; try again in a moment', { headers: { 'Retry-After': '1' }, cause: error });
  }
  return undefined;
}
