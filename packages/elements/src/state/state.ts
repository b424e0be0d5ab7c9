import { CrmState } from './state.component.js';

export { CrmState, type CrmStateKind } from './state.component.js';

CrmState.define('crm-state');

declare global {
  interface HTMLElementTagNameMap {
    'crm-state': CrmState;
  }
}
