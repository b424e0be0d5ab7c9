import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { createMemoryApi } from '../test/memory-api.js';
import { demoTickets } from '../test/memory-tickets.js';
import { failingClient, pendingClient, withClient } from '../test/story-provider.js';
import './ticket-view.js';

const [first, second] = demoTickets().tickets;

const meta: Meta = {
  title: 'Elements/Ticket view',
  component: 'crm-ticket-view',
  render: (_, { globals }) => withClient(createMemoryApi().client, globals, html`<crm-ticket-view ticket-id=${first!.id}></crm-ticket-view>`),
};
export default meta;

type Story = StoryObj;

/** A ticket with the customer's question, an internal note and the agent's reply; the reply form below. */
export const Default: Story = {};

/** A new ticket with no messages yet. */
export const NoMessages: Story = { render: (_, { globals }) => withClient(createMemoryApi().client, globals, html`<crm-ticket-view ticket-id=${second!.id}></crm-ticket-view>`) };

/** While the ticket loads. */
export const Loading: Story = { render: (_, { globals }) => withClient(pendingClient, globals, html`<crm-ticket-view ticket-id=${first!.id}></crm-ticket-view>`) };

/** When the API cannot be reached: an error with "Try again". */
export const Error: Story = { render: (_, { globals }) => withClient(failingClient, globals, html`<crm-ticket-view ticket-id=${first!.id}></crm-ticket-view>`) };
