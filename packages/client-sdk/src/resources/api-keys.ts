import type { OperationQuery, Schema } from '../core/api-types.js';
import { path } from '../core/path.js';
import { requestPage, type ListParams, type PagePromise } from '../core/pagination.js';
import type { RequestOptions } from '../core/request-options.js';
import { APIResource } from '../core/resource.js';

/** A secret (`sk_...`) or publishable (`pk_...`) key as listed: its prefix, never the key itself. */
export type ApiKey = Schema<'ApiKey'>;
/** The answer of `crm.apiKeys.create`: the key with its full secret, shown this once. */
export type CreatedApiKey = Schema<'CreatedApiKey'>;
/** The body of `crm.apiKeys.create`: kind, name, and a role (secret) or allowed origins (publishable). */
export type ApiKeyCreateParams = Schema<'CreateApiKeyRequest'>;
/** The body of `crm.apiKeys.update`: a new name, or a publishable key's origins. */
export type ApiKeyUpdateParams = Schema<'UpdateApiKeyRequest'>;
/** The query of `crm.apiKeys.list`. */
export type ApiKeyListParams = OperationQuery<'listApiKeys'> & ListParams;

/**
 * The agency's API keys (`crm.apiKeys`), for admins.
 *
 * @example const { key } = await crm.apiKeys.create({ kind: 'publishable', name: 'Website', allowedOrigins: ['https://shop.test'] });
 */
export class ApiKeys extends APIResource {
  /** Lists keys, newest first; `includeRevoked: 'true'` adds revoked ones. */
  list(params?: ApiKeyListParams, options?: RequestOptions): PagePromise<ApiKey> {
    return requestPage<ApiKey>(this._transport, '/v1/api-keys', params, options);
  }

  /** Fetches one key (without its secret). */
  get(id: string, options?: RequestOptions): Promise<ApiKey> {
    return this._transport.get<ApiKey>(path`/v1/api-keys/${id}`, undefined, options);
  }

  /**
   * Creates a key; the answer's `key` is the only time the full key is shown, so store it now. It carries
   * an `Idempotency-Key`, but the API never replays an answer that holds a secret: when the first answer
   * was lost, the retry rejects with `CrmConflictError` whose `problem.id` names the key created (revoke it and create another).
   */
  create(params: ApiKeyCreateParams, options?: RequestOptions): Promise<CreatedApiKey> {
    return this._transport.post<CreatedApiKey>('/v1/api-keys', params, options, true);
  }

  /** Renames a key or changes a publishable key's allowed origins. */
  update(id: string, params: ApiKeyUpdateParams = {}, options?: RequestOptions): Promise<ApiKey> {
    return this._transport.patch<ApiKey>(path`/v1/api-keys/${id}`, params, options);
  }

  /** Revokes a key; it stops working on its next request. */
  revoke(id: string, options?: RequestOptions): Promise<void> {
    return this._transport.delete(path`/v1/api-keys/${id}`, options);
  }
}
