/**
 * crm-customer-portal.js: the customer portal, loaded by its own script tag (it needs no publishable key:
 * its customer signs in):
 *
 *   <script type="module" src="https://crm.example/widgets/<version>/crm-customer-portal.js"></script>
 *   <crm-customer-portal tenant="acme-travel"></crm-customer-portal>
 *
 * `data-api` on the tag names the API when it is not where the script comes from; `data-locale` forces a
 * language. Registering twice (two tags, or `start` called again) does nothing.
 */
import { configure, type WidgetConfig } from './shared/config.js';
import { CrmCustomerPortal } from './customer-portal/customer-portal.js';

export type { WidgetConfig };

/** Registers `<crm-customer-portal>`. */
export function start(config: WidgetConfig): void {
  configure(config);
  CrmCustomerPortal.define('crm-customer-portal');
}

if (typeof window !== 'undefined' && typeof document !== 'undefined') {
  const url = import.meta.url;
  const script = Array.from(document.querySelectorAll<HTMLScriptElement>('script[src]')).find((s) => s.src === url);
  start({ key: script?.dataset.key ?? '', api: (script?.dataset.api ?? new URL(url).origin).replace(/\/+$/, ''), locale: script?.dataset.locale });
}
