import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { problemSchema } from './common.schema.js';
import { carriesVersion, idempotencyOf, requiresPublishableKey, type RouteSpec } from './route.js';
import { openApiTags } from './openapi-tags.js';
import { z } from './zod.js';

const idempotencyHeaders = z.object({
  'Idempotency-Key': z
    .string()
    .min(1)
    .max(255)
    .optional()
    .openapi({ description: 'Makes a retry safe: the same key (per caller and operation, kept 24 hours) never creates twice. See docs/http-contract.md.' }),
});

const ifMatchHeader = (required: boolean) =>
  z.object({
    'If-Match': (required ? z.string().min(1) : z.string().min(1).optional()).openapi({
      description: `${required ? 'Required' : 'Makes the write conditional'}: the version you edited, as the record's ETag carries it (\`"3"\`; \`W/"3"\` and a bare \`3\` are accepted too). A stale one answers 412 \`precondition_failed\` with the current record in \`current\`${required ? '; none answers 428 `precondition_required`' : ''}.`,
      example: '"3"',
    }),
  });

/** Response headers, declared once under components.headers and referenced from every response that may carry them. */
const responseHeaders: Record<string, { description: string; schema: Record<string, unknown> }> = {
  'X-Request-Id': { description: 'The request id (yours when you sent a safe one); quote it when reporting a problem', schema: { type: 'string' } },
  RateLimit: { description: 'What is left of the budget this request came closest to spending (per address before authentication, per caller, per agency; IETF draft 7, `limit=200, remaining=199, reset=10`)', schema: { type: 'string' } },
  'RateLimit-Policy': { description: 'The policy of that budget: points per window in seconds (`200;w=10`)', schema: { type: 'string' } },
  'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer', minimum: 0 } },
  'Idempotent-Replayed': { description: '`true` when this is the stored answer of an earlier request with the same Idempotency-Key', schema: { type: 'string', enum: ['true'] } },
  ETag: { description: 'The record\'s version as a strong entity tag (`"3"`); send it back as If-Match to make a write conditional', schema: { type: 'string' } },
};
const headerRef = (name: string) => ({ $ref: `#/components/headers/${name}` });
/** Every response may carry the request id, and the rate limit state once the caller is known. */
const commonHeaders = { 'X-Request-Id': headerRef('X-Request-Id'), RateLimit: headerRef('RateLimit'), 'RateLimit-Policy': headerRef('RateLimit-Policy') };
const errorResponseName = (status: number) => `Problem${status}`;

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
  412: 'If-Match names a version the record is no longer at; `current` holds the record as it is now',
  413: 'The body is too large (16 KB without a credential, ANONYMOUS_BODY_LIMIT; BODY_LIMIT otherwise)',
  415: 'The body is not JSON',
  428: 'If-Match is required: send the version you edited',
  429: 'Rate limited: a budget of the address, the caller or the agency is spent, or too many lists are in flight; wait Retry-After seconds',
  500: 'Something went wrong on our side; quote the X-Request-Id',
  503: 'The database or a service the route needs is not reachable; retry later',
};

function describeAccess(spec: RouteSpec): string {
  switch (spec.access.kind) {
    case 'public':
      return 'public';
    case 'authenticated':
      return 'any signed-in user or secret key';
    case 'permission':
      return `${spec.access.resource}:${spec.access.action}`;
    case 'customer':
      return 'a signed-in customer (portal token)';
  }
}

