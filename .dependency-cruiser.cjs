// Import directions of the monorepo, checked by `npm run lint` (`npm run lint:imports`).
// The arrows point one way: server.ts -> runtime.ts (composition root) -> app.ts -> modules/ -> platform/;
// front ends -> the SDK's public entries -> (HTTP) -> the API. A back-arrow or a cycle fails the lint.
const api = '^packages/api/src/';
const tests = '\\.test\\.ts$|/testing/';

/**
 * The imports one API module makes into another today, each with its reason. Anything not listed here
 * fails the lint: a new one either goes through events or platform/, or is added here with its reason.
 * Tests and `testing/` helpers are not bound by this table (they arrange state through other domains).
 */
const moduleImports = {
  activities: { to: ['tasks', 'opportunities', 'support'], reason: 'the timeline merges tasks, opportunities and (for contacts and accounts) ticket events with activities; a logged call or meeting is a task subject' },
  'api-keys': { to: ['identity'], reason: 'an API key acts as a user of the tenant: it takes its role, principal and auth routes from identity' },
  audit: { to: ['identity'], reason: 'retention reads each tenant\'s audit settings from the tenant record' },
  campaigns: {
    to: ['activities', 'api-keys', 'contacts', 'identity', 'leads', 'mailwizz', 'messaging', 'opportunities', 'sales-events', 'templates'],
    reason: 'a campaign turns public signups into contacts and leads (publishable keys), reports opportunities it sourced, and sends its messages through templates and messaging recipients; a reply to a campaign email is an inbound email activity on the recipient\'s timeline; the costs and revenue of its sales events count in its ROI (sales-events); a contact\'s campaign engagement reads the Mailwizz lists it is on and the campaigns sent to them (mailwizz models)',
  },
  conversations: { to: ['identity', 'notifications', 'support'], reason: 'a mention lands in the in-app inbox (notifications); whom a push or mention may reach is decided with that user\'s principal and names come from users (identity); attachments pass the ticket attachments\' size and content checks and are served the same way (support)' },
  'customer-portal': {
    to: ['api-keys', 'contacts', 'customers', 'identity', 'messaging'],
    reason: 'a customer identity is a contact of an account (the account tree decides a case manager\'s reach), names its agency by slug, lands links on origins the agency\'s publishable keys allow, and manages its own subscriptions',
  },
  customers: {
    to: ['contacts', 'custom-fields', 'leads', 'opportunities', 'products', 'segments', 'workflows'],
    reason: 'crm-records.wiring.ts composes the record modules that share one record engine; customer schemas embed the contact schema; a customer counts its opportunities',
  },
  identity: { to: ['api-keys', 'products'], reason: 'a principal\'s visibility includes the products it is assigned to; deleting a role checks the API keys that hold it' },
  imports: { to: ['api-keys', 'contacts', 'customers', 'identity', 'leads', 'opportunities', 'products', 'tasks'], reason: 'an import writes contacts, leads, customers (with their account tree), opportunities, products and tasks through their services and create schemas (a product\'s department and a team\'s members are read from identity\'s org units), and its background run acts as the user (identity) or secret key (api-keys) that started it' },
  exports: { to: ['api-keys'], reason: 'a background export acts as the user or secret key that asked for it (api-keys\' principalOfStarter, shared with imports)' },
  'card-scan': { to: ['contacts'], reason: 'a scanned card is answered as a draft in the shape of the contact create body (contact schema), which the person saves with the normal create' },
  leads: { to: ['contacts', 'customers'], reason: 'converting a lead creates or finds the customer and its contact' },
  messaging: {
    to: ['contacts', 'customers', 'identity', 'mail-settings', 'notifications', 'opportunities', 'templates'],
    reason: 'messaging.module.ts composes sending (templates, mail settings, notifications); recipients are contacts and customers of a tenant; satisfaction surveys follow won opportunities',
  },
  mailwizz: { to: ['contacts', 'identity', 'messaging'], reason: 'a Mailwizz unsubscribe withdraws the contact\'s marketing consent (a new contact version) and sets its email opt-out (messaging subscriptions, whose snapshot also decides who is pushed); a sync runs as the user who started it (identity principal)' },
  voip: { to: ['activities', 'contacts', 'identity', 'leads'], reason: 'an ended call is written as a call activity through the activities service, as the phone\'s owner (identity principal); its number is matched to a contact or lead through the search index and confirmed on their phones (contact and lead models)' },
  notifications: { to: ['identity', 'tasks'], reason: 'scheduled reminders are about tasks and go to users' },
  opportunities: {
    to: ['activities', 'contacts', 'customers', 'leads', 'tasks'],
    reason: 'sales.wiring.ts composes the sales modules (activities, tasks, auto-tasks) around opportunities, which belong to customers, contacts and leads',
  },
  invoices: { to: ['activities', 'contacts', 'credit', 'customers', 'identity', 'mail-settings', 'price-books'], reason: 'an invoice\'s lines are priced by the price book resolver, like a quote\'s; invoicing.module.ts reads the invoiced account (customers) for jobs and stores its payment behaviour on it, mails invoices and reminders through the sender\'s or agency\'s mailbox (mail settings) in the billing contact\'s language (contacts), else the account\'s, else the agency\'s locale (identity tenant), recalculates the account\'s credit and purchase summary after a void or credit note (credit), and logs them on the account\'s timeline (activities)' },
  quotes: {
    to: ['identity', 'invoices', 'mail-settings', 'price-books'],
    reason: 'quote-to-cash.module.ts composes price books, quotes and invoices; a quote prices its lines through the price book resolver, is sent through the sender\'s own mailbox (mail settings) and signed with the sender\'s name (identity)',
  },
  privacy: { to: ['activities', 'contacts', 'leads', 'support', 'tasks'], reason: 'erasure deletes and rewrites a person\'s records through the record definitions of the modules that hold them (search entries, list rows and counters kept as their services keep them)' },
  orders: {
    to: ['credit', 'identity', 'price-books', 'quotes'],
    reason: 'an order copies the accepted revision of a quote (quotes) or prices its lines through the price book resolver; a customer\'s acceptance acts for the rep who sent the quote (identity principal) and names the agency on the link page; the credit gate reads the account\'s calculated limit and holds its credit reservation (credit), and orders.module.ts wires the credit routes and nightly job',
  },
  segments: { to: ['credit'], reason: 'segments on purchase history read the per-account purchase summaries that modules/credit keeps' },
  products: { to: ['identity'], reason: 'products are assigned to teams and people of the org chart' },
  reporting: {
    to: ['activities', 'campaigns', 'customers', 'identity', 'leads', 'mailwizz', 'opportunities', 'products', 'sales-events', 'support'],
    reason: 'roll-ups are rebuilt from the records they count (in their API shape); a campaign is counted from its record, signups (campaigns), sales events\' costs and revenue (sales-events) and the Mailwizz statistics last pulled (mailwizz); labels, targets and role dashboards name users, teams, products, pipelines and roles; the annual forecast of an account sums it with its descendants (customer model, ancestorIds)',
  },
  support: { to: ['contacts', 'customer-portal', 'customers', 'identity', 'notifications', 'templates'], reason: 'a ticket names an account (customer) and a contact of the agency, checked when it is written; a missed SLA target notifies the agent and the head of the ticket\'s team (org chart); ticket email is rendered from the agency\'s template and an emailed reply is taken from the ticket\'s contact or a customer user of its account' },
  tasks: { to: ['identity'], reason: 'automatic tasks are assigned to users by role' },
  calendar: { to: ['contacts', 'identity', 'notifications', 'tasks'], reason: 'the calendar shows tasks with a due time beside its entries (tasks), resolves attendee addresses to users and a feed\'s owner to a principal (identity), sends reminders and reply notices to the in-app inbox (notifications), and mails offered meeting slots to the task\'s contact (contacts)' },
  templates: { to: ['messaging'], reason: 'a template preview renders for a real recipient' },
  webhooks: { to: ['identity', 'notifications'], reason: 'a delivery carries only what its owner may see (identity principal, resolved at send time) and a subscription turned off for failures notifies its owner in the app (notifications) and by email (user address)' },
  workflows: { to: ['identity'], reason: 'transitions name the role keys allowed to make them' },
  'sales-events': { to: ['identity', 'leads'], reason: 'a new registrant becomes a lead through the leads service and its create schema (participation = the role), as 002 asks of conferences; a registration from the public widget acts as the event\'s creator (identity principal)' },
  'account-health': { to: ['customers', 'identity', 'invoices', 'notifications'], reason: 'the weekly run snapshots each agency (identity tenants), reads late invoices (invoices) and the flagged accounts\' managers (customers), and tells them in the app (notifications)' },
  'lost-routing': { to: ['opportunities', 'tasks'], reason: 'a lost deal gets a review task (tasks) and a re-opened one moves back to an open stage (opportunities); reviews are seen by who may see the deal' },
  'lead-requests': { to: ['leads'], reason: 'a request\'s criteria on company size are the lead\'s own size classes (lead model), so a criterion and a lead are compared in one vocabulary' },
  projects: { to: ['quotes', 'tasks'], reason: 'a won deal\'s project takes its jobs from the lines of the deal\'s quote, and its team members get tasks' },
};

