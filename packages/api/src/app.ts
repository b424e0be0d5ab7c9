import cors from 'cors';
import express, { type Express, type Request } from 'express';
import helmet from 'helmet';
import type { AppContext } from './platform/context.js';
import { AppError } from './platform/errors.js';
import { createAccessGuard } from './platform/auth/guard.js';
import { createCustomerGuard } from './platform/auth/customer-guard.js';
import { errorHandler, notFoundHandler, requestLogging } from './platform/http/middleware.js';
import { buildOpenApiDocument } from './platform/http/openapi.js';
import { openApiRoutes } from './platform/http/docs.js';
import { createConcurrencyLimiter, createRateLimiter, isExpensive } from './platform/http/rate-limit.js';
import { createAddressGate } from './platform/auth/ip-gate.js';
import { mountRoutes } from './platform/http/router.js';
import { portalRouter } from './platform/http/portal.js';
import { buildModules } from './modules/index.js';
import { publicPreflight, publicResponses } from './modules/api-keys/publishable.js';
import { widgetBundleRouter } from './platform/http/widget-bundle.js';
import { apiVersion } from './version.js';

/** Builds the Express app without opening a port; `server.ts` listens, tests use supertest. */
export function createApp(ctx: AppContext, modules: ReturnType<typeof buildModules> = buildModules(ctx)): Express {
  const { config } = ctx;
  const app = express();
  app.disable('x-powered-by');
  // Versioned records carry a strong ETag of their version (router.ts), which If-Match takes back; a body hash would not.
  app.set('etag', false);
  app.set('trust proxy', config.TRUST_PROXY);
  app.set('query parser', 'simple');
  app.set('json replacer', (key: string, value: unknown) => (key === '__v' ? undefined : value));

  app.use(requestLogging(ctx.logger));
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          frameAncestors: ["'none'"],
          // The API runs behind TLS termination in production (HSTS covers it); upgrading here would break http://localhost docs.
          upgradeInsecureRequests: null,
        },
      },
      crossOriginResourcePolicy: { policy: 'cross-origin' },
    }),
  );
  // The customer portal's routes answer CORS for the origins an agency embeds its portal in (publishable keys' origins).
  app.use('/v1/portal', modules.customerPortal.cors);
  // Widget routes answer CORS for their key's origins (checked per request by publishableKeyGuard).
  app.options('/v1/public/*rest', publicPreflight);
  // ...and every answer there, refusals included, is readable by the calling page and compressed.
  app.use('/v1/public', publicResponses());
  // The embeddable widgets' files, at /widgets/<version>/crm-widgets.js (immutable, SRI-hashed).
  app.use('/widgets', widgetBundleRouter());
  app.use(
    cors({
      origin: (origin, callback) => callback(null, !origin ? false : config.CORS_ORIGINS.includes('*') || config.CORS_ORIGINS.includes(origin) ? origin : false),
      credentials: false,
      exposedHeaders: ['X-Request-Id', 'Retry-After', 'RateLimit', 'RateLimit-Policy'],
      maxAge: 600,
    }),
  );

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res, next) => {
    if (await ctx.isDatabaseReady()) res.json({ status: 'ready', database: 'up' });
    else next(new AppError('unavailable', 'The database is not reachable'));
  });

  const { routes, authenticate, authenticateCustomer, idempotency } = modules;
  // Built at its first request (or when the server warms it after listening): most processes, tests among them, never serve it.
  const openApi = openApiRoutes(() => buildOpenApiDocument(routes, apiVersion));
  app.use(openApi.document, openApi.docs);
  app.locals.warmDocs = openApi.warm;

  const v1 = express.Router();
  // Before any body is read or credential looked up: per-address budgets and a small body for anonymous traffic (docs/limits.md).
  const addressGate = createAddressGate({
    routes,
    anonymousPerMinute: config.ANONYMOUS_RATE_LIMIT_PER_MINUTE ?? Math.max(120, config.PUBLIC_RATE_LIMIT_PER_MINUTE),
    failuresPerMinute: config.AUTH_FAILURE_LIMIT_PER_MINUTE,
    anonymousBodyLimit: config.ANONYMOUS_BODY_LIMIT,
    bodyLimit: config.BODY_LIMIT,
    redisUrl: config.REDIS_URL,
  });
  v1.use(addressGate.gate, addressGate.jsonBody);
  // After the guard has identified the caller: the caller's own budget first (a caller refused there
  // spends none of the agency's), then the agency's, then a concurrency budget on lists, searches and exports.
  const redisUrl = config.REDIS_URL;
  const window = { windowMs: config.RATE_LIMIT_WINDOW_MS, redisUrl };
  const perCaller = createRateLimiter({ name: 'caller', ...window, limit: config.USER_RATE_LIMIT_MAX ?? Math.max(1, Math.ceil(config.RATE_LIMIT_MAX / 4)), key: callerKey, onRefused: addressGate.refuseCredential });
  const perTenant = createRateLimiter({ name: 'tenant', ...window, limit: config.RATE_LIMIT_MAX, key: (req) => String(req.principal?.tenantId) });
  const expensive = createConcurrencyLimiter({ name: 'expensive', limit: config.EXPENSIVE_CONCURRENCY_PER_USER, key: callerKey, redisUrl });
  // Portal routes (access.customer): a customer token, then that customer's budget and its agency's.
  const perCustomer = createRateLimiter({ name: 'customer', ...window, limit: config.USER_RATE_LIMIT_MAX ?? Math.max(1, Math.ceil(config.RATE_LIMIT_MAX / 4)), key: (req) => `customer:${String(req.customer?.customerUserId)}`, onRefused: addressGate.refuseCredential });
  const perCustomerTenant = createRateLimiter({ name: 'tenant', ...window, limit: config.RATE_LIMIT_MAX, key: (req) => String(req.customer?.tenantId) });
  const customer = { guard: createCustomerGuard(authenticateCustomer, [perCustomer, perCustomerTenant]) };
  v1.use(mountRoutes(routes, createAccessGuard(authenticate, [perCaller, perTenant], (spec) => (isExpensive(spec) ? [expensive] : []), customer), { idempotency }));
  app.use('/v1', v1);
  app.use('/app', portalRouter());
  // An agency's customer portal hosted here (/portal/{tenant}), for agencies without a site of their own.
  app.use('/portal', modules.customerPortal.hostedPortal);

  app.use(notFoundHandler);
  app.use(errorHandler({ exposeInternal: config.NODE_ENV !== 'production' }));
  return app;
}

/** Who a budget belongs to: the API key, else the user (every session of a user shares one budget). */
function callerKey(req: Request): string {
  return String(req.principal?.apiKeyId ?? req.principal?.userId);
}
