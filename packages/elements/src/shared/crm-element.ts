import { consume } from '@lit/context';
import { LitElement } from 'lit';
import { state } from 'lit/decorators.js';
import { localeContext, type CrmLocaleSettings } from '../context/locale-context.js';
import type { CrmEvent } from '../events/crm-event.js';
import { msg, plural, type CrmMessageParams, type CrmPluralKey } from '../i18n/msg.js';
import { en, type CrmStringKey } from '../i18n/strings.en.js';

/** The locale an element uses when no `<crm-provider>` is above it: the page's `lang`, else English. */
export function pageLocale(): string {
  return document.documentElement.lang || 'en';
}

/** Base class of every `crm-*` element: typed events, safe registration, localized strings. */
export class CrmElement extends LitElement {
  /** Elements this one renders, registered with it by `define()` (after Shoelace's `dependencies`). */
  static dependencies: Record<string, typeof CrmElement> = {};

  /**
   * Registers `tag` (and the tags it depends on) unless already taken, so two bundles of these
   * elements on one page (two partner scripts, say) never throw "already defined"; the first wins.
   */
  static define(this: typeof CrmElement, tag: string): void {
    for (const [dependencyTag, dependency] of Object.entries(this.dependencies)) dependency.define(dependencyTag);
    if (customElements.get(tag)) return;
    // A constructor may back one tag only; a second tag for the same class gets a subclass.
    const taken = customElements.getName?.(this);
    customElements.define(tag, taken ? class extends this {} : this);
  }

  /** Locale and time zone from the nearest `<crm-provider>`. */
  @consume({ context: localeContext, subscribe: true })
  @state()
  protected localeSettings?: CrmLocaleSettings;

  /** The locale this element renders its text in. */
  protected get activeLocale(): string {
    return this.localeSettings?.locale ?? pageLocale();
  }

  /** A UI string in this element's locale, falling back to English. */
  protected msg(key: CrmStringKey, params?: CrmMessageParams): string {
    return msg(key, params, this.activeLocale);
  }

  /** A counted UI string in this element's locale, its form picked by `Intl.PluralRules` ("1 deal", "2 deals"). */
  protected plural(base: CrmPluralKey, count: number, params?: CrmMessageParams): string {
    return plural(base, count, params, this.activeLocale);
  }

  /** The string for a key built at run time (e.g. from a status the API sent), or `fallback` when no table has it. */
  protected msgOr(key: string, fallback: string, params?: CrmMessageParams): string {
    return key in en ? msg(key as CrmStringKey, params, this.activeLocale) : fallback;
  }

  /** Dispatches a `crm-*` event from this element and returns it, so callers can check `defaultPrevented`. */
  protected emit<E extends CrmEvent<unknown>>(event: E): E {
    this.dispatchEvent(event);
    return event;
  }
}
