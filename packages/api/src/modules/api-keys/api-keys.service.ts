import { Types, type Connection } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import { randomToken, sha256 } from '../../platform/auth/tokens.js';
import { AppError } from '../../platform/errors.js';
import type { EventBus } from '../../platform/events.js';
import type { ClientInfo } from '../identity/auth.service.js';
import { resolvePrincipal } from '../identity/principal.service.js';
import { roleModel } from '../identity/role.model.js';
import { actorOf } from '../identity/users.service.js';
import { apiKeyModel, type ApiKey } from './api-key.model.js';
import type { CreateApiKeyInput } from './api-keys.schema.js';

/** lastUsedAt is refreshed at most this often, so a busy key does not write on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

function toApiKeyDto(key: ApiKey) {
  return {
    id: String(key._id),
    kind: key.kind,
    name: key.name,
    prefix: key.prefix,
    roleId: key.roleId ? String(key.roleId) : null,
    ownerId: String(key.ownerId),
    allowedOrigins: [...key.allowedOrigins],
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
    createdAt: key.createdAt.toISOString(),
  };
}

/** Role ids at or below `roleId` in the tenant's role tree. */
async function roleSubtree(connection: Connection, tenantId: Types.ObjectId, roleId: string): Promise<Set<string>> {
  const roles = await roleModel(connection).find({ tenantId }).select('parentRoleId').lean();
  const out = new Set<string>([roleId]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const r of roles) {
      if (r.parentRoleId && out.has(String(r.parentRoleId)) && !out.has(String(r._id))) {
        out.add(String(r._id));
        grew = true;
      }
    }
  }
  return out;
}

