import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { problemCodes } from '../errors.js';
import { problemSchema } from './common.schema.js';
import { idempotencyOf, type RouteSpec } from './route.js';
import { z } from './zod.js';

const idempotencyHeaders = z.object({
  'Idempotency-Key': z
    .string()
    .min(1)
    .max(255)
    .optional()
    .openapi({ description: 'Makes a retry safe: the same key (per caller and operation, kept 24 hours) never creates twice. See docs/http-contract.md.' }),
});

const idempotencyText = {
  replay: 'Honours `Idempotency-Key`: a retry with the same key and body gets the first answer again, with `Idempotent-Replayed: true`.',
  once: 'Honours `Idempotency-Key`, without replay: the answer holds a secret shown once, so a retry with the same key answers 409 with the `id` it created.',
};

const statusText: Record<number, string> = {
  400: 'The request is not valid (problem details name each failing field)',
  401: 'Authentication is missing or not valid',
  403: 'The caller may not do this',
  404: 'Not found, or not visible to the caller',
  409: 'Conflicts with the current state',
  413: 'The body is too large',
  415: 'The body is not JSON',
  429: 'Rate limited; see Retry-After',
};

function describeAccess(spec: RouteSpec): string {
  switch (spec.access.kind) {
    case 'public':
      return 'public';
    case 'authenticated':
      return 'any signed-in user or secret key';
    case 'permission':
      return `${spec.access.resource}:${spec.access.action}`;
  }
}

/** Builds the OpenAPI 3.1 document from the declared routes; the same function feeds /v1/openapi.json and the committed copy. */
export function buildOpenApiDocument(routes: RouteSpec[], version: string): Record<string, unknown> {
  const registry = new OpenAPIRegistry();
  registry.register('Problem', problemSchema);
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'An access token from /v1/auth/login, or a secret key (sk_...)',
  });
  registry.registerComponent('securitySchemes', 'publishableKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'A publishable key (pk_...) for /v1/public routes, checked against its allowed origins',
  });

  for (const spec of routes) {
    const idempotency = idempotencyOf(spec);
    const errorStatuses = new Set<number>([400, 429, ...(spec.errors ?? [])]);
    if (idempotency) errorStatuses.add(409);
    if (spec.access.kind !== 'public') errorStatuses.add(401);
    if (spec.access.kind === 'permission') errorStatuses.add(403);
    if (spec.params) errorStatuses.add(404);
    if (spec.body) {
      errorStatuses.add(413);
      errorStatuses.add(415);
    }
    const responses: Record<string, unknown> = {
      [spec.success.status]: {
        description: spec.success.description,
        ...(spec.success.schema ? { content: { 'application/json': { schema: spec.success.schema } } } : {}),
      },
    };
    for (const status of [...errorStatuses].sort()) {
      responses[status] = {
        description: statusText[status] ?? problemCodes.internal.title,
        content: { 'application/problem+json': { schema: problemSchema } },
      };
    }
    registry.registerPath({
      method: spec.method,
      path: `/v1${spec.path}`,
      operationId: spec.operationId,
      summary: spec.summary,
      description: [
        spec.description,
        idempotency ? idempotencyText[idempotency] : null,
        `Access: \`${describeAccess(spec)}\`${spec.usersOnly ? ', and only as a signed-in user (a secret key answers 403)' : ''}.`,
      ]
        .filter(Boolean)
        .join('\n\n'),
      tags: spec.tags,
      ...(spec.access.kind === 'public' ? { security: [] } : { security: [{ bearer: [] }] }),
      'x-access': describeAccess(spec),
      ...(spec.usersOnly ? { 'x-users-only': true } : {}),
      ...(idempotency ? { 'x-idempotency': idempotency } : {}),
      request: {
        ...(idempotency ? { headers: idempotencyHeaders as never } : {}),
        ...(spec.params ? { params: spec.params as never } : {}),
        ...(spec.query ? { query: spec.query as never } : {}),
        ...(spec.body ? { body: { required: true, content: { 'application/json': { schema: spec.body } } } } : {}),
      },
      responses: responses as never,
    } as never);
  }

  const generator = new OpenApiGeneratorV31(registry.definitions);
  return generator.generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Embeddable CRM API',
      version,
      description:
        'Headless CRM API. Errors are RFC 9457 problem details; lists are cursor-paginated. See docs/http-contract.md in the repository.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
  }) as unknown as Record<string, unknown>;
}
