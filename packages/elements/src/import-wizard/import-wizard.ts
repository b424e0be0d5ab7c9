import { CrmImportWizard } from './import-wizard.component.js';

export { CrmImportWizard } from './import-wizard.component.js';

CrmImportWizard.define('crm-import-wizard');

declare global {
  interface HTMLElementTagNameMap {
    'crm-import-wizard': CrmImportWizard;
  }
}
