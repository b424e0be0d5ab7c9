import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { createMemoryAfterlife, failingAfterlifeClient, pendingAfterlifeClient } from '../test/memory-afterlife.js';
import { withClient } from '../test/story-provider.js';
import './lost-review-admin.js';

const meta: Meta = {
  title: 'Elements/Lost review admin',
  component: 'crm-lost-review-admin',
  render: (_, { globals }) => withClient(createMemoryAfterlife().client, globals, html`<crm-lost-review-admin></crm-lost-review-admin>`),
};
export default meta;

type Story = StoryObj;

/** With data: requests for leads, projects from won deals, lost deals under review. */
export const Filled: Story = {};

/** An agency with nothing yet. */
export const Empty: Story = { render: (_, { globals }) => withClient(createMemoryAfterlife({ empty: true }).client, globals, html`<crm-lost-review-admin></crm-lost-review-admin>`) };

/** While the data loads. */
export const Loading: Story = { render: (_, { globals }) => withClient(pendingAfterlifeClient, globals, html`<crm-lost-review-admin></crm-lost-review-admin>`) };

/** When the API cannot be reached. */
export const Error: Story = { render: (_, { globals }) => withClient(failingAfterlifeClient, globals, html`<crm-lost-review-admin></crm-lost-review-admin>`) };
