import type { Request } from 'express';
import { Types, type Connection } from 'mongoose';
import { Passport } from 'passport';
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt';
import type { Principal } from '../../platform/access/principal.js';
import type { Authenticator } from '../../platform/auth/guard.js';
import { jwtKey, verifyOptions, type AccessClaims } from '../../platform/auth/tokens.js';
import type { AuthService } from './auth.service.js';
import { REDIS_PRINCIPAL_MAX_AGE_MS, type AccessChannel } from '../../platform/auth/access-channel.js';
import { PrincipalCache, readAccessVersion } from '../../platform/auth/principal-cache.js';
import { loadPrincipal } from './principal.service.js';

type SecretKeyResolver = (credential: string) => Promise<Principal | null>;

/**
 * Bearer authentication for the API through passport: access tokens (JWT, HS256 only, our issuer
 * and audience, live session) and secret keys (`sk_`, looked up by hash). The principal of an access
 * token is cached per session while the agency's access counter stands (platform/auth/principal-cache).
 */
export function createAuthenticator(deps: { connection: Connection; jwtSecret: string; auth: AuthService; secretKeys?: SecretKeyResolver; accessChannel?: AccessChannel | undefined }): Authenticator {
  const passport = new Passport();
  const sessions = deps.accessChannel ? new PrincipalCache<Principal>(10_000, REDIS_PRINCIPAL_MAX_AGE_MS) : new PrincipalCache<Principal>();
  passport.use(
    'jwt',
    new JwtStrategy(
      { jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(), secretOrKey: jwtKey(deps.jwtSecret) as never, ...verifyOptions, passReqToCallback: false },
      (claims: AccessClaims & { sub: string; exp?: number }, done: (error: unknown, principal?: Principal | false) => void) => {
        (async () => {
          if (!Types.ObjectId.isValid(claims.tid) || !Types.ObjectId.isValid(claims.sub)) return false;
          const tenantId = new Types.ObjectId(claims.tid);
          // Warm: with Redis, no round trip (every change to the session or the principal, in any process,
          // was published and moved this process's stamp); without it, or while Redis is not subscribed,
          // one (the agency's access counter, which any change moved).
          const key = `${claims.tid}:${claims.sub}:${claims.sid}`;
          const version = deps.accessChannel?.version(tenantId) ?? (await readAccessVersion(deps.connection, tenantId));
          const cached = sessions.get(key, version);
          if (cached) return cached;
          if (!(await deps.auth.isSessionLive(tenantId, claims.sid))) return false;
          const principal = await loadPrincipal(deps.connection, { tenantId, userId: new Types.ObjectId(claims.sub), sessionId: claims.sid });
          // Kept at the counter read before loading: a change made meanwhile makes the next request load again.
          if (principal) sessions.set(key, version, principal, claims.exp ? claims.exp * 1000 : undefined);
          return principal ?? false;
        })().then((principal) => done(null, principal), done);
      },
    ),
  );

  return (req: Request, credential: string) => {
    if (credential.startsWith('sk_')) return deps.secretKeys ? deps.secretKeys(credential) : Promise.resolve(null);
    return new Promise<Principal | null>((resolve, reject) => {
      passport.authenticate('jwt', { session: false }, (error: unknown, principal: Principal | false) => {
        if (error) reject(error);
        else resolve(principal || null);
      })(req, {} as never, reject);
    });
  };
}
