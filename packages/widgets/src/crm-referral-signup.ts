import { configure, type WidgetConfig } from './shared/config.js';
import { CrmReferralSignup } from './referral-signup/referral-signup.js';

export type { WidgetConfig };

/** Registers `<crm-referral-signup>` (the loader imports this file when the tag is on the page). */
export function start(config: WidgetConfig): void {
  configure(config);
  CrmReferralSignup.define('crm-referral-signup');
}
