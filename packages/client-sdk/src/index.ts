/**
 * `@crm/client-sdk`: the typed client of the CRM HTTP API. Start with `createCrmClient`; widgets use
 * `createPublicClient` from `@crm/client-sdk/public`.
 */
export {
  createCrmClient,
  CrmClient,
  type CrmAuth,
  type CrmClientOptions,
  type PublishableKeyAuth,
  type SecretKeyAuth,
} from './core/client.js';
export {
  CrmSession,
  type LoginResult,
  type RegisterParams,
  type RegisterResult,
  type SessionAuth,
  type SessionTokens,
  type User,
} from './core/session.js';
export { createPublicClient, PublicCrmClient, type PublicClientOptions } from './core/public-client.js';
export { APIResource } from './core/resource.js';
export { CrudResource, type TransitionParams } from './core/crud-resource.js';
export { Page, PagePromise, type ListEnvelope, type ListParams } from './core/pagination.js';
export { path } from './core/path.js';
export type { RequestOptions, UpdateOptions } from './core/request-options.js';
export {
  Transport,
  type ApiRequest,
  type ApiResponse,
  type FetchLike,
  type HttpMethod,
  type RetryPolicy,
  type TokenSource,
  type TransportOptions,
} from './core/transport.js';
export type { QueryValue } from './internal/query.js';
export * from './core/errors.js';
export { Auth, type Me, type Session, type Tenant } from './resources/auth.js';
export { PublicResource } from './resources/public.js';
export {
  Realtime,
  type RealtimeEvent,
  type RealtimeOptions,
  type RealtimeSocket,
  type SocketIoLoader,
  type SubscribeOptions,
  type SubscribeParams,
} from './resources/realtime.js';
export type { components, operations, paths } from './generated/openapi.js';
