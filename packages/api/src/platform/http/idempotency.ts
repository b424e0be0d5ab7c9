import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../db/tenancy.plugin.js';
import { op } from '../db/operators.js';
import { deleteManyBounded } from '../db/bulk-writes.js';
import { AppError, isDuplicateKeyError } from '../errors.js';
import type { Jobs } from '../jobs/jobs.js';
import { Reply, type IdempotencyMode } from './route.js';

/** A create request seen before: its key, what was asked, and the answer once there is one. */
interface IdempotencyRecord {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  scope: string;
  key: string;
  requestHash: string;
  state: 'pending' | 'completed';
  status: number | null;
  body: unknown;
  createdAt: Date;
}

const idempotencySchema = new Schema<IdempotencyRecord>(
  {
    scope: { type: String, required: true },
    key: { type: String, required: true, maxlength: 255 },
    requestHash: { type: String, required: true },
    state: { type: String, enum: ['pending', 'completed'], default: 'pending' },
    status: { type: Number, default: null },
    body: { type: Schema.Types.Mixed, default: null },
    createdAt: { type: Date, default: () => new Date() },
  },
  { versionKey: false },
);
idempotencySchema.plugin(tenantScoped);
idempotencySchema.index({ tenantId: 1, scope: 1, key: 1 }, { unique: true });

export function idempotencyModel(connection: Connection): Model<IdempotencyRecord> {
  return (connection.models.IdempotencyKey as Model<IdempotencyRecord>) ?? connection.model<IdempotencyRecord>('IdempotencyKey', idempotencySchema, 'idempotency_keys');
}

/** A pending key older than this belongs to a request that died; a retry may take it over. */
const ABANDONED_MS = 60_000;
/** Keys are kept this long (contract: 24 h); pruning is a scheduled job's deleteMany. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

/** What a request asks for: method, full URL (path and query) and body, raw bytes included. */
function requestHashOf(req: Request): string {
  const hash = createHash('sha256').update(`${req.method} ${req.originalUrl}\n`);
  if (Buffer.isBuffer(req.body)) hash.update(req.body);
  else hash.update(JSON.stringify(req.body ?? null));
  return hash.digest('hex');
}

/**
 * Runs a create at most once per `Idempotency-Key`: a retry with the same key and body gets the first
 * answer again (with `Idempotent-Replayed: true`), the same key with another body is refused, and a
 * retry while the first is still running answers 409 so the client backs off and tries again. In `once`
 * mode the answer is not kept (it holds a secret shown once), so a retry answers 409 with the id created.
 */
export function createIdempotency(connection: Connection) {
  const Idempotency = idempotencyModel(connection);
  return {
    async run(req: Request, tenantId: Types.ObjectId, scope: string, status: number, handler: () => Promise<unknown>, mode: IdempotencyMode = 'replay'): Promise<unknown> {
      const key = req.get('Idempotency-Key');
      if (!key) return handler();
      if (!/^[\x21-\x7e]{1,255}$/.test(key)) throw AppError.invalidField('header.Idempotency-Key', 'must be 1 to 255 visible ASCII characters');
      const requestHash = requestHashOf(req);
      try {
        await Idempotency.create({ tenantId, scope, key, requestHash });
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        const seen = await Idempotency.findOne({ tenantId, scope, key }).lean();
        if (!seen) throw new AppError('conflict', 'The idempotency key is being reset; retry');
        if (seen.requestHash !== requestHash) throw new AppError('conflict', 'This Idempotency-Key was used for a different request; use a new key');
        if (seen.state === 'completed' && mode === 'once') {
          const id = (seen.body as { id?: unknown } | null)?.id;
          throw new AppError('conflict', `This Idempotency-Key already created ${typeof id === 'string' ? id : 'this resource'}; its answer held a secret shown only once, so it is not replayed. Use a new key to create another.`, {
            extensions: typeof id === 'string' ? { id } : {},
          });
        }
        if (seen.state === 'completed') return new Reply(seen.status ?? 200, seen.body, { 'Idempotent-Replayed': 'true' });
        const takeover = await Idempotency.updateOne(
          { tenantId, scope, key, state: 'pending', createdAt: op({ $lt: new Date(Date.now() - ABANDONED_MS) }) },
          { $set: { createdAt: new Date() } },
        );
        if (takeover.modifiedCount === 0) throw new AppError('conflict', 'A request with this Idempotency-Key is still in progress; retry shortly', { headers: { 'Retry-After': '1' }, extensions: { retryAfter: 1 } });
      }
      try {
        const result = await handler();
        const answer = result instanceof Reply ? { status: result.status, body: result.body } : { status, body: result };
        const stored = mode === 'once' ? { id: (answer.body as { id?: unknown } | null)?.id ?? null } : answer.body;
        await Idempotency.updateOne({ tenantId, scope, key }, { $set: { state: 'completed', status: answer.status, body: JSON.parse(JSON.stringify(stored ?? null)) } });
        return result;
      } catch (error) {
        // A failed attempt leaves no trace, so the client's retry runs the request afresh.
        await Idempotency.deleteOne({ tenantId, scope, key, state: 'pending' });
        throw error;
      }
    },

    /** Deletes keys older than the contract's 24 hours (run by the scheduler). */
    async prune(tenantId: Types.ObjectId, now = new Date()): Promise<number> {
      return deleteManyBounded(Idempotency.collection, { tenantId, createdAt: { $lt: new Date(now.getTime() - IDEMPOTENCY_TTL_MS) } });
    },

    /** Deletes every agency's expired keys at once: an expiry sweep, which is why it may cross tenants. */
    async pruneAll(now = new Date()): Promise<number> {
      // Every agency's keys of a day can be more than one FerretDB delete may take.
      return deleteManyBounded(Idempotency.collection, { createdAt: { $lt: new Date(now.getTime() - IDEMPOTENCY_TTL_MS) } });
    },
  };
}

export type Idempotency = ReturnType<typeof createIdempotency>;

/** The hourly sweep of expired idempotency keys (no TTL indexes: see DESIGN, the database). */
export const IDEMPOTENCY_EXPIRY_JOB = 'idempotency.expiry';

/** Registers the sweep; the scheduler stores it once when it starts. */
export function defineIdempotencyJobs(deps: { idempotency: Idempotency; jobs: Jobs }): void {
  deps.jobs.define(IDEMPOTENCY_EXPIRY_JOB, async () => {
    await deps.idempotency.pruneAll();
  });
  deps.jobs.recurring('23 * * * *', IDEMPOTENCY_EXPIRY_JOB);
}
