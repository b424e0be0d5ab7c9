import { CrmOpportunityEditor } from './opportunity-editor.component.js';

export { CrmOpportunityEditor } from './opportunity-editor.component.js';

CrmOpportunityEditor.define('crm-opportunity-editor');

declare global {
  interface HTMLElementTagNameMap {
    'crm-opportunity-editor': CrmOpportunityEditor;
  }
}
