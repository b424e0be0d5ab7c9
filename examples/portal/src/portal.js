// The plain-HTML portal's only script: no framework, just the elements, the SDK and DOM events.
import '@crm/elements';
import { CrmProvider } from '@crm/elements/provider';
import { createCrmClient } from '@crm/client-sdk';
import { apiBaseUrl, contactName, t, views } from './host.js';

// The provider builds its client from base-url through this factory, then signs in with its own form.
CrmProvider.clientFactory = ({ baseUrl }) => createCrmClient({ baseUrl, auth: { type: 'session' } });

const provider = document.getElementById('crm');
const status = document.getElementById('status');
const localeSelect = document.getElementById('locale');
const themeButton = document.getElementById('theme');
const signOutButton = document.getElementById('sign-out');
let locale = 'en';
let lastStatus = null;
let pipelinesLoaded = false;

/** The host's own chrome in the current locale (the elements follow the provider's `locale`). */
function translate(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(locale, el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(locale, el.dataset.i18nLabel));
  if (lastStatus) status.textContent = t(locale, ...lastStatus);
}

function say(key, values) {
  lastStatus = [key, values];
  status.textContent = t(locale, key, values);
}

localeSelect.addEventListener('change', () => {
  locale = localeSelect.value;
  document.documentElement.lang = locale;
  provider.locale = locale;
  translate();
});

themeButton.addEventListener('click', () => {
  const dark = themeButton.getAttribute('aria-pressed') !== 'true';
  themeButton.setAttribute('aria-pressed', String(dark));
  provider.theme = dark ? 'dark' : 'light';
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
});

// ---- Signing in and out -------------------------------------------------------------------------

provider.addEventListener('crm-user-signed-in', (event) => {
  say('status.signedIn', { name: event.detail.user.name });
  signOutButton.hidden = false;
  mountShell();
});

signOutButton.addEventListener('click', async () => {
  // Ends the session, clears the user and shows the provider's sign-in form again (crm-user-signed-out).
  await provider.signOut().catch(() => {});
  provider.replaceChildren();
  signOutButton.hidden = true;
  pipelinesLoaded = false;
  lastStatus = null;
  status.textContent = '';
});

// ---- The signed-in portal -----------------------------------------------------------------------

function mountShell() {
  const shell = document.getElementById('shell').content.cloneNode(true);
  translate(shell);
  provider.replaceChildren(shell);
  wireContacts();
  wirePipeline();
  provider.querySelector('#campaigns').addEventListener('crm-campaign-saved', (e) => say('status.campaign', { title: e.detail.campaign.title }));
  provider.querySelector('#tasks').addEventListener('crm-task-transitioned', (e) => say('status.task', { title: e.detail.task.title, to: e.detail.to }));
  showView();
}

/** The nav is a hash route: #contacts, #pipeline, #campaigns, #tasks. */
function showView() {
  const wanted = location.hash.slice(1);
  const current = views.includes(wanted) ? wanted : 'contacts';
  for (const section of provider.querySelectorAll('section[data-view]')) section.hidden = section.dataset.view !== current;
  for (const link of provider.querySelectorAll('nav a[data-view]')) {
    if (link.dataset.view === current) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (current === 'pipeline') void openBoard();
}
window.addEventListener('hashchange', showView);

function wireContacts() {
  const list = provider.querySelector('#contact-list');
  const viewer = provider.querySelector('#contact-viewer');
  const editor = provider.querySelector('#contact-editor');
  const hint = provider.querySelector('#contact-hint');
  const show = (which) => {
    hint.hidden = which !== 'hint';
    viewer.hidden = which !== 'viewer';
    editor.hidden = which !== 'editor';
  };
  /** Leaves the editor first when it is open; false when the person chose to keep editing. */
  const leaveEditor = () => editor.hidden || editor.requestClose();

  list.addEventListener('crm-contact-selected', (event) => {
    if (!leaveEditor()) return;
    viewer.contactId = event.detail.contact.id;
    show('viewer');
  });
  viewer.addEventListener('crm-contact-edit-requested', (event) => {
    editor.contact = undefined;
    editor.contactId = event.detail.contact.id;
    show('editor');
  });
  provider.querySelector('#new-contact').addEventListener('click', () => {
    if (!leaveEditor()) return;
    editor.contact = undefined;
    editor.contactId = '';
    show('editor');
  });
  editor.addEventListener('crm-contact-saved', (event) => {
    const { contact } = event.detail;
    say('status.saved', { name: contactName(contact) });
    list.reload();
    if (viewer.contactId === contact.id) viewer.reload();
    else viewer.contactId = contact.id;
    show('viewer');
  });
  editor.addEventListener('crm-contact-cancel', () => show(viewer.contactId ? 'viewer' : 'hint'));
  viewer.addEventListener('crm-contact-transitioned', () => list.reload());
}

function wirePipeline() {
  const board = provider.querySelector('#board');
  const select = provider.querySelector('#pipeline');
  select.addEventListener('change', () => (board.pipelineId = select.value));
  board.addEventListener('crm-card-moved', (e) => say('status.moved', { name: e.detail.opportunity.name, stage: e.detail.toStage }));
}

/** The board needs a pipeline: the host lists them (through the same SDK client) and picks the first. */
async function openBoard() {
  if (pipelinesLoaded) return;
  pipelinesLoaded = true;
  const board = provider.querySelector('#board');
  const select = provider.querySelector('#pipeline');
  try {
    const { data } = await provider.client.pipelines.list();
    select.replaceChildren(...data.map((p) => new Option(p.name, p.id)));
    if (data[0]) board.pipelineId = data[0].id;
  } catch (error) {
    pipelinesLoaded = false;
    status.textContent = String(error?.message ?? error);
  }
}

// Last: give the provider its API, which renders the sign-in form.
provider.baseUrl = apiBaseUrl();
