import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import { auditListSchema, auditQuery, auditVerifyQuery, auditVerifySchema } from './audit.schema.js';
import type { AuditService } from './audit.service.js';

/** Read-only access to the audit trail; there is deliberately no route that edits or deletes it. */
export function auditRoutes(audit: AuditService): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/audit',
      operationId: 'listAuditEntries',
      summary: 'Query the audit trail',
      description: 'Newest first. Filter by actor (user or API key id), resource, record id, event type and time range. Each request reads a bounded part of the trail (by blocks of seqs), so with a filter that matches little a page may hold fewer entries than `limit`, even none, while `hasMore` is true: pass `nextCursor` back as `cursor` to go on.',
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
      description: 'Recomputes the hashes from the retention anchor on, a bounded page at a time (5,000 entries), and reports the first entry that is missing or was changed behind the API. While `nextCursor` is set, pass it back as `cursor` to check the rest.',
      tags: ['Audit'],
      access: access.permission('audit', 'read'),
      query: auditVerifyQuery,
      success: { status: 200, description: 'Whether the chain is intact so far, and where it breaks', schema: auditVerifySchema },
      handler: ({ query, req }) => audit.verify(req.principal!.tenantId, query.cursor),
    }),
  ];
}
