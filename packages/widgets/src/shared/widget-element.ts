import { css, LitElement, type PropertyDeclarations } from 'lit';
import { CrmApiError, CrmConnectionError, CrmRateLimitError } from '@crm/client-sdk/public';
import { widgetConfig } from './config.js';
import { common, loadLocale, resolveLocale, type CommonKey } from './i18n.js';

/**
 * Styles every widget starts from. The host resets everything the page could push onto it
 * (`all: initial !important`: a shadow root's important declarations beat the page's, even
 * `* { all: unset !important }`), keeps its reserved size, and contains its layout and paint.
 * Custom properties are not touched by `all`, so `--crm-*` theming still reaches inside.
 */
export const baseStyles = css`
  :host {
    all: initial !important;
    /* "all" leaves direction and unicode-bidi alone: pin them too. */
    direction: ltr !important;
    unicode-bidi: isolate !important;
    display: block !important;
    contain: content !important;
    box-sizing: border-box !important;
    width: 100% !important;
    max-width: var(--_max-width) !important;
    min-height: var(--_min-height) !important;
  }
  :host([hidden]) {
    display: none !important;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  .root {
    font-family: var(--crm-sys-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    font-size: var(--crm-sys-font-size, 16px);
    /* Weight, style, spacing, alignment and case inherit their initial values from the reset host. */
    line-height: 1.5;
    color: var(--crm-sys-color-on-surface, #1f2328);
    background: var(--crm-sys-color-surface, #ffffff);
    border: 1px solid var(--crm-sys-color-outline, #d0d7de);
    border-radius: var(--crm-sys-radius, 8px);
    padding: 20px;
    min-height: var(--_min-height);
  }
  h2 {
    font: inherit;
    font-size: 1.25em;
    font-weight: 600;
    margin: 0 0 8px;
  }
  p {
    margin: 0 0 12px;
  }
  button {
    font: inherit;
    cursor: pointer;
    border-radius: var(--crm-sys-radius, 8px);
    padding: 8px 16px;
    border: 1px solid var(--crm-sys-color-primary, #0b5cad);
    background: var(--crm-sys-color-primary, #0b5cad);
    color: var(--crm-sys-color-on-primary, #ffffff);
    min-height: 40px;
  }
  button[disabled] {
    opacity: 0.6;
    cursor: default;
  }
  button:focus-visible,
  input:focus-visible {
    outline: 3px solid var(--crm-sys-color-focus, #f0b400);
    outline-offset: 2px;
  }
  .alert {
    color: var(--crm-sys-color-error, #b3261e);
    margin: 0 0 12px;
  }
  .alert:empty {
    display: none;
  }
  .muted {
    color: var(--crm-sys-color-on-surface-variant, #57606a);
    font-size: 0.875em;
  }
`;

/** How long a widget waiting for its campaign shows nothing before it says "Loading…". */
export const LOADING_DELAY_MS = 500;

/**
 * Base of every widget: idempotent registration, its locale, plain-language API errors, and a loading
 * state that only appears when the campaign is slow to come (`loadingVisible`): a quick answer renders
 * once, straight to the content, instead of twice.
 */
export class WidgetElement extends LitElement {
  static override properties: PropertyDeclarations = { loadingVisible: { state: true } };

  /** True once the widget has waited LOADING_DELAY_MS: from then on it may show its loading state. */
  declare protected loadingVisible: boolean;
  private loadingTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    this.loadingVisible = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.loadingVisible) this.loadingTimer = setTimeout(() => (this.loadingVisible = true), LOADING_DELAY_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.loadingTimer);
  }

  /** Registers `tag` unless taken (two widget scripts on one page never throw "already defined"). */
  static define(tag: string): void {
    if (!customElements.get(tag)) customElements.define(tag, this);
  }

  private resolvedLocale: [wanted: string, locale: string] | undefined;

  /** The locale: the element's `lang`, the script's `data-locale`, the page's `lang`, the browser's. */
  protected get locale(): string {
    const wanted = this.getAttribute('lang') || widgetConfig()?.locale || document.documentElement.lang || navigator.language;
    // Read for every string of every render: resolve once per value.
    if (this.resolvedLocale?.[0] !== wanted) {
      this.resolvedLocale = [wanted, resolveLocale(wanted)];
      // A locale whose messages are still coming renders again once they are here.
      void loadLocale(this.resolvedLocale[1]).then(() => this.requestUpdate());
    }
    return this.resolvedLocale[1];
  }

  /** Resolves when this widget's locale messages are loaded (at once for English; never rejects). */
  protected localeReady(): Promise<void> {
    return loadLocale(this.locale);
  }

  /** A message shared by every widget, in this widget's locale. */
  protected common(key: CommonKey, params?: Record<string, string | number>): string {
    return common(this.locale, key, params);
  }

  /** What to tell the visitor about a failed call. */
  protected describe(error: unknown): string {
    if (error instanceof CrmRateLimitError) return this.common('rateLimited', { n: Math.max(1, Math.ceil(error.retryAfter ?? 60)) });
    if (error instanceof CrmConnectionError || !navigator.onLine) return this.common('offline');
    if (error instanceof CrmApiError) {
      if (error.status === 404) return this.common('notFound');
      if (error.status === 401 || error.status === 403) return this.common('notAllowed');
      if (error.status === 409) return this.common('notRunning');
    }
    return this.common('failed');
  }

  /** Fires a `crm-*` event that bubbles out of the shadow root. */
  protected emit(type: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }
}