/** Secret and publishable API keys: issued once, stored as SHA-256, revocable. */
export function createApiKeysService(deps: { connection: Connection; events: EventBus }) {
  const { connection, events } = deps;
  const ApiKeyModel = apiKeyModel(connection);
  const Role = roleModel(connection);

  async function findKey(tenantId: Types.ObjectId, id: string): Promise<ApiKey> {
    const key = await ApiKeyModel.findOne({ tenantId, _id: new Types.ObjectId(id) }).lean();
    if (!key) throw AppError.notFound('API key');
    return key;
  }

  function touch(key: ApiKey): void {
    if (key.lastUsedAt && Date.now() - key.lastUsedAt.getTime() < LAST_USED_RESOLUTION_MS) return;
    // Best effort: a lost lastUsedAt write must never fail the request it describes.
    void ApiKeyModel.updateOne({ tenantId: key.tenantId, _id: key._id }, { $set: { lastUsedAt: new Date() } }).catch(() => {});
  }

  async function lookup(credential: string, kind: 'secret' | 'publishable'): Promise<ApiKey | null> {
    const key = await ApiKeyModel.findOne({ keyHash: sha256(credential) }).setOptions({ crossTenant: 'a key finds its agency by hash' }).lean();
    if (!key || key.kind !== kind || key.revokedAt) return null;
    return key;
  }

  return {
    /**
     * Issues a key and returns it in full, once. A secret key acts with the chosen role (the creator's own
     * or one below it, so no one mints a key stronger than themselves) on behalf of its creator.
     */
    async create(principal: Principal, input: CreateApiKeyInput, client: ClientInfo) {
      if (principal.kind !== 'user') throw new AppError('forbidden', 'Create API keys signed in as a user, not with another key');
      let roleId: Types.ObjectId | null = null;
      let allowedOrigins: string[] = [];
      if (input.kind === 'secret') {
        const role = await Role.findOne({ tenantId: principal.tenantId, _id: new Types.ObjectId(input.roleId) }).lean();
        if (!role) throw AppError.invalidField('roleId', 'is not a role of this agency');
        if (!principal.role.isAdmin && !(await roleSubtree(connection, principal.tenantId, principal.role.id)).has(String(role._id))) {
          throw new AppError('forbidden', 'A key can have your own role or one below it, not a stronger one');
        }
        roleId = role._id;
      } else {
        allowedOrigins = [...new Set(input.allowedOrigins)];
      }
      const secret = randomToken(input.kind === 'secret' ? 'sk_live_' : 'pk_live_');
      const created = await ApiKeyModel.create({
        tenantId: principal.tenantId,
        kind: input.kind,
        name: input.name,
        prefix: secret.slice(0, 12),
        keyHash: sha256(secret),
        roleId,
        ownerId: principal.userId,
        allowedOrigins,
      });
      const key = created.toObject();
      await events.publish({ type: 'apiKey.created', tenantId: principal.tenantId, resource: 'apiKey', resourceId: String(key._id), actor: actorOf(principal, client), changes: { kind: { from: null, to: key.kind }, name: { from: null, to: key.name }, roleId: { from: null, to: roleId ? String(roleId) : null }, allowedOrigins: { from: null, to: allowedOrigins } } });
      return { ...toApiKeyDto(key), key: secret };
    },

    async list(principal: Principal, includeRevoked: boolean) {
      const filter: Record<string, unknown> = { tenantId: principal.tenantId };
      if (!includeRevoked) filter.revokedAt = null;
      const keys = await ApiKeyModel.find(filter).sort({ _id: -1 }).limit(500).lean();
      return { object: 'list' as const, data: keys.map(toApiKeyDto), hasMore: false, nextCursor: null };
    },

    async get(principal: Principal, id: string) {
      return toApiKeyDto(await findKey(principal.tenantId, id));
    },

    /** Renames a key, or changes a publishable key's allowed origins. */
    async update(principal: Principal, id: string, input: { name?: string | undefined; allowedOrigins?: string[] | undefined }, client: ClientInfo) {
      const key = await findKey(principal.tenantId, id);
      if (key.revokedAt) throw new AppError('conflict', 'This key is revoked; create a new one');
      if (input.allowedOrigins && key.kind !== 'publishable') throw AppError.invalidField('allowedOrigins', 'apply to publishable keys only');
      const set: Record<string, unknown> = {};
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      if (input.name !== undefined && input.name !== key.name) {
        set.name = input.name;
        changes.name = { from: key.name, to: input.name };
      }
      if (input.allowedOrigins) {
        set.allowedOrigins = [...new Set(input.allowedOrigins)];
        changes.allowedOrigins = { from: key.allowedOrigins, to: set.allowedOrigins };
      }
      if (!Object.keys(set).length) return toApiKeyDto(key);
      const updated = await ApiKeyModel.findOneAndUpdate({ tenantId: principal.tenantId, _id: key._id }, { $set: set }, { returnDocument: 'after' }).lean();
      await events.publish({ type: 'apiKey.updated', tenantId: principal.tenantId, resource: 'apiKey', resourceId: id, actor: actorOf(principal, client), changes });
      return toApiKeyDto(updated!);
    },

    /** Revokes a key for good; the next request with it answers 401. */
    async revoke(principal: Principal, id: string, client: ClientInfo) {
      const key = await findKey(principal.tenantId, id);
      if (key.revokedAt) return;
      await ApiKeyModel.updateOne({ tenantId: principal.tenantId, _id: key._id, revokedAt: null }, { $set: { revokedAt: new Date() } });
      await events.publish({ type: 'apiKey.revoked', tenantId: principal.tenantId, resource: 'apiKey', resourceId: id, actor: actorOf(principal, client), changes: { revokedAt: { from: null, to: new Date() } } });
    },

    /** The `secretKeys` resolver of the authenticator: `sk_...` to a principal acting with the key's role. */
    async resolveSecretKey(credential: string): Promise<Principal | null> {
      const key = await lookup(credential, 'secret');
      if (!key || !key.roleId) return null;
      const principal = await resolvePrincipal(connection, { tenantId: key.tenantId, userId: key.ownerId, apiKeyId: key._id, roleId: key.roleId });
      if (principal) touch(key);
      return principal;
    },

    /** A live publishable key by its full value, or null. */
    async resolvePublishableKey(credential: string): Promise<ApiKey | null> {
      const key = await lookup(credential, 'publishable');
      if (key) touch(key);
      return key;
    },
  };
}

export type ApiKeysService = ReturnType<typeof createApiKeysService>;
