import { objectId } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';
import { privacyRequestStatuses, privacyRequestTypes, retentionKinds } from './privacy.model.js';

/** Who a request is about; at least one of the four. Values are matched exactly (email case-insensitively, phone by digits). */
export const privacySubjectBody = z
  .object({
    email: z.string().trim().email().max(254).optional(),
    phone: z.string().trim().regex(/^[+()\d\s./-]{4,30}$/, 'must be a phone number').optional(),
    contactId: objectId.optional(),
    leadId: objectId.optional(),
  })
  .openapi('PrivacySubject');

export const privacyEraseBody = privacySubjectBody
  .extend({ confirmation: z.string().max(20).openapi({ description: 'Must be `ERASE`: the typed confirmation of an irreversible erasure' }) })
  .openapi('PrivacyErasure');

const counts = z.record(z.string(), z.number().int()).openapi({ description: 'Records per kind (contacts, leads, activities, tickets, ...)' });

export const privacyPreviewSchema = z
  .object({ subject: z.string().openapi({ description: 'The subject, masked' }), found: z.boolean(), counts })
  .openapi('PrivacyPreview');

export const privacyRequestSchema = z
  .object({
    id: objectId,
    type: z.enum(privacyRequestTypes),
    status: z.enum(privacyRequestStatuses),
    source: z.enum(['admin', 'retention']),
    subject: z.string().openapi({ description: 'The subject, masked (j***@e***.com): the request keeps nothing that identifies an erased person' }),
    counts,
    steps: z.array(z.object({ at: z.string(), action: z.enum(['received', 'exported', 'erased', 'failed']), byUserId: objectId.nullable(), detail: z.string().nullable() })),
    requestedBy: objectId.nullable(),
    createdAt: z.string(),
    completedAt: z.string().nullable(),
  })
  .openapi('PrivacyRequest');

export const privacyExportSchema = z
  .object({
    request: privacyRequestSchema,
    generatedAt: z.string(),
    data: z.record(z.string(), z.array(z.record(z.string(), z.unknown()))).openapi({ description: 'Every record held about the person, per kind (contacts, leads, activities, tickets, ticketMessages, subscriptions, sendLedger, auditReferences, ...)' }),
  })
  .openapi('PrivacyExport');

export const privacyExportQuery = z.object({
  format: z.enum(['json', 'download']).default('json').openapi({ description: '`download` answers the same JSON as an attachment (privacy-export-<id>.json)' }),
});

const retentionRule = z.object({
  kind: z.enum(retentionKinds),
  months: z.number().int().min(1).max(600).openapi({ description: 'Records untouched (not updated) for this many months are erased by the daily job' }),
  enabled: z.boolean().default(true),
});

export const retentionBody = z.object({ rules: z.array(retentionRule).max(retentionKinds.length) }).openapi('PrivacyRetentionRules');
export const retentionSchema = z.object({ rules: z.array(retentionRule.required()) }).openapi('PrivacyRetention');
export const retentionDryRunSchema = z.object({ counts }).openapi('PrivacyRetentionDryRun');
