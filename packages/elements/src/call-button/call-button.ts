import { CrmCallButton } from './call-button.component.js';

export { CrmCallButton } from './call-button.component.js';

CrmCallButton.define('crm-call-button');

declare global {
  interface HTMLElementTagNameMap {
    'crm-call-button': CrmCallButton;
  }
}