const moduleRules = Object.entries(moduleImports).map(([name, { to }]) => ({
  name: `api-module-${name}`,
  comment: `modules/${name} imports only these other modules: ${to.join(', ')} (see moduleImports for why)`,
  severity: 'error',
  from: { path: `${api}modules/${name}/`, pathNot: tests },
  to: { path: `${api}modules/`, pathNot: `${api}modules/(${[name, ...to].join('|')})/` },
}));
const unlisted = {
  name: 'api-module-unlisted',
  comment: 'a module not in moduleImports imports no other module',
  severity: 'error',
  from: { path: `${api}modules/([^/]+)/`, pathNot: `${tests}|${api}modules/(${Object.keys(moduleImports).join('|')})/` },
  to: { path: `${api}modules/`, pathNot: `${api}modules/$1/` },
};

module.exports = {
  forbidden: [
    { name: 'no-circular', comment: 'no import cycle anywhere (type-only imports count)', severity: 'error', from: { path: '^packages/' }, to: { circular: true } },
    { name: 'not-to-unresolvable', comment: 'every import resolves (a deep import into a package past its exports map does not)', severity: 'error', from: { path: '^packages/' }, to: { couldNotResolve: true } },
    {
      name: 'api-platform-imports-no-module',
      comment: 'platform/ is below the modules: it never imports a module, the app or the composition root',
      severity: 'error',
      from: { path: `${api}platform/`, pathNot: tests },
      to: { path: `${api}(modules/|seed/|app\\.ts$|runtime\\.ts$|server\\.ts$)` },
    },
    {
      name: 'api-modules-not-up',
      comment: 'modules import platform/, never the app, the composition root or the server',
      severity: 'error',
      from: { path: `${api}modules/`, pathNot: tests },
      to: { path: `${api}(app|runtime|server)\\.ts$` },
    },
    ...moduleRules,
    unlisted,
    {
      name: 'api-knows-no-front-end',
      comment: 'the API knows nothing of the SDK, elements or widgets',
      severity: 'error',
      from: { path: '^packages/api/' },
      to: { path: '^packages/(client-sdk|elements|widgets)/' },
    },
    {
      name: 'sdk-knows-only-http',
      comment: 'the SDK speaks the HTTP contract; only its test-only code (packages/client-sdk/test, never packed) reaches the API',
      severity: 'error',
      from: { path: '^packages/client-sdk/src/' },
      to: { path: '^packages/(api|elements|widgets)/|^packages/client-sdk/test/' },
    },
    {
      name: 'sdk-internal-is-leaf',
      comment: 'internal/ holds private helpers: it may read core/errors and core types, never resources or the client',
      severity: 'error',
      from: { path: '^packages/client-sdk/src/internal/' },
      to: { path: '^packages/client-sdk/src/(resources/|core/(client|session|public-client|crud-resource)\\.ts$|index\\.ts$|public\\.ts$)' },
    },
    {
      name: 'front-ends-use-sdk-entries',
      comment: 'elements and widgets import the SDK only through `@crm/client-sdk` and `@crm/client-sdk/public`',
      severity: 'error',
      from: { path: '^packages/(elements|widgets)/' },
      to: { path: '^packages/client-sdk/', pathNot: '^packages/client-sdk/src/(index|public)\\.ts$' },
    },
    {
      name: 'front-ends-not-api',
      comment: 'front ends reach the API over HTTP only (their browser-test harnesses under test/ start a real API)',
      severity: 'error',
      from: { path: '^packages/(elements|widgets)/src/' },
      to: { path: '^packages/api/' },
    },
    {
      name: 'packages-apart',
      comment: 'no package imports another package\'s files by a relative path',
      severity: 'error',
      from: { path: '^packages/(elements|widgets)/' },
      to: { path: '^packages/(elements|widgets)/', pathNot: '^packages/$1/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|generated)/' },
    tsPreCompilationDeps: true,
    // tsconfig.imports.json maps the SDK's two public entries to their sources (no build needed to check).
    tsConfig: { fileName: 'tsconfig.imports.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'types', 'default'],
      extensions: ['.ts', '.js', '.mjs'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
