import { html, nothing, type TemplateResult } from 'lit';
import { createPortalClient, CrmApiError, CrmAuthenticationError, CrmConnectionError, CrmRateLimitError, storageTokenStore, type CustomerUser, type PortalCrmClient, type PortalTokenStore } from '@crm/client-sdk/public';
import { widgetConfig } from '../shared/config.js';
import { baseStyles, WidgetElement } from '../shared/widget-element.js';
import type { PortalHost, PortalPage, PortalPageModule } from './host.js';
import { portalStyles } from './portal.styles.js';
import { portalLocale, say, type PortalLocale } from './strings.js';

type Phase = 'starting' | 'signedOut' | 'signedIn';
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;
const LINK_PARAM = 'crm-portal-link';

// Pages are their own chunks, fetched the first time they are shown (the sign-in page is built in).
const pages: Record<'tickets' | 'profile' | 'kb' | 'quotes' | 'invoices', () => Promise<PortalPageModule>> = {
  tickets: () => import('./pages/tickets.js'),
  quotes: () => import('./pages/quotes.js'),
  invoices: () => import('./pages/invoices.js'),
  profile: () => import('./pages/profile.js'),
  kb: () => import('./pages/kb.js'),
};
const moduleOf: Record<PortalPage, keyof typeof pages> = { home: 'tickets', tickets: 'tickets', ticket: 'tickets', kb: 'kb', profile: 'profile', quotes: 'quotes', invoices: 'invoices' };

/** Sessions kept in `sessionStorage` when the page may use it, else for this page only. */
function tokenStore(tenant: string): PortalTokenStore | undefined {
  try {
    return storageTokenStore(window.sessionStorage, `crm-portal:${tenant}`);
  } catch {
    return undefined;
  }
}

/**
 * The self-service customer portal, for an agency's own site or its hosted page: a customer signs in
 * with an emailed link (or a password), sees their open tickets, opens and follows tickets, reads the
 * knowledge base, and manages their details, consent and subscriptions. Every call goes through the
 * SDK's `crm.portal` with the customer's own session (kept in `sessionStorage` per agency).
 *
 * @summary Customer self-service portal.
 * @slot documents - Where the host shows the customer's quotes and invoices on the home page (nothing by default).
 * @event crm-portal-signed-in - A customer signed in; `detail`: `{ customer }`.
 * @event crm-portal-signed-out - The customer signed out or the session ended.
 * @event crm-portal-ticket-created - A ticket was opened; `detail`: `{ ticket }`.
 * @event crm-portal-quote-accepted - The customer accepted a quote; `detail`: `{ quote, order }`.
 * @event crm-portal-quote-rejected - The customer rejected a quote; `detail`: `{ quote }`.
 * @csspart root - The frame around everything.
 * @csspart header - The title bar.
 * @csspart nav - The page navigation.
 * @csspart page - The current page.
 * @csspart button - Every button.
 * @csspart input - Every text input.
 * @csspart status - The live region that announces results.
 * @cssproperty --crm-customer-portal-min-height - The height reserved before it renders (default 480px).
 * @cssproperty --crm-customer-portal-max-width - Its largest width (default 960px).
 */
export class CrmCustomerPortal extends WidgetElement implements PortalHost {
  static override properties = {
    tenant: {},
    returnUrl: { attribute: 'return-url' },
    // Observed so that setting `lang` re-renders in that language.
    langAttribute: { attribute: 'lang' },
    phase: { state: true },
    page: { state: true },
    customer: { state: true },
    status: { state: true },
    busy: { state: true },
    emailError: { state: true },
    passwordMode: { state: true },
    loadedPage: { state: true },
  };

  static override styles = [baseStyles, portalStyles];

  /** The agency's slug (as in its hosted portal `/portal/{tenant}`). */
  declare tenant: string;
  /** Where emailed sign-in links land (default: this page); must be on an origin the agency's publishable key allows. */
  declare returnUrl: string | undefined;
  declare protected phase: Phase;
  declare page: PortalPage;
  declare protected customer: CustomerUser | null;
  declare protected status: string;
  declare protected busy: boolean;
  declare protected emailError: string;
  declare protected passwordMode: boolean;
  declare protected loadedPage: PortalPageModule | null;
  declare protected langAttribute: string | null;
  ticketId: string | null = null;
  articleSlug: string | null = null;
  #crm: PortalCrmClient | null = null;
  #focusHeading = false;

