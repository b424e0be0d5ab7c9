import type { OperationQuery, Schema } from '../core/api-types.js';
import { requestPage, type ListParams, type PagePromise } from '../core/pagination.js';
import type { RequestOptions } from '../core/request-options.js';
import { APIResource } from '../core/resource.js';

/** One entry of the tamper-evident audit trail: who did what to which record, when, from where. */
export type AuditEntry = Schema<'AuditEntry'>;
/** The answer of `crm.audit.verify`: whether the hash chain is intact, and where it breaks. */
export type AuditVerification = Schema<'AuditVerification'>;
/** The query of `crm.audit.verify`: `cursor`, the `nextCursor` of the previous page. */
export type AuditVerifyParams = OperationQuery<'verifyAuditTrail'>;
/** The query of `crm.audit.list`: `actor`, `resource`, `resourceId`, `type`, `from`, `to`. */
export type AuditListParams = OperationQuery<'listAuditEntries'> & ListParams;

/**
 * The audit trail (`crm.audit`), read-only.
 *
 * @example for await (const entry of crm.audit.list({ resource: 'contact' })) console.log(entry.type);
 */
export class Audit extends APIResource {
  /** Lists audit entries, newest first. */
  list(params?: AuditListParams, options?: RequestOptions): PagePromise<AuditEntry> {
    return requestPage<AuditEntry>(this._transport, '/v1/audit', params, options);
  }

  /**
   * Recomputes the hash chain, a bounded page at a time, and reports the first entry that is missing or
   * was changed; while `nextCursor` is set, pass it back as `cursor` to check the rest.
   */
  verify(params?: AuditVerifyParams, options?: RequestOptions): Promise<AuditVerification> {
    return this._transport.get<AuditVerification>('/v1/audit/verify', params, options);
  }
}
