import { CrmProductAdmin } from './product-admin.component.js';

export { CrmProductAdmin } from './product-admin.component.js';

CrmProductAdmin.define('crm-product-admin');

declare global {
  interface HTMLElementTagNameMap {
    'crm-product-admin': CrmProductAdmin;
  }
}
