import { CrmSendStatus } from './send-status.component.js';

export { CrmSendStatus } from './send-status.component.js';

CrmSendStatus.define('crm-send-status');

declare global {
  interface HTMLElementTagNameMap {
    'crm-send-status': CrmSendStatus;
  }
}
