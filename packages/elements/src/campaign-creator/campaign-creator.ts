import { CrmCampaignCreator } from './campaign-creator.component.js';

export { CrmCampaignCreator } from './campaign-creator.component.js';

CrmCampaignCreator.define('crm-campaign-creator');

declare global {
  interface HTMLElementTagNameMap {
    'crm-campaign-creator': CrmCampaignCreator;
  }
}
