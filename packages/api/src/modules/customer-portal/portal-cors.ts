import type { RequestHandler } from 'express';
import type { Connection } from 'mongoose';
import { apiKeyModel } from '../api-keys/api-key.model.js';

const ALLOWED_HEADERS = 'Authorization, Content-Type, Idempotency-Key, If-Match, X-Request-Id';
const EXPOSED_HEADERS = 'X-Request-Id, Retry-After, RateLimit, RateLimit-Policy, ETag';
const CACHE_MS = 60_000;

/**
 * CORS for `/v1/portal/*`: the portal element runs on agencies' own sites, so a page may call the
 * portal routes from an origin one of the agency's publishable keys allows (the same binding as the
 * widgets), or from one `CORS_ORIGINS` names. No cookie ever rides along (customer tokens are bearer
 * tokens), so CORS only decides which pages may read the answers. Answers are cached a minute per origin.
 */
export function portalCors(connection: Connection, configured: string[]): RequestHandler {
  const ApiKey = apiKeyModel(connection);
  const known = new Map<string, { allowed: boolean; until: number }>();
  async function allowed(origin: string): Promise<boolean> {
    if (configured.includes('*') || configured.includes(origin)) return true;
    const hit = known.get(origin);
    if (hit && hit.until > Date.now()) return hit.allowed;
    const found = Boolean(await ApiKey.exists({ kind: 'publishable', revokedAt: null, allowedOrigins: origin }).setOptions({ crossTenant: 'an origin is allowed when some agency embeds its portal there' }));
    known.set(origin, { allowed: found, until: Date.now() + CACHE_MS });
    if (known.size > 10_000) known.delete(known.keys().next().value!);
    return found;
  }
  return async (req, res, next) => {
    const origin = req.headers.origin;
    res.append('Vary', 'Origin');
    if (!origin || !(await allowed(origin))) return next();
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  };
}
