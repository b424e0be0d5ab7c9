import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { createMemoryApi } from '../test/memory-api.js';
import { failingClient, pendingClient, withClient } from '../test/story-provider.js';
import './ticket-list.js';

const meta: Meta = {
  title: 'Elements/Ticket list',
  component: 'crm-ticket-list',
  render: (_, { globals }) => withClient(createMemoryApi().client, globals, html`<crm-ticket-list></crm-ticket-list>`),
};
export default meta;

type Story = StoryObj;

/** The support queue: last update first, with status, priority and "assigned to me" filters. */
export const Default: Story = {};

/** Only urgent tickets. */
export const Urgent: Story = { render: (_, { globals }) => withClient(createMemoryApi().client, globals, html`<crm-ticket-list priority="urgent"></crm-ticket-list>`) };

/** While the queue loads. */
export const Loading: Story = { render: (_, { globals }) => withClient(pendingClient, globals, html`<crm-ticket-list></crm-ticket-list>`) };

/** When the API cannot be reached: an error with "Try again". */
export const Error: Story = { render: (_, { globals }) => withClient(failingClient, globals, html`<crm-ticket-list></crm-ticket-list>`) };
