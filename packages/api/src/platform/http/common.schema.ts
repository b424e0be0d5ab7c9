import { problemCodes, type ProblemCode } from '../errors.js';
import { z } from './zod.js';

/** A 24-hex MongoDB id in a path or body. */
export const objectId = z.string().regex(/^[a-fA-F0-9]{24}$/, 'must be a 24-character hex id').openapi({ example: '6750a1b2c3d4e5f601234567' });

export const idParams = z.object({ id: objectId });

/** The field errors every problem response may carry. */
export const fieldErrorSchema = z.object({
  field: z.string(),
  code: z.string(),
  message: z.string(),
});

/** RFC 9457 problem details, as every error response is shaped. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.enum(Object.keys(problemCodes) as [ProblemCode, ...ProblemCode[]]).openapi({ description: 'Stable machine-readable code; see docs/http-contract.md' }),
    detail: z.string().optional(),
    errors: z.array(fieldErrorSchema).optional(),
    requestId: z.string().optional(),
    instance: z.string().optional(),
    current: z.record(z.string(), z.unknown()).optional().openapi({ description: '`version_conflict` and `precondition_failed`: the record as it is now' }),
    allowed: z.array(z.string()).optional().openapi({ description: '`invalid_transition`: the statuses the record may move to' }),
    retryAfter: z.number().int().optional().openapi({ description: '`rate_limited`, and `conflict` while the first request with the same Idempotency-Key runs: seconds to wait' }),
    id: z.string().optional().openapi({ description: '`conflict` on a create that runs once per Idempotency-Key: the id it created' }),
  })
  .catchall(z.unknown())
  .openapi('Problem');

/** `limit` and `cursor` as every list route takes them. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ description: 'Page size, 1 to 200' }),
  cursor: z.string().max(512).optional().openapi({ description: 'The `nextCursor` of the previous page' }),
});

/** The envelope of every list response. */
export function listOf<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({
      object: z.literal('list'),
      data: z.array(item),
      hasMore: z.boolean(),
      nextCursor: z.string().nullable(),
    })
    .openapi(name);
}
