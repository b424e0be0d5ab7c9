import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { createMemoryWebhooks, failingWebhooksClient, pendingWebhooksClient } from '../test/memory-webhooks.js';
import { withClient } from '../test/story-provider.js';
import './webhook-admin.js';

const meta: Meta = {
  title: 'Elements/Webhook admin',
  component: 'crm-webhook-admin',
  render: (_, { globals }) => withClient(createMemoryWebhooks().client, globals, html`<crm-webhook-admin></crm-webhook-admin>`),
};
export default meta;

type Story = StoryObj;

/** Two subscriptions, one turned off after persistent failures, and the form to add one. */
export const Subscriptions: Story = {};

/** An agency without subscriptions. */
export const Empty: Story = { render: (_, { globals }) => withClient(createMemoryWebhooks({ empty: true }).client, globals, html`<crm-webhook-admin></crm-webhook-admin>`) };

/** While the subscriptions load. */
export const Loading: Story = { render: (_, { globals }) => withClient(pendingWebhooksClient, globals, html`<crm-webhook-admin></crm-webhook-admin>`) };

/** When the API cannot be reached. */
export const Error: Story = { render: (_, { globals }) => withClient(failingWebhooksClient, globals, html`<crm-webhook-admin></crm-webhook-admin>`) };
