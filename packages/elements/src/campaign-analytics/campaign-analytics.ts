import { CrmCampaignAnalytics } from './campaign-analytics.component.js';

export { CrmCampaignAnalytics } from './campaign-analytics.component.js';

CrmCampaignAnalytics.define('crm-campaign-analytics');

declare global {
  interface HTMLElementTagNameMap {
    'crm-campaign-analytics': CrmCampaignAnalytics;
  }
}
