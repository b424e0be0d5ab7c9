// The event registration widget's entry: the loader imports it when `<crm-event-registration>` is on the page.
import { configure, type WidgetConfig } from './shared/config.js';
import { CrmEventRegistration } from './event-registration/event-registration.js';

/** Registers `<crm-event-registration>`. */
export function start(config: WidgetConfig): void {
  configure(config);
  CrmEventRegistration.define('crm-event-registration');
}
