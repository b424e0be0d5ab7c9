import type { AppContext } from '../platform/context.js';
import type { Authenticator } from '../platform/auth/guard.js';
import { createRateLimiter } from '../platform/http/rate-limit.js';
import type { RouteSpec } from '../platform/http/route.js';
import { createAuthService } from './identity/auth.service.js';
import { authRoutes } from './identity/auth.routes.js';
import { createAuthenticator } from './identity/authenticate.js';
import { meRoutes } from './identity/me.routes.js';

/** Every domain module, wired to the app context: their routes and the authenticator they provide. */
export function buildModules(ctx: AppContext): { routes: RouteSpec[]; authenticate: Authenticator } {
  const { connection, config, secrets, events } = ctx;
  const auth = createAuthService({ connection, jwtSecret: secrets.jwt, events });
  const authenticate = createAuthenticator({ connection, jwtSecret: secrets.jwt, auth });
  const perMinute = (name: string, limit: number) =>
    createRateLimiter({ name, windowMs: 60_000, limit, key: (req) => req.ip ?? 'unknown' });

  const routes: RouteSpec[] = [
    ...authRoutes(auth, { signup: perMinute('signup', Math.max(5, config.PUBLIC_RATE_LIMIT_PER_MINUTE)), login: perMinute('login', 30) }),
    ...meRoutes(connection),
  ];
  return { routes, authenticate };
}
