import type { CustomerUser } from './customer-user.model.js';

/** A customer identity as agents and the customer themselves see it (never the password hash). */
export function toCustomerUserDto(user: CustomerUser) {
  return {
    id: String(user._id),
    object: 'customerUser' as const,
    contactId: String(user.contactId),
    accountId: user.accountId ? String(user.accountId) : null,
    email: user.email,
    name: user.name,
    role: user.role,
    status: user.status,
    locale: user.locale ?? 'en',
    lastSignInAt: user.lastSignInAt ? new Date(user.lastSignInAt).toISOString() : null,
    createdAt: new Date(user.createdAt).toISOString(),
    updatedAt: new Date(user.updatedAt).toISOString(),
    version: user.version,
  };
}
