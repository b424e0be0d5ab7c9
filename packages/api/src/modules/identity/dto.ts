import type { Session } from './session.model.js';
import type { Tenant } from './tenant.model.js';
import type { User } from './user.model.js';

/** The public shape of a user: never the password hash or lockout counters. */
export function toUserDto(user: User, roleKey?: string) {
  return {
    id: String(user._id),
    tenantId: String(user.tenantId),
    email: user.email,
    name: user.name,
    phone: user.phone ?? null,
    pictureUrl: user.pictureUrl ?? null,
    locale: user.locale ?? 'en',
    timeZone: user.timeZone ?? 'UTC',
    roleId: String(user.roleId),
    ...(roleKey ? { roleKey } : {}),
    departmentId: user.departmentId ? String(user.departmentId) : null,
    status: user.status ?? 'active',
    notificationSettings: (user.notificationSettings as Record<string, unknown>) ?? {},
    createdAt: (user as { createdAt?: Date }).createdAt?.toISOString() ?? new Date(0).toISOString(),
    version: (user as { version?: number }).version ?? 0,
  };
}

export function toTenantDto(tenant: Tenant) {
  return {
    id: String(tenant._id),
    name: tenant.name,
    slug: tenant.slug,
    type: tenant.type ?? null,
    address: (tenant.address as Record<string, string> | undefined) ?? null,
    settings: {
      timeZone: tenant.settings?.timeZone ?? 'UTC',
      locale: tenant.settings?.locale ?? 'en',
      currency: tenant.settings?.currency ?? 'USD',
      auditRetentionMonths: tenant.settings?.auditRetentionMonths ?? 24,
      importDailyRowCap: tenant.settings?.importDailyRowCap ?? null,
    },
    createdAt: (tenant as { createdAt?: Date }).createdAt?.toISOString() ?? new Date(0).toISOString(),
  };
}

export function toSessionDto(session: Session, currentId: string | null) {
  return {
    id: String(session._id),
    userAgent: session.userAgent,
    ip: session.ip,
    createdAt: session.createdAt.toISOString(),
    lastUsedAt: session.lastUsedAt.toISOString(),
    current: String(session._id) === currentId,
  };
}
