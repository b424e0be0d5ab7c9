// What <crm-campaign-analytics> and the contact viewer's campaign list ask of the API, through the SDK:
// the campaign (`crm.campaigns.get`), its results with a daily series (`crm.campaigns.stats`), the email
// analytics of our own sends (`crm.campaigns.emailAnalytics`), the Mailwizz statistics when the
// campaign went out through Mailwizz (`crm.mailwizz.getCampaign`), and per contact the campaigns that
// reached it (`crm.contacts.campaignEngagement`). Every figure is read from counters and roll-ups the
// API keeps on write: none of these calls scans the recipients.
import type { Campaign, CampaignEmailAnalytics, CampaignEngagement, CampaignStats, CrmClient as SdkClient, MailwizzCampaign } from '@crm/client-sdk';
import { readProblem } from './errors.js';
import type { CrmCallOptions, CrmDataClient } from './transport.js';

export type { CampaignEmailAnalytics, CampaignEngagement, MailwizzCampaign };

/** Everything the analytics element shows about one campaign; a source the API does not have is null. */
export interface CampaignAnalytics {
  campaign: Campaign;
  stats: CampaignStats;
  email: CampaignEmailAnalytics | null;
  mailwizz: MailwizzCampaign | null;
}

/** A refusal that means "this source is not there for this campaign or reader", not a failure. */
const absent = (error: unknown) => [403, 404, 405, 501].includes(readProblem(error).status ?? 0);
const orNull = <T>(call: Promise<T>): Promise<T | null> =>
  call.catch((error: unknown) => {
    if (absent(error)) return null;
    throw error;
  });

/** The campaign, its stats, its email analytics and its Mailwizz statistics, read in parallel. */
export async function loadCampaignAnalytics(client: CrmDataClient, id: string, options?: CrmCallOptions): Promise<CampaignAnalytics> {
  const mailwizz = (client as Partial<Pick<SdkClient, 'mailwizz'>>).mailwizz;
  const [campaign, stats, email, mw] = await Promise.all([
    client.campaigns.get(id, options),
    client.campaigns.stats(id, undefined, options),
    orNull(client.campaigns.emailAnalytics(id, options)),
    typeof mailwizz?.getCampaign === 'function' ? orNull(mailwizz.getCampaign(id, options)) : Promise.resolve(null),
  ]);
  return { campaign, stats, email, mailwizz: mw };
}

/** The campaigns that reached a contact and what it did with each, newest first. */
export async function loadContactCampaigns(client: CrmDataClient, contactId: string, options?: CrmCallOptions): Promise<CampaignEngagement[]> {
  return (await client.contacts.campaignEngagement(contactId, options)).data;
}