/** The schema of a non-JSON body: text for CSV and HTML, bytes for images and files. */
function mediaSchema(mediaType: string): Record<string, unknown> {
  return mediaType.startsWith('text/') ? { type: 'string' } : { type: 'string', contentMediaType: mediaType };
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
  registry.registerComponent('securitySchemes', 'customerBearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'A customer access token from /v1/portal/session (audience crm-portal); refused by every agent route, as agent tokens are by every portal route',
  });
  registry.registerComponent('securitySchemes', 'publishableKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'A publishable key (pk_...) for /v1/public routes, checked against its allowed origins',
  });
  registry.registerComponent('securitySchemes', 'publishableKeyHeader', {
    type: 'apiKey',
    in: 'header',
    name: 'X-Crm-Key',
    description: 'The same publishable key (pk_...) in the X-Crm-Key header instead of Authorization',
  });
  for (const [name, header] of Object.entries(responseHeaders)) registry.registerComponent('headers', name, header as never);
  for (const status of Object.keys(statusText).map(Number)) {
    registry.registerComponent('responses', errorResponseName(status), {
      description: statusText[status]!,
      headers: { ...commonHeaders, ...([409, 429, 503].includes(status) ? { 'Retry-After': headerRef('Retry-After') } : {}) },
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    } as never);
  }

  for (const spec of routes) {
    const idempotency = idempotencyOf(spec);
    const publishable = requiresPublishableKey(spec);
    const versioned = carriesVersion(spec);
    const errorStatuses = new Set<number>([400, 429, 500, 503, ...(spec.errors ?? [])]);
    if (idempotency || spec.ifMatch) errorStatuses.add(409);
    if (spec.ifMatch) errorStatuses.add(412);
    if (spec.ifMatch === 'required') errorStatuses.add(428);
    if (spec.access.kind !== 'public' || publishable) errorStatuses.add(401);
    if (publishable) errorStatuses.add(403);
    if (spec.access.kind === 'permission' || spec.usersOnly) errorStatuses.add(403);
    if (spec.params) errorStatuses.add(404);
    if (spec.body) {
      errorStatuses.add(413);
      errorStatuses.add(415);
    }
    const responses: Record<string, unknown> = {
      [spec.success.status]: {
        description: spec.success.description,
        headers: { ...commonHeaders, ...(versioned ? { ETag: headerRef('ETag') } : {}), ...(idempotency === 'replay' ? { 'Idempotent-Replayed': headerRef('Idempotent-Replayed') } : {}) },
        ...(spec.success.schema || spec.success.mediaType
          ? {
              content: {
                ...(spec.success.schema ? { 'application/json': { schema: spec.success.schema } } : {}),
                ...(spec.success.mediaType ? { [spec.success.mediaType]: { schema: mediaSchema(spec.success.mediaType) } } : {}),
                ...Object.fromEntries((spec.success.alsoMediaTypes ?? []).map((type) => [type, { schema: mediaSchema(type) }])),
              },
            }
          : {}),
      },
    };
    for (const status of [...errorStatuses].sort()) responses[status] = { $ref: `#/components/responses/${errorResponseName(status)}` };
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
      security: publishable ? [{ publishableKey: [] }, { publishableKeyHeader: [] }] : spec.access.kind === 'public' ? [] : spec.access.kind === 'customer' ? [{ customerBearer: [] }] : [{ bearer: [] }],
      'x-access': describeAccess(spec),
      ...(spec.usersOnly ? { 'x-users-only': true } : {}),
      ...(idempotency ? { 'x-idempotency': idempotency } : {}),
      request: {
        ...(idempotency || spec.ifMatch
          ? { headers: (idempotency && spec.ifMatch ? idempotencyHeaders.extend(ifMatchHeader(spec.ifMatch === 'required').shape) : idempotency ? idempotencyHeaders : ifMatchHeader(spec.ifMatch === 'required')) as never }
          : {}),
        ...(spec.params ? { params: spec.params as never } : {}),
        ...(spec.query ? { query: spec.query as never } : {}),
        ...(spec.body ? { body: { required: true, content: { 'application/json': { schema: spec.body } } } } : {}),
      },
      responses: responses as never,
    } as never);
  }

  const used = new Set(routes.flatMap((spec) => spec.tags));
  const described = openApiTags.filter((tag) => used.has(tag.name));
  for (const name of used) if (!described.some((tag) => tag.name === name)) described.push({ name, description: `${name} routes.` });
  const generator = new OpenApiGeneratorV31(registry.definitions);
  return generator.generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Embeddable CRM API',
      version,
      description:
        'Headless CRM API. Errors are RFC 9457 problem details (`application/problem+json`, `code` from a closed set); lists are cursor-paginated. Writes to a versioned record take `If-Match: "<version>"` (the record\'s `ETag`); creates take `Idempotency-Key`. A known path asked with a method it does not take answers 405 `method_not_allowed` with `Allow`. See docs/http-contract.md in the repository.',
      contact: { name: 'The maintainers of this CRM (issues go to its repository)' },
      license: { name: 'MIT', identifier: 'MIT' },
    },
    tags: described,
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
  }) as unknown as Record<string, unknown>;
}
