import type { Connection } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import { AppError } from '../../platform/errors.js';
import type { EventBus } from '../../platform/events.js';
import type { ClientInfo } from './auth.service.js';
import { toTenantDto } from './dto.js';
import { tenantModel } from './tenant.model.js';
import type { UpdateTenantInput } from './tenant.schema.js';
import { actorOf, diff } from './users.service.js';

/** The agency's own settings: name, type, address, time zone, locale, currency, audit retention. */
export function createTenantService(deps: { connection: Connection; events: EventBus }) {
  const Tenant = tenantModel(deps.connection);

  async function load(principal: Principal) {
    const tenant = await Tenant.findById(principal.tenantId).lean();
    if (!tenant) throw AppError.notFound('Agency');
    return tenant;
  }

  return {
    async get(principal: Principal) {
      return toTenantDto(await load(principal));
    },

    /** The display name public widget routes show. */
    async displayName(tenantId: unknown): Promise<string> {
      const tenant = await Tenant.findById(tenantId).select('name').lean();
      if (!tenant) throw AppError.notFound('Agency');
      return tenant.name;
    },

    async update(principal: Principal, input: UpdateTenantInput, client: ClientInfo) {
      const tenant = await load(principal);
      const before = toTenantDto(tenant);
      const set: Record<string, unknown> = {};
      const after: Record<string, unknown> = {};
      if (input.name !== undefined) set.name = after.name = input.name;
      if (input.type !== undefined) set.type = after.type = input.type;
      if (input.address !== undefined) set.address = after.address = input.address;
      for (const key of ['timeZone', 'locale', 'currency', 'auditRetentionMonths', 'importDailyRowCap'] as const) {
        if (input[key] !== undefined) {
          set[`settings.${key}`] = input[key];
          after[key] = input[key];
        }
      }
      const changes = diff({ ...before, ...before.settings }, after);
      if (!Object.keys(changes).length) return before;
      const updated = await Tenant.findOneAndUpdate({ _id: tenant._id }, { $set: set, $inc: { version: 1 } }, { returnDocument: 'after', runValidators: true }).lean();
      await deps.events.publish({ type: 'tenant.updated', tenantId: principal.tenantId, resource: 'tenant', resourceId: String(tenant._id), actor: actorOf(principal, client), changes });
      return toTenantDto(updated!);
    },
  };
}

export type TenantService = ReturnType<typeof createTenantService>;
