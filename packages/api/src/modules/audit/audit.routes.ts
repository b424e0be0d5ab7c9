import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import { auditListSchema, auditQuery, auditVerifySchema } from './audit.schema.js';
import type { AuditService } from './audit.service.js';

/** Read-only access to the audit trail; there is deliberately no route that edits or deletes it. */
export function auditRoutes(audit: AuditService): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/audit',
      operationId: 'listAuditEntries',
      summary: 'Query the audit trail',
      description: 'Newest first. Filter by actor (user or API key id), resource, record id, event type and time range.',
      tags: ['Audit'],
      access: access.permission('audit', 'read'),
      query: auditQuery,
      success: { status: 200, description: 'A page of audit entries', schema: auditListSchema },
      handler: ({ query, req }) => audit.list(req.principal!.tenantId, query),
    }),
    defineRoute({
      method: 'get',
      path: '/audit/verify',
      operationId: 'verifyAuditTrail',
      summary: 'Verify the hash chain of the audit trail',
      description: 'Recomputes every hash from the retention anchor on and reports the first entry that is missing or was changed behind the API.',
      tags: ['Audit'],
      access: access.permission('audit', 'read'),
      success: { status: 200, description: 'Whether the chain is intact, and where it breaks', schema: auditVerifySchema },
      handler: ({ req }) => audit.verify(req.principal!.tenantId),
    }),
  ];
}
