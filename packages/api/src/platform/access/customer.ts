import type { Types } from 'mongoose';
import { op } from '../db/operators.js';

/** The two roles a customer identity can hold; neither carries any agent permission. */
export const customerRoles = ['customer', 'customer_case_manager'] as const;
export type CustomerRole = (typeof customerRoles)[number];

/**
 * A signed-in customer on the self-service portal (a separate kind of principal from agents' `Principal`:
 * it never reaches an agent route, and agent principals never reach a portal route).
 * `accountIds` is what the customer may see account-wide: empty for `customer` (own records only, by
 * contact), the account and every account below it for `customer_case_manager`.
 */
export interface CustomerPrincipal {
  kind: 'customer';
  tenantId: Types.ObjectId;
  customerUserId: Types.ObjectId;
  contactId: Types.ObjectId;
  accountId: Types.ObjectId | null;
  role: CustomerRole;
  accountIds: Types.ObjectId[];
  sessionId: string;
}

/**
 * The Mongo filter of the records a customer may see, for a kind whose documents name the requesting
 * contact and its account (`fields` renames them): a `customer` sees what their own contact raised; a
 * `customer_case_manager` sees everything of their account and its child accounts (and what they raised
 * themselves). Always scoped to the customer's tenant. Merge it into every portal read and write.
 */
export function customerVisibility(principal: CustomerPrincipal, fields: { contact?: string; account?: string } = {}): Record<string, unknown> {
  const contactField = fields.contact ?? 'contactId';
  const accountField = fields.account ?? 'accountId';
  const own = { tenantId: principal.tenantId, [contactField]: principal.contactId };
  if (principal.role !== 'customer_case_manager' || principal.accountIds.length === 0) return own;
  const accounts = principal.accountIds.length === 1 ? principal.accountIds[0] : op({ $in: principal.accountIds });
  return { tenantId: principal.tenantId, $or: [{ [accountField]: accounts }, { [contactField]: principal.contactId }] };
}

/** The same rule for one loaded document (realtime delivery, a record read by `_id`). */
export function customerMaySee(principal: CustomerPrincipal, record: { tenantId: unknown; contactId?: unknown; accountId?: unknown }): boolean {
  if (String(record.tenantId) !== String(principal.tenantId)) return false;
  if (record.contactId && String(record.contactId) === String(principal.contactId)) return true;
  if (principal.role !== 'customer_case_manager' || !record.accountId) return false;
  const account = String(record.accountId);
  return principal.accountIds.some((id) => String(id) === account);
}

/**
 * The same visibility as a list of equality filters, one per account (or the own contact), each served
 * by a pushed-down index on FerretDB (an `$or`/`$in` is not): a list reads each and merges, or pages
 * list rows keyed by the same fields. Their union is exactly `customerVisibility`.
 */
export function customerEqualityScopes(principal: CustomerPrincipal, fields: { contact?: string; account?: string } = {}): Record<string, unknown>[] {
  const contactField = fields.contact ?? 'contactId';
  const accountField = fields.account ?? 'accountId';
  const own = { tenantId: principal.tenantId, [contactField]: principal.contactId };
  if (principal.role !== 'customer_case_manager') return [own];
  return [own, ...principal.accountIds.map((id) => ({ tenantId: principal.tenantId, [accountField]: id }))];
}
