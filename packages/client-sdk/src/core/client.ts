import { staticToken } from '../internal/token-source.js';
import { Activities } from '../resources/activities.js';
import { ApiKeys } from '../resources/api-keys.js';
import { Webhooks } from '../resources/webhooks.js';
import { Calendar } from '../resources/calendar.js';
import { LostRouting } from '../resources/lost-routing.js';
import { SalesEvents } from '../resources/sales-events.js';
import { AccountHealth } from '../resources/account-health.js';
import { Projects } from '../resources/projects.js';
import { LeadRequests } from '../resources/lead-requests.js';
import { Conversations } from '../resources/conversations.js';
import { Audit } from '../resources/audit.js';
import { Privacy } from '../resources/privacy.js';
import { Mailwizz } from '../resources/mailwizz.js';
import { Voip } from '../resources/voip.js';
import { Auth } from '../resources/auth.js';
import { Campaigns } from '../resources/campaigns.js';
import { Contacts } from '../resources/contacts.js';
import { CustomFields } from '../resources/custom-fields.js';
import { Customers } from '../resources/customers.js';
import { Leads } from '../resources/leads.js';
import { Greetings, MailSettingsResource, Suppressions } from '../resources/messaging.js';
import { Notifications } from '../resources/notifications.js';
import { NurtureSequences } from '../resources/nurture.js';
import { Opportunities } from '../resources/opportunities.js';
import { Org } from '../resources/org.js';
import { Pipelines } from '../resources/pipelines.js';
import { Products } from '../resources/products.js';
import { PriceBooks } from '../resources/price-books.js';
import { Quotes } from '../resources/quotes.js';
import { Orders, QuoteLinks } from '../resources/orders.js';
import { Invoices } from '../resources/invoices.js';
import { Realtime, type SocketIoLoader } from '../resources/realtime.js';
import { Roles } from '../resources/roles.js';
import { Satisfaction } from '../resources/satisfaction.js';
import { Segments } from '../resources/segments.js';
import { Tasks } from '../resources/tasks.js';
import { Tickets } from '../resources/tickets.js';
import { Exports } from '../resources/exports.js';
import { Imports } from '../resources/imports.js';
import { Kb } from '../resources/kb.js';
import { Metrics } from '../resources/metrics.js';
import { Targets } from '../resources/targets.js';
import { Forecasts } from '../resources/forecasts.js';
import { Dashboards } from '../resources/dashboards.js';
import { Reports } from '../resources/reports.js';
import { Templates } from '../resources/templates.js';
import { TenantSettings } from '../resources/tenant.js';
import { Timeline } from '../resources/timeline.js';
import { Users } from '../resources/users.js';
import { CustomerUsers } from '../resources/customer-users.js';
import { Workflows } from '../resources/workflows.js';
import { CrmError } from './errors.js';
import { createPublicClient, type PublicCrmClient } from './public-client.js';
import { CrmSession, type SessionAuth } from './session.js';
import { Transport, type FetchLike, type RetryPolicy, type TokenSource } from './transport.js';

/** Auth of a host product's server with a secret key. */
export interface SecretKeyAuth {
  /** Selects secret-key auth. */
  type: 'secretKey';
  /** The secret key `sk_...`. */
  key: string;
  /** A secret key in a browser gives every visitor its powers; set this only if you really mean it. */
  dangerouslyAllowBrowser?: boolean | undefined;
}

/** Auth of a widget with a publishable key; `createCrmClient` then returns a `PublicCrmClient`. */
export interface PublishableKeyAuth {
  /** Selects publishable-key auth. */
  type: 'publishableKey';
  /** The publishable key `pk_...`. */
  key: string;
}

/** The three ways a client can authenticate. */
export type CrmAuth = SessionAuth | SecretKeyAuth | PublishableKeyAuth;

