import type { Request, RequestHandler } from 'express';
import jwt from 'jsonwebtoken';
import type { CustomerPrincipal } from '../access/customer.js';
import { AppError } from '../errors.js';
import { bearerCredential, refuseOperatorKeys } from './guard.js';
import { jwtKey } from './tokens.js';

export type { CustomerPrincipal, CustomerRole } from '../access/customer.js';
export { customerEqualityScopes, customerMaySee, customerVisibility } from '../access/customer.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** The signed-in customer, set by the customer guard on every `access.customer` (portal) route. */
    customer?: CustomerPrincipal;
  }
}

/** Customer access tokens live 15 minutes, like agents'; the refresh token renews them. */
export const CUSTOMER_ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
const issuer = 'crm-api';
/**
 * The audience of customer tokens. Agent tokens carry `crm-api` and are verified against it alone
 * (platform/auth/tokens.ts), so a customer token fails on every agent route and an agent token on every
 * portal route, by signature check, before any lookup.
 */
export const CUSTOMER_AUDIENCE = 'crm-portal';

/** The claims of a customer access token: the customer user, its tenant and its session. */
export interface CustomerClaims {
  sub: string;
  tid: string;
  sid: string;
}

/** Signs a customer access token (HS256, audience `crm-portal`). */
export function signCustomerAccessToken(secret: string, claims: CustomerClaims): string {
  return jwt.sign({ tid: claims.tid, sid: claims.sid }, jwtKey(secret), {
    algorithm: 'HS256',
    subject: claims.sub,
    issuer,
    audience: CUSTOMER_AUDIENCE,
    expiresIn: CUSTOMER_ACCESS_TOKEN_TTL_SECONDS,
  });
}

/** Verifies a customer access token; null for anything else (an agent token, a bad signature, expired). */
export function verifyCustomerAccessToken(secret: string, token: string): (CustomerClaims & { exp?: number }) | null {
  try {
    const claims = jwt.verify(token, jwtKey(secret), { algorithms: ['HS256'], issuer, audience: CUSTOMER_AUDIENCE }) as jwt.JwtPayload;
    if (typeof claims.sub !== 'string' || typeof claims.tid !== 'string' || typeof claims.sid !== 'string') return null;
    return { sub: claims.sub, tid: claims.tid, sid: claims.sid, ...(claims.exp ? { exp: claims.exp } : {}) };
  } catch {
    return null;
  }
}

/** Turns a customer bearer token into the customer, or null when it is not a live customer session. */
export type CustomerAuthenticator = (req: Request, credential: string) => Promise<CustomerPrincipal | null>;

/**
 * The guard of every portal route (`access: access.customer`): a customer access token or 401. Secret
 * keys, publishable keys and agent tokens are all refused; the platform's access guard runs it for
 * routes declared `access.customer`, so a module never mounts it itself.
 */
export function createCustomerGuard(authenticate: CustomerAuthenticator, afterAuth: RequestHandler[] = []): RequestHandler[] {
  const check: RequestHandler = async (req, _res, next) => {
    const credential = bearerCredential(req);
    if (!credential) throw new AppError('unauthenticated', 'Send Authorization: Bearer <customer access token> (from /v1/portal/session)');
    if (credential.startsWith('pk_') || credential.startsWith('sk_')) throw new AppError('unauthenticated', 'Portal routes take a customer access token, not an API key');
    const customer = await authenticate(req, credential);
    if (!customer) throw new AppError('unauthenticated', 'The customer token is expired, revoked or not valid; sign in to the portal again');
    req.credentialAccepted?.();
    req.customer = customer;
    next();
  };
  return [check, refuseOperatorKeys, ...afterAuth];
}

/** The signed-in customer of a portal route's request (set by the customer guard). */
export function customerOf(req: Request): CustomerPrincipal {
  if (!req.customer) throw new AppError('unauthenticated', 'Sign in to the portal first');
  return req.customer;
}
