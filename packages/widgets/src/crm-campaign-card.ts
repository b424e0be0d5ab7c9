// The card's chunk builds on the signup chunk (Lit, the SDK client and the shared base live there),
// so a page with both widgets downloads that code once and the signup alone needs two files.
import { configure, type WidgetConfig } from './crm-referral-signup.js';
import { CrmCampaignCard } from './campaign-card/campaign-card.js';

/** Registers `<crm-campaign-card>` (the loader imports this file when the tag is on the page). */
export function start(config: WidgetConfig): void {
  configure(config);
  CrmCampaignCard.define('crm-campaign-card');
}
