/**
 * Every operation of the API's OpenAPI document has a named SDK call, and that call sends the operation's
 * method and path, with the right credentials and, on creates the API deduplicates, an `Idempotency-Key`.
 *
 * The table is typed by the generated `operations`, so an operation added to the API fails the typecheck
 * here until it gets an SDK method (or a stated reason why it has none); the test then checks each call
 * against the document itself.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readOpenapiDocument } from '../../scripts/openapi-types.js';
import type { operations } from '../generated/openapi.js';
import { createCrmClient, type CrmClient } from './client.js';
import { PortalTickets } from '../resources/portal-tickets.js';
import { PortalArticles, publicArticles } from '../resources/portal-articles.js';
import { createPublicClient, type PublicCrmClient } from './public-client.js';
import { createPortalClient, type PortalCrmClient } from './portal-client.js';
import type { FetchLike } from './transport.js';

interface Clients {
  /** A signed-in user's client (its session already holds tokens). */
  crm: CrmClient;
  /** A widget's publishable-key client. */
  widget: PublicCrmClient;
  /** A signed-in customer's portal client (its store already holds tokens). */
  portal: PortalCrmClient;
}

/** Makes the SDK call that sends the operation. */
type Call = (clients: Clients) => PromiseLike<unknown>;
/** An operation the SDK deliberately has no method for, and why. */
interface NotInSdk {
  notInSdk: string;
}

const id = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const other = 'bbbbbbbbbbbbbbbbbbbbbbbb';
const token = 'signed-token-from-an-email-link';

