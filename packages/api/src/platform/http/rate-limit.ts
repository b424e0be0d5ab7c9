import { rateLimit, type Options } from 'express-rate-limit';
import type { Request, RequestHandler } from 'express';
import { AppError } from '../errors.js';

/**
 * A fixed-window limiter that answers 429 problem details with Retry-After. `key` decides what is
 * counted (a tenant, a key, a visitor's address); the store is in memory per process.
 */
export function createRateLimiter(options: { windowMs: number; limit: number; key: (req: Request) => string; name: string }): RequestHandler {
  const config: Partial<Options> = {
    windowMs: options.windowMs,
    limit: options.limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (req) => `${options.name}:${options.key(req)}`,
    validate: { keyGeneratorIpFallback: false },
    handler: (req, _res, next) => {
      const resetTime = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const retryAfter = Math.max(1, Math.ceil(((resetTime?.getTime() ?? Date.now() + options.windowMs) - Date.now()) / 1000));
      next(
        new AppError('rate_limited', `Too many requests; try again in ${retryAfter} s`, {
          headers: { 'Retry-After': String(retryAfter) },
          extensions: { retryAfter },
        }),
      );
    },
  };
  return rateLimit(config);
}
