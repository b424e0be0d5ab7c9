import { CrmContactEditor } from './contact-editor.component.js';

export { CrmContactEditor } from './contact-editor.component.js';

CrmContactEditor.define('crm-contact-editor');

declare global {
  interface HTMLElementTagNameMap {
    'crm-contact-editor': CrmContactEditor;
  }
}
