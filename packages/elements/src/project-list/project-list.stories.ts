import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { createMemoryAfterlife, failingAfterlifeClient, pendingAfterlifeClient } from '../test/memory-afterlife.js';
import { withClient } from '../test/story-provider.js';
import './project-list.js';

const meta: Meta = {
  title: 'Elements/Project list',
  component: 'crm-project-list',
  render: (_, { globals }) => withClient(createMemoryAfterlife().client, globals, html`<crm-project-list></crm-project-list>`),
};
export default meta;

type Story = StoryObj;

/** With data: requests for leads, projects from won deals, lost deals under review. */
export const Filled: Story = {};

/** An agency with nothing yet. */
export const Empty: Story = { render: (_, { globals }) => withClient(createMemoryAfterlife({ empty: true }).client, globals, html`<crm-project-list></crm-project-list>`) };

/** While the data loads. */
export const Loading: Story = { render: (_, { globals }) => withClient(pendingAfterlifeClient, globals, html`<crm-project-list></crm-project-list>`) };

/** When the API cannot be reached. */
export const Error: Story = { render: (_, { globals }) => withClient(failingAfterlifeClient, globals, html`<crm-project-list></crm-project-list>`) };
