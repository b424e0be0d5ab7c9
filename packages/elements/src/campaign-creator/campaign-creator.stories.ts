import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { createMemoryApi } from '../test/memory-api.js';
import { failingClient, pendingClient, withClient } from '../test/story-provider.js';
import './campaign-creator.js';

const meta: Meta = {
  title: 'Elements/Campaign creator',
  component: 'crm-campaign-creator',
  render: (_, { globals }) => withClient(createMemoryApi().client, globals, html`<crm-campaign-creator></crm-campaign-creator>`),
};
export default meta;

type Story = StoryObj;

/** Details, audience (try the "VIPs" segment), message with a preview, schedule, review. */
export const Default: Story = {};

/** A tenant without saved segments or templates: recipients are hand-picked, and the message step says what is missing. */
export const Empty: Story = {
  render: (_, { globals }) => withClient(createMemoryApi({ segments: [], templates: [] }).client, globals, html`<crm-campaign-creator></crm-campaign-creator>`),
};

/** While segments and templates load. */
export const Loading: Story = { render: (_, { globals }) => withClient(pendingClient, globals, html`<crm-campaign-creator></crm-campaign-creator>`) };

/** When the API cannot be reached: an error with "Try again". */
export const Error: Story = { render: (_, { globals }) => withClient(failingClient, globals, html`<crm-campaign-creator></crm-campaign-creator>`) };
