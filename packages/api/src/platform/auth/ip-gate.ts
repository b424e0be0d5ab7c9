import { createHash } from 'node:crypto';
import express, { type Request, type RequestHandler } from 'express';
import type { RouteSpec } from '../http/route.js';
import { createBudget, rateLimited, spend } from '../http/rate-limit.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** Gives back the failed-credential point the address gate reserved, once the guard has authenticated the caller. */
    credentialAccepted?: () => void;
  }
}

/** Whether a request carries a credential of its own (a bearer token, a secret or publishable key). */
function carriesCredential(req: Request): boolean {
  return Boolean(req.headers.authorization || req.headers['x-crm-key']);
}

/** Matches a request to the public routes, the ones no credential is needed for. */
function publicRouteMatcher(routes: RouteSpec[]): (req: Request) => boolean {
  const patterns = routes
    .filter((spec) => spec.access.kind === 'public')
    .map((spec) => ({ method: spec.method.toUpperCase(), pattern: new RegExp(`^${spec.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[A-Za-z0-9_]+\\?\}/g, '[^/]+')}/?$`) }));
  return (req) => patterns.some((p) => (p.method === req.method || (req.method === 'HEAD' && p.method === 'GET')) && p.pattern.test(req.path));
}

/**
 * The first line of the API, before any body is read and before any credential is looked up, per
 * client address:
 * - anonymous traffic (sign-in, registration, refresh, password reset, invitations, the widgets'
 *   `/v1/public` routes, and any request without a credential) spends the address's anonymous budget;
 *   public pages fetched with GET outside `/auth` and `/public` (pictures in emails, unsubscribe pages)
 *   keep only their own per-route limits, since mail image proxies fetch them by the hundred;
 * - a request with a credential reserves one point of the address's failed-credential budget, given
 *   back once the guard accepts the credential (`req.credentialAccepted`) or the answer is not a 401;
 *   so a flood of bad tokens or keys turns into 429s that never reach the database, while good
 *   credentials never spend it;
 * - a credential whose caller has spent their own budget (`refuseCredential`) is answered 429 here
 *   until the budget refills, so a flooding caller costs no credential lookup either;
 * - anonymous bodies are read with a small limit (413 from the Content-Length alone, before parsing).
 */
export function createAddressGate(options: {
  routes: RouteSpec[];
  anonymousPerMinute: number;
  failuresPerMinute: number;
  anonymousBodyLimit: string;
  bodyLimit: string;
  redisUrl?: string | undefined;
}): { gate: RequestHandler; jsonBody: RequestHandler; refuseCredential: (req: Request, forMs: number) => void } {
  const isPublic = publicRouteMatcher(options.routes);
  const anonymous = createBudget({ name: 'ip-anonymous', points: options.anonymousPerMinute, durationMs: 60_000, redisUrl: options.redisUrl });
  const failures = createBudget({ name: 'ip-credential-failures', points: options.failuresPerMinute, durationMs: 60_000, redisUrl: options.redisUrl });
  const isAnonymous = (req: Request) => isPublic(req) || !carriesCredential(req);
  // Credentials whose caller has spent their own budget: refused here, before the lookup, until it refills.
  // Only the credential's holder can send it, so nobody can spend another caller's budget this way.
  const refusedCredentials = createBudget({ name: 'refused-credential', points: 1, durationMs: 60_000, redisUrl: options.redisUrl });
  const credentialKey = (req: Request) => createHash('sha256').update(String(req.headers.authorization ?? req.headers['x-crm-key'])).digest('base64url').slice(0, 32);

  const gate: RequestHandler = async (req, res, next) => {
    const address = req.ip ?? 'unknown';
    // Answers to a signed-in caller, and sign-in answers that carry tokens, are nobody's to keep (shared
    // caches, the back button); widget routes (publishable keys) decide their own caching.
    if ((carriesCredential(req) && !isPublic(req)) || req.path.startsWith('/auth/')) res.setHeader('Cache-Control', 'no-store');
    if (isAnonymous(req)) {
      const pageFetch = req.method === 'GET' && !/^\/(auth|public)\//.test(req.path) && isPublic(req);
      if (!pageFetch) await spend(anonymous, address, 1, res, 'Too many requests without a credential from this address');
      return next();
    }
    const refused = await refusedCredentials.get(credentialKey(req));
    if (refused && refused.consumedPoints > refusedCredentials.points) throw rateLimited(refused.msBeforeNext, 'Too many requests from this caller');
    await spend(failures, address, 1, res, 'Too many requests with a credential that is not valid from this address', true);
    let given = false;
    const giveBack = () => {
      if (given) return;
      given = true;
      failures.reward(address, 1).catch(() => {});
    };
    req.credentialAccepted = giveBack;
    res.once('finish', () => {
      if (res.statusCode !== 401) giveBack();
    });
    next();
  };

  const type = ['application/json', 'application/*+json'];
  // Never more than the general limit: the anonymous one only ever narrows it.
  const smallJson = express.json({ limit: Math.min(sizeInBytes(options.anonymousBodyLimit), sizeInBytes(options.bodyLimit)), strict: true, type });
  const json = express.json({ limit: options.bodyLimit, strict: true, type });
  const jsonBody: RequestHandler = (req, res, next) => (isAnonymous(req) ? smallJson : json)(req, res, next);
  const refuseCredential = (req: Request, forMs: number) => {
    if (carriesCredential(req)) refusedCredentials.block(credentialKey(req), Math.max(1, Math.ceil(forMs / 1000))).catch(() => {});
  };
  return { gate, jsonBody, refuseCredential };
}

/** `16kb`, `1mb`, `500b` in bytes (the forms the config accepts). */
function sizeInBytes(size: string): number {
  const match = /^(\d+)(b|kb|mb)$/i.exec(size);
  if (!match) throw new Error(`not a size: ${size}`);
  const unit = match[2]!.toLowerCase();
  return Number(match[1]) * (unit === 'mb' ? 1024 * 1024 : unit === 'kb' ? 1024 : 1);
}
