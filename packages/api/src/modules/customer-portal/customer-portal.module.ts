import { publicBaseUrl } from '../../platform/config.js';
import type { AppContext } from '../../platform/context.js';
import type { CustomerAuthenticator } from '../../platform/auth/customer-guard.js';
import type { LoginThrottle } from '../../platform/auth/login-throttle.js';
import { createRateLimiter } from '../../platform/http/rate-limit.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import type { RouteSpec } from '../../platform/http/route.js';
import type { ContactsService } from '../contacts/contacts.service.js';
import type { SubscriptionsService } from '../messaging/subscriptions.service.js';
import { createCustomerAuthService } from './customer-auth.service.js';
import { customerUserRoutes, portalRoutes } from './customer-portal.routes.js';
import { createCustomerUsersService, type VisibleAccount } from './customer-users.service.js';
import { createPortalProfileService } from './portal-profile.service.js';
import { hostedPortalRouter } from './hosted-portal.js';
import { portalCors } from './portal-cors.js';
import type { RequestHandler, Router } from 'express';

const bodyField = (name: string) => (req: { body?: unknown }) => {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.trim().toLowerCase().slice(0, 254) : '-';
};

/**
 * Customer identities and the self-service portal's own routes (docs/customer-portal.md): invitations
 * by agents, magic-link and password sign-in, sessions, the customer's profile and preferences, and the
 * authenticator behind the customer guard that the portal routes of every module run.
 */
export function buildCustomerPortal(
  ctx: AppContext,
  deps: { mailer: Mailer; throttle: LoginThrottle; contacts: ContactsService; subscriptions: SubscriptionsService; visibleAccount: VisibleAccount },
): { routes: RouteSpec[]; authenticateCustomer: CustomerAuthenticator; cors: RequestHandler; hostedPortal: Router } {
  const { connection, config, secrets, events } = ctx;
  const redisUrl = config.REDIS_URL;
  const auth = createCustomerAuthService({ connection, jwtSecret: secrets.jwt, events, mailer: deps.mailer, throttle: deps.throttle, publicBase: publicBaseUrl(config) });
  const users = createCustomerUsersService({ connection, events, auth, visibleContact: (principal, id) => deps.contacts.findVisible(principal, id, 'read'), visibleAccount: deps.visibleAccount });
  const profile = createPortalProfileService({ connection, events, contacts: deps.contacts, subscriptions: deps.subscriptions });
  const perMinute = Math.max(30, config.PUBLIC_RATE_LIMIT_PER_MINUTE);
  const limits = {
    address: createRateLimiter({ name: 'portal-address', windowMs: 60_000, limit: perMinute, key: (req) => req.ip ?? 'unknown', redisUrl }),
    tenant: createRateLimiter({ name: 'portal-tenant', windowMs: 60_000, limit: perMinute * 20, key: bodyField('tenant'), redisUrl }),
    email: createRateLimiter({ name: 'portal-email', windowMs: 15 * 60_000, limit: 5, key: (req) => `${bodyField('tenant')(req)}|${bodyField('email')(req)}`, redisUrl }),
  };
  const routes: RouteSpec[] = [...customerUserRoutes(users), ...portalRoutes({ connection, auth, profile, limits })];
  return { routes, authenticateCustomer: auth.authenticate, cors: portalCors(connection, config.CORS_ORIGINS), hostedPortal: hostedPortalRouter(connection) };
}
