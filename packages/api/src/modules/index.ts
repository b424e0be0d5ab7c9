import type { AppContext } from '../platform/context.js';
import type { Authenticator } from '../platform/auth/guard.js';
import { createRateLimiter } from '../platform/http/rate-limit.js';
import type { RouteSpec } from '../platform/http/route.js';
import { createAuthService } from './identity/auth.service.js';
import { authRoutes } from './identity/auth.routes.js';
import { createAuthenticator } from './identity/authenticate.js';
import { meRoutes } from './identity/me.routes.js';
import { createCustomFields } from '../platform/custom-fields/custom-fields.js';
import { createIdempotency } from '../platform/http/idempotency.js';
import type { RecordDeps } from '../platform/records/record-service.js';
import { createWorkflowEngine } from '../platform/workflow/workflow-engine.js';
import { contactRoutes } from './contacts/contacts.routes.js';
import { createContactsService } from './contacts/contacts.service.js';
import { createOrgDirectory } from './identity/org-directory.js';

/** Every domain module, wired to the app context: their routes and the authenticator they provide. */
export function buildModules(ctx: AppContext): { routes: RouteSpec[]; authenticate: Authenticator } {
  const { connection, config, secrets, events } = ctx;
  const auth = createAuthService({ connection, jwtSecret: secrets.jwt, events });
  const authenticate = createAuthenticator({ connection, jwtSecret: secrets.jwt, auth });
  const perMinute = (name: string, limit: number) =>
    createRateLimiter({ name, windowMs: 60_000, limit, key: (req) => req.ip ?? 'unknown' });

  const recordDeps: RecordDeps = {
    events,
    workflows: createWorkflowEngine(connection),
    customFields: createCustomFields(connection),
    directory: createOrgDirectory(connection),
  };
  const idempotency = createIdempotency(connection);
  const contacts = createContactsService(connection, recordDeps);

  const routes: RouteSpec[] = [
    ...authRoutes(auth, { signup: perMinute('signup', Math.max(5, config.PUBLIC_RATE_LIMIT_PER_MINUTE)), login: perMinute('login', 30) }),
    ...meRoutes(connection),
    ...contactRoutes(contacts, idempotency),
  ];
  return { routes, authenticate };
}
