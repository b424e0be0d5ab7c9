import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { createMemoryAfterlife, failingAfterlifeClient, pendingAfterlifeClient } from '../test/memory-afterlife.js';
import { withClient } from '../test/story-provider.js';
import './lead-request-board.js';

const meta: Meta = {
  title: 'Elements/Lead request board',
  component: 'crm-lead-request-board',
  render: (_, { globals }) => withClient(createMemoryAfterlife().client, globals, html`<crm-lead-request-board></crm-lead-request-board>`),
};
export default meta;

type Story = StoryObj;

/** With data: requests for leads, projects from won deals, lost deals under review. */
export const Filled: Story = {};

/** An agency with nothing yet. */
export const Empty: Story = { render: (_, { globals }) => withClient(createMemoryAfterlife({ empty: true }).client, globals, html`<crm-lead-request-board></crm-lead-request-board>`) };

/** While the data loads. */
export const Loading: Story = { render: (_, { globals }) => withClient(pendingAfterlifeClient, globals, html`<crm-lead-request-board></crm-lead-request-board>`) };

/** When the API cannot be reached. */
export const Error: Story = { render: (_, { globals }) => withClient(failingAfterlifeClient, globals, html`<crm-lead-request-board></crm-lead-request-board>`) };
