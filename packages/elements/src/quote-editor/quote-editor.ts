import { CrmQuoteEditor } from './quote-editor.component.js';

export { CrmQuoteEditor } from './quote-editor.component.js';

CrmQuoteEditor.define('crm-quote-editor');

declare global {
  interface HTMLElementTagNameMap {
    'crm-quote-editor': CrmQuoteEditor;
  }
}
