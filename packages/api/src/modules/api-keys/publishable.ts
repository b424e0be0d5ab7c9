import compression from 'compression';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Types } from 'mongoose';
import { AppError } from '../../platform/errors.js';
import { createRateLimiter } from '../../platform/http/rate-limit.js';
import { markPublishableKeyGuard } from '../../platform/http/route.js';
import type { ApiKeysService } from './api-keys.service.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** The publishable key a public widget route was called with (set by publishableKeyGuard). */
    publishable?: { tenantId: Types.ObjectId; keyId: Types.ObjectId };
  }
}

const ALLOWED_HEADERS = 'Authorization, Content-Type, X-Crm-Key, Idempotency-Key, X-Request-Id';
const EXPOSED_HEADERS = 'X-Request-Id, Retry-After, RateLimit, RateLimit-Policy';

function publishableCredential(req: Request): string | null {
  const header = req.headers.authorization;
  const bearer = header ? /^Bearer\s+(pk_[A-Za-z0-9_-]{10,200})$/.exec(header)?.[1] : undefined;
  if (bearer) return bearer;
  const custom = req.headers['x-crm-key'];
  return typeof custom === 'string' && /^pk_[A-Za-z0-9_-]{10,200}$/.test(custom) ? custom : null;
}

function run(handler: RequestHandler, req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    void handler(req, res, (error?: unknown) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve()));
  });
}

/**
 * Guards a public widget route: a live publishable key (`Authorization: Bearer pk_...` or `X-Crm-Key`),
 * called from one of the key's allowed origins (exact scheme, host and port), within the per-key and
 * per-visitor rate limits. Sets `req.publishable`. The refusal of any other origin is what keeps a
 * campaign's data off other pages (publicResponses lets every page read the problem that says so).
 */
export function publishableKeyGuard(deps: { keys: ApiKeysService; windowMs: number; limit: number; redisUrl?: string | undefined }): RequestHandler {
  const perKey = createRateLimiter({ name: 'pk', windowMs: deps.windowMs, limit: deps.limit, key: (req) => String(req.publishable?.keyId), redisUrl: deps.redisUrl });
  const perVisitor = createRateLimiter({ name: 'pk-visitor', windowMs: deps.windowMs, limit: Math.max(1, Math.ceil(deps.limit / 4)), key: (req) => `${String(req.publishable?.keyId)}:${req.ip ?? 'unknown'}`, redisUrl: deps.redisUrl });
  return markPublishableKeyGuard(async (req: Request, res: Response, next: NextFunction) => {
    const credential = publishableCredential(req);
    if (!credential) throw new AppError('unauthenticated', 'Send a publishable key as Authorization: Bearer pk_... or X-Crm-Key');
    const key = await deps.keys.resolvePublishableKey(credential);
    if (!key) throw new AppError('unauthenticated', 'The publishable key is revoked or not valid');
    const origin = req.headers.origin;
    if (!origin || !key.allowedOrigins.includes(origin)) {
      throw new AppError('forbidden', 'This page is not an allowed origin of the publishable key; add it in the key settings');
    }
    req.publishable = { tenantId: key.tenantId, keyId: key._id };
    await run(perKey, req, res);
    await run(perVisitor, req, res);
    next();
  });
}

/**
 * Answers CORS preflights of /v1/public routes. A preflight carries no key, so it cannot know the key's
 * origins: it allows the request to be sent, and the guard on the real request decides (no cookies are
 * ever accepted, so nothing rides along).
 */
export const publicPreflight: RequestHandler = (req, res) => {
  const origin = req.headers.origin;
  if (origin) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.append('Vary', 'Origin');
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
    res.setHeader('Access-Control-Max-Age', '600');
  }
  res.status(204).end();
};

/**
 * What every /v1/public answer carries, mounted before the per-address limits and the body parser so
 * their refusals carry it too:
 * - CORS for the calling page's origin, so a widget can read a refusal (401 bad key, 403 origin not
 *   allowed, 413, 429 with its Retry-After) instead of seeing a network failure. Only problems reach a
 *   page the key does not allow: publishableKeyGuard answers 403 before any campaign is read, and no
 *   credential rides along (no cookies, no Access-Control-Allow-Credentials);
 * - compression (gzip or brotli, as the browser accepts) of the JSON.
 */
export function publicResponses(): RequestHandler[] {
  const cors: RequestHandler = (req, res, next) => {
    const origin = req.headers.origin;
    if (origin) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.append('Vary', 'Origin');
      res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    }
    next();
  };
  return [cors, compression({ threshold: 256 })];
}
