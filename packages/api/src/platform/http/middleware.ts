import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import { AppError, toProblem } from '../errors.js';
import { budgetProblem } from '../db/query-budget.js';

const safeRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

/** Logs every request with its id, and puts the id on the response (taken from X-Request-Id when it is safe). */
export function requestLogging(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    genReqId(req, res) {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && safeRequestId.test(incoming) ? incoming : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customLogLevel(_req, res, error) {
      if (error || res.statusCode >= 500) return 'error';
      if (res.statusCode >= 400) return 'warn';
      return 'info';
    },
    customProps: (req) => ({ tenantId: (req as { auth?: { tenantId?: string } }).auth?.tenantId }),
    serializers: {
      req: (req: { id: string; method: string; url: string; remoteAddress?: string }) => ({
        id: req.id,
        method: req.method,
        url: req.url?.split('?')[0],
        remoteAddress: req.remoteAddress,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
  });
}

/** 404 problem for any path no route answered. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError('not_found', `No route for ${req.method} ${req.path}`));
};

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  statusCode?: number;
}

/** Maps every error to problem details; unexpected errors are logged and answered without internals. */
export function errorHandler(options: { exposeInternal: boolean }): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    let appError: AppError;
    const parserError = error as BodyParserError;
    if (error instanceof AppError) appError = error;
    else if (parserError?.type === 'entity.parse.failed') appError = new AppError('bad_json', 'The body could not be parsed as JSON', { errors: [{ field: 'body', code: 'bad_json', message: 'is not valid JSON' }] });
    else if (parserError?.type === 'entity.too.large') appError = new AppError('payload_too_large', 'The body is larger than this route accepts');
    else if (parserError?.type === 'encoding.unsupported' || parserError?.type === 'charset.unsupported') appError = new AppError('unsupported_media_type', 'Send the body as UTF-8 JSON');
    else if (budgetProblem(error)) appError = budgetProblem(error)!;
    else {
      req.log?.error({ err: error }, 'unhandled error');
      appError = new AppError('internal', options.exposeInternal && error instanceof Error ? error.message : 'An unexpected error occurred; quote the request id when reporting it');
    }
    if (appError.status >= 500 && error instanceof AppError) req.log?.error({ err: error }, 'server error');
    const requestId = String(req.id ?? res.getHeader('X-Request-Id') ?? '');
    res
      .status(appError.status)
      .set(appError.headers)
      .type('application/problem+json')
      .send(JSON.stringify(toProblem(appError, requestId, req.originalUrl.split('?')[0])));
  };
}
