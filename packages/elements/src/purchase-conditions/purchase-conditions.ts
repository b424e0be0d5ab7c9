import { CrmPurchaseConditions } from './purchase-conditions.component.js';

export { CrmPurchaseConditions } from './purchase-conditions.component.js';

CrmPurchaseConditions.define('crm-purchase-conditions');

declare global {
  interface HTMLElementTagNameMap {
    'crm-purchase-conditions': CrmPurchaseConditions;
  }
}
