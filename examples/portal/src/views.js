// The signed-in portal's views and how the host wires the elements in them through their events. The
// nav is a hash route (#contacts, #leads, ..., #admin/templates); on a phone it collapses behind a
// Menu button. Each view only listens and routes: the elements do the CRM work through the SDK.
import { contactName } from './host.js';

/** Wires the shell stamped into `provider`; returns `{ showView, stop }`. */
export function wireViews({ provider, say, viewNames, title, locale = () => 'en' }) {
  const $ = (selector) => provider.querySelector(selector);
  const menu = $('#menu');
  const nav = $('#nav');
  const main = $('#main');
  let pipelinesLoaded = false;

  // ---- Navigation: hash routes, and the collapsed menu on a phone ----
  const setMenu = (open) => {
    menu.setAttribute('aria-expanded', String(open));
    nav.toggleAttribute('data-open', open);
  };
  menu.addEventListener('click', () => setMenu(menu.getAttribute('aria-expanded') !== 'true'));
  nav.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || menu.getAttribute('aria-expanded') !== 'true') return;
    setMenu(false);
    menu.focus();
  });
  nav.addEventListener('click', (event) => {
    if (!event.target.closest('a') || menu.getAttribute('aria-expanded') !== 'true') return;
    // Picking a page on a phone closes the menu and takes the reader to the page.
    setMenu(false);
    main.focus({ preventScroll: true });
  });

  // Admin is for those who administer the agency (its admins and sysadmins); others never see the tab.
  let mayAdminister = false;
  const adminLink = nav.querySelector('a[data-view="admin"]');
  adminLink.hidden = true;
  provider.client.auth
    .me()
    .then((me) => {
      mayAdminister = me.role.isAdmin || me.role.key === 'SYSADMIN';
      applyMenu();
      if (mayAdminister && location.hash.startsWith('#admin')) showView();
    })
    .catch(() => {});

  // The department's menu (issue 19, GET /v1/menus/mine): the nav shows the pages it names, in its order
  // ('admin/templates' names the Admin tab and that admin page). Until an admin sets one (source
  // 'built-in') or when it cannot be read, the nav is the portal's own full list. The menu is only
  // presentation: a page it leaves out stays reachable by its address, and the API decides what it shows.
  let menuPages = null;
  function applyMenu() {
    const named = (key) => !menuPages || menuPages.some((page) => page === key || page.startsWith(`${key}/`));
    for (const link of nav.querySelectorAll('a[data-view]')) {
      link.hidden = !named(link.dataset.view) || (link.dataset.view === 'admin' && !mayAdminister);
    }
    const adminPages = menuPages?.includes('admin') ? null : menuPages;
    for (const link of provider.querySelectorAll('a[data-admin]')) {
      link.hidden = Boolean(adminPages) && !adminPages.includes(`admin/${link.dataset.admin}`);
    }
    if (!menuPages) return;
    // Menu order: the links move into the order the menu gives; links it does not name keep their place after.
    const order = (view) => {
      const at = menuPages.findIndex((page) => page.split('/')[0] === view);
      return at < 0 ? menuPages.length : at;
    };
    const links = [...nav.querySelectorAll('a[data-view]')];
    links.sort((a, b) => order(a.dataset.view) - order(b.dataset.view));
    nav.append(...links);
  }
  provider.client.dashboards
    .myMenu()
    .then((menu) => {
      menuPages = menu.source === 'built-in' ? null : menu.pages;
      nav.dataset.menu = menu.source;
      applyMenu();
      if (!location.hash) showView();
    })
    .catch(() => {});

  /** Where the portal opens without an address: the menu's first page it has, else Contacts. */
  function landing() {
    const first = menuPages?.map((page) => page.split('/')[0]).find((view) => viewNames.includes(view) && view !== 'admin');
    return first ?? 'contacts';
  }

  function route() {
    const [view = '', sub = ''] = location.hash.slice(1).split('/');
    const allowed = viewNames.includes(view) && (view !== 'admin' || mayAdminister);
    return { view: allowed ? view : landing(), sub };
  }

  function showView() {
    const { view, sub } = route();
    for (const section of provider.querySelectorAll('section[data-view]')) section.hidden = section.dataset.view !== view;
    for (const link of nav.querySelectorAll('a[data-view]')) {
      if (link.dataset.view === view) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    $('#view-title').textContent = title(`nav.${view}`);
    if (view === 'dashboard') openDashboard();
    if (view === 'reports') openReports();
    if (view === 'forecast') openForecast();
    if (view === 'pipeline') void openBoard();
    if (view === 'admin') showAdmin(sub);
    if (view === 'campaigns') {
      void loadSends();
      showCampaign(sub);
    }
    if (view === 'quotes') void openQuotes();
    if (view === 'invoices') void openInvoices();
    if (view === 'exports') showExports(sub);
  }
  window.addEventListener('hashchange', showView);

  // ---- Contacts: list, viewer, editor (on a phone, the list or the contact) ----
  const contactsView = $('section[data-view="contacts"]');
  const list = $('#contact-list');
  const viewer = $('#contact-viewer');
  // Beside the card: invite the contact to the customer portal (issue 18), or send a new sign-in link.
  const invite = $('#customer-invite');
  const editor = $('#contact-editor');
  const cardScan = $('#card-scan');
  const hint = $('#contact-hint');
  const phone = window.matchMedia('(max-width: 60rem)');
  const showContact = (which) => {
    const listHides = phone.matches && which !== 'hint' && !contactsView.hasAttribute('data-detail');
    hint.hidden = which !== 'hint';
    viewer.hidden = which !== 'viewer';
    invite.hidden = which !== 'viewer';
    editor.hidden = which !== 'editor';
    cardScan.hidden = which !== 'scan';
    contactsView.toggleAttribute('data-detail', which !== 'hint');
    // On a phone the contact replaces the list: focus would otherwise fall to the page, so it moves to the way back.
    if (listHides) $('#back-to-contacts').focus();
  };
  /** Leaves the editor first when it is open; false when the person chose to keep editing. */
  const leaveEditor = () => editor.hidden || editor.requestClose();

  list.addEventListener('crm-contact-selected', (event) => {
    if (!leaveEditor()) return;
    viewer.contactId = event.detail.contact.id;
    invite.contactId = event.detail.contact.id;
    $('#contact-call').subjectId = event.detail.contact.id;
    showContact('viewer');
  });
  viewer.addEventListener('crm-contact-edit-requested', (event) => {
    editor.contact = undefined;
    editor.contactId = event.detail.contact.id;
    showContact('editor');
  });
  $('#new-contact').addEventListener('click', () => {
    if (!leaveEditor()) return;
    editor.contact = undefined;
    editor.contactId = '';
    showContact('editor');
  });
  // A business card: photo, then its prefilled form; saving creates the contact as New contact does.
  $('#scan-card').addEventListener('click', () => {
    if (!leaveEditor()) return;
    cardScan.reset();
    showContact('scan');
  });
  cardScan.addEventListener('crm-contact-saved', (event) => {
    const { contact } = event.detail;
    say('status.saved', { name: contactName(contact) });
    list.reload();
    viewer.contactId = contact.id;
    invite.contactId = contact.id;
    $('#contact-call').subjectId = contact.id;
    showContact('viewer');
  });
  cardScan.addEventListener('crm-contact-cancel', () => showContact(viewer.contactId ? 'viewer' : 'hint'));
  $('#back-to-contacts').addEventListener('click', () => {
    if (!leaveEditor()) return;
    showContact('hint');
    list.focus();
  });
  editor.addEventListener('crm-contact-saved', (event) => {
    const { contact } = event.detail;
    say('status.saved', { name: contactName(contact) });
    list.reload();
    if (viewer.contactId === contact.id) viewer.reload();
    else viewer.contactId = contact.id;
    showContact('viewer');
  });
  editor.addEventListener('crm-contact-cancel', () => showContact(viewer.contactId ? 'viewer' : 'hint'));
  viewer.addEventListener('crm-contact-transitioned', () => list.reload());

  // ---- Pipeline: the board; a card opens in place in the board's editor dialog ----
  const board = $('#board');
  const select = $('#pipeline');
  select.addEventListener('change', () => (board.pipelineId = select.value));
  board.addEventListener('crm-card-moved', (e) => say('status.moved', { name: e.detail.opportunity.name, stage: stageName(e.detail.toStage) }));
  board.addEventListener('crm-opportunity-saved', (e) => say('status.dealSaved', { name: e.detail.opportunity.name }));
  let stages = new Map();
  const stageName = (key) => stages.get(key) ?? key;

  /** The board needs a pipeline: the host lists them (through the same SDK client) and picks the first. */
  async function openBoard() {
    if (pipelinesLoaded) return;
    pipelinesLoaded = true;
    try {
      const { data } = await provider.client.pipelines.list();
      select.replaceChildren(...data.map((p) => new Option(p.name, p.id)));
      stages = new Map(data.flatMap((p) => p.stages.map((s) => [s.key, s.name])));
      if (data[0]) board.pipelineId = data[0].id;
    } catch (error) {
      pipelinesLoaded = false;
      say('status.error', { message: String(error?.message ?? error) });
    }
  }

  // ---- Tasks ----
  const tasks = $('#tasks');
  tasks.addEventListener('crm-task-transitioned', (e) => say('status.task', { title: e.detail.task.title, to: e.detail.to }));
  tasks.addEventListener('crm-task-created', (e) => say('status.taskCreated', { title: e.detail.task.title }));

  // ---- Support: the ticket queue, and the picked ticket's conversation beside it ----
  const ticketList = $('#tickets');
  const ticketView = $('#ticket-view');
  ticketList.addEventListener('crm-ticket-selected', (e) => {
    ticketView.ticketId = e.detail.ticket.id;
    ticketView.hidden = false;
    $('#ticket-hint').hidden = true;
    ticketView.scrollIntoView({ block: 'start' });
  });
  // A move, an assignment or a reply changes the ticket's place in the queue (last update first).
  ticketView.addEventListener('crm-ticket-changed', () => ticketList.reload());
  ticketView.addEventListener('crm-ticket-replied', () => ticketList.reload());

  // ---- Dashboard: made when first opened (its widgets load and listen live from then on) ----
  function openDashboard() {
    const section = $('section[data-view="dashboard"]');
    if (section.querySelector('crm-dashboard')) return;
    const dashboard = document.createElement('crm-dashboard');
    dashboard.id = 'dashboard';
    dashboard.addEventListener('crm-dashboard-saved', (e) => say('status.dashboardSaved', { name: e.detail.dashboard.name }));
    section.append(dashboard);
  }

  // ---- Reports: made when first opened (saved reports, the builder, downloads and the emailed schedule) ----
  function openReports() {
    const section = $('section[data-view="reports"]');
    if (section.querySelector('crm-report')) return;
    const report = document.createElement('crm-report');
    report.id = 'report';
    report.addEventListener('crm-report-saved', (e) => say('status.reportSaved', { name: e.detail.report.name }));
    section.append(report);
  }

  // ---- Forecast: the annual forecast in three pillars, the signed-in person's own by default (they may
  // enter it), everyone they may see, or one of the people they may see (a head enters their people's) ----
  function openForecast() {
    const section = $('section[data-view="forecast"]');
    if (section.querySelector('crm-annual-forecast')) return;
    const forecast = document.createElement('crm-annual-forecast');
    forecast.id = 'annual-forecast';
    forecast.ownerId = provider.user?.id ?? '';
    forecast.addEventListener('crm-forecast-saved', (e) => say('status.forecastSaved', { year: e.detail.forecast.year }));
    const label = document.createElement('label');
    label.className = 'control';
    label.append(Object.assign(document.createElement('span'), { textContent: title('forecast.whose') }), ' ');
    const whose = document.createElement('select');
    whose.id = 'forecast-owner';
    const option = (value, text) => Object.assign(document.createElement('option'), { value, textContent: text });
    whose.append(option(forecast.ownerId, title('forecast.mine')), option('', title('forecast.everyone')));
    whose.addEventListener('change', () => (forecast.ownerId = whose.value));
    label.append(whose);
    section.append(label, forecast);
    // The people the API lets the caller see (their own list when they may read users).
    provider.client.users
      .list({ limit: 100 })
      .then((page) => {
        for (const user of page.data) if (user.id !== forecast.ownerId) whose.append(option(user.id, user.name));
      })
      .catch(() => {});
  }

  // ---- Knowledge base: the editor announces what it saved or published ----
  $('#kb-editor').addEventListener('crm-article-saved', (e) => say('status.article', { title: e.detail.article.title, change: e.detail.change }));

  // ---- Campaigns: the list, and the creator in its place ----
  const campaignList = $('#campaign-list');
  const creator = $('#campaigns');
  const newCampaign = $('#new-campaign');
  const backToCampaigns = $('#campaign-list-back');
  const showCreator = (open) => {
    creator.hidden = !open;
    campaignList.hidden = open;
    $('#sends').hidden = open;
    newCampaign.hidden = open;
    backToCampaigns.hidden = !open;
  };
  newCampaign.addEventListener('click', () => showCreator(true));
  backToCampaigns.addEventListener('click', () => {
    // From a campaign's analytics, back is the list's own address; from the creator, the list in its place.
    if (route().sub) {
      location.hash = '#campaigns';
      return;
    }
    showCreator(false);
    newCampaign.focus();
  });
  // A row of the list opens that campaign's analytics at its own address (#campaigns/<id>), so it can be bookmarked.
  campaignList.addEventListener('crm-campaign-selected', (e) => {
    location.hash = `#campaigns/${encodeURIComponent(e.detail.campaign.id)}`;
  });
  creator.addEventListener('crm-campaign-saved', (e) => {
    say('status.campaign', { title: e.detail.campaign.title });
    campaignList.reload?.();
    // An activated campaign with an audience starts its send: the newest send is shown.
    if (e.detail.activated) void loadSends({ newest: true });
  });

  /**
   * #campaigns/<id>: the campaign's analytics (<crm-campaign-analytics>) in place of the list; #campaigns: the
   * list. A function declaration that looks its elements up, since showView may run before the consts above.
   */
  function showCampaign(id) {
    const analytics = $('#campaign-analytics');
    const open = Boolean(id);
    if (open) analytics.campaignId = decodeURIComponent(id);
    analytics.hidden = !open;
    $('#campaigns').hidden = true;
    $('#campaign-list').hidden = open;
    $('#sends').hidden = open;
    $('#new-campaign').hidden = open;
    $('#campaign-list-back').hidden = !open;
  }

  // ---- Sends: a greeting's or campaign message's progress; the uncertain ones can be resent once ----
  const sendPick = $('#send-pick');
  // ---- Quotes: a rep picks an opportunity and builds, prices and sends its quote (issue 21) ----
  const quoteEditor = $('#quote-editor');
  const quoteOpportunity = $('#quote-opportunity');
  let quotesLoaded = false;
  quoteOpportunity.addEventListener('change', () => {
    quoteEditor.quote = undefined;
    quoteEditor.opportunityId = quoteOpportunity.value;
  });
  quoteEditor.addEventListener('crm-quote-saved', (e) => {
    const q = e.detail.quote;
    say('status.quoteSaved', { number: q.number, total: new Intl.NumberFormat(locale(), { style: 'currency', currency: q.currency }).format(q.total / 10 ** q.exponent) });
  });
  quoteEditor.addEventListener('crm-quote-sent', (e) => say('status.quoteSent', { number: e.detail.quote.number }));
  /** The opportunities a rep can quote: the first page the SDK lists (the host picks; the editor prices). */
  async function openQuotes() {
    if (quotesLoaded) return;
    quotesLoaded = true;
    try {
      const { data } = await provider.client.opportunities.list({ limit: 50 });
      quoteOpportunity.replaceChildren(...data.map((o) => new Option(o.name, o.id)));
      if (data[0]) quoteEditor.opportunityId = data[0].id;
    } catch (error) {
      quotesLoaded = false;
      say('status.error', { message: String(error?.message ?? error) });
    }
  }

  // ---- Customers: opening an account shows its weekly pattern and flags (issue 23 item 8) ----
  const accountHealth = $('#account-health');
  $('#customers').addEventListener('crm-customer-selected', (e) => {
    accountHealth.accountId = e.detail.customer.id;
  });

  // ---- Invoices: an agent picks an account and sees its invoices, records payments, voids or credits an
  // invoice, downloads PDFs, and next to them the account's purchase conditions and credit limit (issue 21) ----
  const invoiceList = $('#invoice-list');
  const purchaseConditions = $('#purchase-conditions');
  const invoiceAccount = $('#invoice-account');
  let invoicesLoaded = false;
  const openAccount = (id) => {
    invoiceList.accountId = id;
    purchaseConditions.accountId = id;
  };
  invoiceAccount.addEventListener('change', () => openAccount(invoiceAccount.value));
  invoiceList.addEventListener('crm-payment-recorded', (e) => say('status.paymentRecorded', { number: e.detail.invoice.displayNumber, status: e.detail.invoice.status }));
  // A void or a credit note changes the account's exposure and recalculates its credit limit: show it again.
  invoiceList.addEventListener('crm-invoice-voided', (e) => {
    say('status.invoiceVoided', { number: e.detail.invoice.displayNumber });
    purchaseConditions.reload();
  });
  invoiceList.addEventListener('crm-credit-note-created', (e) => {
    say('status.creditNoteCreated', { number: e.detail.creditNote.displayNumber, invoice: e.detail.invoice.displayNumber });
    purchaseConditions.reload();
  });
  purchaseConditions.addEventListener('crm-purchase-conditions-saved', (e) => say('status.purchaseConditionsSaved', { name: e.detail.account.name }));
  /** The accounts an agent can open: the first page the SDK lists (the host picks; the element lists). */
  async function openInvoices() {
    if (invoicesLoaded) return;
    invoicesLoaded = true;
    try {
      const { data } = await provider.client.customers.list({ limit: 50 });
      invoiceAccount.replaceChildren(...data.map((c) => new Option(c.name, c.id)));
      if (data[0]) openAccount(data[0].id);
    } catch (error) {
      invoicesLoaded = false;
      say('status.error', { message: String(error?.message ?? error) });
    }
  }

  // ---- Import: a research executive's leads file (or contacts, accounts, deals, tasks; products for admins): upload, map, dry run, run, undo ----
  const importWizard = $('#import-wizard');
  $('#import-kind').addEventListener('change', (event) => {
    importWizard.kind = event.target.value;
  });

  // ---- Notifications: the bell in the shell's header ----
  // Links are portal paths (/exports/<id>, /imports/<id>, /customers/<id>...): the inbox puts the portal's
  // folder before them, and a link to a page of this portal opens it by its hash, without a reload.
  const inbox = $('#inbox');
  inbox.linkBase = new URL('.', location.href).pathname;
  const linkViews = { imports: 'import' };
  inbox.addEventListener('crm-notification-open', (e) => {
    const [, segment = '', id = ''] = /^\/([\w-]+)(?:\/([a-f0-9]{24}))?/.exec(e.detail.notification.link ?? '') ?? [];
    const view = linkViews[segment] ?? segment;
    if (!viewNames.includes(view)) return;
    e.preventDefault();
    location.hash = view === 'exports' && id ? `#exports/${id}` : `#${view}`;
  });

  // ---- Exports: every page's export button downloads its file when ready; the Exports page lists them all ----
  provider.addEventListener('crm-export-downloaded', (e) => {
    const size = new Intl.NumberFormat(locale(), { style: 'unit', unit: 'kilobyte', maximumFractionDigits: 1 }).format(e.detail.size / 1000);
    say('status.exported', { file: `${e.detail.kind}.${e.detail.format}`, size });
  });
  /** #exports/<id> (where the "export is ready" notification leads): the list, with that export highlighted; read again on each visit. */
  function showExports(id) {
    const exportList = $('#exports');
    exportList.exportId = id ? decodeURIComponent(id) : '';
    if (exportList.hasUpdated) void exportList.load();
  }

  const sendStatus = $('#send-status');
  const showSend = (id) => {
    sendStatus.hidden = !id;
    if (id && sendStatus.greetingId === id) sendStatus.reload();
    else if (id) sendStatus.greetingId = id;
  };
  sendPick.addEventListener('change', () => showSend(sendPick.value));
  /** Lists the latest sends (newest first) in the picker and shows the picked one, or the newest. */
  async function loadSends({ newest = false } = {}) {
    try {
      const { data } = await provider.client.greetings.list({ limit: 20 });
      const when = new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' });
      const kept = newest ? '' : sendPick.value;
      sendPick.replaceChildren(...data.map((g) => new Option(`${g.name} · ${when.format(new Date(g.sendAt))}`, g.id)));
      if (kept && data.some((g) => g.id === kept)) sendPick.value = kept;
      $('#sends-empty').hidden = data.length > 0;
      $('#send-picker').hidden = data.length === 0;
      showSend(data.length ? sendPick.value : '');
    } catch (error) {
      say('status.error', { message: String(error?.message ?? error) });
    }
  }

  // ---- Admin: one element per tab ----
  function showAdmin(sub) {
    const tabs = ['workflows', 'fields', 'templates', 'products', 'support', 'privacy', 'webhooks', 'mailwizz', 'phone'];
    const current = tabs.includes(sub) ? sub : 'workflows';
    for (const link of provider.querySelectorAll('a[data-admin]')) {
      if (link.dataset.admin === current) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    for (const element of provider.querySelectorAll('section[data-view="admin"] > [data-admin]')) element.hidden = element.dataset.admin !== current;
  }
  $('crm-product-admin').addEventListener('crm-product-saved', (e) => say('status.product', { name: e.detail.product.name }));
  $('#contact-call').addEventListener('crm-call-placed', (e) => say('status.calling', { number: e.detail.call.remote }));
  $('crm-privacy-console').addEventListener('crm-privacy-erased', (e) => say('status.privacyErased', { subject: e.detail.request.subject }));

  return {
    showView,
    stop: () => window.removeEventListener('hashchange', showView),
  };
}
