import type { Request, RequestHandler, Response } from 'express';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { createClient } from '../redis.js';
import { AppError } from '../errors.js';
import type { RouteSpec } from './route.js';

/**
 * Budgets counted by rate-limiter-flexible: in Redis when `REDIS_URL` is set, so a limit holds across
 * every API process, in this process's memory otherwise. A Redis that stops answering falls back to
 * memory (the insurance limiter) rather than refusing or waving everyone through.
 */
type RedisClient = ReturnType<typeof createClient>;

// One connection per Redis URL and process, shared by every budget; unref'd so it never keeps a process alive.
const clients = new Map<string, RedisClient>();

function redisClient(url: string): RedisClient {
  let client = clients.get(url);
  if (!client) {
    client = createClient({ url, disableOfflineQueue: true });
    client.on('error', () => {
      // Reconnection is automatic; meanwhile budgets count in memory (insurance limiter).
    });
    client.connect().then(
      (connected) => connected.unref(),
      () => {},
    );
    clients.set(url, client);
  }
  return client;
}

/** Closes the Redis connections of the budgets (tests and graceful shutdown). */
export async function closeBudgetStores(): Promise<void> {
  const all = [...clients.values()];
  clients.clear();
  await Promise.allSettled(all.map((client) => client.close()));
}

/** A counter of `points` per `durationMs` per key, in Redis when `redisUrl` is given. */
export function createBudget(options: { name: string; points: number; durationMs: number; redisUrl?: string | undefined }): RateLimiterAbstract {
  const duration = Math.max(1, Math.ceil(options.durationMs / 1000));
  const keyPrefix = `crm-rl:${options.name}`;
  const memory = new RateLimiterMemory({ keyPrefix, points: options.points, duration });
  if (!options.redisUrl) return memory;
  return new RateLimiterRedis({
    storeClient: redisClient(options.redisUrl),
    useRedisPackage: true,
    rejectIfRedisNotReady: true,
    keyPrefix,
    points: options.points,
    duration,
    insuranceLimiter: memory,
  });
}

/** The 429 problem for a budget spent: `Retry-After` in whole seconds (at least 1). */
export function rateLimited(retryAfterMs: number, detail = 'Too many requests'): AppError {
  const retryAfter = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new AppError('rate_limited', `${detail}; try again in ${retryAfter} s`, { headers: { 'Retry-After': String(retryAfter) }, extensions: { retryAfter } });
}

/**
 * `RateLimit` and `RateLimit-Policy` in the IETF draft-7 form (`limit=200, remaining=12, reset=8` and
 * `200;w=10`). A request that passes several budgets reports the one closest to running out.
 */
function setRateLimitHeaders(res: Response, limit: number, windowSeconds: number, result: RateLimiterRes): void {
  const remaining = Math.max(0, result.remainingPoints);
  const shown = res.locals.rateLimitRemaining as number | undefined;
  if (shown !== undefined && shown <= remaining) return;
  res.locals.rateLimitRemaining = remaining;
  res.setHeader('RateLimit-Policy', `${limit};w=${windowSeconds}`);
  res.setHeader('RateLimit', `limit=${limit}, remaining=${remaining}, reset=${Math.max(0, Math.ceil(result.msBeforeNext / 1000))}`);
}

/**
 * Spends `points` of `budget` for `key`; throws the 429 problem when the budget is spent. With `res`,
 * the RateLimit headers describe this budget (on a refusal only, with `headersOnRefusal`).
 */
export async function spend(budget: RateLimiterAbstract, key: string, points = 1, res?: Response, detail?: string, headersOnRefusal = false): Promise<void> {
  try {
    const result = await budget.consume(key, points);
    if (res && !headersOnRefusal) setRateLimitHeaders(res, budget.points, budget.duration, result);
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    if (res) setRateLimitHeaders(res, budget.points, budget.duration, rejection);
    throw rateLimited(rejection.msBeforeNext, detail);
  }
}

/**
 * A fixed-window limiter middleware that answers 429 problem details with Retry-After and the
 * RateLimit headers. `key` decides what is counted (a tenant, a user, a key, a visitor's address).
 */
export function createRateLimiter(options: {
  windowMs: number;
  limit: number;
  key: (req: Request) => string;
  name: string;
  redisUrl?: string | undefined;
  /** Told of each refusal and how long the budget stays spent (to refuse the same caller earlier next time). */
  onRefused?: (req: Request, retryAfterMs: number) => void;
}): RequestHandler {
  const budget = createBudget({ name: options.name, points: options.limit, durationMs: options.windowMs, redisUrl: options.redisUrl });
  return async (req, res, next) => {
    try {
      await spend(budget, options.key(req), 1, res);
    } catch (error) {
      if (options.onRefused && error instanceof AppError && error.code === 'rate_limited') options.onRefused(req, Number(error.extensions.retryAfter ?? 1) * 1000);
      throw error;
    }
    next();
  };
}

// Take a slot: refused (0) when `limit` are taken. The count expires `lease` ms after the first slot of
// a busy spell, so slots held by a process that died come back; a release never goes below zero.
const ACQUIRE = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if n > tonumber(ARGV[1]) then redis.call('DECR', KEYS[1]) return 0 end
return 1`;
const RELEASE = `if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then redis.call('DECR', KEYS[1]) end
return 1`;

/** Slots in flight per key, in Redis when `redisUrl` is given (in memory while Redis is unreachable). */
export function createSlots(options: { name: string; limit: number; redisUrl?: string | undefined; leaseMs?: number }) {
  const lease = String(options.leaseMs ?? 60_000);
  const local = new Map<string, number>();
  const client = options.redisUrl ? redisClient(options.redisUrl) : undefined;
  return {
    limit: options.limit,
    /** Takes a slot; false when all are taken. Resolves to a release function when it got one. */
    async acquire(key: string): Promise<(() => void) | null> {
      const slotKey = `crm-slots:${options.name}:${key}`;
      if (client?.isReady) {
        const got = await client.eval(ACQUIRE, { keys: [slotKey], arguments: [String(options.limit), lease] });
        if (Number(got) !== 1) return null;
        return once(() => void client.eval(RELEASE, { keys: [slotKey], arguments: [] }).catch(() => {}));
      }
      const taken = local.get(slotKey) ?? 0;
      if (taken >= options.limit) return null;
      local.set(slotKey, taken + 1);
      return once(() => {
        const left = (local.get(slotKey) ?? 1) - 1;
        if (left > 0) local.set(slotKey, left);
        else local.delete(slotKey);
      });
    },
  };
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}

/**
 * At most `limit` requests in flight per key (a user's lists, searches and exports): the next one is
 * refused 429 at once instead of queueing behind the database and slowing everyone of the agency.
 * A slot is taken on arrival and given back when the response ends or the client goes away.
 */
export function createConcurrencyLimiter(options: { name: string; limit: number; key: (req: Request) => string; redisUrl?: string | undefined; leaseMs?: number }): RequestHandler {
  const slots = createSlots(options);
  return async (req, res, next) => {
    const release = await slots.acquire(options.key(req));
    if (!release) throw rateLimited(1000, `Too many lists, searches or exports at once (at most ${options.limit} in flight)`);
    res.once('finish', release);
    res.once('close', release);
    next();
  };
}

/** Lists, searches, counts and exports: reads whose cost grows with the data, so they get a concurrency budget. */
export function isExpensive(spec: RouteSpec): boolean {
  return spec.method === 'get' && (/^(list|search|export|count)/.test(spec.operationId) || spec.success.mediaType === 'text/csv');
}
