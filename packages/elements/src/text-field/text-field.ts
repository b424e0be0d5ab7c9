import { CrmTextField } from './text-field.component.js';

export { CrmTextField, type CrmTextFieldType } from './text-field.component.js';

CrmTextField.define('crm-text-field');

declare global {
  interface HTMLElementTagNameMap {
    'crm-text-field': CrmTextField;
  }
}
