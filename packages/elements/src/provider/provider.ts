import { CrmProvider } from './provider.component.js';

export { CrmProvider, type CrmTheme } from './provider.component.js';

CrmProvider.define('crm-provider');

declare global {
  interface HTMLElementTagNameMap {
    'crm-provider': CrmProvider;
  }
}