/** Options of `createCrmClient`. */
export interface CrmClientOptions<TAuth extends CrmAuth = CrmAuth> {
  /** Where the API lives, e.g. `https://crm.example.com` (without `/v1`); `''` means the page's own origin. */
  baseUrl: string;
  /** Who the client acts as. */
  auth: TAuth;
  /** The `fetch` to use; defaults to the global one. */
  fetch?: FetchLike | undefined;
  /** The deadline of each attempt in milliseconds. Default 30000. */
  timeoutMs?: number | undefined;
  /** A number of retries, or a partial retry policy. Default: 2 retries, backoff from 500 ms to 8 s. */
  retries?: number | Partial<RetryPolicy> | undefined;
  /** How realtime loads socket.io-client; by default a dynamic `import('socket.io-client')` on first use. */
  loadSocketIo?: SocketIoLoader | undefined;
}

/** A client for a signed-in user or a server with a secret key. */
export class CrmClient {
  /** The request machinery, for custom resources: `new MyResource(crm.transport)`. */
  readonly transport: Transport;
  /** The signed-in user's session; null for a secret-key client. */
  readonly session: CrmSession | null;
  /** Who the caller is, their profile, password and sessions, and the password reset flow. */
  readonly auth: Auth;
  /** Live changes over socket.io, loaded on first use. */
  readonly realtime: Realtime;
  /** Contacts: `list / get / create / update / remove / transition / history / export`. */
  readonly contacts: Contacts;
  /** Customer accounts: the record routes, the account tree, documents, subscriptions and feedback. */
  readonly customers: Customers;
  /** Leads: the record routes and `convert`. */
  readonly leads: Leads;
  /** Support tickets: the record routes, `assign`, the thread (`listMessages`, `reply`) and attachments. */
  readonly tickets: Tickets;
  /** Imports of contacts and leads from CSV and XLSX: upload, `setMapping`, `dryRun`, `run`, `errors`, `undo`. */
  readonly imports: Imports;
  /** Exports made in the background with a file to download: `create`, `get`, `list`, `download`. */
  readonly exports: Exports;
  /** The knowledge base: `articles` (drafts, publish, versions) and `categories`. */
  readonly kb: Kb;
  /** Opportunities: the record routes, `move` between stages and the stage `history`. */
  readonly opportunities: Opportunities;
  /** Figures over time from the roll-ups (`query`). */
  readonly metrics: Metrics;
  /** Targets (quotas) and their `attainment`. */
  readonly targets: Targets;
  /** The annual forecast in three pillars: entries (`put`, `list`) and plan against won deals (`annual`). */
  readonly forecasts: Forecasts;
  /** Dashboards as data: the user's own and their role's defaults. */
  readonly dashboards: Dashboards;
  /** Saved reports: run from the roll-ups, exported as CSV or XLSX, emailed on a schedule. */
  readonly reports: Reports;
  /** Sales pipelines and their `board`. */
  readonly pipelines: Pipelines;
  /** Products, with `lock` and `unlock`. */
  readonly products: Products;
  /** Price books and the price resolver. */
  readonly priceBooks: PriceBooks;
  /** Quotes on opportunities: preview, create, revise, send, PDF. */
  readonly quotes: Quotes;
  /** Orders of accounts, through the credit gate (issue 21). */
  readonly orders: Orders;
  /** A quote by the signed link of its email, without sign-in (issue 21). */
  readonly quoteLinks: QuoteLinks;
  /** Invoices, numbered without gaps. */
  readonly invoices: Invoices;
  /** Tasks: the record routes, meeting slots and invitations. */
  readonly tasks: Tasks;
  /** Activities logged about customers, leads and opportunities. */
  readonly activities: Activities;
  /** The timeline of a contact, customer, lead or opportunity. */
  readonly timeline: Timeline;
  /** Campaigns: the record routes, stats, referral codes and signups. */
  readonly campaigns: Campaigns;
  /** Saved segments, their `members` and `count`. */
  readonly segments: Segments;
  /** Status workflows by key. */
  readonly workflows: Workflows;
  /** Custom field definitions. */
  readonly customFields: CustomFields;
  /** The agency's users: directory, invitations, role and status changes. */
  readonly users: Users;
  /** Customers' portal identities: invite a contact, list, change role, disable. */
  readonly customerUsers: CustomerUsers;
  /** Roles and their permissions. */
  readonly roles: Roles;
  /** The organisation: `units`, `departments`, `designations`, `teams`. */
  readonly org: Org;
  /** The agency's settings. */
  readonly tenant: TenantSettings;
  /** Secret and publishable API keys. */
  readonly apiKeys: ApiKeys;
  /** Signed outbound webhooks: subscriptions, secrets, the delivery log and replay. */
  readonly webhooks: Webhooks;
  /** Shared calendars: entries, the range view, free/busy, .ics invitations and the private feed URL. */
  readonly calendar: Calendar;
  /** Sales events: sessions, registrations linked to leads, check-in, costs and revenue. */
  readonly salesEvents: SalesEvents;
  /** Account behaviour tracking: weekly snapshots and flags. */
  readonly accountHealth: AccountHealth;
  /** Lost-deal routing: consultant groups per lost reason and the reviews of lost deals. */
  readonly lostRouting: LostRouting;
  /** Projects from won deals and each account's production team. */
  readonly projects: Projects;
  /** Requests for leads: sourcing, vetting, approval, delivery, and a campaign on the delivered leads. */
  readonly leadRequests: LeadRequests;
  /** Internal messaging: record threads, direct conversations, mentions and read state. */
  readonly conversations: Conversations;
  /** My notification inbox. */
  readonly notifications: Notifications;
  /** Message templates and their preview. */
  readonly templates: Templates;
  /** Greetings: templates sent to a segment or chosen recipients. */
  readonly greetings: Greetings;
  /** Addresses that receive no marketing email, and one-click unsubscribe by an email's token. */
  readonly suppressions: Suppressions;
  /** Lead-nurturing sequences: follow-up emails to enrolled contacts. */
  readonly nurtureSequences: NurtureSequences;
  /** The satisfaction survey's settings, and answering a survey by its token. */
  readonly satisfaction: Satisfaction;
  /** Outgoing mail settings, the agency's and my own. */
  readonly mailSettings: MailSettingsResource;
  /** The audit trail and its verification. */
  readonly audit: Audit;
  /** GDPR / CCPA requests: look-up, export, erasure, retention rules (admins). */
  readonly privacy: Privacy;
  /** The Mailwizz 1.9 connection: settings, segment syncs, campaigns and their statistics. */
  readonly mailwizz: Mailwizz;
  /** Yealink VOIP: your phone, click-to-call, your calls and call-log imports. */
  readonly voip: Voip;

