import { CrmNotificationInbox } from './notification-inbox.component.js';

export { CrmNotificationInbox } from './notification-inbox.component.js';

CrmNotificationInbox.define('crm-notification-inbox');

declare global {
  interface HTMLElementTagNameMap {
    'crm-notification-inbox': CrmNotificationInbox;
  }
}