export const sdkCalls: { [Operation in keyof operations]: Call | NotInSdk } = {
  // Session and identity
  register: ({ crm }) => crm.session!.register({} as never),
  confirmRegistration: ({ crm }) => crm.session!.confirmRegistration({ token }),
  login: ({ crm }) => crm.session!.login({ email: 'ada@example.test', password: 'secret' }),
  refreshSession: ({ crm }) => crm.session!.refresh(),
  logout: ({ crm }) => crm.session!.signOut(),
  acceptInvitation: ({ crm }) => crm.session!.acceptInvitation({} as never),
  listSessions: ({ crm }) => crm.auth.listSessions(),
  revokeSession: ({ crm }) => crm.auth.revokeSession(id),
  getMe: ({ crm }) => crm.auth.me(),
  updateMyProfile: ({ crm }) => crm.auth.updateProfile({}),
  changeMyPassword: ({ crm }) => crm.auth.changePassword({} as never),
  requestPasswordReset: ({ crm }) => crm.auth.requestPasswordReset({} as never),
  confirmPasswordReset: ({ crm }) => crm.auth.confirmPasswordReset({} as never),
  listUsers: ({ crm }) => crm.users.list(),
  getUser: ({ crm }) => crm.users.get(id),
  updateUser: ({ crm }) => crm.users.update(id, {}),
  inviteUser: ({ crm }) => crm.users.invite({} as never),
  // Customer identities (agents) and the customer's own portal session and profile
  inviteCustomerUser: ({ crm }) => crm.customerUsers.invite({} as never),
  listCustomerUsers: ({ crm }) => crm.customerUsers.list({ contactId: id }),
  getCustomerUser: ({ crm }) => crm.customerUsers.get(id),
  updateCustomerUser: ({ crm }) => crm.customerUsers.update(id, { status: 'disabled' }),
  resendCustomerInvitation: ({ crm }) => crm.customerUsers.resendInvitation(id),
  requestPortalLink: ({ portal }) => portal.portal.session.requestLink({ email: 'ada@example.test' }),
  exchangePortalLink: ({ portal }) => portal.portal.session.exchangeLink(token),
  portalPasswordSignIn: ({ portal }) => portal.portal.session.signInWithPassword({ email: 'ada@example.test', password: 'secret' }),
  refreshPortalSession: ({ portal }) => portal.portal.session.refresh(),
  getPortalSession: ({ portal }) => portal.portal.session.get(),
  signOutOfPortal: ({ portal }) => portal.portal.session.signOut(),
  getPortalProfile: ({ portal }) => portal.portal.me.get(),
  updatePortalProfile: ({ portal }) => portal.portal.me.update({ phone: '+1 555' }),
  getPortalPreferences: ({ portal }) => portal.portal.me.preferences(),
  updatePortalPreferences: ({ portal }) => portal.portal.me.updatePreferences({ marketing: false }),
  getPortalTerms: ({ portal }) => portal.portal.me.terms(),
  acceptPortalTerms: ({ portal }) => portal.portal.me.acceptTerms({ document: 'terms', version: '2026-01' }),
  setPortalPassword: ({ portal }) => portal.portal.me.setPassword({ password: 'a-long-portal-password' }),
  resendInvitation: ({ crm }) => crm.users.resendInvitation(id),
  listRoles: ({ crm }) => crm.roles.list(),
  createRole: ({ crm }) => crm.roles.create({} as never),
  getRole: ({ crm }) => crm.roles.get(id),
  updateRole: ({ crm }) => crm.roles.update(id, {}),
  deleteRole: ({ crm }) => crm.roles.remove(id),
  listUnits: ({ crm }) => crm.org.units.list(),
  createUnit: ({ crm }) => crm.org.units.create({} as never),
  getUnit: ({ crm }) => crm.org.units.get(id),
  updateUnit: ({ crm }) => crm.org.units.update(id, {}),
  deleteUnit: ({ crm }) => crm.org.units.remove(id),
  listDepartments: ({ crm }) => crm.org.departments.list(),
  createDepartment: ({ crm }) => crm.org.departments.create({} as never),
  getDepartment: ({ crm }) => crm.org.departments.get(id),
  updateDepartment: ({ crm }) => crm.org.departments.update(id, {}),
  deleteDepartment: ({ crm }) => crm.org.departments.remove(id),
  listDesignations: ({ crm }) => crm.org.designations.list(),
  createDesignation: ({ crm }) => crm.org.designations.create({} as never),
  getDesignation: ({ crm }) => crm.org.designations.get(id),
  updateDesignation: ({ crm }) => crm.org.designations.update(id, {}),
  deleteDesignation: ({ crm }) => crm.org.designations.remove(id),
  listTeams: ({ crm }) => crm.org.teams.list(),
  createTeam: ({ crm }) => crm.org.teams.create({} as never),
  getTeam: ({ crm }) => crm.org.teams.get(id),
  updateTeam: ({ crm }) => crm.org.teams.update(id, {}),
  deleteTeam: ({ crm }) => crm.org.teams.remove(id),
  getTenant: ({ crm }) => crm.tenant.get(),
  updateTenant: ({ crm }) => crm.tenant.update({}),
  // Lost-deal routing, projects from won deals, requests for leads (issue 23.5-7)
  listSalesEventLevels: ({ crm }) => crm.salesEvents.levels(),
  listSalesEvents: ({ crm }) => crm.salesEvents.list(),
  createSalesEvent: ({ crm }) => crm.salesEvents.create({} as never),
  getSalesEvent: ({ crm }) => crm.salesEvents.get(id),
  updateSalesEvent: ({ crm }) => crm.salesEvents.update(id, {}),
  listSalesEventRegistrations: ({ crm }) => crm.salesEvents.registrations(id),
  createSalesEventRegistration: ({ crm }) => crm.salesEvents.register(id, {} as never),
  checkInSalesEventRegistration: ({ crm }) => crm.salesEvents.checkIn(id, other),
  cancelSalesEventRegistration: ({ crm }) => crm.salesEvents.cancelRegistration(id, other),
  listAccountSnapshots: ({ crm }) => crm.accountHealth.week(),
  listAccountHealthHistory: ({ crm }) => crm.accountHealth.history(id),
  runAccountHealth: ({ crm }) => crm.accountHealth.run(),
  listLostReasonGroups: ({ crm }) => crm.lostRouting.groups(),
  createLostReasonGroup: ({ crm }) => crm.lostRouting.createGroup({} as never),
  updateLostReasonGroup: ({ crm }) => crm.lostRouting.updateGroup(id, {}),
  deleteLostReasonGroup: ({ crm }) => crm.lostRouting.deleteGroup(id),
  listLostReviews: ({ crm }) => crm.lostRouting.reviews(),
  getLostReview: ({ crm }) => crm.lostRouting.review(id),
  decideLostReview: ({ crm }) => crm.lostRouting.decide(id, { outcome: 'confirmed_lost' }),
  listProjects: ({ crm }) => crm.projects.list(),
  getProject: ({ crm }) => crm.projects.get(id),
  getProductionTeam: ({ crm }) => crm.projects.team(id),
  setProductionTeam: ({ crm }) => crm.projects.setTeam(id, { members: [] }),
  listLeadRequests: ({ crm }) => crm.leadRequests.list(),
  createLeadRequest: ({ crm }) => crm.leadRequests.create({} as never),
  getLeadRequest: ({ crm }) => crm.leadRequests.get(id),
  updateLeadRequest: ({ crm }) => crm.leadRequests.update(id, {}),
  transitionLeadRequest: ({ crm }) => crm.leadRequests.transition(id, { to: 'vetting' }),
  listLeadRequestLeads: ({ crm }) => crm.leadRequests.leads(id),
  addLeadRequestCandidates: ({ crm }) => crm.leadRequests.addCandidates(id, [other]),
  vetLeadRequestCandidates: ({ crm }) => crm.leadRequests.vet(id, { decisions: [] }),
  deliverLeadRequest: ({ crm }) => crm.leadRequests.deliver(id),
  extendLeadRequest: ({ crm }) => crm.leadRequests.extend(id, { additionalCount: 1 }),
  startLeadRequestCampaign: ({ crm }) => crm.leadRequests.startCampaign(id, { title: 'Call them', type: 'email' }),
  listWebhookEventTypes: ({ crm }) => crm.webhooks.eventTypes(),
  listWebhooks: ({ crm }) => crm.webhooks.list(),
  createWebhook: ({ crm }) => crm.webhooks.create({} as never),
  getWebhook: ({ crm }) => crm.webhooks.get(id),
  updateWebhook: ({ crm }) => crm.webhooks.update(id, {}),
  deleteWebhook: ({ crm }) => crm.webhooks.delete(id),
  rotateWebhookSecret: ({ crm }) => crm.webhooks.rotateSecret(id),
  pingWebhook: ({ crm }) => crm.webhooks.ping(id),
  listWebhookDeliveries: ({ crm }) => crm.webhooks.deliveries(id),
  getWebhookDelivery: ({ crm }) => crm.webhooks.delivery(id, other),
  replayWebhookDelivery: ({ crm }) => crm.webhooks.replay(id, other),
  replayWebhookRange: ({ crm }) => crm.webhooks.replayRange(id, {} as never),
  // Calendar
  listCalendarOccurrences: ({ crm }) => crm.calendar.range({ from: '2026-03-02T00:00:00Z', to: '2026-03-09T00:00:00Z' }),
  getFreeBusy: ({ crm }) => crm.calendar.freeBusy({ from: '2026-03-02T00:00:00Z', to: '2026-03-09T00:00:00Z', userIds: id }),
  createCalendarEntry: ({ crm }) => crm.calendar.create({} as never),
  getCalendarEntry: ({ crm }) => crm.calendar.get(id),
  updateCalendarEntry: ({ crm }) => crm.calendar.update(id, {}),
  deleteCalendarEntry: ({ crm }) => crm.calendar.delete(id),
  updateCalendarOccurrence: ({ crm }) => crm.calendar.updateOccurrence(id, '2026-03-02T10:00:00.000Z', { title: 'Moved' }),
  cancelCalendarOccurrence: ({ crm }) => crm.calendar.cancelOccurrence(id, '2026-03-02T10:00:00.000Z'),
  sendCalendarInvitations: ({ crm }) => crm.calendar.invite(id),
  getCalendarInvitation: ({ crm }) => crm.calendar.getInvitation(token),
  replyToCalendarInvitation: ({ crm }) => crm.calendar.reply(token, { reply: 'accepted' }),
  getCalendarFeedStatus: ({ crm }) => crm.calendar.feedStatus(),
  rotateCalendarFeed: ({ crm }) => crm.calendar.rotateFeed(),
  revokeCalendarFeed: ({ crm }) => crm.calendar.revokeFeed(),
  getCalendarFeed: { notInSdk: 'the iCalendar feed URL calendar apps subscribe to; `crm.calendar.rotateFeed` makes it' },
  // Internal messaging
  listConversations: ({ crm }) => crm.conversations.list(),
  createDirectConversation: ({ crm }) => crm.conversations.createDirect({ participantIds: [other] }),
  searchConversationMessages: ({ crm }) => crm.conversations.search({ q: 'budget' } as never),
  listConversationPeople: ({ crm }) => crm.conversations.people(),
  getRecordThread: ({ crm }) => crm.conversations.forRecord('lead', id),
  getConversation: ({ crm }) => crm.conversations.get(id),
  listConversationMessages: ({ crm }) => crm.conversations.messages(id),
  postConversationMessage: ({ crm }) => crm.conversations.post(id, { body: 'hi' }),
  editConversationMessage: ({ crm }) => crm.conversations.editMessage(id, other, { body: 'hi' }),
  deleteConversationMessage: ({ crm }) => crm.conversations.deleteMessage(id, other),
  markConversationRead: ({ crm }) => crm.conversations.markRead(id),
  uploadConversationAttachment: ({ crm }) => crm.conversations.uploadAttachment(id, 'notes.txt', new Blob(['notes'])),
  getConversationAttachment: ({ crm }) => crm.conversations.downloadAttachment(id, 'a'.repeat(32)),
  listApiKeys: ({ crm }) => crm.apiKeys.list(),
  createApiKey: ({ crm }) => crm.apiKeys.create({} as never),
  getApiKey: ({ crm }) => crm.apiKeys.get(id),
  updateApiKey: ({ crm }) => crm.apiKeys.update(id, {}),
  revokeApiKey: ({ crm }) => crm.apiKeys.revoke(id),
  listAuditEntries: ({ crm }) => crm.audit.list(),
  verifyAuditTrail: ({ crm }) => crm.audit.verify(),
  // GDPR / CCPA requests (admins)
  lookupPrivacySubject: ({ crm }) => crm.privacy.lookup({ email: 'ada@example.org' }),
  exportPrivacySubject: ({ crm }) => crm.privacy.export({ email: 'ada@example.org' }),
  erasePrivacySubject: ({ crm }) => crm.privacy.erase({ email: 'ada@example.org' }, 'ERASE'),
  queuePrivacyErasure: ({ crm }) => crm.privacy.queueErasure({ email: 'ada@example.org' }, 'ERASE'),
  getPrivacyErasureJob: ({ crm }) => crm.privacy.erasureJob(id),
  listPrivacyRequests: ({ crm }) => crm.privacy.requests(),
  getPrivacyRetention: ({ crm }) => crm.privacy.retention(),
  putPrivacyRetention: ({ crm }) => crm.privacy.setRetention({ rules: [] }),
  dryRunPrivacyRetention: ({ crm }) => crm.privacy.retentionDryRun(),
  getTermsVersions: ({ crm }) => crm.privacy.terms(),
  putTermsVersions: ({ crm }) => crm.privacy.setTerms({ terms: { version: '2026-01' } }),
  lookupTermsAcceptances: ({ crm }) => crm.privacy.acceptances({ email: 'ada@example.org' }),

  // Public routes
  publicPing: ({ widget }) => widget.public.ping(),
  getPublicCampaign: ({ widget }) => widget.public.campaigns.get('SPRING'),
  signUpPublicCampaign: ({ widget }) => widget.public.campaigns.signUp('SPRING', {} as never),
  getPublicSalesEvent: ({ widget }) => widget.public.salesEvents.get('0123456789abcdef01234567'),
  registerPublicSalesEvent: ({ widget }) => widget.public.salesEvents.register('0123456789abcdef01234567', {} as never),
  engagePublicCampaign: ({ widget }) => widget.public.campaigns.engage('SPRING', 'like', 'visitor-1'),
  confirmPublicSignup: ({ widget }) => widget.public.campaigns.confirmSignup(token),
  getMeetingInvitation: ({ crm }) => crm.tasks.getMeetingInvitation(token),
  pickMeetingSlot: ({ crm }) => crm.tasks.pickMeetingSlot(token, { start: '2026-03-02T10:00:00Z' }),
  unsubscribe: ({ crm }) => crm.suppressions.unsubscribe(token),
  answerFeedback: ({ crm }) => crm.satisfaction.answer(token, { rating: 'positive' }),
  trackEmailOpen: { notInSdk: 'the open-tracking pixel a mail client fetches from a campaign email' },
  trackEmailClick: { notInSdk: 'the signed click redirect a reader follows from a campaign email' },
  unsubscribePage: { notInSdk: 'the HTML page an email link opens in a browser; `crm.suppressions.unsubscribe` is its API call' },
  feedbackPage: { notInSdk: 'the HTML page a survey link opens in a browser; `crm.satisfaction.answer` is its API call' },

  // Records
  listContacts: ({ crm }) => crm.contacts.list(),
  createContact: ({ crm }) => crm.contacts.create({} as never),
  exportContacts: ({ crm }) => crm.contacts.export(),
  getContact: ({ crm }) => crm.contacts.get(id),
  updateContact: ({ crm }) => crm.contacts.update(id, {}),
  deleteContact: ({ crm }) => crm.contacts.remove(id),
  transitionContact: ({ crm }) => crm.contacts.transition(id, { to: 'hot' }),
  listContactTransitions: ({ crm }) => crm.contacts.history(id),
  getContactSubscriptions: ({ crm }) => crm.contacts.subscriptions(id),
  listContactCampaignEngagement: ({ crm }) => crm.contacts.campaignEngagement(id),
  listLeadCampaignEngagement: ({ crm }) => crm.leads.campaignEngagement(id),
  setContactSubscription: ({ crm }) => crm.contacts.setSubscription(id, {} as never),
  uploadContactPicture: ({ crm }) => crm.contacts.uploadPicture(id, new Uint8Array([0x89, 0x50, 0x4e, 0x47])),
  scanContactCard: ({ crm }) => crm.contacts.scanCard(new Uint8Array([0xff, 0xd8, 0xff, 0xe0])),
  deleteContactPicture: ({ crm }) => crm.contacts.removePicture(id),
  getContactPicture: { notInSdk: "the image a contact's `pictureUrl` points to, for an `<img>`; it needs no credentials" },
  getContactTimeline: ({ crm }) => crm.timeline.list('contact', id),
  listCustomers: ({ crm }) => crm.customers.list(),
  createCustomer: ({ crm }) => crm.customers.create({} as never),
  exportCustomers: ({ crm }) => crm.customers.export(),
  getCustomer: ({ crm }) => crm.customers.get(id),
  updateCustomer: ({ crm }) => crm.customers.update(id, {}),
  deleteCustomer: ({ crm }) => crm.customers.remove(id),
  transitionCustomer: ({ crm }) => crm.customers.transition(id, { to: 'active' }),
  listCustomerTransitions: ({ crm }) => crm.customers.history(id),
  moveCustomer: ({ crm }) => crm.customers.move(id, { parentId: other }),
  listCustomerSubtree: ({ crm }) => crm.customers.subtree(id),
  getCustomerRollup: ({ crm }) => crm.customers.rollup(id),
  uploadCustomerDocument: ({ crm }) => crm.customers.uploadDocument(id, 'hello', { fileName: 'hello.txt', contentType: 'text/plain' }),
  listCustomerDocuments: ({ crm }) => crm.customers.listDocuments(id),
  downloadCustomerDocument: ({ crm }) => crm.customers.downloadDocument(id, other),
  deleteCustomerDocument: ({ crm }) => crm.customers.removeDocument(id, other),
  getCustomerSubscriptions: ({ crm }) => crm.customers.subscriptions(id),
  setCustomerSubscription: ({ crm }) => crm.customers.setSubscription(id, {} as never),
  listCustomerFeedback: ({ crm }) => crm.customers.listFeedback(id),
  createCustomerFeedback: ({ crm }) => crm.customers.createFeedback(id, { rating: 'neutral' }),
  getCustomerTimeline: ({ crm }) => crm.timeline.list('customer', id),
  getLeadSettings: ({ crm }) => crm.leads.getSettings(),
  updateLeadSettings: ({ crm }) => crm.leads.updateSettings({} as never),
  listLeads: ({ crm }) => crm.leads.list(),
  createLead: ({ crm }) => crm.leads.create({} as never),
  exportLeads: ({ crm }) => crm.leads.export(),
  getLead: ({ crm }) => crm.leads.get(id),
  updateLead: ({ crm }) => crm.leads.update(id, {}),
  deleteLead: ({ crm }) => crm.leads.remove(id),
  transitionLead: ({ crm }) => crm.leads.transition(id, { to: 'contacted' }),
  listLeadTransitions: ({ crm }) => crm.leads.history(id),
  convertLead: ({ crm }) => crm.leads.convert(id, {} as never),
  getLeadTimeline: ({ crm }) => crm.timeline.list('lead', id),
  // Support tickets
  listTickets: ({ crm }) => crm.tickets.list(),
  createTicket: ({ crm }) => crm.tickets.create({} as never),
  exportTickets: ({ crm }) => crm.tickets.export(),
  getTicket: ({ crm }) => crm.tickets.get(id),
  updateTicket: ({ crm }) => crm.tickets.update(id, {}),
  deleteTicket: ({ crm }) => crm.tickets.remove(id),
  transitionTicket: ({ crm }) => crm.tickets.transition(id, { to: 'open' }),
  listTicketTransitions: ({ crm }) => crm.tickets.history(id),
  assignTicket: ({ crm }) => crm.tickets.assign(id, { ownerId: other }),
  listTicketMessages: ({ crm }) => crm.tickets.listMessages(id),
  createTicketMessage: ({ crm }) => crm.tickets.reply(id, { body: 'hi', visibility: 'public' }),
  uploadTicketAttachment: ({ crm }) => crm.tickets.uploadAttachment(id, 'a.png', new Uint8Array([1])),
  getTicketAttachment: ({ crm }) => crm.tickets.downloadAttachment(id, 'cccccccccccccccccccccccccccccccc'),
  getSupportSettings: ({ crm }) => crm.tickets.getSettings(),
  updateSupportSettings: ({ crm }) => crm.tickets.updateSettings({} as never),
  getTicketAssignmentRules: ({ crm }) => crm.tickets.getAssignmentRules(),
  updateTicketAssignmentRules: ({ crm }) => crm.tickets.updateAssignmentRules({ rules: [] }),
  // Support tickets on the customer portal (a customer session's transport)
  listPortalTickets: ({ crm }) => new PortalTickets(crm.transport).list(),
  createPortalTicket: ({ crm }) => new PortalTickets(crm.transport).create({ subject: 'x' }),
  getPortalTicket: ({ crm }) => new PortalTickets(crm.transport).get(id),
  listPortalTicketMessages: ({ crm }) => new PortalTickets(crm.transport).listMessages(id),
  createPortalTicketMessage: ({ crm }) => new PortalTickets(crm.transport).reply(id, { body: 'hi' }),
  closePortalTicket: ({ crm }) => new PortalTickets(crm.transport).close(id),
  reopenPortalTicket: ({ crm }) => new PortalTickets(crm.transport).reopen(id),
  uploadPortalTicketAttachment: ({ crm }) => new PortalTickets(crm.transport).uploadAttachment(id, 'a.png', new Uint8Array([1])),
  getPortalTicketAttachment: ({ crm }) => new PortalTickets(crm.transport).downloadAttachment(id, 'cccccccccccccccccccccccccccccccc'),
  // Price books, quotes and invoices (issue 21)
  listPriceBooks: ({ crm }) => crm.priceBooks.list(),
  createPriceBook: ({ crm }) => crm.priceBooks.create({ name: 'Standard' }),
  resolvePrice: ({ crm }) => crm.priceBooks.resolve({ serviceId: id, specId: other, currency: 'EUR' }),
  getPriceBook: ({ crm }) => crm.priceBooks.get(id),
  replacePriceBook: ({ crm }) => crm.priceBooks.replace(id, { name: 'Standard' }),
  previewQuote: ({ crm }) => crm.quotes.preview({ opportunityId: id, lines: [] }),
  createQuote: ({ crm }) => crm.quotes.create({} as never),
  listOpportunityQuotes: ({ crm }) => crm.quotes.listForOpportunity(id),
  getQuote: ({ crm }) => crm.quotes.get(id),
  updateQuote: ({ crm }) => crm.quotes.update(id, {}),
  transitionQuote: ({ crm }) => crm.quotes.transition(id, { to: 'accepted' }),
  getQuotePdf: ({ crm }) => crm.quotes.pdf(id),
  sendQuote: ({ crm }) => crm.quotes.send(id, { to: ['buyer@example.test'] }),
  getQuoteSettings: ({ crm }) => crm.quotes.settings(),
  putQuoteSettings: ({ crm }) => crm.quotes.putSettings({}),
  createInvoice: ({ crm }) => crm.invoices.create({} as never),
  listInvoices: ({ crm }) => crm.invoices.listForAccount(id),
  getInvoice: ({ crm }) => crm.invoices.get(id),
  getInvoicePdf: ({ crm }) => crm.invoices.pdf(id),
  listInvoicePayments: ({ crm }) => crm.invoices.payments(id),
  recordInvoicePayment: ({ crm }) => crm.invoices.recordPayment(id, { amount: 1, method: 'cash' }),
  voidInvoice: ({ crm }) => crm.invoices.void(id, { reason: 'Wrong account' }),
  createCreditNote: ({ crm }) => crm.invoices.createCreditNote(id, { reason: 'Goodwill', amount: 100 }),
  listCreditNotes: ({ crm }) => crm.invoices.creditNotes(id),
  getCreditNotePdf: ({ crm }) => crm.invoices.creditNotePdf(id, other),
  getDunningSettings: ({ crm }) => crm.invoices.dunningSettings(),
  putDunningSettings: ({ crm }) => crm.invoices.putDunningSettings({ enabled: true, steps: [] }),
  listUncertainInvoiceMail: ({ crm }) => crm.invoices.uncertainMail(),
  resendUncertainInvoiceMail: ({ crm }) => crm.invoices.resendUncertainMail({}),
  acceptQuote: ({ crm }) => crm.quotes.accept(id, { name: 'By phone' }),
  rejectQuote: ({ crm }) => crm.quotes.reject(id, { reason: 'Too expensive' }),
  getAccountCredit: ({ crm }) => crm.orders.credit(id),
  recalculateAccountCredit: ({ crm }) => crm.orders.recalculateCredit(id),
  recalculateCredit: ({ crm }) => crm.orders.recalculateAllCredit(),
  getCreditRule: ({ crm }) => crm.orders.creditRule(),
  putCreditRule: ({ crm }) => crm.orders.setCreditRule({} as never),
  listOrders: ({ crm }) => crm.orders.listForAccount(id),
  createOrder: ({ crm }) => crm.orders.create({} as never),
  getOrder: ({ crm }) => crm.orders.get(id),
  setOrderPo: ({ crm }) => crm.orders.setPo(id, 'PO-1', { ifMatch: 1 }),
  transitionOrder: ({ crm }) => crm.orders.cancel(id),
  listPortalQuotes: ({ portal }) => portal.portal.quotes.list(),
  getPortalQuote: ({ portal }) => portal.portal.quotes.get(id),
  getPortalQuotePdf: ({ portal }) => portal.portal.quotes.pdf(id, { locale: 'de' }),
  acceptPortalQuote: ({ portal }) => portal.portal.quotes.accept(id, { poNumber: 'PO-1' }),
  rejectPortalQuote: ({ portal }) => portal.portal.quotes.reject(id),
  getQuoteLink: ({ crm }) => crm.quoteLinks.get(token),
  acceptQuoteLink: ({ crm }) => crm.quoteLinks.accept(token),
  rejectQuoteLink: ({ crm }) => crm.quoteLinks.reject(token, { reason: 'No budget' }),
  listPortalInvoices: ({ portal }) => portal.portal.invoices.list(),
  getPortalInvoicePdf: ({ portal }) => portal.portal.invoices.pdf(id),
  getPortalCreditNotePdf: ({ portal }) => portal.portal.invoices.creditNotePdf(id, other),
  listProducts: ({ crm }) => crm.products.list(),
  createProduct: ({ crm }) => crm.products.create({} as never),
  getProduct: ({ crm }) => crm.products.get(id),
  updateProduct: ({ crm }) => crm.products.update(id, {}),
  deleteProduct: ({ crm }) => crm.products.remove(id),
  lockProduct: ({ crm }) => crm.products.lock(id),
  unlockProduct: ({ crm }) => crm.products.unlock(id),
  listWorkflows: ({ crm }) => crm.workflows.list(),
  getWorkflow: ({ crm }) => crm.workflows.get('contact'),
  replaceWorkflow: ({ crm }) => crm.workflows.replace('contact', {} as never, { ifMatch: 1 }),
  listCustomFields: ({ crm }) => crm.customFields.list(),
  createCustomField: ({ crm }) => crm.customFields.create({} as never),
  getCustomField: ({ crm }) => crm.customFields.get(id),
  updateCustomField: ({ crm }) => crm.customFields.update(id, {}),
  deleteCustomField: ({ crm }) => crm.customFields.remove(id),
  listSegments: ({ crm }) => crm.segments.list(),
  createSegment: ({ crm }) => crm.segments.create({} as never),
  getSegment: ({ crm }) => crm.segments.get(id),
  updateSegment: ({ crm }) => crm.segments.update(id, {}),
  deleteSegment: ({ crm }) => crm.segments.remove(id),
  listSegmentMembers: ({ crm }) => crm.segments.members(id),
  countSegmentMembers: ({ crm }) => crm.segments.count(id),
  listPipelines: ({ crm }) => crm.pipelines.list(),
  createPipeline: ({ crm }) => crm.pipelines.create({} as never),
  getPipeline: ({ crm }) => crm.pipelines.get(id),
  updatePipeline: ({ crm }) => crm.pipelines.update(id, {}),
  deletePipeline: ({ crm }) => crm.pipelines.remove(id),
  getPipelineBoard: ({ crm }) => crm.pipelines.board(id),
  listPipelineBoardColumn: ({ crm }) => crm.pipelines.boardColumn(id, 'proposal'),
  listOpportunities: ({ crm }) => crm.opportunities.list(),
  createOpportunity: ({ crm }) => crm.opportunities.create({} as never),
  exportOpportunities: ({ crm }) => crm.opportunities.export(),
  getOpportunity: ({ crm }) => crm.opportunities.get(id),
  updateOpportunity: ({ crm }) => crm.opportunities.update(id, {}),
  deleteOpportunity: ({ crm }) => crm.opportunities.remove(id),
  moveOpportunity: ({ crm }) => crm.opportunities.move(id, {} as never),
  listOpportunityStageHistory: ({ crm }) => crm.opportunities.history(id),
  getOpportunityTimeline: ({ crm }) => crm.timeline.list('opportunity', id),
  listTasks: ({ crm }) => crm.tasks.list(),
  createTask: ({ crm }) => crm.tasks.create({} as never),
  exportTasks: ({ crm }) => crm.tasks.export(),
  getTask: ({ crm }) => crm.tasks.get(id),
  updateTask: ({ crm }) => crm.tasks.update(id, {}),
  deleteTask: ({ crm }) => crm.tasks.remove(id),
  transitionTask: ({ crm }) => crm.tasks.transition(id, { to: 'done' }),
  listTaskTransitions: ({ crm }) => crm.tasks.history(id),
  chooseTaskSlot: ({ crm }) => crm.tasks.chooseSlot(id, { start: '2026-03-02T10:00:00Z' }),
  inviteToMeeting: ({ crm }) => crm.tasks.inviteToMeeting(id),
  listActivities: ({ crm }) => crm.activities.list(),
  createActivity: ({ crm }) => crm.activities.create({} as never),
  exportActivities: ({ crm }) => crm.activities.export(),
  getActivity: ({ crm }) => crm.activities.get(id),
  updateActivity: ({ crm }) => crm.activities.update(id, {}),
  deleteActivity: ({ crm }) => crm.activities.remove(id),

  // Campaigns
  listCampaigns: ({ crm }) => crm.campaigns.list(),
  createCampaign: ({ crm }) => crm.campaigns.create({} as never),
  exportCampaigns: ({ crm }) => crm.campaigns.export(),
  getCampaign: ({ crm }) => crm.campaigns.get(id),
  updateCampaign: ({ crm }) => crm.campaigns.update(id, {}),
  deleteCampaign: ({ crm }) => crm.campaigns.remove(id),
  transitionCampaign: ({ crm }) => crm.campaigns.transition(id, { to: 'new' }),
  listCampaignTransitions: ({ crm }) => crm.campaigns.history(id),
  getCampaignStats: ({ crm }) => crm.campaigns.stats(id),
  getCampaignEmailAnalytics: ({ crm }) => crm.campaigns.emailAnalytics(id),
  previewCampaign: ({ crm }) => crm.campaigns.preview(id, { contactId: id }),
  previewCampaignMessage: ({ crm }) => crm.campaigns.previewMessage({ contactId: id, message: { subject: 'Hi', body: 'Hello' } }),
  sendCampaignTest: ({ crm }) => crm.campaigns.sendTest(id),
  createCampaignReferralCode: ({ crm }) => crm.campaigns.createReferralCode(id),
  listCampaignReferralCodes: ({ crm }) => crm.campaigns.listReferralCodes(id),
  listCampaignSignups: ({ crm }) => crm.campaigns.listSignups(id),
  listMyReferralSignups: ({ crm }) => crm.campaigns.listMySignups(),

  // Messaging
  listNotifications: ({ crm }) => crm.notifications.list(),
  markNotificationRead: ({ crm }) => crm.notifications.markRead(id),
  markNotificationUnread: ({ crm }) => crm.notifications.markUnread(id),
  markAllNotificationsRead: ({ crm }) => crm.notifications.markAllRead(),
  listTemplates: ({ crm }) => crm.templates.list(),
  createTemplate: ({ crm }) => crm.templates.create({} as never),
  getTemplate: ({ crm }) => crm.templates.get(id),
  updateTemplate: ({ crm }) => crm.templates.update(id, {}),
  deleteTemplate: ({ crm }) => crm.templates.remove(id),
  previewTemplate: ({ crm }) => crm.templates.preview(id),
  getAgencyMailSettings: ({ crm }) => crm.mailSettings.get(),
  putAgencyMailSettings: ({ crm }) => crm.mailSettings.replace({} as never),
  deleteAgencyMailSettings: ({ crm }) => crm.mailSettings.remove(),
  getMyMailSettings: ({ crm }) => crm.mailSettings.getMine(),
  putMyMailSettings: ({ crm }) => crm.mailSettings.replaceMine({} as never),
  deleteMyMailSettings: ({ crm }) => crm.mailSettings.removeMine(),
  listSuppressions: ({ crm }) => crm.suppressions.list(),
  addSuppression: ({ crm }) => crm.suppressions.add({ email: 'no-mail@example.test' }),
  removeSuppression: ({ crm }) => crm.suppressions.remove('no-mail@example.test'),
  listGreetings: ({ crm }) => crm.greetings.list(),
  createGreeting: ({ crm }) => crm.greetings.create({} as never),
  getGreeting: ({ crm }) => crm.greetings.get(id),
  cancelGreeting: ({ crm }) => crm.greetings.cancel(id),
  listUncertainGreetingDeliveries: ({ crm }) => crm.greetings.listUncertain(id),
  resendUncertainGreetingDeliveries: ({ crm }) => crm.greetings.resendUncertain(id),
  listNurtureSequences: ({ crm }) => crm.nurtureSequences.list(),
  createNurtureSequence: ({ crm }) => crm.nurtureSequences.create({} as never),
  getNurtureSequence: ({ crm }) => crm.nurtureSequences.get(id),
  setNurtureSequenceActive: ({ crm }) => crm.nurtureSequences.setActive(id, false),
  enrollInNurtureSequence: ({ crm }) => crm.nurtureSequences.enroll(id, [other]),
  listNurtureEnrollments: ({ crm }) => crm.nurtureSequences.listEnrollments(id),
  stopNurtureEnrollment: ({ crm }) => crm.nurtureSequences.stopEnrollment(id, other),
  getSatisfactionSettings: ({ crm }) => crm.satisfaction.getSettings(),
  updateSatisfactionSettings: ({ crm }) => crm.satisfaction.updateSettings({ enabled: false }),
  // The knowledge base: agents, customers (a customer session's transport) and visitors (publishable key)
  listKbArticles: ({ crm }) => crm.kb.articles.list({ q: 'password' }),
  createKbArticle: ({ crm }) => crm.kb.articles.create({ title: 'Reset your password' } as never),
  getKbArticle: ({ crm }) => crm.kb.articles.get(id),
  updateKbArticle: ({ crm }) => crm.kb.articles.update(id, { title: 'Reset it' }, { ifMatch: 2 }),
  deleteKbArticle: ({ crm }) => crm.kb.articles.remove(id),
  publishKbArticle: ({ crm }) => crm.kb.articles.publish(id),
  unpublishKbArticle: ({ crm }) => crm.kb.articles.unpublish(id),
  listKbArticleVersions: ({ crm }) => crm.kb.articles.versions(id),
  getKbArticleVersion: ({ crm }) => crm.kb.articles.version(id, 2),
  restoreKbArticleVersion: ({ crm }) => crm.kb.articles.restore(id, 1),
  voteKbArticle: ({ crm }) => crm.kb.articles.vote(id, { helpful: true }),
  listKbCategories: ({ crm }) => crm.kb.categories.all(),
  createKbCategory: ({ crm }) => crm.kb.categories.create({ name: 'Billing' }),
  updateKbCategory: ({ crm }) => crm.kb.categories.update(id, { position: 1 }),
  deleteKbCategory: ({ crm }) => crm.kb.categories.remove(id),
  // Imports
  createContactImport: ({ crm }) => crm.imports.create('firstName,lastName\nAda,Lovelace\n', { kind: 'contacts', name: 'contacts.csv' }),
  createLeadImport: ({ crm }) => crm.imports.create(new Uint8Array([0x50, 0x4b, 3, 4]), { kind: 'leads', name: 'leads.xlsx' }),
  createOpportunityImport: ({ crm }) => crm.imports.create('Verkaufschance;Firma\nRahmenvertrag;Alpha\n', { kind: 'opportunities', name: 'deals.csv' }),
  createProductImport: ({ crm }) => crm.imports.create('Produkt;Kürzel\nMesse Berlin;MB-27\n', { kind: 'products', name: 'products.csv' }),
  createTaskImport: ({ crm }) => crm.imports.create('Titel;Art\nAnrufen;Anruf\n', { kind: 'tasks', name: 'tasks.csv' }),
  createCustomerImport: ({ crm }) => crm.imports.create('Firma;Übergeordnet\nAlpha;Holding\n', { kind: 'customers', name: 'kunden.csv' }),
  listImports: ({ crm }) => crm.imports.list(),
  getImport: ({ crm }) => crm.imports.get(id),
  setImportMapping: ({ crm }) => crm.imports.setMapping(id, { columns: [{ column: 'Vorname', field: 'firstName' }], dedupeKey: 'email', mode: 'skip' }),
  dryRunImport: ({ crm }) => crm.imports.dryRun(id),
  runImport: ({ crm }) => crm.imports.run(id),
  cancelImport: ({ crm }) => crm.imports.cancel(id),
  getImportErrors: ({ crm }) => crm.imports.errors(id),
  createContactExport: ({ crm }) => crm.exports.create({ kind: 'contacts', format: 'xlsx', filters: { status: 'open' } }),
  createLeadExport: ({ crm }) => crm.exports.create({ kind: 'leads', format: 'xlsx', filters: { status: 'open' } }),
  createCustomerExport: ({ crm }) => crm.exports.create({ kind: 'customers', format: 'xlsx', filters: { status: 'open' } }),
  createOpportunityExport: ({ crm }) => crm.exports.create({ kind: 'opportunities', format: 'xlsx', filters: { status: 'open' } }),
  createTaskExport: ({ crm }) => crm.exports.create({ kind: 'tasks', format: 'xlsx', filters: { status: 'open' } }),
  createActivityExport: ({ crm }) => crm.exports.create({ kind: 'activities', format: 'xlsx', filters: { status: 'open' } }),
  createTicketExport: ({ crm }) => crm.exports.create({ kind: 'tickets', format: 'xlsx', filters: { status: 'open' } }),
  createCampaignExport: ({ crm }) => crm.exports.create({ kind: 'campaigns', format: 'xlsx', filters: { status: 'open' } }),
  listExports: ({ crm }) => crm.exports.list(),
  getExport: ({ crm }) => crm.exports.get(id),
  downloadExport: ({ crm }) => crm.exports.download(id),
  listContactImportMappings: ({ crm }) => crm.imports.savedMappings('contacts'),
  listLeadImportMappings: ({ crm }) => crm.imports.savedMappings('leads'),
  listOpportunityImportMappings: ({ crm }) => crm.imports.savedMappings('opportunities'),
  listProductImportMappings: ({ crm }) => crm.imports.savedMappings('products'),
  listTaskImportMappings: ({ crm }) => crm.imports.savedMappings('tasks'),
  listCustomerImportMappings: ({ crm }) => crm.imports.savedMappings('customers'),
  createContactImportMapping: ({ crm }) => crm.imports.saveMapping('contacts', { name: 'Messe', columns: [{ column: 'Vorname', field: 'firstName' }], dedupeKey: 'email', mode: 'skip' }),
  createLeadImportMapping: ({ crm }) => crm.imports.saveMapping('leads', { name: 'Eventbrite', columns: [{ column: 'Vorname', field: 'firstName' }], dedupeKey: 'email', mode: 'skip' }),
  createOpportunityImportMapping: ({ crm }) => crm.imports.saveMapping('opportunities', { name: 'Deals', columns: [{ column: 'Verkaufschance', field: 'name' }], dedupeKey: 'externalId', mode: 'create' }),
  createProductImportMapping: ({ crm }) => crm.imports.saveMapping('products', { name: 'Products', columns: [{ column: 'Produkt', field: 'name' }], dedupeKey: 'code', mode: 'create' }),
  createTaskImportMapping: ({ crm }) => crm.imports.saveMapping('tasks', { name: 'Tasks', columns: [{ column: 'Titel', field: 'title' }], dedupeKey: 'externalId', mode: 'create', assign: { teamId: '6750a1b2c3d4e5f601234567', strategy: 'round-robin' } }),
  createCustomerImportMapping: ({ crm }) => crm.imports.saveMapping('customers', { name: 'Konzern', columns: [{ column: 'Firma', field: 'name' }, { column: 'Übergeordnet', field: 'parent' }], dedupeKey: 'externalId', mode: 'create' }),
  deleteSavedImportMapping: ({ crm }) => crm.imports.deleteSavedMapping(id),
  undoImport: ({ crm }) => crm.imports.undo(id),
  // Metrics, targets and dashboards
  queryMetric: ({ crm }) => crm.metrics.query({ metric: 'deals.won.amount', period: 'month', from: '2026-01-01', to: '2026-12-31', dimension: 'owner' }),
  queryMetricBatch: ({ crm }) => crm.metrics.batch([{ kind: 'metric', metric: 'deals.won', period: 'month' }, { kind: 'attainment', metric: 'deals.won.amount', period: 'month' }]),
  listTargets: ({ crm }) => crm.targets.list({ metric: 'deals.won.amount' }),
  createTarget: ({ crm }) => crm.targets.create({ metric: 'deals.won.amount', period: 'month', periodStart: '2026-12-01', dimension: 'owner', key: id, value: 50000 }),
  getTargetAttainment: ({ crm }) => crm.targets.attainment({ metric: 'deals.won.amount', period: 'month', periodStart: '2026-12-01', dimension: 'owner', key: id }),
  getTarget: ({ crm }) => crm.targets.get(id),
  updateTarget: ({ crm }) => crm.targets.update(id, { value: 60000 }, { ifMatch: 1 }),
  deleteTarget: ({ crm }) => crm.targets.delete(id),
  getAnnualForecast: ({ crm }) => crm.forecasts.annual({ year: 2027, teamId: id }),
  listForecasts: ({ crm }) => crm.forecasts.list({ year: 2027 }),
  putForecast: ({ crm }) => crm.forecasts.put({ year: 2027, ownerId: id, months: { new: Array(12).fill(0), accountManagement: Array(12).fill(0), upsell: Array(12).fill(0) } }, { ifMatch: 0 }),
  deleteForecast: ({ crm }) => crm.forecasts.delete(id),
  listDashboards: ({ crm }) => crm.dashboards.list(),
  getMyMenu: ({ crm }) => crm.dashboards.myMenu(),
  listMenus: ({ crm }) => crm.dashboards.listMenus(),
  setMenu: ({ crm }) => crm.dashboards.setMenu('default', { pages: ['dashboard'] }),
  createDashboard: ({ crm }) => crm.dashboards.create({ name: 'My week', widgets: [] }),
  getDashboard: ({ crm }) => crm.dashboards.get(id),
  updateDashboard: ({ crm }) => crm.dashboards.update(id, { name: 'My week', widgets: [] }, { ifMatch: 2 }),
  // Mailwizz
  getMailwizzSettings: ({ crm }) => crm.mailwizz.settings(),
  putMailwizzSettings: ({ crm }) => crm.mailwizz.saveSettings({ apiUrl: 'https://mail.example.test/api', publicKey: 'public-key-0001', privateKey: 'private-key-0001', fromName: 'Agency', fromEmail: 'news@agency.test' }),
  deleteMailwizzSettings: ({ crm }) => crm.mailwizz.disconnect(),
  testMailwizzConnection: ({ crm }) => crm.mailwizz.testConnection(),
  listMailwizzSyncs: ({ crm }) => crm.mailwizz.syncs(),
  getMailwizzSync: ({ crm }) => crm.mailwizz.getSync(id),
  startMailwizzSync: ({ crm }) => crm.mailwizz.sync(id),
  pullMailwizzUnsubscribes: ({ crm }) => crm.mailwizz.pullUnsubscribes(),
  listMailwizzCampaigns: ({ crm }) => crm.mailwizz.campaigns(),
  createMailwizzCampaign: ({ crm }) => crm.mailwizz.createCampaign({ segmentId: id, name: 'December', subject: 'News', html: '<p>Hi</p>' }),
  getMailwizzCampaign: ({ crm }) => crm.mailwizz.getCampaign(id),
  refreshMailwizzCampaignStats: ({ crm }) => crm.mailwizz.refreshStats(id),
  // Yealink VOIP
  getVoipPhone: ({ crm }) => crm.voip.phone(),
  putVoipPhone: ({ crm }) => crm.voip.savePhone({ host: '192.168.1.42', https: false, username: 'admin', password: 'secret', extension: '1006', outgoingUri: '' }),
  deleteVoipPhone: ({ crm }) => crm.voip.removePhone(),
  placeVoipCall: ({ crm }) => crm.voip.call({ subject: { type: 'contact', id } }),
  listVoipCalls: ({ crm }) => crm.voip.calls(),
  importVoipCdr: ({ crm }) => crm.voip.importCdr('callid,timestart\n1,2026-12-01 09:30:00'),
  receiveVoipActionUrl: { notInSdk: "the URL a Yealink phone calls on its own (Action URL), authenticated by the signed token in it; no person or app calls it" },
  deleteDashboard: ({ crm }) => crm.dashboards.delete(id),
  listReports: ({ crm }) => crm.reports.list(),
  createReport: ({ crm }) => crm.reports.create({} as never),
  runReportDefinition: ({ crm }) => crm.reports.run({} as never),
  getReport: ({ crm }) => crm.reports.get(id),
  updateReport: ({ crm }) => crm.reports.update(id, {} as never),
  deleteReport: ({ crm }) => crm.reports.delete(id),
  runReport: ({ crm }) => crm.reports.result(id),
  exportReport: ({ crm }) => crm.reports.export(id, { format: 'xlsx' }),
  portalListArticleCategories: ({ crm }) => new PortalArticles(crm.transport, '/v1/portal').categories(),
  portalListArticles: ({ crm }) => new PortalArticles(crm.transport, '/v1/portal').list({ q: 'invoice' }),
  portalSuggestArticles: ({ crm }) => new PortalArticles(crm.transport, '/v1/portal').suggest({ q: 'cannot download my invoice' }),
  portalGetArticle: ({ crm }) => new PortalArticles(crm.transport, '/v1/portal').get('reset-password'),
  portalVoteArticle: ({ crm }) => new PortalArticles(crm.transport, '/v1/portal').vote(id, { helpful: true }),
  publicListArticleCategories: ({ widget }) => publicArticles(widget).categories(),
  publicListArticles: ({ widget }) => publicArticles(widget).list(),
  publicSuggestArticles: ({ widget }) => publicArticles(widget).suggest({ q: 'password' }),
  publicGetArticle: ({ widget }) => publicArticles(widget).get('reset-password', { language: 'de' }),
  publicVoteArticle: ({ widget }) => publicArticles(widget).vote(id, { helpful: false, visitorId: 'visitor-0001' }),
};