  constructor(options: CrmClientOptions<SessionAuth | SecretKeyAuth>) {
    const { auth, loadSocketIo, ...transportOptions } = options;
    let tokenSource: TokenSource;
    if (auth.type === 'session') {
      // Login and refresh go through a transport of their own: they must not wait for the session itself.
      this.session = new CrmSession(new Transport(transportOptions), auth);
      tokenSource = this.session;
    } else if (auth.type === 'secretKey') {
      assertSecretKey(auth);
      this.session = null;
      tokenSource = staticToken(auth.key);
    } else {
      throw new CrmError(`Unknown auth type ${JSON.stringify((auth as { type?: unknown }).type)}.`);
    }
    this.transport = new Transport({ ...transportOptions, tokenSource });
    this.auth = new Auth(this.transport);
    this.realtime = new Realtime({ baseUrl: options.baseUrl, tokenSource, loadSocketIo });
    this.contacts = new Contacts(this.transport);
    this.customers = new Customers(this.transport);
    this.leads = new Leads(this.transport);
    this.tickets = new Tickets(this.transport);
    this.imports = new Imports(this.transport);
    this.exports = new Exports(this.transport);
    this.kb = new Kb(this.transport);
    this.opportunities = new Opportunities(this.transport);
    this.metrics = new Metrics(this.transport);
    this.targets = new Targets(this.transport);
    this.forecasts = new Forecasts(this.transport);
    this.dashboards = new Dashboards(this.transport);
    this.reports = new Reports(this.transport);
    this.pipelines = new Pipelines(this.transport);
    this.products = new Products(this.transport);
    this.priceBooks = new PriceBooks(this.transport);
    this.quotes = new Quotes(this.transport);
    this.orders = new Orders(this.transport);
    this.quoteLinks = new QuoteLinks(this.transport);
    this.invoices = new Invoices(this.transport);
    this.tasks = new Tasks(this.transport);
    this.activities = new Activities(this.transport);
    this.timeline = new Timeline(this.transport);
    this.campaigns = new Campaigns(this.transport);
    this.segments = new Segments(this.transport);
    this.workflows = new Workflows(this.transport);
    this.customFields = new CustomFields(this.transport);
    this.users = new Users(this.transport);
    this.customerUsers = new CustomerUsers(this.transport);
    this.roles = new Roles(this.transport);
    this.org = new Org(this.transport);
    this.tenant = new TenantSettings(this.transport);
    this.apiKeys = new ApiKeys(this.transport);
    this.webhooks = new Webhooks(this.transport);
    this.calendar = new Calendar(this.transport);
    this.lostRouting = new LostRouting(this.transport);
    this.salesEvents = new SalesEvents(this.transport);
    this.accountHealth = new AccountHealth(this.transport);
    this.projects = new Projects(this.transport);
    this.leadRequests = new LeadRequests(this.transport);
    this.conversations = new Conversations(this.transport);
    this.notifications = new Notifications(this.transport);
    this.templates = new Templates(this.transport);
    this.greetings = new Greetings(this.transport);
    this.suppressions = new Suppressions(this.transport);
    this.nurtureSequences = new NurtureSequences(this.transport);
    this.satisfaction = new Satisfaction(this.transport);
    this.mailSettings = new MailSettingsResource(this.transport);
    this.audit = new Audit(this.transport);
    this.privacy = new Privacy(this.transport);
    this.mailwizz = new Mailwizz(this.transport);
    this.voip = new Voip(this.transport);
  }
}

