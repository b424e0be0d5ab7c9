/**
 * `@crm/client-sdk/public`: the clients for other people's pages: the publishable-key client of the widgets
 * and the customer portal's client (`createPortalClient`, a customer's own session and `crm.portal`). It
 * imports nothing of agents' sessions, realtime or record resources, so a widget bundle stays small.
 */
export { createPublicClient, PublicCrmClient, type PublicClientOptions } from './core/public-client.js';
export { createPortalClient, PortalCrmClient, type PortalClientOptions } from './core/portal-client.js';
export { memoryTokenStore, storageTokenStore, PortalSession, type PortalTokens, type PortalTokenStore, type PortalSessionTokens, type CustomerUser } from './core/portal-session.js';
export { PortalTickets, type PortalTicket, type PortalTicketCreateParams, type PortalTicketMessageCreateParams, type PortalTicketCloseParams, type PortalTicketListParams } from './resources/portal-tickets.js';
export type { TicketMessage } from './resources/tickets.js';
export { PortalArticles, publicArticles, type PortalArticle, type PortalArticleSummary, type PortalArticleCategory, type PortalArticleListParams, type ArticleSuggestParams } from './resources/portal-articles.js';
export type { ArticleVoteParams, ArticleVoteResult } from './resources/kb.js';
export { PortalQuotes, type PortalQuote, type QuoteDecisionResult, type QuoteAcceptParams, type QuoteRejectParams } from './resources/orders.js';
export { PortalInvoices, type PortalInvoice, type PortalInvoiceList } from './resources/portal-invoices.js';
export { PortalResource, PortalMe, type PortalProfile, type PortalPreferences, type UpdatePortalProfileParams, type UpdatePortalPreferencesParams } from './resources/portal.js';
export { PublicCampaigns, PublicResource, PublicSalesEvents, type PublicPing } from './resources/public.js';
export type {
  EngagementKind,
  PublicCampaign,
  PublicEngagementResult,
  PublicSignupConfirmation,
  PublicSignupParams,
  PublicSignupResult,
  PublicSalesEvent,
  PublicSalesEventRegistration,
  PublicSalesEventRegistrationParams,
} from './resources/public.js';
export { path } from './core/path.js';
export { Page, PagePromise, type ListEnvelope, type ListParams } from './core/pagination.js';
export type { RequestOptions } from './core/request-options.js';
export type { FetchLike, RetryPolicy } from './core/transport.js';
export type { QueryValue } from './internal/query.js';
export * from './core/errors.js';
export type { Schema } from './core/api-types.js';
