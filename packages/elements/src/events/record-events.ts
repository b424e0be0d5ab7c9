import type { Campaign, Customer, Lead } from '@crm/client-sdk';
import { CrmEvent } from './crm-event.js';

/** Fired when the person opens a lead from `<crm-lead-list>` (Enter or click); `detail.lead` is the row. */
export class CrmLeadSelectedEvent extends CrmEvent<{ lead: Lead }> {
  static readonly eventName = 'crm-lead-selected';
  constructor(detail: { lead: Lead }) {
    super(CrmLeadSelectedEvent.eventName, detail);
  }
}

/** Fired when the person opens a customer from `<crm-customer-list>` (Enter or click); `detail.customer` is the row. */
export class CrmCustomerSelectedEvent extends CrmEvent<{ customer: Customer }> {
  static readonly eventName = 'crm-customer-selected';
  constructor(detail: { customer: Customer }) {
    super(CrmCustomerSelectedEvent.eventName, detail);
  }
}

/** Fired when the person opens a campaign from `<crm-campaign-list>` (Enter or click); `detail.campaign` is the row. */
export class CrmCampaignSelectedEvent extends CrmEvent<{ campaign: Campaign }> {
  static readonly eventName = 'crm-campaign-selected';
  constructor(detail: { campaign: Campaign }) {
    super(CrmCampaignSelectedEvent.eventName, detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'crm-lead-selected': CrmLeadSelectedEvent;
    'crm-customer-selected': CrmCustomerSelectedEvent;
    'crm-campaign-selected': CrmCampaignSelectedEvent;
  }
}
