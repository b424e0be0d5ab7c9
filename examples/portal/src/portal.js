// The plain-HTML portal's entry script: no framework, just the elements, the SDK and DOM events. It
// signs people in (or serves the page an email link opened), then stamps the portal's shell into the
// provider and routes between its views by the URL's hash (#contacts, #pipeline, #admin/templates...).
import '@crm/elements';
import { CrmProvider } from '@crm/elements/provider';
import { createCrmClient } from '@crm/client-sdk';
import { apiBaseUrl, portalViews, t } from './host.js';
import { linkPageOf, showLinkPage } from './link-pages.js';
import { wireViews } from './views.js';

// The provider builds its client from base-url through this factory, then signs in with its own form.
CrmProvider.clientFactory = ({ baseUrl }) => createCrmClient({ baseUrl, auth: { type: 'session' } });

// The "export is ready" notification links to <portal>/exports/<id>: the Exports page at its hash route.
const exportPath = /\/exports\/([a-f0-9]{24})\/?$/.exec(location.pathname);
if (exportPath) history.replaceState(null, '', `${location.pathname.slice(0, exportPath.index)}/#exports/${exportPath[1]}`);

const api = apiBaseUrl();
const provider = document.getElementById('crm');
const status = document.getElementById('status');
const localeSelect = document.getElementById('locale');
const themeButton = document.getElementById('theme');
const signOutButton = document.getElementById('sign-out');
let locale = 'en';
let lastStatus = null;
let views = null;
let linkPage = null;

/** The host's own chrome in the current locale (the elements follow the provider's `locale`). */
function translate(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(locale, el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(locale, el.dataset.i18nLabel));
  if (lastStatus) status.textContent = t(locale, ...lastStatus);
  linkPage?.retranslate();
  views?.showView();
}

/** Says `key` (a host string) in the status line, in the current locale and after every switch. */
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

function signedIn(user) {
  say('status.signedIn', { name: user.name });
  signOutButton.hidden = false;
  linkPage = null;
  const shell = document.getElementById('shell').content.cloneNode(true);
  translate(shell);
  provider.replaceChildren(shell);
  views = wireViews({ provider, say, locale: () => locale, viewNames: portalViews, title: (key) => t(locale, key) });
  views.showView();
}

provider.addEventListener('crm-user-signed-in', (event) => signedIn(event.detail.user));

signOutButton.addEventListener('click', async () => {
  // Ends the session, clears the user and shows the provider's sign-in form again (crm-user-signed-out).
  await provider.signOut().catch(() => {});
  provider.replaceChildren();
  views?.stop();
  views = null;
  signOutButton.hidden = true;
  lastStatus = null;
  status.textContent = '';
});

// ---- Start: an email link's page, or the sign-in form -------------------------------------------

const page = linkPageOf();
if (page) {
  // The link's form talks to the API through the provider's client; the sign-in form waits until done.
  const client = createCrmClient({ baseUrl: api, auth: { type: 'session' } });
  provider.client = client;
  linkPage = showLinkPage({
    page,
    provider,
    client,
    locale: () => locale,
    done: ({ user, message }) => {
      // Leave the link's address (and its token) behind: the portal lives at the folder's root.
      history.replaceState(null, '', `./${user ? '#contacts' : ''}`);
      linkPage = null;
      provider.replaceChildren();
      if (user) {
        provider.user = user;
        provider.baseUrl = api;
        signedIn(user);
        say('invite.done', { name: user.name });
      } else {
        say(message);
        provider.baseUrl = api;
      }
    },
  });
} else {
  // Giving the provider its API renders the sign-in form.
  provider.baseUrl = api;
}
