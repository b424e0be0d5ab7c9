import type { Connection, Types } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import { loadPrincipal } from '../identity/principal.service.js';
import { apiKeyModel } from './api-key.model.js';

/**
 * The principal background work acts as (an import's run, an export's file): the user who asked for it,
 * or, when a secret key asked, the user with the key's role. Null when the user can no longer act in the
 * agency or the key was revoked meanwhile, so the work stops rather than outlive the right to do it.
 */
export async function principalOfStarter(connection: Connection, starter: { tenantId: Types.ObjectId; createdBy: Types.ObjectId; apiKeyId?: Types.ObjectId | null }): Promise<Principal | null> {
  const key = starter.apiKeyId ? await apiKeyModel(connection).findOne({ tenantId: starter.tenantId, _id: starter.apiKeyId }).lean() : null;
  if (starter.apiKeyId && (!key || key.revokedAt)) return null;
  return loadPrincipal(connection, { tenantId: starter.tenantId, userId: starter.createdBy, apiKeyId: starter.apiKeyId, ...(key?.roleId ? { roleId: key.roleId } : {}) });
}
