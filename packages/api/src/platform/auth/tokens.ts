import { createHash, randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
const issuer = 'crm-api';
const audience = 'crm-api';

/** The claims of an access token. */
export interface AccessClaims {
  sub: string;
  tid: string;
  sid: string;
}

/** Signs a short-lived access token (HS256). */
export function signAccessToken(secret: string, claims: AccessClaims): string {
  return jwt.sign({ tid: claims.tid, sid: claims.sid }, secret, {
    algorithm: 'HS256',
    subject: claims.sub,
    issuer,
    audience,
    expiresIn: ACCESS_TOKEN_TTL_SECONDS,
  });
}

/** Options that pin the algorithm, issuer and audience, so `alg: none` or a foreign token never passes. */
export const verifyOptions = { algorithms: ['HS256' as const], issuer, audience };

/** A random opaque token (refresh tokens, API keys, invitations) and its SHA-256 for storage. */
export function randomToken(prefix = '', bytes = 32): string {
  return `${prefix}${randomBytes(bytes).toString('base64url')}`;
}

/** SHA-256 of a high-entropy token; such tokens need no slow hash, and a lookup by hash stays indexed. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
