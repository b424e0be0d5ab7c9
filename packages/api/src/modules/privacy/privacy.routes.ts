import { listOf } from '../../platform/http/common.schema.js';
import { customerOf } from '../../platform/auth/customer-guard.js';
import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import {
  acceptTermsBody,
  personAcceptancesSchema,
  portalTermsSchema,
  termsVersionsBody,
  termsVersionsSchema,
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
import type { TermsService } from './privacy.terms.js';
import { exportZip } from './privacy.zip.js';

/**
 * GDPR / CCPA requests (issue 22): admin-only (`privacyRequest`). The person is named in a POST body,
 * never in a URL (no address in access logs); exports and look-ups are not stored for idempotent replay,
 * since the stored answer would be a second copy of the person's data.
 */
export function privacyRoutes(service: PrivacyService, terms: TermsService): RouteSpec[] {
  const tags = ['Privacy'];
  return [
    defineRoute({
      method: 'post', path: '/privacy/lookup', operationId: 'lookupPrivacySubject', summary: 'What is held about a person', description: 'Counts per kind of everything held about the person (by email, phone, contact or lead id); changes nothing.', tags,
      access: access.permission('privacyRequest', 'read'), body: privacySubjectBody, idempotency: false,
      success: { status: 200, description: 'The masked subject and counts per kind', schema: privacyPreviewSchema },
      handler: ({ body, req }) => service.preview(req.principal!, body),
    }),
    defineRoute({
      method: 'post', path: '/privacy/exports', operationId: 'exportPrivacySubject', summary: 'Export everything held about a person', description: 'Recorded as an export request. `?format=download` answers it as a JSON attachment; `?format=zip` as a ZIP (application/zip) of one CSV file per kind of record, with export.json and a README.txt.', tags,
      access: access.permission('privacyRequest', 'create'), body: privacySubjectBody, query: privacyExportQuery, idempotency: false,
      success: { status: 200, description: 'The request and the data per kind', schema: privacyExportSchema },
      handler: async ({ body, query, req, res }) => {
        const result = await service.export(req.principal!, body);
        if (query.format === 'zip') {
          res.status(200).type('application/zip').attachment(`privacy-export-${result.request.id}.zip`).send(await exportZip(result));
          return undefined;
        }
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
    defineRoute({
      method: 'get', path: '/privacy/terms', operationId: 'getTermsVersions', summary: 'The terms and privacy versions people are asked to accept', tags,
      access: access.permission('privacyRequest', 'read'),
      success: { status: 200, description: 'The current version of each document (null: not asked for)', schema: termsVersionsSchema },
      handler: ({ req }) => terms.getVersions(req.principal!),
    }),
    defineRoute({
      method: 'put', path: '/privacy/terms', operationId: 'putTermsVersions', summary: 'Set the terms and privacy versions', description: 'A new version is asked of every portal customer on their next visit (GET /portal/me/terms answers it as pending); public sign-ups with consent record the privacy version current when they sign up.', tags,
      access: access.permission('privacyRequest', 'update'), body: termsVersionsBody,
      success: { status: 200, description: 'The current versions', schema: termsVersionsSchema },
      handler: ({ body, req }) => terms.putVersions(req.principal!, body),
    }),
    defineRoute({
      method: 'post', path: '/privacy/acceptances/lookup', operationId: 'lookupTermsAcceptances', summary: "A person's terms and privacy acceptances", description: 'Every version of the terms and privacy notice the person accepted, when and where (portal, public form), oldest first. The person is named in the body as for an export.', tags,
      access: access.permission('privacyRequest', 'read'), body: privacySubjectBody, idempotency: false,
      success: { status: 200, description: 'The acceptances', schema: personAcceptancesSchema },
      handler: ({ body, req }) => terms.personAcceptances(req.principal!, body),
    }),
    defineRoute({
      method: 'get', path: '/portal/me/terms', operationId: 'getPortalTerms', summary: 'The terms I am asked to accept', description: 'The current terms and privacy versions, what I accepted, and which documents are pending (the portal asks for them on first use after sign-in).', tags: ['Portal'],
      access: access.customer,
      success: { status: 200, description: 'Current versions, my acceptances and what is pending', schema: portalTermsSchema },
      handler: ({ req }) => terms.portalState(customerOf(req)),
    }),
    defineRoute({
      method: 'post', path: '/portal/me/terms', operationId: 'acceptPortalTerms', summary: 'Accept the current terms or privacy notice', description: 'Records my acceptance of the current version, with the time. Accepting the same version again changes nothing; an outdated version is refused (400, field `version`).', tags: ['Portal'],
      access: access.customer, body: acceptTermsBody, idempotency: false,
      success: { status: 200, description: 'Current versions, my acceptances and what is pending', schema: portalTermsSchema },
      handler: ({ body, req }) => terms.accept(customerOf(req), body, req.ip ?? null),
    }),
  ];
}
