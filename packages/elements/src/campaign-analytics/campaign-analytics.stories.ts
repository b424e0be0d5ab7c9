import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { createMemoryCampaignAnalytics, dailyOf, emailAnalyticsOf, failingCampaignAnalyticsClient, mailwizzCampaignOf, pendingCampaignAnalyticsClient } from '../test/memory-campaign-analytics.js';
import { withClient } from '../test/story-provider.js';
import './campaign-analytics.js';

const ours = createMemoryCampaignAnalytics({ daily: dailyOf() });
const oursWithSends = createMemoryCampaignAnalytics({ daily: dailyOf(), email: emailAnalyticsOf(ours.campaign.id) });
const viaMailwizz = createMemoryCampaignAnalytics({ index: 3, mailwizz: mailwizzCampaignOf(ours.campaign.id), daily: dailyOf(10) });
const notPulled = createMemoryCampaignAnalytics({ index: 2, mailwizz: mailwizzCampaignOf(ours.campaign.id, null) });

const meta: Meta = {
  title: 'Elements/Campaign analytics',
  component: 'crm-campaign-analytics',
  render: (_, { globals }) => withClient(oursWithSends.client, globals, html`<crm-campaign-analytics campaign-id=${oursWithSends.campaign.id}></crm-campaign-analytics>`),
};
export default meta;

type Story = StoryObj;

/** Our own sends: figures with rates, results with ROI, the daily chart and the top links. */
export const Default: Story = {};

/** A campaign sent through Mailwizz: the statistics of its last pull, complaints included. */
export const Mailwizz: Story = {
  render: (_, { globals }) => withClient(viaMailwizz.client, globals, html`<crm-campaign-analytics campaign-id=${viaMailwizz.campaign.id}></crm-campaign-analytics>`),
};

/** A Mailwizz campaign whose statistics have not been pulled yet; no cost, so no ROI. */
export const MailwizzNotPulled: Story = {
  render: (_, { globals }) => withClient(notPulled.client, globals, html`<crm-campaign-analytics campaign-id=${notPulled.campaign.id}></crm-campaign-analytics>`),
};

/** Nothing sent yet: the mail section says so; signups and the chart still show. */
export const NothingSent: Story = {
  render: (_, { globals }) => withClient(ours.client, globals, html`<crm-campaign-analytics campaign-id=${ours.campaign.id}></crm-campaign-analytics>`),
};

/** While loading. */
export const Loading: Story = { render: (_, { globals }) => withClient(pendingCampaignAnalyticsClient, globals, html`<crm-campaign-analytics campaign-id="x"></crm-campaign-analytics>`) };

/** When the API cannot be reached: an error with "Try again". */
export const Error: Story = { render: (_, { globals }) => withClient(failingCampaignAnalyticsClient, globals, html`<crm-campaign-analytics campaign-id="x"></crm-campaign-analytics>`) };
