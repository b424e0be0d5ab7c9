import { listOf, objectId, pageQuery } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';

export const auditQuery = pageQuery
  .extend({
    actor: objectId.optional().openapi({ description: 'A user id or an API key id' }),
    resource: z.string().max(60).regex(/^[A-Za-z0-9_-]+$/).optional(),
    resourceId: z.string().max(100).regex(/^[A-Za-z0-9_:-]+$/).optional(),
    type: z.string().max(100).regex(/^[A-Za-z0-9_.-]+$/).optional().openapi({ example: 'contact.updated' }),
    from: z.coerce.date().optional().openapi({ description: 'Entries at or after this time (ISO 8601)' }),
    to: z.coerce.date().optional().openapi({ description: 'Entries before this time (ISO 8601)' }),
  })
  .openapi('AuditQuery');

export const auditEntrySchema = z
  .object({
    id: objectId,
    seq: z.number().int(),
    type: z.string(),
    resource: z.string(),
    resourceId: z.string().nullable(),
    actor: z.object({ userId: objectId.nullable(), apiKeyId: objectId.nullable(), ip: z.string().nullable(), userAgent: z.string().nullable() }),
    changes: z.array(z.object({ field: z.string(), from: z.unknown(), to: z.unknown() })),
    data: z.record(z.string(), z.unknown()).nullable(),
    at: z.string(),
    prevHash: z.string(),
    hash: z.string(),
  })
  .openapi('AuditEntry');

export const auditListSchema = listOf(auditEntrySchema, 'AuditEntryList');

export const auditVerifySchema = z
  .object({
    ok: z.boolean(),
    checked: z.number().int(),
    anchor: z.object({ seq: z.number().int(), hash: z.string() }).openapi({ description: 'Where verification starts: the last entry removed by retention (seq 0 when none)' }),
    lastSeq: z.number().int(),
    brokenAt: z.number().int().nullable(),
    reason: z.enum(['missing', 'altered']).nullable(),
    detail: z.string().nullable(),
    nextCursor: z.string().nullable().openapi({ description: 'Set when this page stopped before the end of the chain: pass it as `cursor` to verify the next part; null once the whole chain was checked' }),
  })
  .openapi('AuditVerification');

export const auditVerifyQuery = z
  .object({
    cursor: z.string().max(64).optional().openapi({ description: 'The nextCursor of the previous verification page' }),
  })
  .openapi('AuditVerifyQuery');