function assertSecretKey(auth: SecretKeyAuth): void {
  if (!auth.key?.startsWith('sk_')) throw new CrmError('A secretKey client needs a secret key (sk_...).');
  const inBrowser = typeof (globalThis as { document?: unknown }).document !== 'undefined';
  if (inBrowser && !auth.dangerouslyAllowBrowser) {
    throw new CrmError('A secret key must never reach a browser; use session auth, or a publishable key for widgets.');
  }
}

/**
 * Creates a CRM client. With `session` or `secretKey` auth it is a full `CrmClient`; with `publishableKey`
 * auth it is a `PublicCrmClient` (prefer `createPublicClient` from `@crm/client-sdk/public` in widgets).
 *
 * @example
 * const crm = createCrmClient({ baseUrl: 'https://crm.example.com', auth: { type: 'secretKey', key: process.env.CRM_KEY! } });
 */
export function createCrmClient(options: CrmClientOptions<PublishableKeyAuth>): PublicCrmClient;
/** Creates a full client for a signed-in user (`session`) or a server (`secretKey`). */
export function createCrmClient(options: CrmClientOptions<SessionAuth | SecretKeyAuth>): CrmClient;
/** Creates the client that matches `options.auth` when its type is only known at run time. */
export function createCrmClient(options: CrmClientOptions): CrmClient | PublicCrmClient;
export function createCrmClient(options: CrmClientOptions): CrmClient | PublicCrmClient {
  const { auth, loadSocketIo: _loadSocketIo, ...transportOptions } = options;
  if (auth.type === 'publishableKey') return createPublicClient({ ...transportOptions, publishableKey: auth.key });
  return new CrmClient({ ...options, auth });
}
