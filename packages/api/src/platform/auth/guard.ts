import type { Request, RequestHandler } from 'express';
import { assertCan } from '../access/access.js';
import type { Action, Resource } from '../access/catalog.js';
import type { Principal } from '../access/principal.js';
import { AppError } from '../errors.js';
import type { RouteSpec } from '../http/route.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** The authenticated caller, set by the access guard on every non-public route. */
    principal?: Principal;
  }
}

/** Turns the bearer credential of a request into a principal, or null when it is not valid. */
export type Authenticator = (req: Request, credential: string) => Promise<Principal | null>;

/** Reads `Authorization: Bearer <credential>`. */
export function bearerCredential(req: Request): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+([A-Za-z0-9._~+/=-]{10,2048})$/.exec(header);
  return match?.[1] ?? null;
}

/**
 * The function-level half of access control: every route's declared rule is enforced here, before
 * validation, so an anonymous or under-privileged caller learns nothing about the body it sent.
 * Record-level visibility is the other half (platform/access/access.ts), applied by services.
 */
export function createAccessGuard(
  authenticate: Authenticator,
  afterAuth: RequestHandler[] = [],
  perRoute: (spec: RouteSpec) => RequestHandler[] = () => [],
  customer?: { guard: RequestHandler[] },
) {
  return (spec: RouteSpec): RequestHandler[] => {
    if (spec.access.kind === 'customer') {
      // Portal routes: a customer token only (platform/auth/customer-guard.ts); without one wired, nobody.
      if (!customer) return [() => { throw new AppError('unauthenticated', 'The customer portal is not enabled on this server'); }];
      return [...customer.guard, ...perRoute(spec)];
    }
    if (spec.access.kind === 'public') {
      // A publishable key is only good for /v1/public routes; anywhere else it is refused, never ignored.
      if (spec.path.startsWith('/public/')) return [refuseOperatorKeys];
      const noPublishableKey: RequestHandler = (req, _res, next) => {
        if (bearerCredential(req)?.startsWith('pk_') || req.headers['x-crm-key']) throw new AppError('unauthenticated', 'A publishable key can only call /v1/public routes');
        next();
      };
      return [noPublishableKey, refuseOperatorKeys];
    }
    const rule = spec.access;
    const check: RequestHandler = async (req, _res, next) => {
      const credential = bearerCredential(req);
      if (!credential) throw new AppError('unauthenticated', 'Send Authorization: Bearer <access token or secret key>');
      if (credential.startsWith('pk_')) throw new AppError('unauthenticated', 'A publishable key can only call /v1/public routes');
      const principal = await authenticate(req, credential);
      if (!principal) throw new AppError('unauthenticated', 'The credential is expired, revoked or not valid');
      req.credentialAccepted?.();
      req.principal = principal;
      if (spec.usersOnly && principal.kind !== 'user') {
        throw new AppError('forbidden', `${spec.summary} is done by a signed-in user, not a secret key; sign in as the user`);
      }
      if (rule.kind === 'permission') assertCan(principal, rule.resource as Resource, rule.action as Action);
      next();
    };
    return [check, refuseOperatorKeys, ...afterAuth, ...perRoute(spec)];
  };
}

/** Keys that reach an object's prototype when code copies or merges a body (prototype pollution). */
const prototypeKeys = new Set(['__proto__', 'constructor', 'prototype']);

function unsafeKeyPaths(value: unknown, path: string, depth: number, found: { path: string; key: string }[]): { path: string; key: string }[] {
  if (depth > 32 || found.length >= 50 || value === null || typeof value !== 'object') return found;
  for (const [key, child] of Object.entries(value)) {
    const here = path ? `${path}.${key}` : key;
    if (key.startsWith('$') || prototypeKeys.has(key)) found.push({ path: here, key });
    else unsafeKeyPaths(child, here, depth + 1, found);
  }
  return found;
}

/**
 * Refuses a JSON body holding, at any depth, a key that starts with `$` (`{"$ne": null}`, `{"a": {"$gt":
 * ""}}`) or a prototype key (`__proto__`, `constructor`, `prototype`): no field of this API takes one and
 * stored documents never carry one, so such a body is an attempt at query injection or prototype
 * pollution and answers 400, naming each key, before any schema or service sees it.
 */
export const refuseOperatorKeys: RequestHandler = (req, _res, next) => {
  const found = unsafeKeyPaths(req.body, '', 0, []);
  if (found.length) {
    throw new AppError('validation_failed', `${found.map((f) => f.path).join(', ')}: keys may not start with $ or be __proto__, constructor or prototype`, {
      errors: found.map(({ path, key }) =>
        key.startsWith('$')
          ? { field: path.split('.').slice(0, -1).join('.') || path, code: 'operator_not_allowed', message: `may not hold a key starting with $ (${key})` }
          : { field: path, code: 'key_not_allowed', message: `${key} is not an allowed key` },
      ),
    });
  }
  next();
};
