import { listOf, objectId } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';

/** An exact origin: scheme, host and (optional) port, no path; what browsers send in `Origin`. */
export const originSchema = z
  .string()
  .max(200)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
    } catch {
      return false;
    }
  }, 'must be an origin such as https://www.example.com or http://localhost:8080 (no path, no trailing slash)')
  .openapi({ example: 'https://www.partner.example' });

export const apiKeySchema = z
  .object({
    id: objectId,
    kind: z.enum(['secret', 'publishable']),
    name: z.string(),
    prefix: z.string().openapi({ description: 'The first characters of the key, to recognise it' }),
    roleId: objectId.nullable(),
    ownerId: objectId,
    allowedOrigins: z.array(z.string()),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('ApiKey');

export const createdApiKeySchema = apiKeySchema
  .extend({ key: z.string().openapi({ description: 'The full key. Shown only in this response; store it now.' }) })
  .openapi('CreatedApiKey');

export const apiKeyListSchema = listOf(apiKeySchema, 'ApiKeyList');

export const createApiKeyBody = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('secret'),
      name: z.string().trim().min(1).max(100),
      roleId: objectId.openapi({ description: 'The role the key acts with; your own role or one below it' }),
    }),
    z.object({
      kind: z.literal('publishable'),
      name: z.string().trim().min(1).max(100),
      allowedOrigins: z.array(originSchema).min(1).max(20),
    }),
  ])
  .openapi('CreateApiKeyRequest');

export const updateApiKeyBody = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    allowedOrigins: z.array(originSchema).min(1).max(20).optional().openapi({ description: 'Publishable keys only' }),
  })
  .openapi('UpdateApiKeyRequest');

export const apiKeyListQuery = z.object({ includeRevoked: z.enum(['true', 'false']).optional() }).openapi('ApiKeyListQuery');

export type CreateApiKeyInput = z.output<typeof createApiKeyBody>;
