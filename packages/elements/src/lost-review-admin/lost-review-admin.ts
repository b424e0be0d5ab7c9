import { CrmLostReviewAdmin } from './lost-review-admin.component.js';

export { CrmLostReviewAdmin } from './lost-review-admin.component.js';

CrmLostReviewAdmin.define('crm-lost-review-admin');

declare global {
  interface HTMLElementTagNameMap {
    'crm-lost-review-admin': CrmLostReviewAdmin;
  }
}
