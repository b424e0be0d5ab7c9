import type { Request } from 'express';
import { Types, type Connection } from 'mongoose';
import { Passport } from 'passport';
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt';
import type { Principal } from '../../platform/access/principal.js';
import type { Authenticator } from '../../platform/auth/guard.js';
import { jwtKey, verifyOptions, type AccessClaims } from '../../platform/auth/tokens.js';
import type { AuthService } from './auth.service.js';
import { resolvePrincipal } from './principal.service.js';

type SecretKeyResolver = (credential: string) => Promise<Principal | null>;

/**
 * Bearer authentication for the API through passport: access tokens (JWT, HS256 only, our issuer
 * and audience, live session) and secret keys (`sk_`, looked up by hash).
 */
export function createAuthenticator(deps: { connection: Connection; jwtSecret: string; auth: AuthService; secretKeys?: SecretKeyResolver }): Authenticator {
  const passport = new Passport();
  passport.use(
    'jwt',
    new JwtStrategy(
      { jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(), secretOrKey: jwtKey(deps.jwtSecret) as never, ...verifyOptions, passReqToCallback: false },
      (claims: AccessClaims & { sub: string }, done: (error: unknown, principal?: Principal | false) => void) => {
        (async () => {
          if (!Types.ObjectId.isValid(claims.tid) || !Types.ObjectId.isValid(claims.sub)) return false;
          const tenantId = new Types.ObjectId(claims.tid);
          if (!(await deps.auth.isSessionLive(tenantId, claims.sid))) return false;
          return (await resolvePrincipal(deps.connection, { tenantId, userId: new Types.ObjectId(claims.sub), sessionId: claims.sid })) ?? false;
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
