import { CrmKbEditor } from './kb-editor.component.js';

export { CrmKbEditor } from './kb-editor.component.js';

CrmKbEditor.define('crm-kb-editor');

declare global {
  interface HTMLElementTagNameMap {
    'crm-kb-editor': CrmKbEditor;
  }
}