interface Operation {
  operationId: string;
  method: string;
  path: string;
  security?: unknown[];
  'x-idempotency'?: string;
}

function documentOperations(): Operation[] {
  const document = readOpenapiDocument();
  assert.ok(document, 'packages/api/openapi.json exists');
  const found: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const operation = (item as Record<string, Omit<Operation, 'method' | 'path'> | undefined>)[method];
      if (operation) found.push({ ...operation, method: method.toUpperCase(), path });
    }
  }
  return found;
}

/** A path template such as `/v1/customers/{id}/documents/{docId}` as a pattern over real paths. */
function pathPattern(template: string): RegExp {
  const escaped = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+');
  return new RegExp(`^${escaped}$`);
}

interface Sent {
  method: string;
  path: string;
  headers: Record<string, string>;
}

function clientsRecordingInto(sent: Sent[]): Clients {
  const fetch: FetchLike = async (url, init) => {
    sent.push({ method: init.method ?? 'GET', path: new URL(url).pathname, headers: { ...(init.headers as Record<string, string>) } });
    // One answer that every call can read: a list, a session's tokens, and an unread count.
    const body = { object: 'list', data: [], hasMore: false, nextCursor: null, accessToken: 'access-token', refreshToken: 'refresh-token', unreadCount: 0 };
    return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });
  };
  const base = { baseUrl: 'https://crm.example.test', fetch, retries: 0 };
  return {
    crm: createCrmClient({ ...base, auth: { type: 'session', accessToken: 'access-token', refreshToken: 'refresh-token' } }),
    widget: createPublicClient({ ...base, publishableKey: 'pk_test_widget' }),
    portal: createPortalClient({ ...base, tenant: 'acme', tokens: signedInStore() }),
  };
}

