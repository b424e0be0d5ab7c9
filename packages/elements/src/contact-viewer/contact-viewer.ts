import { CrmContactViewer } from './contact-viewer.component.js';

export { CrmContactViewer } from './contact-viewer.component.js';

CrmContactViewer.define('crm-contact-viewer');

declare global {
  interface HTMLElementTagNameMap {
    'crm-contact-viewer': CrmContactViewer;
  }
}
