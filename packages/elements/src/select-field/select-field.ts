import { CrmSelectField } from './select-field.component.js';

export { CrmSelectField, type CrmSelectOption } from './select-field.component.js';

CrmSelectField.define('crm-select-field');

declare global {
  interface HTMLElementTagNameMap {
    'crm-select-field': CrmSelectField;
  }
}
