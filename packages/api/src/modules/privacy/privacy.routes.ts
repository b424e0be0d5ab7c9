import { listOf } from '../../platform/http/common.schema.js';
import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import {
  privacyEraseBody,
  privacyExportQuery,
  privacyExportSchema,
  privacyPreviewSchema,
  privacyRequestSchema,
  privacySubjectBody,
  retentionBody,
  retentionDryRunSchema,
  retentionSchema,
} from './privacy.schema.js';
import type { PrivacyService } from './privacy.service.js';

/**
 * GDPR / CCPA requests (issue 22): admin-only (`privacyRequest`). The person is named in a POST body,
 * never in a URL (no address in access logs); exports and look-ups are not stored for idempotent replay,
 * since the stored answer would be a second copy of the person's data.
 */
export function privacyRoutes(service: PrivacyService): RouteSpec[] {
  const tags = ['Privacy'];
  return [
    defineRoute({
      method: 'post', path: '/privacy/lookup', operationId: 'lookupPrivacySubject', summary: 'What is held about a person', description: 'Counts per kind of everything held about the person (by email, phone, contact or lead id); changes nothing.', tags,
      access: access.permission('privacyRequest', 'read'), body: privacySubjectBody, idempotency: false,
      success: { status: 200, description: 'The masked subject and counts per kind', schema: privacyPreviewSchema },
      handler: ({ body, req }) => service.preview(req.principal!, body),
    }),
    defineRoute({
      method: 'post', path: '/privacy/exports', operationId: 'exportPrivacySubject', summary: 'Export everything held about a person', description: 'Recorded as an export request. `?format=download` answers it as a JSON attachment.', tags,
      access: access.permission('privacyRequest', 'create'), body: privacySubjectBody, query: privacyExportQuery, idempotency: false,
      success: { status: 200, description: 'The request and the data per kind', schema: privacyExportSchema },
      handler: async ({ body, query, req, res }) => {
        const result = await service.export(req.principal!, body);
        if (query.format === 'download') {
          res.status(200).type('application/json').attachment(`privacy-export-${result.request.id}.json`).send(JSON.stringify(result, null, 2));
          return undefined;
        }
        return result;
      },
    }),
    defineRoute({
      method: 'post', path: '/privacy/erasures', operationId: 'erasePrivacySubject', summary: 'Erase a person', description: 'Removes or anonymises the person in every collection and keeps only a keyed hash of their email and phone, so imports, sign-ups and new records refuse them. Irreversible: `confirmation` must be `ERASE`. With an Idempotency-Key, a retry is refused rather than run twice.', tags,
      access: access.permission('privacyRequest', 'create'), body: privacyEraseBody, idempotency: 'once',
      success: { status: 201, description: 'The completed erasure request, with counts per kind', schema: privacyRequestSchema },
      handler: ({ body, req }) => service.erase(req.principal!, body, body.confirmation),
    }),
    defineRoute({
      method: 'get', path: '/privacy/requests', operationId: 'listPrivacyRequests', summary: "The agency's privacy requests", description: 'Newest first, the last 200; subjects are masked.', tags,
      access: access.permission('privacyRequest', 'read'),
      success: { status: 200, description: 'The requests', schema: listOf(privacyRequestSchema, 'PrivacyRequestList') },
      handler: ({ req }) => service.list(req.principal!),
    }),
    defineRoute({
      method: 'get', path: '/privacy/retention', operationId: 'getPrivacyRetention', summary: 'Retention rules', tags,
      access: access.permission('privacyRequest', 'read'),
      success: { status: 200, description: 'The rules', schema: retentionSchema },
      handler: ({ req }) => service.getRetention(req.principal!),
    }),
    defineRoute({
      method: 'put', path: '/privacy/retention', operationId: 'putPrivacyRetention', summary: 'Set retention rules', description: 'One rule per kind; a daily job erases records untouched for longer (no suppression: the person did not ask).', tags,
      access: access.permission('privacyRequest', 'update'), body: retentionBody,
      success: { status: 200, description: 'The rules', schema: retentionSchema },
      handler: ({ body, req }) => service.putRetention(req.principal!, body),
    }),
    defineRoute({
      method: 'post', path: '/privacy/retention/dry-run', operationId: 'dryRunPrivacyRetention', summary: 'What retention would erase now', description: 'Counts per kind; changes nothing.', tags,
      access: access.permission('privacyRequest', 'read'), idempotency: false,
      success: { status: 200, description: 'Counts per kind', schema: retentionDryRunSchema },
      handler: ({ req }) => service.retentionDryRun(req.principal!),
    }),
  ];
}
