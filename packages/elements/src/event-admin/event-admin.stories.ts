import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { createMemorySalesEvents, failingSalesEventsClient, pendingSalesEventsClient } from '../test/memory-sales-events.js';
import { withClient } from '../test/story-provider.js';
import './event-admin.js';

const meta: Meta = {
  title: 'Elements/Event admin',
  component: 'crm-event-admin',
  render: (_, { globals }) => withClient(createMemorySalesEvents().client, globals, html`<crm-event-admin></crm-event-admin>`),
};
export default meta;

type Story = StoryObj;

/** Two conferences; open one to register people and check them in. */
export const Filled: Story = {};

/** An agency with no events yet. */
export const Empty: Story = { render: (_, { globals }) => withClient(createMemorySalesEvents({ empty: true }).client, globals, html`<crm-event-admin></crm-event-admin>`) };

/** While the data loads. */
export const Loading: Story = { render: (_, { globals }) => withClient(pendingSalesEventsClient, globals, html`<crm-event-admin></crm-event-admin>`) };

/** When the API cannot be reached. */
export const Error: Story = { render: (_, { globals }) => withClient(failingSalesEventsClient, globals, html`<crm-event-admin></crm-event-admin>`) };
