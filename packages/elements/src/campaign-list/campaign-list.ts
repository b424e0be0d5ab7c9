import { CrmCampaignList } from './campaign-list.component.js';

export { CrmCampaignList } from './campaign-list.component.js';

CrmCampaignList.define('crm-campaign-list');

declare global {
  interface HTMLElementTagNameMap {
    'crm-campaign-list': CrmCampaignList;
  }
}
