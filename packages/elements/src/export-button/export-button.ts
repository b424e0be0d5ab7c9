import { CrmExportButton } from './export-button.component.js';

export { CrmExportButton } from './export-button.component.js';

CrmExportButton.define('crm-export-button');

declare global {
  interface HTMLElementTagNameMap {
    'crm-export-button': CrmExportButton;
  }
}
