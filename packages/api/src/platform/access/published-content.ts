import type { Types } from 'mongoose';
import type { CustomerPrincipal } from './customer.js';
import type { Principal } from './principal.js';

/**
 * Who reads published content (knowledge-base articles): an agent of the tenant, a signed-in customer
 * of the self-service portal, or an anonymous visitor who came with the tenant's publishable key.
 */
export type ContentReader =
  | { kind: 'agent'; principal: Principal }
  | { kind: 'customer'; customer: CustomerPrincipal }
  | { kind: 'visitor'; tenantId: Types.ObjectId };

/** The tenant a reader belongs to. */
export function readerTenant(reader: ContentReader): Types.ObjectId {
  if (reader.kind === 'agent') return reader.principal.tenantId;
  if (reader.kind === 'customer') return reader.customer.tenantId;
  return reader.tenantId;
}

/** The content visibilities a reader may see: agents all, customers `customers` and `public`, visitors `public` only. */
export function readableVisibilities(reader: ContentReader): Array<'internal' | 'customers' | 'public'> {
  if (reader.kind === 'agent') return ['internal', 'customers', 'public'];
  if (reader.kind === 'customer') return ['customers', 'public'];
  return ['public'];
}

/**
 * The published content a reader may see, as equality filters (one per visibility, each pushed down
 * to an index on FerretDB, which an `$in` is not); their union is what the reader may read. Always
 * scoped to the reader's tenant and to published documents.
 */
export function publishedContentScopes(reader: ContentReader): Array<{ tenantId: Types.ObjectId; status: 'published'; visibility: string }> {
  const tenantId = readerTenant(reader);
  return readableVisibilities(reader).map((visibility) => ({ tenantId, status: 'published' as const, visibility }));
}

/** True when the reader may see this one document (read by `_id` or slug). */
export function mayReadPublished(reader: ContentReader, doc: { tenantId: unknown; status: unknown; visibility: unknown }): boolean {
  if (String(doc.tenantId) !== String(readerTenant(reader)) || doc.status !== 'published') return false;
  return (readableVisibilities(reader) as string[]).includes(String(doc.visibility));
}
