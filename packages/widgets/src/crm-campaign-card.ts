// The card's entry. What both widgets use (Lit, the SDK client, the shared base) is a chunk of its own
// (vite.config.ts), so a page with only a card never downloads the signup form.
import { configure, type WidgetConfig } from './shared/config.js';
import { CrmCampaignCard } from './campaign-card/campaign-card.js';

/** Registers `<crm-campaign-card>` (the loader imports this file when the tag is on the page). */
export function start(config: WidgetConfig): void {
  configure(config);
  CrmCampaignCard.define('crm-campaign-card');
}
