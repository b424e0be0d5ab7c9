// The signed-in portal's views and how the host wires the elements in them through their events. The
// nav is a hash route (#contacts, #leads, ..., #admin/templates); on a phone it collapses behind a
// Menu button. Each view only listens and routes: the elements do the CRM work through the SDK.
import { contactName } from './host.js';

/** Wires the shell stamped into `provider`; returns `{ showView, stop }`. */
export function wireViews({ provider, say, viewNames, title }) {
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
      adminLink.hidden = !mayAdminister;
      if (mayAdminister && route().view === 'contacts' && location.hash.startsWith('#admin')) showView();
    })
    .catch(() => {});

  function route() {
    const [view = '', sub = ''] = location.hash.slice(1).split('/');
    const allowed = viewNames.includes(view) && (view !== 'admin' || mayAdminister);
    return { view: allowed ? view : 'contacts', sub };
  }

  function showView() {
    const { view, sub } = route();
    for (const section of provider.querySelectorAll('section[data-view]')) section.hidden = section.dataset.view !== view;
    for (const link of nav.querySelectorAll('a[data-view]')) {
      if (link.dataset.view === view) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    $('#view-title').textContent = title(`nav.${view}`);
    if (view === 'pipeline') void openBoard();
    if (view === 'admin') showAdmin(sub);
  }
  window.addEventListener('hashchange', showView);

  // ---- Contacts: list, viewer, editor (on a phone, the list or the contact) ----
  const contactsView = $('section[data-view="contacts"]');
  const list = $('#contact-list');
  const viewer = $('#contact-viewer');
  const editor = $('#contact-editor');
  const hint = $('#contact-hint');
  const phone = window.matchMedia('(max-width: 60rem)');
  const showContact = (which) => {
    const listHides = phone.matches && which !== 'hint' && !contactsView.hasAttribute('data-detail');
    hint.hidden = which !== 'hint';
    viewer.hidden = which !== 'viewer';
    editor.hidden = which !== 'editor';
    contactsView.toggleAttribute('data-detail', which !== 'hint');
    // On a phone the contact replaces the list: focus would otherwise fall to the page, so it moves to the way back.
    if (listHides) $('#back-to-contacts').focus();
  };
  /** Leaves the editor first when it is open; false when the person chose to keep editing. */
  const leaveEditor = () => editor.hidden || editor.requestClose();

  list.addEventListener('crm-contact-selected', (event) => {
    if (!leaveEditor()) return;
    viewer.contactId = event.detail.contact.id;
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

  // ---- Campaigns: the list, and the creator in its place ----
  const campaignList = $('#campaign-list');
  const creator = $('#campaigns');
  const newCampaign = $('#new-campaign');
  const backToCampaigns = $('#campaign-list-back');
  const showCreator = (open) => {
    creator.hidden = !open;
    campaignList.hidden = open;
    newCampaign.hidden = open;
    backToCampaigns.hidden = !open;
  };
  newCampaign.addEventListener('click', () => showCreator(true));
  backToCampaigns.addEventListener('click', () => {
    showCreator(false);
    newCampaign.focus();
  });
  creator.addEventListener('crm-campaign-saved', (e) => {
    say('status.campaign', { title: e.detail.campaign.title });
    campaignList.reload?.();
  });

  // ---- Admin: one element per tab ----
  function showAdmin(sub) {
    const tabs = ['workflows', 'fields', 'templates', 'products'];
    const current = tabs.includes(sub) ? sub : 'workflows';
    for (const link of provider.querySelectorAll('a[data-admin]')) {
      if (link.dataset.admin === current) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    for (const element of provider.querySelectorAll('section[data-view="admin"] > [data-admin]')) element.hidden = element.dataset.admin !== current;
  }
  $('crm-product-admin').addEventListener('crm-product-saved', (e) => say('status.product', { name: e.detail.product.name }));

  return {
    showView,
    stop: () => window.removeEventListener('hashchange', showView),
  };
}
