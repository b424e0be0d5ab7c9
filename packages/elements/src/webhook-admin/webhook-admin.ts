import { CrmWebhookAdmin } from './webhook-admin.component.js';

export { CrmWebhookAdmin } from './webhook-admin.component.js';

CrmWebhookAdmin.define('crm-webhook-admin');

declare global {
  interface HTMLElementTagNameMap {
    'crm-webhook-admin': CrmWebhookAdmin;
  }
}
