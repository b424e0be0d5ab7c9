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
  type AcceptInvitationParams,
  type AcceptInvitationResult,
  type ConfirmRegistrationParams,
  type ConfirmRegistrationResult,
  type LoginResult,
  type RegisterParams,
  type RegisterResult,
  type SessionAuth,
  type SessionTokens,
} from './core/session.js';
export { createPublicClient, PublicCrmClient, type PublicClientOptions } from './core/public-client.js';
export { APIResource } from './core/resource.js';
export {
  CrudResource,
  RecordResource,
  WorkflowRecordResource,
  type TransitionEntry,
  type TransitionHistory,
  type TransitionParams,
} from './core/crud-resource.js';
export type { OperationQuery, OperationRequestBody, Schema } from './core/api-types.js';
export { Page, PagePromise, type ListEnvelope, type ListParams, type Paging } from './core/pagination.js';
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
export type { QueryParams, QueryValue } from './internal/query.js';
export * from './core/errors.js';
export {
  Auth,
  type Me,
  type PasswordChangeParams,
  type PasswordResetAccepted,
  type PasswordResetConfirmParams,
  type PasswordResetRequestParams,
  type ProfileUpdateParams,
  type Session,
} from './resources/auth.js';
export * from './resources/activities.js';
export * from './resources/api-keys.js';
export * from './resources/audit.js';
export * from './resources/privacy.js';
export * from './resources/mailwizz.js';
export * from './resources/voip.js';
export * from './resources/campaigns.js';
export * from './resources/contacts.js';
export * from './resources/custom-fields.js';
export * from './resources/customers.js';
export * from './resources/leads.js';
export * from './resources/tickets.js';
export * from './resources/imports.js';
export * from './resources/exports.js';
export * from './resources/portal-tickets.js';
export * from './resources/kb.js';
export * from './resources/metrics.js';
export * from './resources/targets.js';
export * from './resources/forecasts.js';
export * from './resources/dashboards.js';
export * from './resources/reports.js';
export * from './resources/portal-articles.js';
export * from './resources/messaging.js';
export * from './resources/notifications.js';
export * from './resources/nurture.js';
export * from './resources/opportunities.js';
export * from './resources/org.js';
export * from './resources/pipelines.js';
export * from './resources/products.js';
export * from './resources/price-books.js';
export * from './resources/quotes.js';
export * from './resources/orders.js';
export * from './resources/invoices.js';
export * from './resources/roles.js';
export * from './resources/satisfaction.js';
export * from './resources/segments.js';
export type { MessageSubscriptions, SubscriptionChangeParams } from './resources/subscriptions.js';
export * from './resources/tasks.js';
export * from './resources/templates.js';
export * from './resources/tenant.js';
export * from './resources/timeline.js';
export * from './resources/users.js';
export * from './resources/customer-users.js';
export { createPortalClient, PortalCrmClient, type PortalClientOptions } from './core/portal-client.js';
export { memoryTokenStore, storageTokenStore, PortalSession, type PortalTokens, type PortalTokenStore, type PortalSessionTokens } from './core/portal-session.js';
export { PortalResource, PortalMe, type PortalProfile, type PortalPreferences, type UpdatePortalProfileParams, type UpdatePortalPreferencesParams } from './resources/portal.js';
export * from './resources/workflows.js';
export * from './resources/webhooks.js';
export * from './resources/calendar.js';
export * from './resources/lost-routing.js';
export * from './resources/sales-events.js';
export * from './resources/account-health.js';
export * from './resources/projects.js';
export * from './resources/lead-requests.js';
export * from './resources/conversations.js';
export { verifyWebhookSignature, type WebhookVerification } from './core/webhook-signature.js';
export { PublicResource, type PublicPing } from './resources/public.js';
export {
  Realtime,
  type RealtimeEvent,
  type RealtimeEventType,
  type RealtimeRecords,
  type RealtimeResource,
  type RealtimeOptions,
  type RealtimeSocket,
  type SocketIoLoader,
  type SubscribeOptions,
  type SubscribeParams,
} from './resources/realtime.js';
export type { components, operations, paths } from './generated/openapi.js';
