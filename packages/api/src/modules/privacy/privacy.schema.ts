import { objectId } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';
import { termsDocuments } from '../../platform/privacy/terms.js';
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
  format: z.enum(['json', 'download', 'zip']).default('json').openapi({ description: '`download` answers the same JSON as an attachment (privacy-export-<id>.json); `zip` a ZIP (application/zip, privacy-export-<id>.zip) of one CSV per kind plus export.json' }),
});

const retentionRule = z.object({
  kind: z.enum(retentionKinds),
  months: z.number().int().min(1).max(600).openapi({ description: 'Records untouched (not updated) for this many months are erased by the daily job' }),
  enabled: z.boolean().default(true),
});

export const retentionBody = z.object({ rules: z.array(retentionRule).max(retentionKinds.length) }).openapi('PrivacyRetentionRules');
export const retentionSchema = z.object({ rules: z.array(retentionRule.required()) }).openapi('PrivacyRetention');
export const retentionDryRunSchema = z.object({ counts }).openapi('PrivacyRetentionDryRun');

const termsDocument = z.enum(termsDocuments);
const termsVersionSchema = z
  .object({
    version: z.string().openapi({ description: 'The version people accept, as the agency names it (e.g. `2026-01` or `3.2`)' }),
    url: z.string().nullable().openapi({ description: 'Where the document is read' }),
    publishedAt: z.string().openapi({ description: 'When this version was set' }),
  })
  .nullable();

export const termsVersionsSchema = z.object({ terms: termsVersionSchema, privacy: termsVersionSchema }).openapi('TermsVersions');

const termsVersionInput = z
  .object({
    version: z.string().trim().min(1).max(40).regex(/^[\w.:+-]+$/, 'letters, digits and . _ : + - only'),
    url: z.url().max(2000).regex(/^https?:\/\//, 'must be an http(s) URL').nullable().optional(),
  })
  .nullable()
  .optional()
  .openapi({ description: 'The current version; null stops asking for the document; left out keeps it' });

export const termsVersionsBody = z.object({ terms: termsVersionInput, privacy: termsVersionInput }).openapi('TermsVersionsInput');

export const termsAcceptanceSchema = z
  .object({
    id: objectId,
    document: termsDocument,
    version: z.string(),
    subjectType: z.enum(['customerUser', 'signup']).openapi({ description: 'A portal identity, or a sign-up of a public form' }),
    subjectId: objectId,
    contactId: objectId.nullable(),
    source: z.string().openapi({ description: '`portal`, or `campaign:<code>` for a public form' }),
    acceptedAt: z.string(),
  })
  .openapi('TermsAcceptance');

export const personAcceptancesSchema = z.object({ subject: z.string(), data: z.array(termsAcceptanceSchema) }).openapi('PersonTermsAcceptances');

export const portalTermsSchema = z
  .object({
    current: termsVersionsSchema,
    accepted: z.array(termsAcceptanceSchema),
    pending: z.array(termsDocument).openapi({ description: 'Documents whose current version I have not accepted yet' }),
  })
  .openapi('PortalTerms');

export const acceptTermsBody = z.object({ document: termsDocument, version: z.string().trim().min(1).max(40) }).openapi('AcceptTerms');
