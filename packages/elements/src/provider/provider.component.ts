import { provide } from '@lit/context';
import { html, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { clientContext, type CrmClient, type CrmClientFactory, type CrmUser } from '../context/client-context.js';
import { localeContext, type CrmLocaleSettings } from '../context/locale-context.js';
import { signInContext } from '../context/sign-in-context.js';
import { userContext } from '../context/user-context.js';
import { CrmSignInRequestedEvent, CrmSignInFailedEvent, CrmUserSignedInEvent, CrmUserSignedOutEvent } from '../events/session-events.js';
import { CrmElement, pageLocale } from '../shared/crm-element.js';
import { CrmState } from '../state/state.component.js';
import { CrmTextField } from '../text-field/text-field.component.js';
import { providerStyles } from './provider.styles.js';

/** `light` and `dark` pin the palette; `system` follows the visitor's `prefers-color-scheme`. */
export type CrmTheme = 'light' | 'dark' | 'system';

function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/**
 * Supplies the SDK client, the signed-in user, the locale and time zone, and the theme tokens to
 * every `crm-*` element inside it. Give it a `client` you already have, or a `base-url` (with a
 * `publishable-key` for anonymous use, or without one to show a sign-in form that calls
 * `client.session.login`). Elements inside a provider that shows the sign-in form wait for the
 * user to sign in before they load anything. `signOut()` ends the session and shows the form again.
 *
 * @summary The root of a CRM UI: client, user, locale and theme for the elements inside.
 *
 * @slot - The CRM elements (and anything else) that use this provider's client and settings.
 *
 * @event crm-sign-in-requested - Before signing in with the form; cancel it to sign in another way.
 * @event crm-user-signed-in - Sign-in succeeded; `detail.user` is the signed-in user.
 * @event crm-sign-in-failed - Sign-in was refused or the API could not be reached.
 * @event crm-user-signed-out - `signOut()` ended the session; `detail.user` is who was signed in.
 *
 * @csspart sign-in - The sign-in form.
 * @csspart sign-in-heading - The sign-in form's heading.
 * @csspart sign-in-error - The message shown when sign-in failed.
 * @csspart sign-in-button - The sign-in form's submit button.
 *
 * @cssproperty --crm-provider-background - Background behind the content. Defaults to `--crm-sys-color-surface`.
 * @cssproperty --crm-provider-sign-in-width - Widest the sign-in form grows. Defaults to `22rem`.
 * @cssproperty --crm-sys-color-primary - Accent for actions, focus rings and links.
 * @cssproperty --crm-sys-color-on-primary - Text on the primary colour.
 * @cssproperty --crm-sys-color-surface - Background of elements.
 * @cssproperty --crm-sys-color-surface-container - Background of panels and cards.
 * @cssproperty --crm-sys-color-on-surface - Main text colour.
 * @cssproperty --crm-sys-color-on-surface-variant - Secondary text such as hints.
 * @cssproperty --crm-sys-color-outline - Borders of inputs.
 * @cssproperty --crm-sys-color-error - Error text and borders.
 * @cssproperty --crm-sys-color-on-error - Text on the error colour.
 * @cssproperty --crm-sys-radius - Corner radius of inputs, buttons and panels.
 * @cssproperty --crm-sys-font - Font family.
 * @cssproperty --crm-sys-font-size - Base font size.
 * @cssproperty --crm-sys-line-height - Base line height.
 * @cssproperty --crm-sys-spacing-xs - Smallest gap.
 * @cssproperty --crm-sys-spacing-s - Small gap.
 * @cssproperty --crm-sys-spacing-m - Medium gap.
 * @cssproperty --crm-sys-spacing-l - Large gap.
 */
export class CrmProvider extends CrmElement {
  static override styles = providerStyles;
  static override dependencies = { 'crm-state': CrmState, 'crm-text-field': CrmTextField };

  /**
   * Builds a client from `base-url` and `publishable-key` when the host gives none, e.g. with
   * `@crm/client-sdk`'s `createCrmClient`. Set it once, before providers with `base-url` render.
   */
  static clientFactory: CrmClientFactory | undefined;

  /** The SDK client elements call. Set it when your app already has one; a signed-in one brings its user. */
  @provide({ context: clientContext })
  @property({ attribute: false })
  client: CrmClient | undefined;

  /** The signed-in user. Set it when your app signed in already; the sign-in form sets it otherwise. */
  @provide({ context: userContext })
  @property({ attribute: false })
  user: CrmUser | undefined;

  /** The API's base URL, e.g. `https://crm.example.com`; used to build a client when none is given. */
  @property({ attribute: 'base-url' }) baseUrl = '';

  /** A `pk_...` key for anonymous, public use (no sign-in form). */
  @property({ attribute: 'publishable-key' }) publishableKey = '';

  /** BCP 47 language tag (`en`, `de`, `de-AT`). Defaults to the user's, then the page's language. */
  @property() locale = '';

  /** IANA time zone (`Europe/Berlin`). Defaults to the user's, then the browser's time zone. */
  @property({ attribute: 'time-zone' }) timeZone = '';

  /** `light`, `dark` or `system` (follows `prefers-color-scheme`). */
  @property({ reflect: true }) theme: CrmTheme = 'system';

  @provide({ context: localeContext })
  @state()
  private providedLocale: CrmLocaleSettings = { locale: 'en', timeZone: 'UTC' };

  /** Whether this provider signs people in itself; its data elements wait for the user until then. */
  @provide({ context: signInContext })
  @state()
  private signsIn = false;

  @state() private signingIn = false;
  @state() private signInError = '';

  protected override get activeLocale(): string {
    return this.providedLocale.locale;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (!this.client && this.baseUrl && CrmProvider.clientFactory) {
      this.client = CrmProvider.clientFactory({
        baseUrl: this.baseUrl,
        ...(this.publishableKey ? { publishableKey: this.publishableKey } : {}),
      });
    }
    this.signsIn = Boolean(this.baseUrl) && !this.publishableKey;
    // A client that is signed in already brings its user along.
    if (!this.user && this.client?.session?.user) this.user = this.client.session.user;
    const outer = this.localeSettings;
    const locale = this.locale || this.user?.locale || outer?.locale || pageLocale();
    const timeZone = this.timeZone || this.user?.timeZone || outer?.timeZone || systemTimeZone();
    // A new object only when something changed, so consumers are not notified for nothing.
    if (locale !== this.providedLocale.locale || timeZone !== this.providedLocale.timeZone) {
      this.providedLocale = { locale, timeZone };
    }
  }

  private get needsSignIn(): boolean {
    return Boolean(this.baseUrl) && !this.publishableKey && !this.user;
  }

  /**
   * Signs the user out: ends the SDK session (`client.session.signOut()`, which closes it on the API
   * and forgets the tokens), clears the user for every element inside, and fires `crm-user-signed-out`.
   * A provider that signs people in itself (`base-url` without `publishable-key`) shows its sign-in
   * form again. The user is cleared even when the API cannot be reached; that error is then rethrown.
   */
  async signOut(): Promise<void> {
    const user = this.user;
    try {
      await this.client?.session?.signOut?.();
    } finally {
      this.user = undefined;
      this.signInError = '';
      this.emit(new CrmUserSignedOutEvent({ user }));
    }
  }

  private async handleSignIn(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const fields = [...form.querySelectorAll<CrmTextField>('crm-text-field')];
    const valid = fields.map((field) => field.reportValidity()).every(Boolean);
    if (!valid) {
      fields.find((field) => !field.checkValidity())?.focus();
      return;
    }
    const data = new FormData(form);
    const email = String(data.get('email') ?? '');
    const password = String(data.get('password') ?? '');
    if (this.emit(new CrmSignInRequestedEvent({ email })).defaultPrevented) return;

    this.signingIn = true;
    this.signInError = '';
    try {
      const session = this.client?.session;
      if (!session) throw new Error('This client cannot sign in: it has no session (a publishable-key client?).');
      await session.login({ email, password });
      if (!session.user) throw new Error('The API answered the login without a user.');
      this.user = session.user;
      this.emit(new CrmUserSignedInEvent({ user: session.user }));
    } catch (error) {
      this.signInError = this.msg('signIn.failed');
      this.emit(new CrmSignInFailedEvent({ error }));
    } finally {
      this.signingIn = false;
    }
  }

  private renderSignIn() {
    return html`
      <form part="sign-in" aria-labelledby="sign-in-heading" novalidate @submit=${this.handleSignIn}>
        <h2 part="sign-in-heading" id="sign-in-heading">${this.msg('signIn.heading')}</h2>
        <crm-text-field
          name="email"
          type="email"
          autocomplete="username"
          required
          label=${this.msg('signIn.email')}
        ></crm-text-field>
        <crm-text-field
          name="password"
          type="password"
          autocomplete="current-password"
          required
          label=${this.msg('signIn.password')}
        ></crm-text-field>
        <p part="sign-in-error" role="alert">${this.signInError}</p>
        <button part="sign-in-button" type="submit" ?disabled=${this.signingIn} aria-busy=${this.signingIn ? 'true' : 'false'}>
          ${this.signingIn ? this.msg('signIn.busy') : this.msg('signIn.submit')}
        </button>
      </form>
    `;
  }

  override render() {
    if (this.baseUrl && !this.client) {
      return html`<crm-state kind="error" no-retry message=${this.msg('provider.noClient')}></crm-state>`;
    }
    return this.needsSignIn ? this.renderSignIn() : html`<slot></slot>`;
  }
}
