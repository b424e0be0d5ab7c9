import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { createMemoryApi } from '../test/memory-api.js';
import { failingClient, pendingClient, withClient } from '../test/story-provider.js';
import './campaign-list.js';

interface ListArgs {
  campaigns: number;
  search: string;
  status: string;
  type: string;
  sort: string;
}

const meta: Meta<ListArgs> = {
  title: 'Elements/Campaign list',
  component: 'crm-campaign-list',
  args: { campaigns: 60, search: '', status: '', type: '', sort: '' },
  argTypes: {
    campaigns: { control: { type: 'number', min: 0, max: 10000 }, description: 'Campaigns in the in-memory API' },
    status: { control: 'select', options: ['', 'draft', 'new', 'active', 'inactive', 'discarded'] },
    type: { control: 'select', options: ['', 'email', 'promotion', 'greetings', 'event', 'referral', 'ad'] },
    sort: { control: 'select', options: ['', '-startAt', 'startAt', 'endAt', 'title', '-createdAt', 'status'] },
  },
  render: ({ campaigns, search, status, type, sort }, { globals }) =>
    withClient(createMemoryApi({ campaigns }).client, globals, html`<crm-campaign-list search=${search} status=${status} type=${type} sort=${sort}>
      <button slot="bulk-actions" type="button">Deactivate</button>
    </crm-campaign-list>`),
};
export default meta;

type Story = StoryObj<ListArgs>;

/** Campaigns with status, period, signups, leads and ROI (a campaign without cost shows no ROI). */
export const Default: Story = {};

/** Only active campaigns. */
export const Filtered: Story = { args: { status: 'active' } };

/** Only events. */
export const Events: Story = { args: { type: 'event' } };


/** No campaigns yet. */
export const Empty: Story = { args: { campaigns: 0 } };

/** No campaign matches the search. */
export const NoMatch: Story = { args: { search: 'zzz' } };

/** While loading. */
export const Loading: Story = { render: (_, { globals }) => withClient(pendingClient, globals, html`<crm-campaign-list></crm-campaign-list>`) };

/** When the API cannot be reached. */
export const Error: Story = { render: (_, { globals }) => withClient(failingClient, globals, html`<crm-campaign-list></crm-campaign-list>`) };
