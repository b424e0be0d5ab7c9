/**
 * `@crm/client-sdk/public`: the publishable-key client for widgets on partner pages. It imports nothing of
 * sessions, realtime or record resources, so a widget bundle stays small.
 */
export { createPublicClient, PublicCrmClient, type PublicClientOptions } from './core/public-client.js';
export { PublicCampaigns, PublicResource, type PublicPing } from './resources/public.js';
export type {
  EngagementKind,
  PublicCampaign,
  PublicEngagementResult,
  PublicSignupConfirmation,
  PublicSignupParams,
  PublicSignupResult,
} from './resources/public.js';
export { path } from './core/path.js';
export { Page, PagePromise, type ListEnvelope, type ListParams } from './core/pagination.js';
export type { RequestOptions } from './core/request-options.js';
export type { FetchLike, RetryPolicy } from './core/transport.js';
export type { QueryValue } from './internal/query.js';
export * from './core/errors.js';
export type { Schema } from './core/api-types.js';
