import type { RequestHandler } from 'express';
import { idParams } from '../../platform/http/common.schema.js';
import { access, defineRoute, Reply, type RouteSpec } from '../../platform/http/route.js';
import { z } from '../../platform/http/zod.js';
import { clientInfo } from '../identity/auth.routes.js';
import { apiKeyListQuery, apiKeyListSchema, apiKeySchema, createApiKeyBody, createdApiKeySchema, updateApiKeyBody } from './api-keys.schema.js';
import type { ApiKeysService } from './api-keys.service.js';

/** Key management for admins, and the public ping that proves a publishable key works from a page. */
export function apiKeysRoutes(keys: ApiKeysService, publishable: RequestHandler, agencyName: (tenantId: unknown) => Promise<string>): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api-keys',
      operationId: 'listApiKeys',
      summary: 'List API keys',
      description: 'Never returns a key itself, only its prefix.',
      tags: ['API keys'],
      access: access.permission('apiKey', 'read'),
      query: apiKeyListQuery,
      success: { status: 200, description: 'The keys, newest first', schema: apiKeyListSchema },
      handler: ({ query, req }) => keys.list(req.principal!, query.includeRevoked === 'true'),
    }),
    defineRoute({
      method: 'get',
      path: '/api-keys/{id}',
      operationId: 'getApiKey',
      summary: 'Get an API key',
      tags: ['API keys'],
      access: access.permission('apiKey', 'read'),
      params: idParams,
      success: { status: 200, description: 'The key (without its secret)', schema: apiKeySchema },
      handler: ({ params, req }) => keys.get(req.principal!, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/api-keys',
      operationId: 'createApiKey',
      summary: 'Create a secret or publishable key',
      description:
        'Secret keys (`sk_live_...`) are for a host product\'s server: they act with the chosen role on behalf of the creator. Publishable keys (`pk_live_...`) are for widgets: they reach only `/v1/public/*`, from the listed origins. The full key is in this response only.',
      tags: ['API keys'],
      access: access.permission('apiKey', 'create'),
      usersOnly: true,
      body: createApiKeyBody,
      success: { status: 201, description: 'The key, shown once', schema: createdApiKeySchema },
      // The answer holds the full key, which is stored only hashed: a retry with the same Idempotency-Key
      // never creates a second key, and is refused (409 with the key's id) rather than replaying the secret.
      idempotency: 'once',
      handler: ({ body, req }) => keys.create(req.principal!, body, clientInfo(req)),
    }),
    defineRoute({
      method: 'patch',
      path: '/api-keys/{id}',
      operationId: 'updateApiKey',
      summary: "Rename a key or change a publishable key's origins",
      tags: ['API keys'],
      access: access.permission('apiKey', 'update'),
      params: idParams,
      body: updateApiKeyBody,
      success: { status: 200, description: 'The updated key', schema: apiKeySchema },
      errors: [409],
      handler: ({ params, body, req }) => keys.update(req.principal!, params.id, body, clientInfo(req)),
    }),
    defineRoute({
      method: 'delete',
      path: '/api-keys/{id}',
      operationId: 'revokeApiKey',
      summary: 'Revoke an API key',
      description: 'Takes effect on the next request made with the key.',
      tags: ['API keys'],
      access: access.permission('apiKey', 'delete'),
      params: idParams,
      success: { status: 204, description: 'Revoked' },
      handler: async ({ params, req }) => {
        await keys.revoke(req.principal!, params.id, clientInfo(req));
        return new Reply(204);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/public/ping',
      operationId: 'publicPing',
      summary: 'Check a publishable key from a page',
      description: 'Needs a publishable key (`Authorization: Bearer pk_...` or `X-Crm-Key`) and an `Origin` among the key\'s allowed origins. Answers with the agency\'s display name.',
      tags: ['Public'],
      access: access.public,
      before: [publishable],
      success: { status: 200, description: 'The key works from this origin', schema: z.object({ tenant: z.string() }).openapi('PublicPing') },
      errors: [401, 403],
      handler: async ({ req }) => ({ tenant: await agencyName(req.publishable!.tenantId) }),
    }),
  ];
}
