import { CrmMessages } from './messages.component.js';

export { CrmMessages } from './messages.component.js';

CrmMessages.define('crm-messages');

declare global {
  interface HTMLElementTagNameMap {
    'crm-messages': CrmMessages;
  }
}
