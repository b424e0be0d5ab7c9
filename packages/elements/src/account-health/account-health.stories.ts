import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { createMemoryAccountHealth, failingAccountHealthClient, pendingAccountHealthClient } from '../test/memory-account-health.js';
import { withClient } from '../test/story-provider.js';
import './account-health.js';

const filled = createMemoryAccountHealth();

const meta: Meta = {
  title: 'Elements/Account health',
  component: 'crm-account-health',
  args: { weeks: 12 },
  render: (args, { globals }) => withClient(filled.client, globals, html`<crm-account-health account-id=${filled.accountId} weeks=${args.weeks as number}></crm-account-health>`),
};
export default meta;

type Story = StoryObj;

/** Twelve weeks; the last one flagged for a drop in activity and two late invoices. */
export const Flagged: Story = {};

/** An account that behaves as usual: no flags. */
export const Calm: Story = {
  render: (_, { globals }) => {
    const calm = createMemoryAccountHealth({ calm: true });
    return withClient(calm.client, globals, html`<crm-account-health account-id=${calm.accountId}></crm-account-health>`);
  },
};

/** An account the weekly job has not recorded yet. */
export const Empty: Story = {
  render: (_, { globals }) => {
    const empty = createMemoryAccountHealth({ empty: true });
    return withClient(empty.client, globals, html`<crm-account-health account-id=${empty.accountId}></crm-account-health>`);
  },
};

/** No account picked yet. */
export const NoAccount: Story = { render: (_, { globals }) => withClient(filled.client, globals, html`<crm-account-health></crm-account-health>`) };

/** While the weeks load. */
export const Loading: Story = { render: (_, { globals }) => withClient(pendingAccountHealthClient, globals, html`<crm-account-health account-id=${filled.accountId}></crm-account-health>`) };

/** When the API cannot be reached. */
export const Error: Story = { render: (_, { globals }) => withClient(failingAccountHealthClient, globals, html`<crm-account-health account-id=${filled.accountId}></crm-account-health>`) };