  constructor() {
    super();
    this.tenant = '';
    this.phase = 'starting';
    this.page = 'home';
    this.customer = null;
    this.status = '';
    this.busy = false;
    this.emailError = '';
    this.passwordMode = false;
    this.loadedPage = null;
  }

  /** The SDK's portal client of this element's agency. */
  get crm(): PortalCrmClient {
    if (!this.#crm) {
      const config = widgetConfig();
      this.#crm = createPortalClient({ baseUrl: config?.api ?? '', tenant: this.tenant, tokens: tokenStore(this.tenant), fetch: config?.fetch, timeoutMs: 15_000, retries: { maxRetries: 1, maxRetryAfterMs: 0 } });
      this.#crm.portal.session.onChange((customer) => {
        if (customer) return;
        this.customer = null;
        this.phase = 'signedOut';
        this.emit('crm-portal-signed-out', {});
      });
    }
    return this.#crm;
  }

  override get locale(): PortalLocale {
    return portalLocale(this.customer?.locale ?? super.locale);
  }

  // A link opened in the tab that asked for it only changes the fragment: no reload, so listen for it.
  #onHashChange = () => {
    if (new URLSearchParams(location.hash.slice(1)).has(LINK_PARAM)) void this.#start();
  };

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('hashchange', this.#onHashChange);
    void this.#start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.#onHashChange);
  }

  async #start(): Promise<void> {
    if (!this.tenant) {
      this.status = 'crm-customer-portal: set the tenant attribute to the agency slug';
      this.phase = 'signedOut';
      return;
    }
    const fragment = new URLSearchParams(location.hash.slice(1));
    const link = fragment.get(LINK_PARAM);
    if (link) {
      // The token leaves the address bar at once: it works once, and nobody should copy it along.
      fragment.delete(LINK_PARAM);
      const rest = fragment.toString();
      history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
      this.status = say(this.locale, 'signingIn');
      try {
        await this.#signedIn(await this.crm.portal.session.exchangeLink(link));
        return;
      } catch (error) {
        this.status = error instanceof CrmAuthenticationError ? say(this.locale, 'badLink') : this.describe(error);
        this.phase = 'signedOut';
        return;
      }
    }
    if (!this.crm.portal.session.signedIn) {
      this.phase = 'signedOut';
      return;
    }
    try {
      await this.#signedIn((await this.crm.portal.session.get()).customer);
    } catch {
      this.phase = 'signedOut';
    }
  }

  async #signedIn(customer: CustomerUser): Promise<void> {
    this.customer = customer;
    this.phase = 'signedIn';
    this.status = '';
    this.emit('crm-portal-signed-in', { customer });
    this.go('home');
  }

  /** Shows a page, loading its chunk the first time. */
  go(page: PortalPage, id: string | null = null): void {
    this.page = page;
    this.ticketId = page === 'ticket' ? id : null;
    this.articleSlug = page === 'kb' ? id : null;
    this.#focusHeading = true;
    const name = moduleOf[page];
    void pages[name]().then(
      (module) => {
        if (this.page !== page) return;
        this.loadedPage = module;
        module.show(this, page);
        this.requestUpdate();
      },
      (error: unknown) => {
        this.status = this.describe(error);
      },
    );
  }

  override describe(error: unknown): string {
    if (error instanceof CrmRateLimitError) return say(this.locale, 'rateLimited', { n: Math.max(1, Math.ceil(error.retryAfter ?? 60)) });
    if (error instanceof CrmConnectionError) return say(this.locale, 'offline');
    if (error instanceof CrmApiError && error.detail && error.status === 400) return error.detail;
    return say(this.locale, 'failed');
  }

  override emit(type: string, detail: unknown): void {
    super.emit(type, detail);
  }

  protected override updated(): void {
    if (this.#focusHeading && this.phase === 'signedIn') {
      const heading = this.renderRoot.querySelector<HTMLElement>('[data-page] h2');
      if (heading) {
        this.#focusHeading = false;
        heading.focus();
      }
    }
  }

  async #requestLink(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const email = (new FormData(form).get('email') as string | null)?.trim() ?? '';
    this.emailError = emailPattern.test(email) ? '' : say(this.locale, 'invalidEmail');
    if (this.emailError) return;
    this.busy = true;
    try {
      if (this.passwordMode) {
        const password = (new FormData(form).get('password') as string | null) ?? '';
        await this.#signedIn(await this.crm.portal.session.signInWithPassword({ email, password }));
      } else {
        const here = new URL(this.returnUrl || location.href);
        here.hash = '';
        await this.crm.portal.session.requestLink({ email, returnUrl: here.href });
        this.status = say(this.locale, 'linkSent', { email });
      }
    } catch (error) {
      this.status = error instanceof CrmAuthenticationError ? say(this.locale, 'badPassword') : this.describe(error);
    } finally {
      this.busy = false;
    }
  }

  async #signOut(): Promise<void> {
    try {
      await this.crm.portal.session.signOut();
    } catch {
      // The tokens are forgotten either way.
    }
    this.phase = 'signedOut';
    this.customer = null;
  }

  #renderSignIn(): TemplateResult {
    const t = (key: Parameters<typeof say>[1]) => say(this.locale, key);
    return html`<section data-page="signin" part="page">
      <h2>${t('signInTitle')}</h2>
      <p class="muted">${t('signInIntro')}</p>
      <form novalidate @submit=${(e: SubmitEvent) => this.#requestLink(e)}>
        <div class="field">
          <label for="email">${t('email')}</label>
          <input id="email" name="email" type="email" autocomplete="email" required part="input" aria-invalid=${this.emailError ? 'true' : 'false'} aria-describedby="email-error" />
          <p id="email-error" class="alert">${this.emailError}</p>
        </div>
        ${this.passwordMode
          ? html`<div class="field">
              <label for="password">${t('password')}</label>
              <input id="password" name="password" type="password" autocomplete="current-password" required part="input" />
            </div>`
          : nothing}
        <div class="row">
          <button type="submit" part="button" ?disabled=${this.busy}>${this.busy ? t('sending') : this.passwordMode ? t('signIn') : t('sendLink')}</button>
          <button type="button" class="link" part="button" @click=${() => (this.passwordMode = !this.passwordMode)}>${this.passwordMode ? t('sendLink') : t('usePassword')}</button>
        </div>
      </form>
    </section>`;
  }

  #renderNav(): TemplateResult {
    const item = (page: PortalPage, label: string) =>
      html`<li><button type="button" part="button" aria-current=${this.page === page || (page === 'tickets' && this.page === 'ticket') ? 'page' : 'false'} @click=${() => this.go(page)}>${label}</button></li>`;
    const t = (key: Parameters<typeof say>[1]) => say(this.locale, key);
    return html`<nav part="nav" aria-label=${t('title')}>
      <ul>
        ${item('home', t('navHome'))} ${item('tickets', t('navTickets'))} ${item('quotes', t('navQuotes'))} ${item('invoices', t('navInvoices'))} ${item('kb', t('navKb'))} ${item('profile', t('navProfile'))}
        <li><button type="button" class="secondary" part="button" @click=${() => this.#signOut()}>${t('signOut')}</button></li>
      </ul>
    </nav>`;
  }

  protected override render(): TemplateResult {
    const t = (key: Parameters<typeof say>[1]) => say(this.locale, key);
    const body =
      this.phase === 'starting'
        ? html`<p class="muted">${this.loadingVisible ? t('loading') : ''}</p>`
        : this.phase === 'signedOut'
          ? this.#renderSignIn()
          : html`${this.#renderNav()}
              <div part="page">${this.loadedPage ? this.loadedPage.render(this, this.page) : html`<p class="muted">${t('loading')}</p>`}</div>
              ${this.page === 'home' ? html`<section aria-label=${t('documents')}><slot name="documents"></slot></section>` : nothing}`;
    return html`<div class="root" part="root" lang=${this.locale}>
      <header part="header"><h1>${t('title')}</h1>${this.customer ? html`<span class="muted">${say(this.locale, 'hello', { name: this.customer.name })}</span>` : nothing}</header>
      <p role="status" part="status" class="muted">${this.status}</p>
      ${body}
    </div>`;
  }
}
