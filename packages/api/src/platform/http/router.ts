import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { AppError } from '../errors.js';
import type { Idempotency } from './idempotency.js';
import { carriesVersion, idempotencyOf, JsonText, Reply, type RouteSpec } from './route.js';
import { assertPlainQuery, parseOrThrow } from './validation.js';

/** Express path from an OpenAPI path: `/contacts/{id}` becomes `/contacts/:id`. */
export function toExpressPath(path: string): string {
  return path.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');
}

/** Checks a route's access rule for the current request (supplied by platform/auth). */
export type AccessGuard = (spec: RouteSpec) => RequestHandler[];

/**
 * Mounts declared routes on a router: guard, validation, handler, and the declared success status.
 * With `idempotency`, every route that creates honours `Idempotency-Key` here (see `idempotencyOf`),
 * scoped to the caller and the operation, so no module has to remember it.
 */
export function mountRoutes(routes: RouteSpec[], guard: AccessGuard, options: { idempotency?: Idempotency } = {}): Router {
  const router = Router();
  for (const spec of routes) {
    const mode = idempotencyOf(spec);
    const versioned = carriesVersion(spec);
    const handle = async (req: Request, res: Response) => {
      if (spec.ifMatch === 'required' && !req.get('If-Match')) {
        throw new AppError('precondition_required', 'Send If-Match with the version you edited (the ETag of the record, e.g. If-Match: "3")');
      }
      assertPlainQuery(req.query as Record<string, unknown>);
      const params = spec.params ? parseOrThrow(spec.params, req.params, 'params') : undefined;
      const query = spec.query ? parseOrThrow(spec.query, req.query, 'query') : undefined;
      let body: unknown;
      if (spec.body) {
        if (req.body === undefined) {
          if (req.headers['content-type'] && !req.is('application/json')) {
            throw new AppError('unsupported_media_type', 'Send the body as application/json');
          }
          body = parseOrThrow(spec.body, {}, 'body');
        } else body = parseOrThrow(spec.body, req.body, 'body');
      }
      const handler = () => spec.handler({ params, query, body, req, res } as never);
      // The service says `version_conflict` whichever way the version came; when it came as If-Match, the
      // precondition failed (RFC 9110: 412), and the body is the same problem with the current record.
      const run = spec.ifMatch && req.get('If-Match') ? () => handler().catch(asPreconditionFailed) : handler;
      // Keyed by the caller: an agent's key or user, or a portal customer (whose ids never meet an agent's).
      const principal = req.principal;
      const caller = principal ? { tenantId: principal.tenantId, key: String(principal.apiKeyId ?? principal.userId) } : req.customer ? { tenantId: req.customer.tenantId, key: `customer:${String(req.customer.customerUserId)}` } : null;
      const result =
        mode && options.idempotency && caller
          ? await options.idempotency.run(req, caller.tenantId, `${caller.key}:${spec.operationId}`, spec.success.status, run, mode)
          : await run();
      if (res.headersSent) return;
      if (result instanceof Reply) {
        res.set(result.headers).status(result.status);
        if (result.body === undefined) res.end();
        else sendJson(res, result.body);
        return;
      }
      res.status(spec.success.status);
      if (versioned && typeof (result as { version?: unknown } | undefined)?.version === 'number') res.set('ETag', `"${(result as { version: number }).version}"`);
      if (spec.success.status === 204 || result === undefined) res.end();
      else sendJson(res, result);
    };
    router[spec.method](toExpressPath(spec.path), ...(spec.before ?? []), ...guard(spec), (req: Request, res: Response, next: NextFunction) => {
      handle(req, res).catch(next);
    });
  }
  router.use(methodNotAllowed(routes));
  return router;
}

/**
 * 405 with `Allow` for a path some route declares, asked with a method none of them takes (HEAD rides
 * on GET; OPTIONS is left to CORS). Any other path falls through to the 404 handler.
 */
function methodNotAllowed(routes: RouteSpec[]): RequestHandler {
  const patterns = routes.map((spec) => ({
    method: spec.method.toUpperCase(),
    pattern: new RegExp(`^${spec.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[A-Za-z0-9_]+\\?\}/g, '[^/]+')}/?$`),
  }));
  return (req, _res, next) => {
    if (req.method === 'OPTIONS') return next();
    const allowed = [...new Set(patterns.filter((p) => p.pattern.test(req.path)).map((p) => p.method))];
    if (allowed.length === 0 || allowed.includes(req.method) || (req.method === 'HEAD' && allowed.includes('GET'))) return next();
    if (allowed.includes('GET')) allowed.push('HEAD');
    next(new AppError('method_not_allowed', `${req.method} is not allowed on ${req.path}; allowed: ${allowed.join(', ')}`, { headers: { Allow: allowed.join(', ') } }));
  };
}

function asPreconditionFailed(error: unknown): never {
  if (error instanceof AppError && error.code === 'version_conflict') {
    throw new AppError('precondition_failed', error.message, { extensions: error.extensions, headers: error.headers, cause: error });
  }
  throw error;
}

function sendJson(res: Response, body: unknown): void {
  if (body instanceof JsonText) res.type('application/json').send(body.text);
  else res.json(body);
}