/** A portal token store that already holds a customer's tokens (valid for an hour). */
function signedInStore() {
  let tokens: { accessToken: string; refreshToken: string; expiresAt: number } | null = { accessToken: 'access-token', refreshToken: 'refresh-token', expiresAt: Date.now() + 3_600_000 };
  return { read: () => tokens, write: (next: typeof tokens) => void (tokens = next) };
}

describe('the SDK covers the API', () => {
  const operations = documentOperations();

  it('should name an SDK call, or say why there is none, for every operation of the document and no other', () => {
    const documented = new Set(operations.map((operation) => operation.operationId));
    const named = new Set(Object.keys(sdkCalls));
    assert.deepEqual([...documented].filter((operationId) => !named.has(operationId)), [], 'operations without an SDK call');
    assert.deepEqual([...named].filter((operationId) => !documented.has(operationId)), [], 'SDK calls of operations the API no longer has');
  });

  for (const operation of operations) {
    const call = sdkCalls[operation.operationId as keyof operations];
    if (!call || 'notInSdk' in call) continue;
    // The credential the document asks for: none, a publishable key (widget routes), or else the signed-in bearer token.
    const schemes = new Set((operation.security ?? [{ bearer: [] }]).flatMap((requirement) => Object.keys(requirement as object)));
    const credential = schemes.has('publishableKey') ? 'publishable' : schemes.size === 0 ? 'none' : 'bearer';
    it(`should send ${operation.method} ${operation.path} (${operation.operationId})`, async () => {
      const sent: Sent[] = [];
      await call(clientsRecordingInto(sent));
      assert.equal(sent.length, 1, `one request, got ${sent.map((request) => `${request.method} ${request.path}`).join(', ')}`);
      const [request] = sent as [Sent];
      assert.equal(request.method, operation.method);
      assert.match(request.path, pathPattern(operation.path));

      const authorization = request.headers.Authorization;
      if (credential === 'bearer') assert.equal(authorization, 'Bearer access-token', 'a signed-in call sends the access token');
      else if (credential === 'publishable') assert.equal(authorization, 'Bearer pk_test_widget', 'a widget call sends the publishable key');
      else assert.equal(authorization, undefined, 'a call by an emailed token or by credentials sends no bearer token');

      if (operation['x-idempotency']) assert.ok(request.headers['Idempotency-Key'], 'a create the API deduplicates carries an Idempotency-Key');
    });
  }
});
